"""Who authored a version: text edits in its language, and every change of the
guide's structure or settings, in any language (guides.services.authoring_events)."""
import pytest

from guide_cms.core.roles import Role
from guide_cms.guides.models import ChangeClass, Section, VersionStatus
from guide_cms.guides.services import guide_update_settings, section_create, section_delete, section_move, section_update_drafts
from guide_cms.review.services import SignatureRefused, version_sign, version_submit
from tests.factories import PASSWORD, GuideFactory, make_user

from .workflow_helpers import also_in_role, approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def editing_reviewer(db):
    """An editor who is also a clinical reviewer of every language: the person the rule is about."""
    return also_in_role(make_user(Role.EDITOR, username="editing_reviewer"), Role.REVIEWER, ("en", "es"))


@pytest.fixture
def other_reviewer(db):
    return make_user(Role.REVIEWER, ("en", "es"), username="other_reviewer")


def sign(version, signer, **kwargs):
    return version_sign(version=version, signer=signer, password=PASSWORD, decision="approve", **kwargs)


STRUCTURAL_CHANGES = {
    "removes the warning section": lambda guide, user: section_delete(section=guide.sections.get(key="warnings"), user=user),
    "moves a section": lambda guide, user: section_move(section=guide.sections.get(key="warnings"), user=user, position=0),
    "adds a section": lambda guide, user: section_create(guide=guide, user=user, key="storage", title="Storage", body="Keep dry."),
    "switches the safety-critical flag": lambda guide, user: guide_update_settings(guide=guide, user=user, safety_critical=True),
    "changes the review interval": lambda guide, user: guide_update_settings(guide=guide, user=user, review_interval_months=36),
    "changes the slug": lambda guide, user: guide_update_settings(guide=guide, user=user, slug="baclofen-tablets"),
}


@pytest.mark.parametrize("change", STRUCTURAL_CHANGES)
def test_who_changes_the_structure_or_settings_cannot_sign_the_next_source_version(guide, editor, editing_reviewer, other_reviewer, change):
    STRUCTURAL_CHANGES[change](guide, editing_reviewer)
    section_update_drafts(section=guide.sections.first(), user=editor, values={"body_en": "Take 5 mg with water."})
    version = version_submit(guide=guide, language="en", user=editor)

    assert editing_reviewer.pk in version.contributor_ids
    with pytest.raises(SignatureRefused, match="cannot sign"):
        sign(version, editing_reviewer)
    assert not version.signatures.exists()

    for reviewer in (other_reviewer, make_user(Role.REVIEWER, ("en",)))[: version.approvals_required]:
        sign(version, reviewer)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


@pytest.mark.parametrize("change", ["removes the warning section", "moves a section", "switches the safety-critical flag"])
def test_a_structural_change_makes_its_author_a_contributor_of_every_languages_next_version(
    guide, editor, translator_es, editing_reviewer, other_reviewer, change
):
    Section.objects.filter(guide=guide, key="warnings").update(title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")
    STRUCTURAL_CHANGES[change](guide, editing_reviewer)
    approve(version_submit(guide=guide, language="en", user=editor), other_reviewer, *([make_user(Role.REVIEWER, ("en",))] if guide.safety_critical else []))
    spanish = version_submit(guide=guide, language="es", user=translator_es)

    assert editing_reviewer.pk in spanish.contributor_ids
    with pytest.raises(SignatureRefused, match="cannot sign"):
        sign(spanish, editing_reviewer)


def test_structural_changes_before_the_last_approved_version_do_not_bar_a_reviewer(guide, editor, editing_reviewer, other_reviewer):
    STRUCTURAL_CHANGES["moves a section"](guide, editing_reviewer)
    approve(version_submit(guide=guide, language="en", user=editor), other_reviewer)
    section_update_drafts(section=guide.sections.first(), user=editor, values={"body_en": "Take 10 mg."})
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)

    assert editing_reviewer.pk not in v2.contributor_ids
    sign(v2, editing_reviewer, change_class_confirmed=ChangeClass.CLINICAL)
    v2.refresh_from_db()
    assert v2.status == VersionStatus.APPROVED


def test_changing_another_guide_does_not_bar_a_reviewer(guide, editor, editing_reviewer):
    other = GuideFactory(slug="other")
    section_create(guide=other, user=editor, key="dosing", title="Dosing", body="Take 1 mg.")
    section_delete(section=other.sections.get(), user=editing_reviewer)

    version = version_submit(guide=guide, language="en", user=editor)

    assert editing_reviewer.pk not in version.contributor_ids
    sign(version, editing_reviewer)
