"""The settings that decide who must sign are signed content: relaxing them takes a version approved under the
stricter rule; tightening takes effect at once; the reviewer sees every setting change."""
import html

import pytest

from guide_cms.core.roles import Role
from guide_cms.guides.models import Section, VersionStatus
from guide_cms.guides.services import guide_update_settings, section_update_drafts
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD, make_user


def sign(version, reviewer):
    version_sign(version=version, signer=reviewer, password=PASSWORD, decision="approve", change_class_confirmed=version.change_class)
    version.refresh_from_db()
    return version


def edit_and_submit(wf, body, change_class="clinical"):
    section_update_drafts(section=Section.objects.get(guide=wf.guide, key="dosing"), user=wf.editor, values={"body_en": body})
    return version_submit(guide=wf.guide, language="en", user=wf.editor, change_class=change_class)


def safety_critical_guide(wf):
    """A safety-critical guide whose English is approved by two reviewers."""
    second = make_user(Role.REVIEWER, ("en", "es"), username="second_reviewer")
    guide_update_settings(guide=wf.guide, user=wf.editor, safety_critical=True)
    first = version_submit(guide=wf.guide, language="en", user=wf.editor)
    assert first.approvals_required == 2
    sign(sign(first, wf.reviewer), second)
    assert first.status == VersionStatus.APPROVED
    return second


def test_unticking_safety_critical_does_not_lower_the_approvals_of_the_version_that_carries_it(workflow, client):
    wf = workflow
    second = safety_critical_guide(wf)
    # One editor unticks the flag and submits a dose change: the two-person rule still holds for this version.
    guide_update_settings(guide=wf.guide, user=wf.editor, safety_critical=False)
    relaxing = edit_and_submit(wf, "Take 50 mg.")
    assert relaxing.approvals_required == 2 and relaxing.snapshot["settings"]["safety_critical"] is False
    assert sign(relaxing, wf.reviewer).status == VersionStatus.IN_REVIEW  # one approval is not enough
    # The reviewer is told, as part of the diff.
    client.force_login(second)
    page = html.unescape(client.get(f"/admin/review/versions/{relaxing.pk}/").content.decode())
    assert "Sign-off settings changed in this version" in page and "Safety-critical: yes → no" in page
    assert "This version relaxes the sign-off rule" in page and "1 of 2 approvals" in page
    assert sign(relaxing, second).status == VersionStatus.APPROVED
    # Approved under the stricter rule: the relaxed rule is now in force.
    assert edit_and_submit(wf, "Take 5 mg.").approvals_required == 1


def test_a_settings_change_alone_is_a_version_to_review(workflow):
    wf = workflow
    safety_critical_guide(wf)
    guide_update_settings(guide=wf.guide, user=wf.editor, safety_critical=False)
    version = version_submit(guide=wf.guide, language="en", user=wf.editor, change_class="editorial")
    assert version.approvals_required == 2 and version.snapshot["settings"] == {"safety_critical": False, "review_interval_months": 12}


def test_ticking_safety_critical_takes_effect_at_once_for_a_version_already_in_review(workflow, client):
    wf = workflow
    version = version_submit(guide=wf.guide, language="en", user=wf.editor)
    assert version.approvals_required == 1
    guide_update_settings(guide=wf.guide, user=wf.editor, safety_critical=True)
    assert sign(version, wf.reviewer).status == VersionStatus.IN_REVIEW
    second = make_user(Role.REVIEWER, ("en",), username="second_reviewer")
    client.force_login(second)
    assert "1 of 2 approvals" in client.get(f"/admin/review/versions/{version.pk}/").content.decode()
    assert sign(version, second).status == VersionStatus.APPROVED


def test_a_translation_needs_two_approvals_until_a_translation_carrying_the_relaxed_rule_is_approved(workflow):
    wf = workflow
    second = safety_critical_guide(wf)
    es = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    sign(sign(es, wf.reviewer), second)
    guide_update_settings(guide=wf.guide, user=wf.editor, safety_critical=False)
    sign(sign(version_submit(guide=wf.guide, language="en", user=wf.editor, change_class="editorial"), wf.reviewer), second)
    # The Spanish rule in force is still the one its last approved version was signed under.
    Section.objects.filter(guide=wf.guide, key="dosing").update(body_es="Tome 5 mg con agua.")
    assert version_submit(guide=wf.guide, language="es", user=wf.translator_es).approvals_required == 2


def test_a_first_translation_is_signed_under_the_rule_the_source_carries_not_the_unticked_flag(workflow, client):
    """Found by an attacker: the flag unticked, a language never approved before needed one approval."""
    wf = workflow
    second = safety_critical_guide(wf)
    guide_update_settings(guide=wf.guide, user=wf.editor, safety_critical=False)
    spanish = version_submit(guide=wf.guide, language="es", user=wf.translator_es)

    assert spanish.approvals_required == 2
    assert sign(spanish, wf.reviewer).status == VersionStatus.IN_REVIEW
    client.force_login(second)
    page = html.unescape(client.get(f"/admin/review/versions/{spanish.pk}/").content.decode())
    assert "Safety-critical: yes → no" in page
    assert sign(spanish, second).status == VersionStatus.APPROVED


def test_a_version_signed_under_a_weaker_rule_is_not_published_again_once_the_guide_is_safety_critical(workflow):
    """Found by an attacker: v1 approved by one reviewer; the guide made safety-critical and v2 approved by two;
    re-publishing v1 would put one signature before patients where two are required."""
    from guide_cms.publishing.services import PublishRefused, publish_version

    wf = workflow
    v1 = wf.approve("en")
    assert v1.approvals_required == 1
    wf.publish(v1)
    second = make_user(Role.REVIEWER, ("en", "es"), username="second_reviewer")
    guide_update_settings(guide=wf.guide, user=wf.editor, safety_critical=True)
    v2 = sign(sign(edit_and_submit(wf, "Please take 5 mg.", change_class="editorial"), wf.reviewer), second)
    wf.publish(v2)

    with pytest.raises(PublishRefused, match="approved with 1 approving signature.*the rules in force now require 2"):
        publish_version(version=v1, user=wf.publisher, channels=["site"])
