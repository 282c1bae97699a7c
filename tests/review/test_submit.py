"""Submitting a guide's drafts in one language as a version for review (review.services.version_submit)."""
import json
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from guide_cms.core.models import AuditEvent
from guide_cms.core.roles import Role
from guide_cms.guides.models import ChangeClass, Version, VersionStatus
from guide_cms.guides.services import guide_update_drafts, section_update_drafts
from guide_cms.guides.snapshots import build_snapshot, content_hash
from guide_cms.review.models import Decision
from guide_cms.review.services import SubmissionRefused, version_sign, version_submit
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def fill_spanish(guide, translator, body="> [!WARNING]\n> No conduzca."):
    section_update_drafts(section=guide.sections.get(key="warnings"), user=translator, values={"title_es": "Advertencias", "body_es": body})


def approve(version, reviewer, **kwargs):
    return version_sign(
        version=version, signer=reviewer, password=PASSWORD, decision=Decision.APPROVE, content_hash_seen=version.content_hash, **kwargs
    )


def approved_source(guide, editor, reviewer):
    version = version_submit(guide=guide, language="en", user=editor)
    approve(version, reviewer)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    return version


# --- freezing ----------------------------------------------------------------


def test_submitting_freezes_the_language_text_into_version_1(guide, editor):
    before = timezone.now()

    version = version_submit(guide=guide, language="en", user=editor)

    version.refresh_from_db()
    assert version.number == 1
    assert version.language == "en"
    assert version.status == VersionStatus.IN_REVIEW
    assert version.author == editor
    assert before <= version.created_at <= timezone.now()
    snapshot = version.snapshot
    assert snapshot["language"] == "en"
    assert snapshot["title"] == "Baclofen"
    assert snapshot["summary"] == "A short summary."
    assert [(s["key"], s["position"], s["title"], s["body"]) for s in snapshot["sections"]] == [
        ("dosing", 1, "Dosing", "Take 5 mg."),
        ("warnings", 2, "Warnings", "> [!WARNING]\n> Do not drive."),
    ]


def test_the_content_hash_is_the_sha256_of_the_canonical_snapshot(guide, editor):
    version = version_submit(guide=guide, language="en", user=editor)

    version.refresh_from_db()
    assert version.content_hash == content_hash(version.snapshot)
    assert version.content_hash == content_hash(build_snapshot(guide, "en", guide.sections.all()))
    assert len(version.content_hash) == 64 and int(version.content_hash, 16) >= 0


def test_the_snapshot_is_in_canonical_section_order_whatever_the_row_order(guide, editor):
    guide.sections.filter(key="dosing").update(position=3)

    version = version_submit(guide=guide, language="en", user=editor)

    assert [s["key"] for s in version.snapshot["sections"]] == ["warnings", "dosing"]


def test_later_draft_edits_do_not_change_the_version(guide, editor):
    version = version_submit(guide=guide, language="en", user=editor)
    frozen_snapshot, frozen_hash = json.loads(json.dumps(version.snapshot)), version.content_hash

    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Take 10 mg."})
    guide_update_drafts(guide=guide, user=editor, values={"title_en": "Baclofen tablets"})

    version.refresh_from_db()
    assert version.snapshot == frozen_snapshot
    assert version.content_hash == frozen_hash
    assert version.snapshot["sections"][0]["body"] == "Take 5 mg."
    assert version.snapshot["title"] == "Baclofen"


def test_submitting_appends_an_audit_event_with_the_hash(guide, editor):
    version = version_submit(guide=guide, language="en", user=editor)

    event = AuditEvent.objects.get(action="version.submit")
    assert event.actor == editor
    assert event.object_id == str(version.pk)
    assert event.scope == f"guide:{guide.pk}:en"
    assert event.data["content_hash"] == version.content_hash
    assert event.data["number"] == 1


# --- problems that block submission -------------------------------------------


def test_an_empty_section_blocks_submission_and_names_the_section(guide, translator_es, editor, reviewer):
    approved_source(guide, editor, reviewer)

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="es", user=translator_es)

    keys = [key for key, _message in refused.value.problems]
    assert "warnings" in keys
    assert "dosing" not in keys
    assert not Version.objects.filter(language="es").exists()


def test_an_empty_source_section_body_blocks_submission(guide, editor):
    guide.sections.filter(key="dosing").update(body_en="   ")

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor)

    assert [key for key, _message in refused.value.problems] == ["dosing"]
    assert not Version.objects.exists()


def test_raw_html_in_a_body_blocks_submission(guide, editor):
    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Take <b>5 mg</b>."})

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor)

    problems = refused.value.problems
    assert [key for key, _message in problems] == ["dosing"]
    assert "HTML" in problems[0][1]
    assert not Version.objects.exists()


def test_a_refused_submission_appends_no_submit_event(guide, editor):
    guide.sections.filter(key="dosing").update(body_en="")

    with pytest.raises(SubmissionRefused):
        version_submit(guide=guide, language="en", user=editor)

    assert not AuditEvent.objects.filter(action="version.submit").exists()


# --- nothing new -----------------------------------------------------------------


def test_submitting_identical_text_twice_creates_no_second_version(guide, editor):
    version_submit(guide=guide, language="en", user=editor)

    with pytest.raises(SubmissionRefused):
        version_submit(guide=guide, language="en", user=editor)

    assert Version.objects.filter(guide=guide, language="en").count() == 1
    assert Version.objects.get().status == VersionStatus.IN_REVIEW


def test_submitting_identical_text_to_an_approved_version_creates_nothing(guide, editor, reviewer):
    approved_source(guide, editor, reviewer)

    with pytest.raises(SubmissionRefused):
        version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    assert Version.objects.filter(guide=guide, language="en").count() == 1


# --- translations ----------------------------------------------------------------


def test_a_translation_cannot_be_submitted_before_the_source_is_approved(guide, editor, translator_es):
    fill_spanish(guide, translator_es)
    version_submit(guide=guide, language="en", user=editor)  # in review, not approved

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="es", user=translator_es)

    assert any("approved" in message for _key, message in refused.value.problems)
    assert not Version.objects.filter(language="es").exists()


def test_a_translation_version_records_the_latest_approved_source_version(guide, editor, translator_es, reviewer):
    approved_source(guide, editor, reviewer)
    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Take 5 mg with water."})
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)
    approve(v2, make_user(Role.REVIEWER, ("en",)), change_class_confirmed=ChangeClass.CLINICAL)
    # A third source version still in review is not what the translation translates.
    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Take 5 mg with food."})
    v3 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)
    assert v3.status == VersionStatus.IN_REVIEW
    fill_spanish(guide, translator_es)

    translation_version = version_submit(guide=guide, language="es", user=translator_es)

    assert translation_version.source_version == v2
    assert translation_version.number == 1
    assert translation_version.change_class == ""


# --- change class ------------------------------------------------------------------


def test_the_first_source_version_needs_no_change_class(guide, editor):
    version = version_submit(guide=guide, language="en", user=editor)

    assert version.change_class == ""


@pytest.mark.parametrize("change_class", ["", "cosmetic"])
def test_a_source_submission_after_an_approval_needs_a_change_class(guide, editor, reviewer, change_class):
    approved_source(guide, editor, reviewer)
    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Take 10 mg."})

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor, change_class=change_class)

    assert any("editorial, clinical or safety" in message for _key, message in refused.value.problems)
    assert Version.objects.filter(language="en").count() == 1


@pytest.mark.parametrize("change_class", [ChangeClass.EDITORIAL, ChangeClass.CLINICAL, ChangeClass.SAFETY])
def test_a_classified_source_submission_after_an_approval_is_accepted(guide, editor, reviewer, change_class):
    approved_source(guide, editor, reviewer)
    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Swallow 5 mg."})

    version = version_submit(guide=guide, language="en", user=editor, change_class=change_class)

    assert version.number == 2
    assert version.change_class == change_class


# --- one open review ------------------------------------------------------------------


def test_a_new_submission_supersedes_the_one_in_review(guide, editor):
    first = version_submit(guide=guide, language="en", user=editor)
    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Take 10 mg."})

    second = version_submit(guide=guide, language="en", user=editor)

    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    assert first.decided_at is not None
    assert second.number == 2
    assert second.status == VersionStatus.IN_REVIEW
    assert Version.objects.filter(guide=guide, language="en", status=VersionStatus.IN_REVIEW).count() == 1
    assert AuditEvent.objects.filter(action="version.supersede", object_id=str(first.pk)).exists()


def test_the_database_allows_only_one_version_in_review_per_guide_and_language(guide, editor):
    first = version_submit(guide=guide, language="en", user=editor)

    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(
            guide=guide,
            language="en",
            number=2,
            snapshot=first.snapshot,
            content_hash="0" * 64,
            author=editor,
            author_label=editor.username,
            created_at=timezone.now(),
            status=VersionStatus.IN_REVIEW,
            approvals_required=1,
        )
    assert Version.objects.filter(guide=guide, language="en").count() == 1


def test_the_in_review_constraint_is_per_language(guide, editor):
    first = version_submit(guide=guide, language="en", user=editor)

    Version.objects.create(
        guide=guide, language="es", number=1, snapshot=first.snapshot, content_hash="0" * 64, author=editor,
        author_label=editor.username, created_at=timezone.now(), status=VersionStatus.IN_REVIEW, approvals_required=1,
    )

    assert Version.objects.filter(guide=guide, status=VersionStatus.IN_REVIEW).count() == 2


# --- who may submit ------------------------------------------------------------------


def test_a_translator_cannot_submit_the_source_language(guide, translator_es):
    with pytest.raises(PermissionDenied):
        version_submit(guide=guide, language="en", user=translator_es)
    assert not Version.objects.exists()


def test_an_editor_cannot_submit_spanish(guide, editor, reviewer, translator_es):
    approved_source(guide, editor, reviewer)
    fill_spanish(guide, translator_es)

    with pytest.raises(PermissionDenied):
        version_submit(guide=guide, language="es", user=editor)
    assert not Version.objects.filter(language="es").exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_reviewer_cannot_submit(guide, reviewer, language):
    with pytest.raises(PermissionDenied):
        version_submit(guide=guide, language=language, user=reviewer)
    assert not Version.objects.exists()


def test_a_translator_cannot_submit_a_language_not_assigned_to_them(guide, editor, reviewer, translator_es):
    approved_source(guide, editor, reviewer)
    translator_vi = make_user(Role.TRANSLATOR, ("vi",))

    with pytest.raises(PermissionDenied):
        version_submit(guide=guide, language="es", user=translator_vi)


# --- no English in a Spanish snapshot ------------------------------------------------------


@pytest.fixture
def english_fallbacks():
    """Turn modeltranslation's fallbacks to English on, as a misconfiguration would."""
    from modeltranslation import settings as mt_settings

    with mock.patch.object(mt_settings, "ENABLE_FALLBACKS", True), mock.patch.object(mt_settings, "FALLBACK_LANGUAGES", {"default": ("en",)}):
        yield


def test_the_spanish_snapshot_never_contains_english_text(guide, english_fallbacks):
    warnings = guide.sections.get(key="warnings")
    with translation.override("es"):
        assert warnings.body == "> [!WARNING]\n> Do not drive."  # the fallback is really on
        snapshot = build_snapshot(guide, "es", guide.sections.all())

    by_key = {s["key"]: s for s in snapshot["sections"]}
    assert by_key["warnings"]["title"] == ""
    assert by_key["warnings"]["body"] == ""
    assert by_key["dosing"]["body"] == "Tome 5 mg."
    text = json.dumps(snapshot, ensure_ascii=False)
    assert "Do not drive" not in text and "Warnings" not in text


def test_a_missing_spanish_text_blocks_submission_instead_of_using_english(guide, editor, reviewer, translator_es, english_fallbacks):
    approved_source(guide, editor, reviewer)

    with translation.override("es"), pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="es", user=translator_es)

    assert "warnings" in [key for key, _message in refused.value.problems]
    assert not Version.objects.filter(language="es").exists()


def test_a_submitted_spanish_version_holds_only_spanish_text(guide, editor, reviewer, translator_es):
    approved_source(guide, editor, reviewer)
    fill_spanish(guide, translator_es)

    version = version_submit(guide=guide, language="es", user=translator_es)

    assert version.snapshot["title"] == "Baclofeno"
    assert version.snapshot["summary"] == "Un resumen breve."
    assert [(s["title"], s["body"]) for s in version.snapshot["sections"]] == [
        ("Dosis", "Tome 5 mg."),
        ("Advertencias", "> [!WARNING]\n> No conduzca."),
    ]
