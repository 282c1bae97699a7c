"""Signing a version: password re-entry, who may sign, the sealed record (review.services.version_sign)."""
import copy
import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.db.models import F
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from guide_cms.core.hashing import to_milliseconds
from guide_cms.core.logins import is_locked, offline_request
from guide_cms.core.models import AuditEvent, LanguageAssignment
from guide_cms.core.permissions import forget_grants
from guide_cms.core.roles import ROLE_GROUPS, Role
from guide_cms.guides.models import ChangeClass, Guide, Version, VersionStatus
from guide_cms.guides.services import section_update_drafts
from guide_cms.review.models import Decision, Meaning, Signature
from guide_cms.review.seals import compute_seal, seal_is_valid
from guide_cms.review.services import SignatureRefused, version_sign, version_submit
from tests.factories import PASSWORD, make_user
from tests.tamper import as_table_owner

pytestmark = pytest.mark.django_db

WRONG = "not the password"


def sign(version, signer, decision=Decision.APPROVE, password=PASSWORD, **kwargs):
    kwargs.setdefault("content_hash_seen", version.content_hash)
    return version_sign(version=version, signer=signer, password=password, decision=decision, **kwargs)


def edit(guide, user, key="dosing", **values):
    section_update_drafts(section=guide.sections.get(key=key), user=user, values=values)


def also_in_role(user, role, languages=()):
    from guide_cms.core.services import account_set_roles

    # Through the audited service, as the admin does (roles are sealed facts).
    groups = [*user.groups.all(), Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]]
    assignments = [*user.language_assignments.values_list("role", "language"), *((role.value, language) for language in languages)]
    account_set_roles(actor=None, user=user, groups=groups, languages=assignments)
    forget_grants(user)
    return user


def fill_spanish(guide, translator):
    edit(guide, translator, key="warnings", title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")


def approved_source(guide, editor, reviewer):
    version = version_submit(guide=guide, language="en", user=editor)
    sign(version, reviewer)
    version.refresh_from_db()
    return version


def status_of(version):
    version.refresh_from_db()
    return version.status


@pytest.fixture
def source_version(guide, editor):
    return version_submit(guide=guide, language="en", user=editor)


# --- the signature record ---------------------------------------------------------------


def test_approving_records_the_signers_name_and_credentials_as_they_were(source_version, reviewer):
    profile = reviewer.staff_profile
    profile.printed_name, profile.credentials = "Dr Ana García", "MD, FRCP"
    profile.save()

    signature = sign(source_version, reviewer)

    profile.printed_name, profile.credentials = "Dr Ana García-López", "MD, PhD"
    profile.save()
    signature = Signature.objects.get(pk=signature.pk)
    assert signature.signer == reviewer
    assert signature.printed_name == "Dr Ana García"
    assert signature.credentials == "MD, FRCP"
    assert seal_is_valid(signature)


def test_a_source_approval_means_clinically_accurate(source_version, reviewer):
    signature = sign(source_version, reviewer)

    signature.refresh_from_db()
    assert signature.meaning == Meaning.CLINICALLY_ACCURATE
    assert signature.meaning_text == "clinically accurate, approved for publication"
    assert signature.decision == Decision.APPROVE


def test_a_translation_approval_means_faithful_translation_of_the_source_version(guide, editor, reviewer, translator_es, second_reviewer):
    v1 = approved_source(guide, editor, reviewer)
    edit(guide, editor, body_en="Take 5 mg with water.")
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)
    sign(v2, second_reviewer, change_class_confirmed=ChangeClass.EDITORIAL)
    fill_spanish(guide, translator_es)
    spanish = version_submit(guide=guide, language="es", user=translator_es)
    assert spanish.source_version == v2 != v1

    signature = sign(spanish, reviewer)

    signature.refresh_from_db()
    assert signature.meaning == Meaning.FAITHFUL_TRANSLATION
    assert signature.meaning_text == "faithful translation of source version 2"
    assert status_of(spanish) == VersionStatus.APPROVED


def test_the_meaning_is_recorded_in_english_whatever_the_interface_language(guide, editor, reviewer, translator_es):
    from django.utils import translation

    approved_source(guide, editor, reviewer)
    fill_spanish(guide, translator_es)
    spanish = version_submit(guide=guide, language="es", user=translator_es)

    with translation.override("es"):
        signature = sign(spanish, reviewer)

    assert signature.meaning_text == "faithful translation of source version 1"


def test_the_signature_is_bound_to_the_versions_content_hash(source_version, reviewer):
    signature = sign(source_version, reviewer)

    signature.refresh_from_db()
    assert signature.content_hash == source_version.content_hash
    assert signature.version == source_version


def test_the_seal_is_valid_when_made_and_after_reloading(source_version, reviewer):
    signature = sign(source_version, reviewer)

    assert seal_is_valid(signature)
    reloaded = Signature.objects.get(pk=signature.pk)
    assert reloaded.seal == signature.seal
    assert seal_is_valid(reloaded)


def test_signed_at_is_stored_in_utc_whatever_the_active_time_zone(source_version, reviewer):
    before = to_milliseconds(timezone.now())
    with timezone.override("Asia/Tokyo"):
        signature = sign(source_version, reviewer)

    reloaded = Signature.objects.get(pk=signature.pk)
    for value in (signature.signed_at, reloaded.signed_at):
        assert value.utcoffset() == datetime.timedelta(0)
        assert before <= value <= timezone.now()
    assert seal_is_valid(reloaded)


def test_a_single_approval_approves_a_guide_that_is_not_safety_critical(guide, source_version, reviewer):
    assert guide.last_approved_on is None

    sign(source_version, reviewer)

    assert status_of(source_version) == VersionStatus.APPROVED
    source_version.refresh_from_db()
    assert source_version.decided_at is not None
    guide.refresh_from_db()
    assert guide.last_approved_on == timezone.now().date()


def test_a_translation_approval_does_not_change_the_guides_approval_date(guide, editor, reviewer, translator_es):
    approved_source(guide, editor, reviewer)
    Guide.objects.filter(pk=guide.pk).update(last_approved_on=datetime.date(2020, 1, 1))
    fill_spanish(guide, translator_es)
    spanish = version_submit(guide=guide, language="es", user=translator_es)

    sign(spanish, reviewer)

    guide.refresh_from_db()
    assert guide.last_approved_on == datetime.date(2020, 1, 1)


def test_signing_appends_audit_events(source_version, reviewer):
    signature = sign(source_version, reviewer)

    signed = AuditEvent.objects.get(action="signature.approve")
    assert signed.actor == reviewer
    assert signed.data["signature"] == signature.pk
    assert signed.data["content_hash"] == source_version.content_hash
    moved = AuditEvent.objects.get(action="version.approved")
    assert moved.data == {"old": "in_review", "new": "approved"}


# --- the password ----------------------------------------------------------------------


def test_a_wrong_password_is_refused_and_nothing_is_signed(source_version, reviewer):
    with pytest.raises(SignatureRefused, match="Wrong password"):
        sign(source_version, reviewer, password=WRONG)

    assert not Signature.objects.exists()
    assert status_of(source_version) == VersionStatus.IN_REVIEW
    failed = AuditEvent.objects.get(action="signature.failed")
    assert failed.actor == reviewer
    assert failed.object_id == str(source_version.pk)


def test_an_empty_password_is_refused(source_version, reviewer):
    with pytest.raises(SignatureRefused):
        sign(source_version, reviewer, password="")

    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action="signature.failed").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_failed_signature_is_committed_even_though_the_signature_is_refused(guide, source_version, reviewer):
    assert not connection.in_atomic_block

    with pytest.raises(SignatureRefused):
        sign(source_version, reviewer, password=WRONG)

    # Autocommit mode and no open transaction: what is there is committed.
    assert not connection.in_atomic_block
    assert AuditEvent.objects.filter(action="signature.failed", actor=reviewer).count() == 1


def fail_times(version, signer, times):
    for _ in range(times):
        with pytest.raises(SignatureRefused, match="Wrong password"):
            sign(version, signer, password=WRONG)


def locked(user):
    return is_locked(offline_request(), user.get_username())


def pass_time(minutes):
    """Let minutes pass for the recorded failures (the throttle keeps them in django-axes' table)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_signing_even_with_the_right_one(source_version, reviewer):
    fail_times(source_version, reviewer, 5)

    with pytest.raises(SignatureRefused, match="locked until"):
        sign(source_version, reviewer)

    assert not Signature.objects.exists()
    assert status_of(source_version) == VersionStatus.IN_REVIEW
    assert locked(reviewer)
    assert AuditEvent.objects.filter(action="signature.failed", data__reason="locked").count() == 1


def test_four_wrong_passwords_do_not_lock_signing(source_version, reviewer):
    fail_times(source_version, reviewer, 4)

    assert not locked(reviewer)
    sign(source_version, reviewer)
    assert status_of(source_version) == VersionStatus.APPROVED


def test_the_lock_applies_to_every_version(source_version, editor, reviewer):
    other = Guide.objects.create(slug="other", title_en="Other")
    other.sections.create(key="dosing", position=1, title_en="Dosing", body_en="Take 1 mg.")
    other_version = version_submit(guide=other, language="en", user=editor)
    fail_times(source_version, reviewer, 5)

    with pytest.raises(SignatureRefused, match="locked"):
        sign(other_version, reviewer)

    assert status_of(other_version) == VersionStatus.IN_REVIEW


def test_the_lock_is_per_signer(source_version, reviewer, second_reviewer):
    fail_times(source_version, reviewer, 5)

    sign(source_version, second_reviewer)

    assert status_of(source_version) == VersionStatus.APPROVED


def test_signing_works_again_after_the_lock_expires(source_version, reviewer):
    fail_times(source_version, reviewer, 5)
    assert locked(reviewer)

    pass_time(15)

    assert not locked(reviewer)
    sign(source_version, reviewer)
    assert status_of(source_version) == VersionStatus.APPROVED


def test_signing_is_still_locked_just_before_the_lock_expires(source_version, reviewer):
    fail_times(source_version, reviewer, 5)

    pass_time(14.9)

    with pytest.raises(SignatureRefused, match="locked"):
        sign(source_version, reviewer)
    assert not Signature.objects.exists()


def test_five_wrong_passwords_spread_over_more_than_15_minutes_do_not_lock(source_version, reviewer):
    fail_times(source_version, reviewer, 4)
    pass_time(30)

    fail_times(source_version, reviewer, 1)

    assert not locked(reviewer)
    sign(source_version, reviewer)
    assert status_of(source_version) == VersionStatus.APPROVED


# --- who may sign ---------------------------------------------------------------------------


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


# --- requesting changes ----------------------------------------------------------------------


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


# --- safety-critical guides ---------------------------------------------------------------------


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


# --- what may be signed ------------------------------------------------------------------------------


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


# --- change class ------------------------------------------------------------------------------


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


# --- tampering with signatures ------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("printed_name", "Dr Somebody Else"),
        ("credentials", "PhD"),
        ("signed_at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("meaning_text", "faithful translation of source version 9"),
        ("comment", "added later"),
        ("content_hash", "a" * 64),
    ],
)
def test_changing_a_sealed_field_breaks_the_seal(source_version, reviewer, field, value):
    signature = sign(source_version, reviewer)
    assert seal_is_valid(Signature.objects.get(pk=signature.pk))

    with as_table_owner():
        Signature.objects.filter(pk=signature.pk).update(**{field: value})

    assert not seal_is_valid(Signature.objects.get(pk=signature.pk))


def test_turning_a_change_request_into_an_approval_breaks_the_seal(source_version, reviewer):
    signature = sign(source_version, reviewer, decision=Decision.REQUEST_CHANGES, comment="Please check the dose.")
    assert seal_is_valid(Signature.objects.get(pk=signature.pk))

    with as_table_owner():
        Signature.objects.filter(pk=signature.pk).update(decision=Decision.APPROVE)

    assert not seal_is_valid(Signature.objects.get(pk=signature.pk))


def test_changing_the_signer_breaks_the_seal(source_version, reviewer, second_reviewer):
    signature = sign(source_version, reviewer)

    with as_table_owner():
        Signature.objects.filter(pk=signature.pk).update(signer=second_reviewer)

    assert not seal_is_valid(Signature.objects.get(pk=signature.pk))


def test_a_seal_cannot_be_moved_to_another_version(guide, editor, reviewer, translator_es):
    source = approved_source(guide, editor, reviewer)
    source_signature = source.signatures.get()
    fill_spanish(guide, translator_es)
    spanish = version_submit(guide=guide, language="es", user=translator_es)

    forged = copy.copy(source_signature)
    forged.pk = None
    forged.version = spanish

    assert seal_is_valid(source_signature)
    assert not seal_is_valid(forged)


def test_a_seal_cannot_be_moved_to_a_version_with_the_same_text(guide, editor, reviewer, second_reviewer):
    v1 = version_submit(guide=guide, language="en", user=editor)
    signature = sign(v1, reviewer, decision=Decision.REQUEST_CHANGES, comment="Please check.")
    edit(guide, editor, body_en="Take 10 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor)
    edit(guide, editor, body_en="Take 5 mg.")
    v3 = version_submit(guide=guide, language="en", user=editor)  # the same text as v1
    assert v3.content_hash == v1.content_hash and v2.status == VersionStatus.IN_REVIEW

    forged = copy.copy(Signature.objects.get(pk=signature.pk))
    forged.pk = None
    forged.version = v3

    assert not seal_is_valid(forged)


def test_a_key_rotation_with_the_old_key_as_fallback_keeps_old_seals_valid(source_version, reviewer, settings):
    old_key = settings.SECRET_KEY
    signature = sign(source_version, reviewer)
    signature = Signature.objects.get(pk=signature.pk)

    with override_settings(SECRET_KEY="a-brand-new-secret-key-for-the-rotation-test-0123456789", SECRET_KEY_FALLBACKS=[old_key]):
        assert seal_is_valid(signature)
    with override_settings(SECRET_KEY="a-brand-new-secret-key-for-the-rotation-test-0123456789", SECRET_KEY_FALLBACKS=[]):
        assert not seal_is_valid(signature)


def test_seals_made_after_a_rotation_use_the_new_key(source_version, reviewer, settings):
    old_key = settings.SECRET_KEY
    new_key = "a-brand-new-secret-key-for-the-rotation-test-0123456789"

    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
        signature = sign(source_version, reviewer)
        signature = Signature.objects.get(pk=signature.pk)
        assert signature.seal == compute_seal(signature, new_key)
        assert seal_is_valid(signature)
    assert not seal_is_valid(signature)


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
