"""Which version is live where, re-derived from the sealed audit trail, and compared with the publication rows.

Every publication is written with a publication.publish event (the version,
its guide and language in the scope, the channels) and every withdrawal
with a publication.withdraw event, in the same transaction. The live
publications are what those sealed events say, in order: a row inserted,
revived (is_live), pointed at another version or un-withdrawn by SQL
disagrees with them.
"""
from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from django.db.models import Q

from guide_cms.core.audit import SealedHistory
from guide_cms.core.models import AuditEvent

from .models import Publication

SCOPES_PER_QUERY = 50  # more guides than this: every publication event is read and filtered here

PUBLISH = "publication.publish"
WITHDRAW = "publication.withdraw"


@dataclass
class LiveRecord:
    version_id: int
    withdrawn: bool = False


def _guide_and_language(scope: str) -> tuple[int, str] | None:
    # draft_scope: "guide:<pk>:<language>"
    parts = scope.split(":")
    if len(parts) != 3 or parts[0] != "guide" or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2]


@dataclass(frozen=True)
class PendingPublication:
    """A publication recorded in the current transaction whose publication.publish event is appended before it
    commits (publishing.services appends them once its renders are done, so as not to hold the audit chain's
    head meanwhile): the trail will say so, and the export that runs first in that transaction may count it."""

    guide_id: int
    language: str
    version_id: int
    channels: tuple[str, ...]


def live_records(guide_ids=None, history: SealedHistory | None = None,
                 pending: tuple[PendingPublication, ...] = ()) -> tuple[dict[tuple[int, str, str], LiveRecord], list[str]]:
    """({(guide id, language, channel): what is live}, problems with the events read): the sealed events, then
    `pending` (this transaction's own publications, sealed before it commits)."""
    history = history or SealedHistory()
    events = AuditEvent.objects.filter(action__in=[PUBLISH, WITHDRAW]).order_by("id")
    wanted = None if guide_ids is None else set(guide_ids)
    if wanted is not None and len(wanted) <= SCOPES_PER_QUERY:
        # A few guides (a publication's): their events only, by scope (indexed), not every guide's.
        events = events.filter(functools.reduce(operator.or_, (Q(scope__startswith=f"guide:{pk}:") for pk in wanted), Q(pk__in=[])))
    live: dict[tuple[int, str, str], LiveRecord] = {}
    problems = []
    for event in events:
        where = _guide_and_language(event.scope)
        if where is None or event.object_type != "guides.version" or (wanted is not None and where[0] not in wanted):
            continue
        if not history.is_sealed(event):
            problems.append(f"audit event {event.id} ({event.action}) does not verify, so what is live cannot be trusted")
            continue
        data = event.data or {}
        version_id = int(event.object_id)
        if event.action == PUBLISH:
            for channel in data.get("channels", []):
                live[(*where, channel)] = LiveRecord(version_id)
        else:
            record = live.get((*where, data.get("channel", "")))
            if record is not None and record.version_id == version_id:
                record.withdrawn = True
    for publication in pending:
        if wanted is None or publication.guide_id in wanted:
            for channel in publication.channels:
                live[(publication.guide_id, publication.language, channel)] = LiveRecord(publication.version_id)
    return live, problems


def publication_problems(guide_ids=None, channel: str | None = None, history: SealedHistory | None = None,
                         pending: tuple[PendingPublication, ...] = ()) -> list[str]:
    """Live publication rows (of guide_ids and channel, or all) that the sealed trail (and `pending`, see
    live_records) does not account for."""
    records, problems = live_records(guide_ids, history, pending)
    rows = Publication.objects.live().select_related("guide", "version").only(  # keys, never the texts
        "guide_id", "language", "channel", "version_id", "withdrawn_at", "guide__slug", "version__number",
    )
    if guide_ids is not None:
        rows = rows.filter(guide_id__in=list(guide_ids))
    if channel is not None:
        rows = rows.filter(channel=channel)
        records = {key: value for key, value in records.items() if key[2] == channel}
    seen = set()
    for row in rows:
        key = (row.guide_id, row.language, row.channel)
        seen.add(key)
        label = f"publication {row.pk}: {row.guide.slug} [{row.language}] v{row.version.number} on {row.channel}"
        record = records.get(key)
        if record is None:
            problems.append(f"{label} is live, but no sealed publication in the audit trail made it so (inserted or revived behind the application's back)")
        elif record.version_id != row.version_id:
            problems.append(f"{label} is live, but the audit trail says version id {record.version_id} was published there last")
        elif record.withdrawn != (row.withdrawn_at is not None):
            state = "withdrawn" if record.withdrawn else "not withdrawn"
            problems.append(f"{label}: the audit trail says it is {state}, its row says otherwise")
    for key in sorted(set(records) - seen):
        guide_id, language, name = key
        problems.append(
            f"guide {guide_id} [{language}] on {name}: the audit trail says version id {records[key].version_id} is live, but no live publication row says so"
        )
    return problems
