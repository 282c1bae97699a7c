"""verify_integrity catches tampering done behind the application's back; guide_status prints states."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guide_cms.core.models import AuditEvent
from guide_cms.review.models import Signature
from tests.tamper import verify_integrity
from tests import tamper

from .workflow_helpers import approved_source


@pytest.fixture
def signed(guide, editor):
    return approved_source(guide, editor)


def sql(statement, params):
    tamper.sql(statement, params)  # on PostgreSQL, as the tables' owner with the append-only triggers off


def test_untouched_history_verifies(signed):
    code, output = verify_integrity()
    assert code == 0
    assert "Integrity OK" in output and "1 version, 1 signature," in output


def test_edited_snapshot_is_caught(signed):
    snapshot = dict(signed.snapshot)
    snapshot["sections"][0]["body"] = "Take 50 mg."
    sql("UPDATE guides_version SET snapshot = %s WHERE id = %s", [json.dumps(snapshot), signed.pk])
    code, output = verify_integrity()
    assert code == 1
    assert f"version {signed} (id {signed.pk}): its snapshot no longer matches" in output


def test_snapshot_and_hash_edited_together_break_the_signature(signed):
    from guide_cms.guides.snapshots import content_hash

    snapshot = dict(signed.snapshot)
    snapshot["sections"][0]["body"] = "Take 50 mg."
    sql("UPDATE guides_version SET snapshot = %s, content_hash = %s WHERE id = %s", [json.dumps(snapshot), content_hash(snapshot), signed.pk])
    code, output = verify_integrity()
    assert code == 1 and "signs a content hash that is not its version's" in output


def test_edited_signature_is_caught(signed):
    signature = Signature.objects.get(version=signed)
    sql("UPDATE review_signature SET printed_name = %s WHERE id = %s", ["Dr Somebody Else", signature.pk])
    code, output = verify_integrity()
    assert code == 1 and f"signature {signature.pk}" in output and "seal does not match" in output


def test_signature_moved_to_another_version_is_caught(signed, guide, translator_es):
    from guide_cms.guides.models import Section
    from guide_cms.review.services import version_submit

    Section.objects.filter(key="dosing").update(title_es="Dosis", body_es="Tome 5 mg.")
    Section.objects.filter(key="warnings").update(title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")
    other = version_submit(guide=guide, language="es", user=translator_es)
    signature = Signature.objects.get(version=signed)
    sql("UPDATE review_signature SET version_id = %s, content_hash = %s WHERE id = %s", [other.pk, other.content_hash, signature.pk])
    code, output = verify_integrity()
    assert code == 1 and "seal does not match" in output


def test_edited_audit_event_is_caught(signed):
    event = AuditEvent.objects.filter(action="version.submit").get()
    sql("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", event.pk])
    code, output = verify_integrity()
    assert code == 1 and f"event {event.pk} (version.submit) was altered" in output


def test_deleted_audit_event_is_caught(signed):
    event = AuditEvent.objects.filter(action="version.submit").get()
    sql("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    code, output = verify_integrity()
    assert code == 1 and "does not follow the event before it" in output


def test_deleted_newest_events_are_caught(signed):
    newest = AuditEvent.objects.order_by("-id").first()
    sql("DELETE FROM core_auditevent WHERE id = %s", [newest.pk])
    code, output = verify_integrity()
    assert code == 1 and "newest events were deleted" in output


def test_guide_status_prints_each_language(signed, guide):
    out = StringIO()
    call_command("guide_status", "baclofen", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["guide", "en", "es", "ar", "zh-hans", "vi"]
    assert lines[1].split()[:3] == ["baclofen", "approved", "v1"]
    assert "draft" in lines[1] and "not started" in lines[1]


def test_guide_status_unknown_slug_is_an_error(db):
    with pytest.raises(CommandError, match="No guide with slug 'nope'"):
        call_command("guide_status", "nope")


@pytest.mark.parametrize("decision", ["in review", "changes requested"])
def test_a_version_deleted_with_its_signatures_is_caught(signed, editor, decision):
    from guide_cms.guides.models import Section, Version
    from guide_cms.guides.services import section_update_drafts
    from guide_cms.review.services import version_sign, version_submit
    from tests.factories import PASSWORD

    section_update_drafts(section=Section.objects.get(guide=signed.guide, key="dosing"), user=editor, values={"body_en": "Take 50 mg."})
    second = version_submit(guide=signed.guide, language="en", user=editor, change_class="clinical")
    if decision == "changes requested":
        reviewer = Signature.objects.get(version=signed).signer
        version_sign(version=second, signer=reviewer, password=PASSWORD, decision="request_changes", comment="Check the dose.")
    assert verify_integrity()[0] == 0
    sql("DELETE FROM review_signature WHERE version_id = %s", [second.pk])
    sql("DELETE FROM guides_version WHERE id = %s", [second.pk])
    assert not Version.objects.filter(pk=second.pk).exists()
    code, output = verify_integrity()
    assert code == 1
    assert f"version v2 of guide:{signed.guide.pk}:en (id {second.pk}) was submitted" in output and "its row is gone" in output
