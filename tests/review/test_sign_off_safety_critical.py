"""A safety-critical guide needs two approvals by two reviewers (review.services.version_sign)."""

import pytest

from guide_cms.core.roles import Role
from guide_cms.guides.models import Guide, VersionStatus
from guide_cms.review.models import Decision
from guide_cms.review.services import SignatureRefused, version_submit
from tests.factories import make_user
from tests.review.sign_off_helpers import edit, sign, status_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def safety_critical_version(guide, editor):
    Guide.objects.filter(pk=guide.pk).update(safety_critical=True)
    return version_submit(guide=guide, language="en", user=editor)


def test_a_safety_critical_guide_stays_in_review_after_one_approval(guide, safety_critical_version, reviewer):
    sign(safety_critical_version, reviewer)

    assert status_of(safety_critical_version) == VersionStatus.IN_REVIEW
    assert safety_critical_version.signatures.approvals().count() == 1
    guide.refresh_from_db()
    assert guide.last_approved_on is None


def test_switching_the_safety_flag_off_during_review_does_not_lower_the_approvals_needed(guide, safety_critical_version, reviewer, second_reviewer):
    from guide_cms.guides.services import guide_update_settings
    from guide_cms.publishing.services import PublishRefused, publish_version

    guide_update_settings(guide=guide, user=make_user(Role.EDITOR), safety_critical=False)
    sign(safety_critical_version, reviewer)

    assert status_of(safety_critical_version) == VersionStatus.IN_REVIEW
    with pytest.raises(PublishRefused):
        publish_version(version=safety_critical_version, user=make_user(Role.PUBLISHER))
    guide_update_settings(guide=guide, user=make_user(Role.EDITOR), safety_critical=True)
    assert status_of(safety_critical_version) == VersionStatus.IN_REVIEW

    sign(safety_critical_version, second_reviewer)
    assert status_of(safety_critical_version) == VersionStatus.APPROVED


def test_switching_the_safety_flag_on_applies_from_the_next_submission(guide, editor, source_version, reviewer, second_reviewer):
    from guide_cms.guides.services import guide_update_settings

    guide_update_settings(guide=guide, user=make_user(Role.EDITOR), safety_critical=True)
    assert source_version.approvals_required == 1
    edit(guide, editor, body_en="Take 10 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor)

    assert v2.approvals_required == 2
    sign(v2, reviewer)
    assert status_of(v2) == VersionStatus.IN_REVIEW
    sign(v2, second_reviewer)
    assert status_of(v2) == VersionStatus.APPROVED


def test_a_second_approval_by_the_same_reviewer_is_refused(safety_critical_version, reviewer):
    sign(safety_critical_version, reviewer)

    with pytest.raises(SignatureRefused, match="another reviewer"):
        sign(safety_critical_version, reviewer)

    assert safety_critical_version.signatures.count() == 1
    assert status_of(safety_critical_version) == VersionStatus.IN_REVIEW


def test_a_second_reviewers_approval_approves_a_safety_critical_guide(guide, safety_critical_version, reviewer, second_reviewer):
    sign(safety_critical_version, reviewer)

    sign(safety_critical_version, second_reviewer)

    assert status_of(safety_critical_version) == VersionStatus.APPROVED
    assert set(safety_critical_version.signatures.approvals().values_list("signer", flat=True)) == {reviewer.pk, second_reviewer.pk}
    guide.refresh_from_db()
    assert guide.last_approved_on is not None


def test_a_second_reviewer_can_still_request_changes_on_a_safety_critical_guide(safety_critical_version, reviewer, second_reviewer):
    sign(safety_critical_version, reviewer)

    sign(safety_critical_version, second_reviewer, decision=Decision.REQUEST_CHANGES, comment="The warning is incomplete.")

    assert status_of(safety_critical_version) == VersionStatus.CHANGES_REQUESTED
