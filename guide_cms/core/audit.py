"""The keyed, hash-chained audit trail: append events, and verify the chain.

Each event stores the hash of the one before it, so editing or deleting any
event (or dropping the newest ones) breaks the chain where it happened. The
hash is an HMAC under the audit key (settings.GUIDE_CMS_AUDIT_KEY), which is
kept outside the database: whoever can write the database but not read the
key cannot recompute the hashes after deleting or changing an event. Keys
rotate like SECRET_KEY (GUIDE_CMS_AUDIT_KEY_FALLBACKS). Events written before
the chain was keyed carry a plain SHA-256; they still verify, but only before
the first keyed event, which anchors them (checkpoints, outside the
database, anchor the rest: guide_cms.publishing.checkpoints).
"""
from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .signals import audit_events_appended
from .hashing import canonical_json, canonical_time, legacy_time, sha256_hex, to_milliseconds

GENESIS = "0" * 64


COMMAND_LINE_MARK = "(command line: "  # in the label of an account a management command acted as (--user)


def actor_label(actor) -> str:
    """How the trail names who acted: the username, marked when a command acted as that account from a shell
    ("translator_es (command line: import_translation)"), since whoever ran it need not be that person."""
    if actor is None:
        return "system"
    label = getattr(actor, "username", None) or str(actor)
    command = getattr(actor, "acting_from_command", "")
    if not command:
        return label
    mark = f" {COMMAND_LINE_MARK}{command})"
    return label[: 150 - len(mark)] + mark  # the column's length: the mark is never cut off


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


KEY_SALT = "guide_cms.core.audit.AuditEvent"


def audit_keys() -> list[str]:
    """The audit key, then its fallbacks (older keys whose events must still verify)."""
    from django.conf import settings

    key = getattr(settings, "GUIDE_CMS_AUDIT_KEY", "")
    if not key:
        raise ImproperlyConfigured("GUIDE_CMS_AUDIT_KEY is not set: the audit chain cannot be sealed.")
    return [key, *getattr(settings, "GUIDE_CMS_AUDIT_KEY_FALLBACKS", [])]


@lru_cache(maxsize=16)
def _derived(key: str) -> bytes:
    # As django.utils.crypto.salted_hmac derives its key, computed once per key.
    return hashlib.sha256((KEY_SALT + key).encode()).digest()


def _hmac(key: str, text: str) -> str:
    return hmac.new(_derived(key), text.encode("utf-8"), hashlib.sha256).hexdigest()


def event_hash(event, key: str | None = None) -> str:
    """The event's keyed hash: HMAC-SHA256 under the audit key over its payload (the previous hash included)."""
    return _hmac(key or audit_keys()[0], canonical_json(event_payload(event)))


def unkeyed_event_hash(event, time=canonical_time) -> str:
    """How events were hashed before the chain was keyed (plain SHA-256)."""
    return sha256_hex(event_payload(event, time=time))


def legacy_event_hash(event) -> str:
    """The hash of an event written before timestamps were kept to the millisecond (and before the chain was keyed)."""
    return unkeyed_event_hash(event, time=legacy_time)


class Seal(enum.Enum):
    """How an event's hash verifies."""

    KEYED = "keyed"  # under the current audit key
    OLD_KEY = "old key"  # under a key in GUIDE_CMS_AUDIT_KEY_FALLBACKS
    UNKEYED = "unkeyed"  # plain SHA-256, written before the chain was keyed
    UNKEYED_MICROSECONDS = "unkeyed, microseconds"  # ... and before timestamps were kept to the millisecond

    @property
    def keyed(self) -> bool:
        return self in (Seal.KEYED, Seal.OLD_KEY)


def event_seal(event) -> Seal | None:
    """How event's stored hash verifies against its content, or None if it does not (altered)."""
    text = canonical_json(event_payload(event))
    for index, key in enumerate(audit_keys()):
        if hmac.compare_digest(event.hash, _hmac(key, text)):
            return Seal.KEYED if index == 0 else Seal.OLD_KEY
    if event.hash == hashlib.sha256(text.encode("utf-8")).hexdigest():
        return Seal.UNKEYED
    if event.hash == legacy_event_hash(event):
        return Seal.UNKEYED_MICROSECONDS
    return None


def is_legacy_event(event) -> bool:
    """Whether event verifies only in the legacy form (its microseconds count)."""
    return event_seal(event) == Seal.UNKEYED_MICROSECONDS


def head_seal(count: int, last_hash: str, checkpoints: dict, key: str | None = None) -> str:
    """The chain head's seal: HMAC-SHA256 under the audit key over its count, newest hash and the
    checkpoints recorded in it. Whoever writes the database without the key cannot move the head
    (drop the newest events, rewrite the whole chain) or forget a checkpoint."""
    return _hmac(key or audit_keys()[0], canonical_json({"count": count, "last_hash": last_hash, "checkpoints": checkpoints}))


def head_is_sealed(head) -> bool:
    """Whether head's seal verifies under the audit key or one of its fallbacks."""
    return any(hmac.compare_digest(head.seal or "", head_seal(head.count, head.last_hash, head.checkpoints or {}, key=key))
               for key in audit_keys())


def _seal_head(head) -> None:
    head.seal = head_seal(head.count, head.last_hash, head.checkpoints or {})


def checkpoint_remember(output: str, sequence: int, digest: str) -> None:
    """Record in the sealed chain head that checkpoint `sequence` (SHA-256 `digest` of its file) was
    written to the export folder `output`: deleting checkpoint files then shows (recorded_checkpoint).
    ValueError if the head's seal does not verify (a moved head is never resealed)."""
    from .models import AuditChainHead

    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        if head.seal and not head_is_sealed(head):
            raise ValueError("the audit chain head is not sealed with the audit key")
        recorded = dict(head.checkpoints or {})
        if recorded.get(output, {}).get("sequence", 0) >= sequence:
            return
        recorded[output] = {"sequence": sequence, "digest": digest}
        head.checkpoints = recorded
        _seal_head(head)
        head.save(update_fields=["checkpoints", "seal"])


def checkpoint_forget(output: str) -> dict | None:
    """Drop the checkpoint recorded for `output` from the sealed head (a history restarted on purpose:
    publishing.checkpoints.checkpoint_record's restart); returns what was recorded. ValueError as checkpoint_remember."""
    from .models import AuditChainHead

    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            return None
        if head.seal and not head_is_sealed(head):
            raise ValueError("the audit chain head is not sealed with the audit key")
        recorded = dict(head.checkpoints or {})
        dropped = recorded.pop(output, None)
        head.checkpoints = recorded
        _seal_head(head)
        head.save(update_fields=["checkpoints", "seal"])
    return dropped


def recorded_checkpoint(output: str) -> dict | None:
    """{"sequence": int, "digest": hex} of the newest checkpoint the sealed head says was written to `output`;
    None if none was, or if the head's seal does not verify (walk_chain reports that)."""
    from .models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or not head_is_sealed(head):
        return None
    return (head.checkpoints or {}).get(output)


def audit_append(*, actor, action: str, obj=None, scope: str = "", data: dict | None = None, object_type: str = "", object_id: str = ""):
    """Append one event to the chain, inside the caller's transaction."""
    (event,) = audit_append_many([dict(actor=actor, action=action, obj=obj, scope=scope, data=data, object_type=object_type,
                                       object_id=object_id)])
    return event


def audit_append_many(events: list[dict]) -> list:
    """Append events (each with audit_append's keyword arguments), in order, inside the caller's
    transaction: the chain's head is locked and moved once, and the events are one INSERT."""
    from .models import AuditChainHead, AuditEvent

    if not events:
        return []
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        created_at = to_milliseconds(timezone.now())
        made, last_hash = [], head.last_hash
        for fields in events:
            actor, obj = fields.get("actor"), fields.get("obj")
            object_type, object_id = fields.get("object_type", ""), fields.get("object_id", "")
            if obj is not None:
                object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
                object_id = str(obj.pk)
            event = AuditEvent(
                actor_id=getattr(actor, "pk", None),
                actor_label=actor_label(actor),
                action=fields["action"],
                object_type=object_type,
                object_id=object_id,
                scope=_storable(fields.get("scope", "")),
                data=_storable(fields.get("data") or {}),
                created_at=created_at,
                prev_hash=last_hash,
            )
            event.hash = last_hash = event_hash(event)
            made.append(event)
        AuditEvent.objects.bulk_create(made)
        head.last_hash = last_hash
        head.count += len(made)
        _seal_head(head)
        head.save(update_fields=["last_hash", "count", "seal"])
        # Later apps act on events (notifications), connected in their own ready() so core imports none of them.
        audit_events_appended.send(sender=AuditEvent, events=made)
    return made



@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str


@dataclass
class ChainWalk:
    """What walking the chain found."""

    checked: int = 0  # events walked (with `after`, counted from the anchor's position)
    problems: list[ChainProblem] = field(default_factory=list)
    unkeyed: int = 0  # events written before the chain was keyed
    old_key: int = 0  # events sealed with a fallback key
    microseconds: list[int] = field(default_factory=list)  # ids of events hashed with microsecond timestamps
    hashes_at: dict[int, str] = field(default_factory=dict)  # position (1 = first event) -> hash, for the positions asked
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Anchor:
    """A point of the chain known from outside the database (a checkpoint): the event at `count` has `head`."""

    count: int
    head: str


def _checked_anchor(after: Anchor, walk: ChainWalk):
    """(the anchor's event, its seal), or None with the problem added to walk: the event is gone, at another position or altered."""
    from .models import AuditEvent

    anchor = AuditEvent.objects.filter(hash=after.head).first()
    if anchor is None:
        walk.problems.append(ChainProblem(
            None, f"the event a checkpoint recorded as number {after.count} (hash {after.head[:12]}…) is gone: history was deleted or rewritten"
        ))
        return None
    position = AuditEvent.objects.filter(id__lte=anchor.id).count()
    if position != after.count:
        walk.problems.append(ChainProblem(
            anchor.id, f"event {anchor.id} was number {after.count} of the chain at a checkpoint and is now number {position}: "
            "events before it were deleted or inserted",
        ))
        return None
    seal = event_seal(anchor)
    if seal is None:
        walk.problems.append(ChainProblem(anchor.id, f"event {anchor.id} ({anchor.action}) was altered: its content no longer matches its hash"))
        return None
    return anchor, seal


def _check_head(head, walk: ChainWalk) -> None:
    """Add to walk's problems a head (AuditChainHead or None) that does not match the walked chain or is not sealed."""
    if head is not None:
        if head.last_hash != walk.head_hash or head.count != walk.checked:
            walk.problems.append(
                ChainProblem(None, f"the chain ends at {walk.checked} events, but {head.count} were written: the newest events were deleted or the head was altered")
            )
        if not head_is_sealed(head):
            walk.problems.append(ChainProblem(None, (
                "the chain head is not sealed with the audit key: it was moved or rewritten by someone without the key "
                "(the newest events deleted, the chain rewritten, or a checkpoint record removed)"
            )))
    elif walk.checked:
        walk.problems.append(ChainProblem(None, "the chain head is missing"))


def walk_chain(*, positions=(), after: Anchor | None = None, until_keyed: bool = False) -> ChainWalk:
    """Walk the events in order, checking links, seals and the head.

    positions: chain positions whose hashes to report (checkpoints compare them).
    after: start after this anchor instead of at the first event (a short walk
    of what was appended since a checkpoint); a missing or moved anchor is a problem.
    until_keyed: stop at the first keyed event (the unkeyed prefix is then known good).
    Unkeyed events are accepted only before the first keyed one: after it, an
    unkeyed hash means someone without the key rewrote the event. The head is
    read first, so events appended meanwhile (appends are serialised by the
    head's row lock) are left for the next walk.
    """
    from .models import AuditChainHead, AuditEvent

    walk = ChainWalk()
    wanted = set(positions)
    head = AuditChainHead.objects.filter(pk=1).first()
    previous, keyed_seen = GENESIS, False
    events = AuditEvent.objects.order_by("id")
    if after is not None and after.count:
        found = _checked_anchor(after, walk)
        if found is None:
            return walk
        anchor, seal = found
        previous, keyed_seen, walk.checked = anchor.hash, seal.keyed, after.count
        events = events.filter(id__gt=anchor.id)
    limit = head.count if head is not None else None
    for event in events.iterator(chunk_size=2000):
        if limit is not None and walk.checked >= limit:
            break  # appended after the head was read
        walk.checked += 1
        if event.prev_hash != previous:
            walk.problems.append(ChainProblem(event.id, f"event {event.id} ({event.action}) does not follow the event before it: an event was deleted or altered before it"))
        seal = event_seal(event)
        if seal is None:
            walk.problems.append(ChainProblem(event.id, f"event {event.id} ({event.action}) was altered: its content no longer matches its hash"))
        elif seal.keyed:
            if until_keyed:
                walk.checked -= 1
                return walk
            keyed_seen = True
            walk.old_key += seal == Seal.OLD_KEY
        elif keyed_seen:
            walk.problems.append(ChainProblem(
                event.id, f"event {event.id} ({event.action}) is not sealed with the audit key, though events before it are: "
                "it was rewritten by someone without the key",
            ))
        else:
            walk.unkeyed += 1
            if seal == Seal.UNKEYED_MICROSECONDS:
                walk.microseconds.append(event.id)
        if walk.checked in wanted:
            walk.hashes_at[walk.checked] = event.hash
        previous = event.hash
    walk.head_hash = previous
    _check_head(head, walk)
    return walk


def verify_chain(legacy: list[int] | None = None) -> tuple[int, list[ChainProblem]]:
    """Walk every event in order; return (events checked, problems).

    Events written before timestamps were kept to the millisecond verify in
    their legacy form; their ids are appended to legacy when given.
    """
    walk = walk_chain()
    if legacy is not None:
        legacy.extend(walk.microseconds)
    return walk.checked, walk.problems


class SealedHistory:
    """Reads events as evidence: an event counts only if its seal verifies.

    Keyed events verify on their own. An unkeyed one (written before the
    chain was keyed) counts only inside the unkeyed prefix of the chain,
    which is walked once, on first need, up to the first keyed event.
    """

    def __init__(self):
        self._prefix_end: int | None | bool = False  # False: not walked yet

    def _unkeyed_prefix_end(self) -> int | None:
        """The id of the first keyed event (unkeyed events before it are good); 0 if the prefix is broken; None if no event is keyed."""
        if self._prefix_end is False:
            from .models import AuditEvent

            walk = walk_chain(until_keyed=True)
            first_keyed = AuditEvent.objects.order_by("id")[walk.checked:walk.checked + 1].values_list("id", flat=True).first()
            broken = any(p.event_id is not None for p in walk.problems) or (first_keyed is None and walk.problems)
            self._prefix_end = 0 if broken else first_keyed
        return self._prefix_end

    def is_sealed(self, event) -> bool:
        seal = event_seal(event)
        if seal is None:
            return False
        if seal.keyed:
            return True
        end = self._unkeyed_prefix_end()
        return end is None or (end != 0 and event.id < end)
