"""The hash-chained audit trail: append events, and verify the chain.

Each event stores the hash of the one before it, so editing or deleting any
event (or dropping the newest ones) breaks the chain where it happened.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .hashing import canonical_time, legacy_time, sha256_hex, to_milliseconds

GENESIS = "0" * 64


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def _storable(value):
    """value with NUL characters shown as U+FFFD: PostgreSQL stores no NUL in text or JSON,
    and a refusal or an import must be recorded whatever bytes a client sent."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(v) for v in value]
    return value


def event_payload(event, time=canonical_time) -> dict:
    """The fields an event's hash covers."""
    return {
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "scope": event.scope,
        "data": event.data,
        "created_at": time(event.created_at),
        "prev_hash": event.prev_hash,
    }


def event_hash(event) -> str:
    return sha256_hex(event_payload(event))


def legacy_event_hash(event) -> str:
    """The hash of an event written before timestamps were kept to the millisecond."""
    return sha256_hex(event_payload(event, time=legacy_time))


def is_legacy_event(event) -> bool:
    """Whether event verifies only in the legacy form (its microseconds count)."""
    return event.hash == legacy_event_hash(event)


def audit_append(*, actor, action: str, obj=None, scope: str = "", data: dict | None = None, object_type: str = "", object_id: str = ""):
    """Append one event to the chain, inside the caller's transaction."""
    from .models import AuditChainHead, AuditEvent

    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        if obj is not None:
            object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
            object_id = str(obj.pk)
        event = AuditEvent(
            actor_id=getattr(actor, "pk", None),
            actor_label=actor_label(actor),
            action=action,
            object_type=object_type,
            object_id=object_id,
            scope=_storable(scope),
            data=_storable(data or {}),
            created_at=to_milliseconds(timezone.now()),
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        AuditEvent.objects.bulk_create([event])
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
        # Later apps act on events (notifications), named in settings so core imports none of them.
        for subscriber in _subscribers():
            subscriber(event)
    return event


def _subscribers():
    from django.conf import settings
    from django.utils.module_loading import import_string

    return [import_string(path) for path in getattr(settings, "GUIDE_CMS_AUDIT_SUBSCRIBERS", ())]


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str


def verify_chain(legacy: list[int] | None = None) -> tuple[int, list[ChainProblem]]:
    """Walk every event in order; return (events checked, problems).

    Events written before timestamps were kept to the millisecond verify in
    their legacy form; their ids are appended to legacy when given.
    """
    from .models import AuditChainHead, AuditEvent

    problems: list[ChainProblem] = []
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != previous:
            problems.append(ChainProblem(event.id, f"event {event.id} ({event.action}) does not follow the event before it: an event was deleted or altered before it"))
        if event_hash(event) != event.hash:
            if is_legacy_event(event):
                if legacy is not None:
                    legacy.append(event.id)
            else:
                problems.append(ChainProblem(event.id, f"event {event.id} ({event.action}) was altered: its content no longer matches its hash"))
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_hash != previous or head.count != checked:
            problems.append(
                ChainProblem(None, f"the chain ends at {checked} events, but {head.count} were written: the newest events were deleted or the head was altered")
            )
    elif checked:
        problems.append(ChainProblem(None, "the chain head is missing"))
    return checked, problems
