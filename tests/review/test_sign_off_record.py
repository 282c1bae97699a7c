"""Signing a version, the record: the signer's name and credentials as they were, the meaning, the content hash,
the seal, the time in UTC, the approval date and the audit events (review.services.version_sign)."""
import datetime

import pytest
from django.utils import timezone

from guide_cms.core.hashing import to_milliseconds
from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import ChangeClass, Guide, VersionStatus
from guide_cms.review.models import Decision, Meaning, Signature
from guide_cms.review.seals import seal_is_valid
from guide_cms.review.services import version_submit
from tests.review.sign_off_helpers import approved_source, edit, fill_spanish, sign, status_of

pytestmark = pytest.mark.django_db


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
