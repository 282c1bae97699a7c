"""Who may sign a version: not its author nor who edited it since the last approved version, only a clinical reviewer
of its language with a printed name (review.services.version_sign)."""

import pytest

from guide_cms.core.models import LanguageAssignment
from guide_cms.core.roles import Role
from guide_cms.guides.models import ChangeClass, Guide, VersionStatus
from guide_cms.review.models import Decision, Signature
from guide_cms.review.services import SignatureRefused, version_submit
from tests.factories import make_user
from tests.review.sign_off_helpers import WRONG, approved_source, edit, fill_spanish, sign, status_of
from tests.review.workflow_helpers import also_in_role

pytestmark = pytest.mark.django_db


def test_the_author_cannot_sign_their_own_version(guide):
    author = also_in_role(make_user(Role.REVIEWER, ("en",)), Role.EDITOR)
    version = version_submit(guide=guide, language="en", user=author)

    with pytest.raises(SignatureRefused, match="cannot sign"):
        sign(version, author)

    assert not Signature.objects.exists()
    assert status_of(version) == VersionStatus.IN_REVIEW


def test_an_editor_who_edited_the_drafts_since_the_previous_version_cannot_sign(guide, editor):
    editing_reviewer = also_in_role(make_user(Role.REVIEWER, ("en",)), Role.EDITOR)
    edit(guide, editing_reviewer, body_en="Take 5 mg twice a day.")
    version = version_submit(guide=guide, language="en", user=editor)

    with pytest.raises(SignatureRefused, match="cannot sign"):
        sign(version, editing_reviewer)

    assert editing_reviewer.pk in version.contributor_ids
    assert not Signature.objects.exists()


def test_a_translator_who_edited_the_spanish_drafts_cannot_sign_the_spanish_version(guide, editor, reviewer, translator_es):
    approved_source(guide, editor, reviewer)
    translating_reviewer = also_in_role(make_user(Role.REVIEWER, ("es",)), Role.TRANSLATOR, ("es",))
    fill_spanish(guide, translating_reviewer)
    edit(guide, translator_es, body_es="Tome 5 mg con agua.")
    version = version_submit(guide=guide, language="es", user=translator_es)

    with pytest.raises(SignatureRefused, match="cannot sign"):
        sign(version, translating_reviewer)

    sign(version, reviewer)
    assert status_of(version) == VersionStatus.APPROVED


def test_edits_before_the_previous_version_do_not_bar_a_reviewer(guide, editor, reviewer):
    editing_reviewer = also_in_role(make_user(Role.REVIEWER, ("en",)), Role.EDITOR)
    edit(guide, editing_reviewer, body_en="Take 5 mg twice a day.")
    v1 = version_submit(guide=guide, language="en", user=editor)
    sign(v1, reviewer)
    edit(guide, editor, body_en="Take 5 mg three times a day.")
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)

    sign(v2, editing_reviewer, change_class_confirmed=ChangeClass.CLINICAL)

    assert status_of(v2) == VersionStatus.APPROVED


@pytest.mark.parametrize("first_outcome", [VersionStatus.SUPERSEDED, VersionStatus.CHANGES_REQUESTED])
def test_edits_since_the_last_approved_version_bar_a_reviewer_even_across_unapproved_versions(guide, editor, reviewer, first_outcome):
    editing_reviewer = also_in_role(make_user(Role.REVIEWER, ("en",)), Role.EDITOR)
    edit(guide, editing_reviewer, body_en="Take 50 mg.")  # never reviewed by anyone else
    v1 = version_submit(guide=guide, language="en", user=editor)
    if first_outcome == VersionStatus.CHANGES_REQUESTED:
        sign(v1, reviewer, decision=Decision.REQUEST_CHANGES, comment="Fix the typo in the title.")
    Guide.objects.filter(pk=guide.pk).update(title_en="Baclofen tablets")
    v2 = version_submit(guide=guide, language="en", user=editor)
    assert status_of(v1) == first_outcome
    assert v2.snapshot["sections"][0]["body"] == "Take 50 mg."

    with pytest.raises(SignatureRefused, match="cannot sign"):
        sign(v2, editing_reviewer)


def test_editing_another_language_does_not_bar_a_reviewer(guide, editor, reviewer):
    approved_source(guide, editor, reviewer)
    bilingual = also_in_role(make_user(Role.REVIEWER, ("en",)), Role.TRANSLATOR, ("es",))
    fill_spanish(guide, bilingual)
    edit(guide, editor, body_en="Take 10 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)

    sign(v2, bilingual, change_class_confirmed=ChangeClass.CLINICAL)

    assert status_of(v2) == VersionStatus.APPROVED


def test_the_reviewer_who_approved_the_previous_version_may_approve_the_next(guide, editor, reviewer):
    approved_source(guide, editor, reviewer)
    edit(guide, editor, body_en="Take 10 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)

    assert reviewer.pk not in v2.contributor_ids
    sign(v2, reviewer, change_class_confirmed=ChangeClass.CLINICAL)
    assert status_of(v2) == VersionStatus.APPROVED


def test_the_reviewer_who_requested_changes_may_approve_the_corrected_version(source_version, guide, editor, reviewer):
    sign(source_version, reviewer, decision=Decision.REQUEST_CHANGES, comment="5 mg is too low for adults.")
    edit(guide, editor, body_en="Take 10 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor)

    sign(v2, reviewer)

    assert status_of(v2) == VersionStatus.APPROVED


def test_a_mistyped_password_does_not_make_the_reviewer_a_contributor(source_version, guide, editor, reviewer):
    with pytest.raises(SignatureRefused):
        sign(source_version, reviewer, password=WRONG)
    edit(guide, editor, body_en="Take 10 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor)

    assert reviewer.pk not in v2.contributor_ids


def test_a_reviewer_not_assigned_to_the_language_is_refused(source_version):
    spanish_reviewer = make_user(Role.REVIEWER, ("es",))

    with pytest.raises(SignatureRefused, match="not a clinical reviewer for English"):
        sign(source_version, spanish_reviewer)

    assert not Signature.objects.exists()


def test_a_translator_is_refused(guide, editor, reviewer, translator_es):
    approved_source(guide, editor, reviewer)
    other_translator = make_user(Role.TRANSLATOR, ("es",))
    fill_spanish(guide, translator_es)
    version = version_submit(guide=guide, language="es", user=translator_es)

    with pytest.raises(SignatureRefused, match="not a clinical reviewer"):
        sign(version, other_translator)

    assert not version.signatures.exists()


def test_an_editor_is_refused(guide, source_version):
    other_editor = make_user(Role.EDITOR)

    with pytest.raises(SignatureRefused, match="not a clinical reviewer"):
        sign(source_version, other_editor)


def test_a_reviewer_assignment_without_the_group_grants_nothing(source_version):
    user = make_user(Role.EDITOR)
    LanguageAssignment.objects.create(user=user, role=Role.REVIEWER.value, language="en")

    with pytest.raises(SignatureRefused, match="not a clinical reviewer"):
        sign(source_version, user)


def test_a_reviewer_without_a_printed_name_is_refused(source_version, reviewer):
    reviewer.staff_profile.printed_name = "  "
    reviewer.staff_profile.save()

    with pytest.raises(SignatureRefused, match="printed name"):
        sign(source_version, reviewer)

    assert not Signature.objects.exists()
