"""The hash-chained audit trail: appending, immutability, and detecting tampering (core.audit, core.models.AuditEvent)."""
import json

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from guide_cms.core.hashing import to_milliseconds
from guide_cms.core.audit import GENESIS, audit_append, event_hash, verify_chain
from guide_cms.core.models import AuditChainHead, AuditEvent
from guide_cms.core.roles import Role
from guide_cms.guides.services import guide_update_drafts, section_update_drafts
from tests import tamper
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def append(n, actor=None):
    return [audit_append(actor=actor, action=f"test.event{i}", scope="test", data={"i": i}) for i in range(n)]


def raw(sql, params=()):
    tamper.sql(sql, params)  # on PostgreSQL, as the tables' owner with the append-only triggers off


def problems_by_event():
    _checked, problems = verify_chain()
    return {problem.event_id for problem in problems}, problems


# --- the chain ------------------------------------------------------------------------------------


def test_the_first_event_follows_the_genesis_hash():
    first = append(1)[0]

    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.prev_hash == GENESIS == "0" * 64


def test_each_event_holds_the_hash_of_the_one_before():
    events = append(4)

    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    for previous, event in zip(stored, stored[1:], strict=False):
        assert event.prev_hash == previous.hash
    assert len({e.hash for e in stored}) == 4


def test_an_events_hash_covers_its_stored_content():
    append(2, actor=make_user(Role.EDITOR))

    for event in AuditEvent.objects.all():
        assert event.hash == event_hash(event)
        assert len(event.hash) == 64


def test_the_head_records_the_newest_hash_and_the_count():
    events = append(3)

    head = AuditChainHead.objects.get(pk=1)
    assert head.last_hash == events[-1].hash
    assert head.count == 3


def test_events_appended_together_are_one_insert_in_order_and_chain_like_single_ones():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guide_cms.core.audit import audit_append_many

    single = append(1)
    with CaptureQueriesContext(connection) as queries:
        together = audit_append_many([dict(actor=None, action=f"test.batch{i}", scope="test", data={"i": i}) for i in range(3)])
    assert sum(q["sql"].startswith('INSERT INTO "core_auditevent"') for q in queries) == 1
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in single + together]
    assert [e.action for e in stored] == ["test.event0", "test.batch0", "test.batch1", "test.batch2"]
    for previous, event in zip(stored, stored[1:], strict=False):
        assert event.prev_hash == previous.hash and event.hash == event_hash(event)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_hash, head.count) == (together[-1].hash, 4)
    assert problems_by_event() == (set(), [])


def test_an_event_records_who_what_and_when_in_utc(guide):
    editor = make_user(Role.EDITOR)
    before = to_milliseconds(timezone.now())

    event = audit_append(actor=editor, action="guide.test", obj=guide, scope="guide:1:en", data={"old": "a", "new": "b"})

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == editor
    assert stored.actor_label == editor.username
    assert (stored.object_type, stored.object_id) == ("guides.guide", str(guide.pk))
    assert stored.data == {"old": "a", "new": "b"}
    assert before <= stored.created_at <= timezone.now()
    assert stored.created_at.utcoffset().total_seconds() == 0


def test_an_event_without_an_actor_is_by_the_system():
    event = audit_append(actor=None, action="system.test")

    assert AuditEvent.objects.get(pk=event.pk).actor_label == "system"


# --- append-only --------------------------------------------------------------------------------------


def test_saving_an_existing_event_is_refused():
    event = AuditEvent.objects.get(pk=append(1)[0].pk)
    event.data = {"i": 99}

    with pytest.raises(PermissionError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).data == {"i": 0}


def test_deleting_an_event_is_refused():
    event = AuditEvent.objects.get(pk=append(1)[0].pk)

    with pytest.raises(PermissionError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_updating_events_through_a_queryset_is_refused():
    append(2)

    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(data={})
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(action="test.event0").update(actor_label="someone")

    assert AuditEvent.objects.get(action="test.event0").data == {"i": 0}


def test_deleting_events_through_a_queryset_is_refused():
    append(2)

    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(action="test.event1").delete()

    assert AuditEvent.objects.count() == 2


def test_bulk_updating_events_is_refused():
    events = list(AuditEvent.objects.filter(pk__in=[e.pk for e in append(2)]))
    for event in events:
        event.data = {"i": 99}

    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update(events, ["data"])

    assert not AuditEvent.objects.filter(data={"i": 99}).exists()


def test_creating_an_event_other_than_through_audit_append_is_refused():
    with pytest.raises(PermissionError):
        AuditEvent.objects.create(actor_label="x", action="forged", created_at=timezone.now(), prev_hash="f" * 64, hash="e" * 64)

    assert not AuditEvent.objects.exists()


def test_the_admin_cannot_add_change_or_delete_events_even_for_a_superuser():
    superuser = make_user(is_superuser=True, username="root_t")
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site.get_model_admin(AuditEvent)
    event = AuditEvent.objects.get(pk=append(1)[0].pk)

    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


# --- verifying ---------------------------------------------------------------------------------------------


def test_a_clean_chain_verifies_without_problems():
    append(5)

    checked, problems = verify_chain()

    assert checked == 5
    assert problems == []


def test_an_empty_trail_verifies_without_problems():
    assert verify_chain() == (0, [])


def test_editing_an_events_data_with_raw_sql_is_detected_and_named():
    events = append(3)
    target = events[1]

    raw("UPDATE core_auditevent SET data = %s WHERE id = %s", [json.dumps({"i": 42}), target.pk])

    ids, problems = problems_by_event()
    assert target.pk in ids
    assert any(str(target.pk) in problem.message for problem in problems)


def test_editing_an_event_and_recomputing_its_hash_is_detected_at_the_next_event():
    events = append(3)
    target = AuditEvent.objects.get(pk=events[1].pk)
    target.actor_label = "somebody else"
    raw("UPDATE core_auditevent SET actor_label = %s, hash = %s WHERE id = %s", [target.actor_label, event_hash(target), target.pk])

    ids, _problems = problems_by_event()

    assert events[2].pk in ids


def test_editing_the_newest_event_and_its_hash_is_detected_by_the_head():
    events = append(3)
    target = AuditEvent.objects.get(pk=events[2].pk)
    target.data = {"i": 7}
    raw("UPDATE core_auditevent SET data = %s, hash = %s WHERE id = %s", [json.dumps(target.data), event_hash(target), target.pk])

    _checked, problems = verify_chain()

    assert problems


def test_deleting_a_middle_event_with_raw_sql_is_detected_and_the_gap_named():
    events = append(4)

    raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])

    ids, problems = problems_by_event()
    assert events[2].pk in ids
    assert any(str(events[2].pk) in problem.message for problem in problems)
    assert events[0].pk not in ids


def test_deleting_the_newest_event_with_raw_sql_is_detected():
    events = append(4)

    raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])

    checked, problems = verify_chain()
    assert checked == 3
    assert len(problems) == 1
    assert "4" in problems[0].message and "3" in problems[0].message


def test_deleting_the_first_event_with_raw_sql_is_detected():
    events = append(3)

    raw("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk])

    ids, _problems = problems_by_event()
    assert events[1].pk in ids


def test_deleting_every_event_is_detected_by_the_head():
    append(2)

    raw("DELETE FROM core_auditevent")

    checked, problems = verify_chain()
    assert checked == 0
    assert problems


# --- draft edits are audited -------------------------------------------------------------------------------


def test_a_draft_edit_appends_an_event_with_old_and_new_text(guide, translator_es):
    section = guide.sections.get(key="dosing")

    section_update_drafts(section=section, user=translator_es, values={"body_es": "Tome 10 mg."})

    event = AuditEvent.objects.get(action="draft.edit")
    assert event.actor == translator_es
    assert event.scope == f"guide:{guide.pk}:es"
    assert (event.object_type, event.object_id) == ("guides.section", str(section.pk))
    assert event.data == {"field": "body_es", "old": "Tome 5 mg.", "new": "Tome 10 mg."}
    assert verify_chain()[1] == []


def test_each_changed_column_is_its_own_event_in_its_languages_scope(guide, editor):
    section = guide.sections.get(key="dosing")

    section_update_drafts(section=section, user=editor, values={"title_en": "Dose", "body_en": "Take 10 mg."})

    events = {e.data["field"]: e for e in AuditEvent.objects.filter(action="draft.edit")}
    assert set(events) == {"title_en", "body_en"}
    assert events["title_en"].data["old"] == "Dosing" and events["title_en"].data["new"] == "Dose"
    assert events["body_en"].data["old"] == "Take 5 mg." and events["body_en"].data["new"] == "Take 10 mg."
    assert {e.scope for e in events.values()} == {f"guide:{guide.pk}:en"}


def test_an_edit_that_changes_nothing_appends_no_event(guide, editor):
    section_update_drafts(section=guide.sections.get(key="dosing"), user=editor, values={"body_en": "Take 5 mg."})

    assert not AuditEvent.objects.filter(action="draft.edit").exists()


def test_an_edit_of_the_guide_title_is_audited(guide, translator_es):
    guide_update_drafts(guide=guide, user=translator_es, values={"title_es": "Baclofeno oral"})

    event = AuditEvent.objects.get(action="draft.edit")
    assert event.scope == f"guide:{guide.pk}:es"
    assert event.data == {"field": "title_es", "old": "Baclofeno", "new": "Baclofeno oral"}


def test_an_event_with_nul_characters_is_recorded_and_verifies(db):
    """Whatever bytes a client sent, a refusal or an import is on record (PostgreSQL stores no NUL)."""
    event = audit_append(actor=None, action="access.refused", scope="guide:1:es\x00", data={"path": "/admin/\x00", "list": ["a\x00"]})

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == {"path": "/admin/\ufffd", "list": ["a\ufffd"]} and stored.scope == "guide:1:es\ufffd"
    assert verify_chain()[1] == []
