"""The audit chain is keyed: whoever writes the database without the key cannot rewrite history undetected."""
import hashlib

import pytest

from guide_cms.core.audit import GENESIS, Seal, audit_append, event_hash, event_seal, unkeyed_event_hash, verify_chain
from guide_cms.core.hashing import canonical_json
from guide_cms.core.models import AuditChainHead, AuditEvent
from tests.tamper import sql

pytestmark = pytest.mark.django_db


def chain(n=6):
    return [audit_append(actor=None, action="test.event", data={"n": i}) for i in range(n)]


def rewrite_from(index, hasher):
    """Delete event number `index`, relink and rehash every later event with hasher, and move the head:
    what an attacker who can write the database does to make a deletion look consistent."""
    events = list(AuditEvent.objects.order_by("id"))
    victim = events[index]
    sql("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    previous = events[index - 1].hash if index else GENESIS
    for event in events[index + 1:]:
        event.prev_hash = previous
        event.hash = hasher(event)
        sql("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [event.prev_hash, event.hash, event.pk])
        previous = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous, count=len(events) - 1)
    return victim


def test_events_are_sealed_with_an_hmac_under_the_audit_key_not_a_plain_hash():
    event = chain(1)[0]
    assert event.hash == event_hash(event)
    assert event.hash != hashlib.sha256(canonical_json({"x": 1}).encode()).hexdigest()
    assert event.hash != unkeyed_event_hash(event)
    assert event_seal(event) == Seal.KEYED


@pytest.mark.parametrize(
    "hasher",
    [
        pytest.param(unkeyed_event_hash, id="plain SHA-256, as the chain was"),
        pytest.param(lambda event: event_hash(event, key="a guess at the audit key, fifty characters long......"), id="a guessed key"),
    ],
)
def test_deleting_an_event_and_recomputing_every_later_hash_and_the_head_without_the_key_is_reported(hasher):
    chain()
    victim = rewrite_from(2, hasher)

    checked, problems = verify_chain()

    assert checked == 5
    assert problems, f"deleting event {victim.pk} went unnoticed"
    assert any("not sealed with the audit key" in p.message or "was altered" in p.message for p in problems)


def test_events_sealed_with_a_rotated_key_verify_while_it_is_among_the_fallbacks(settings):
    settings.GUIDE_CMS_AUDIT_KEY = "the-old-audit-key-" + "o" * 40
    chain(3)
    settings.GUIDE_CMS_AUDIT_KEY, settings.GUIDE_CMS_AUDIT_KEY_FALLBACKS = "the-new-audit-key-" + "n" * 40, ["the-old-audit-key-" + "o" * 40]
    chain(2)

    assert verify_chain() == (5, [])
    assert [event_seal(e) for e in AuditEvent.objects.order_by("id")] == [Seal.OLD_KEY] * 3 + [Seal.KEYED] * 2

    settings.GUIDE_CMS_AUDIT_KEY_FALLBACKS = []  # the old key dropped too early
    _checked, problems = verify_chain()
    assert [p.event_id for p in problems] == [e.pk for e in AuditEvent.objects.order_by("id")[:3]]


def test_events_written_before_the_chain_was_keyed_verify_before_the_first_keyed_event_only(monkeypatch):
    from guide_cms.core import audit

    with monkeypatch.context() as earlier_release:
        earlier_release.setattr(audit, "event_hash", lambda event, key=None: unkeyed_event_hash(event))
        chain(3)
    chain(2)
    assert verify_chain() == (5, [])

    # After keyed events, an unkeyed hash is a rewrite by someone without the key.
    last = AuditEvent.objects.order_by("-id").first()
    last.data = {"n": "changed"}
    sql("UPDATE core_auditevent SET data = %s, hash = %s WHERE id = %s", ['{"n": "changed"}', unkeyed_event_hash(last), last.pk])
    AuditChainHead.objects.filter(pk=1).update(last_hash=unkeyed_event_hash(last))
    _checked, problems = verify_chain()
    assert [p.event_id for p in problems] == [last.pk, None]
    assert "not sealed with the audit key, though events before it are" in problems[0].message
    assert "the chain head is not sealed with the audit key" in problems[1].message


def test_the_verify_command_says_how_many_events_predate_the_key(monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from guide_cms.core import audit

    with monkeypatch.context() as earlier_release:
        earlier_release.setattr(audit, "event_hash", lambda event, key=None: unkeyed_event_hash(event))
        chain(3)
    chain(1)
    out = StringIO()
    call_command("verify_integrity", stdout=out)
    assert "Integrity OK" in out.getvalue()
    assert "3 audit events were written before the audit chain was keyed" in out.getvalue()
