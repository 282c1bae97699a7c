"""Requesting changes instead of approving: a comment is needed, the version goes back (review.services.version_sign)."""

import pytest

from guide_cms.guides.models import VersionStatus
from guide_cms.review.models import Decision, Signature
from guide_cms.review.seals import seal_is_valid
from guide_cms.review.services import SignatureRefused
from tests.review.sign_off_helpers import sign, status_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_requesting_changes_needs_a_comment(source_version, reviewer, comment):
    with pytest.raises(SignatureRefused, match="comment"):
        sign(source_version, reviewer, decision=Decision.REQUEST_CHANGES, comment=comment)

    assert not Signature.objects.exists()
    assert status_of(source_version) == VersionStatus.IN_REVIEW


def test_requesting_changes_with_a_comment_returns_the_version(guide, source_version, reviewer):
    signature = sign(source_version, reviewer, decision=Decision.REQUEST_CHANGES, comment="  State the maximum daily dose.  ")

    assert status_of(source_version) == VersionStatus.CHANGES_REQUESTED
    signature.refresh_from_db()
    assert signature.decision == Decision.REQUEST_CHANGES
    assert signature.comment == "State the maximum daily dose."
    assert seal_is_valid(signature)
    guide.refresh_from_db()
    assert guide.last_approved_on is None


def test_an_unknown_decision_is_refused(source_version, reviewer):
    with pytest.raises(SignatureRefused):
        sign(source_version, reviewer, decision="maybe")

    assert not Signature.objects.exists()
    assert status_of(source_version) == VersionStatus.IN_REVIEW
