"""A classified change is approved only with its class confirmed; a safety change withdraws the translations
(review.services.version_sign, review.checks)."""

import pytest

from guide_cms.guides.models import ChangeClass, VersionStatus
from guide_cms.review.models import Decision
from guide_cms.review.services import SignatureRefused, version_submit
from tests.review.sign_off_helpers import approved_source, edit, sign, status_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinical_v2(guide, editor, reviewer):
    approved_source(guide, editor, reviewer)
    edit(guide, editor, body_en="Take 10 mg.")
    return version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)


@pytest.mark.parametrize("confirmed", ["", ChangeClass.EDITORIAL, ChangeClass.SAFETY])
def test_approving_a_classified_change_needs_the_class_confirmed(clinical_v2, second_reviewer, confirmed):
    with pytest.raises(SignatureRefused, match="Confirm the change class"):
        sign(clinical_v2, second_reviewer, change_class_confirmed=confirmed)

    assert not clinical_v2.signatures.exists()
    assert status_of(clinical_v2) == VersionStatus.IN_REVIEW


def test_approving_with_the_class_confirmed_approves(clinical_v2, second_reviewer):
    sign(clinical_v2, second_reviewer, change_class_confirmed=ChangeClass.CLINICAL)

    assert status_of(clinical_v2) == VersionStatus.APPROVED


def test_requesting_changes_on_a_classified_change_needs_no_confirmation(clinical_v2, second_reviewer):
    sign(clinical_v2, second_reviewer, decision=Decision.REQUEST_CHANGES, comment="This is a safety change, not clinical.")

    assert status_of(clinical_v2) == VersionStatus.CHANGES_REQUESTED


def test_a_deployment_without_the_safety_withdrawal_does_not_pass_its_system_checks():
    """The withdrawal of translations after a safety change is connected by publishing's ready(), not named in
    settings a deployment could override: without it, manage.py check fails."""
    from guide_cms.review.checks import safety_withdrawal_registered
    from guide_cms.review.signals import SAFETY_WITHDRAWAL, source_approved

    assert safety_withdrawal_registered() == []
    receiver = next(entry[1]() for entry in source_approved.receivers if entry[0][0] == SAFETY_WITHDRAWAL)
    source_approved.disconnect(dispatch_uid=SAFETY_WITHDRAWAL)
    try:
        [error] = safety_withdrawal_registered()
        assert error.id == "review.E001" and "safety change" in error.msg
    finally:
        source_approved.connect(receiver, dispatch_uid=SAFETY_WITHDRAWAL)
    assert safety_withdrawal_registered() == []
