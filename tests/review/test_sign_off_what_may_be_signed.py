"""What may be signed: only a version in review, only the text the reviewer saw, only an unaltered version
(review.services.version_sign)."""
import copy

import pytest

from guide_cms.guides.models import Version, VersionStatus
from guide_cms.review.models import Signature
from guide_cms.review.services import SignatureRefused, version_submit
from tests.review.sign_off_helpers import edit, sign, status_of
from tests.tamper import as_table_owner

pytestmark = pytest.mark.django_db


def test_signing_a_superseded_version_is_refused(guide, source_version, editor, reviewer):
    edit(guide, editor, body_en="Take 10 mg.")
    version_submit(guide=guide, language="en", user=editor)
    assert status_of(source_version) == VersionStatus.SUPERSEDED

    with pytest.raises(SignatureRefused, match="not in review"):
        sign(source_version, reviewer)

    assert not source_version.signatures.exists()
    assert status_of(source_version) == VersionStatus.SUPERSEDED


def test_signing_an_approved_version_again_is_refused(source_version, reviewer, second_reviewer):
    sign(source_version, reviewer)

    with pytest.raises(SignatureRefused, match="not in review"):
        sign(source_version, second_reviewer)

    assert source_version.signatures.count() == 1


def test_approving_after_the_text_changed_is_refused(source_version, reviewer):
    with pytest.raises(SignatureRefused, match="not this version's text"):
        sign(source_version, reviewer, content_hash_seen="f" * 64)

    assert not Signature.objects.exists()
    assert status_of(source_version) == VersionStatus.IN_REVIEW


def test_a_version_whose_stored_text_was_altered_cannot_be_signed(source_version, reviewer):
    snapshot = copy.deepcopy(source_version.snapshot)
    snapshot["sections"][0]["body"] = "Take 50 mg."
    with as_table_owner():
        Version.objects.filter(pk=source_version.pk).update(snapshot=snapshot)

    with pytest.raises(SignatureRefused, match="content hash"):
        sign(source_version, reviewer)

    assert not Signature.objects.exists()
