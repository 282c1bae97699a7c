"""A version's facts re-derived from the sealed audit trail, and compared with its row.

What decides whether a text reaches patients is sealed in keyed audit
events written in the same transaction as the rows: the version.submit event
holds the version's number, content hash, author, contributors, the
approvals it needs, its source version and change class; each signature
event names its signature and seal; each status event (version.approved,
version.changes_requested, version.supersede) moves its status. A row that
disagrees with them, or a signature the trail does not name (or names and
is gone), was written behind the application's back. Used by signing,
publishing, exports and verify_integrity.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from guide_cms.core.audit import SealedHistory
from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Version, VersionStatus

from .models import Decision

VERSION_OBJECT = "guides.version"
STATUS_EVENTS = {
    "version.submit": VersionStatus.IN_REVIEW,
    "version.approved": VersionStatus.APPROVED,
    "version.changes_requested": VersionStatus.CHANGES_REQUESTED,
    "version.supersede": VersionStatus.SUPERSEDED,
}
SIGNATURE_EVENTS = {"signature.approve": Decision.APPROVE, "signature.request_changes": Decision.REQUEST_CHANGES}


@dataclass
class VersionRecord:
    """What the sealed trail says about one version."""

    submission: dict | None = None  # the version.submit event's data
    author_id: int | None = None
    status: str | None = None
    signatures: dict[int, tuple[str, str]] = field(default_factory=dict)  # signature id -> (seal, decision)
    unsealed: list[int] = field(default_factory=list)  # events about it whose seal does not verify


def version_records(version_ids, history: SealedHistory | None = None) -> dict[int, VersionRecord]:
    """{version id: its record}, from the events about those versions, in chain order."""
    history = history or SealedHistory()
    ids = {int(i) for i in version_ids}
    records = {pk: VersionRecord() for pk in ids}
    if not ids:
        return records
    events = AuditEvent.objects.filter(
        object_type=VERSION_OBJECT, object_id__in=[str(pk) for pk in ids], action__in=[*STATUS_EVENTS, *SIGNATURE_EVENTS]
    ).order_by("id")
    for event in events:
        record = records[int(event.object_id)]
        if not history.is_sealed(event):
            record.unsealed.append(event.id)
            continue
        data = event.data or {}
        if event.action == "version.submit":
            record.submission, record.author_id = data, event.actor_id
        if event.action in STATUS_EVENTS:
            record.status = STATUS_EVENTS[event.action].value
        elif event.action in SIGNATURE_EVENTS and data.get("signature") is not None:
            record.signatures[int(data["signature"])] = (data.get("seal", ""), SIGNATURE_EVENTS[event.action].value)
    return records


def version_problems(version: Version, record: VersionRecord, signatures=None) -> list[str]:
    """How version's row (and its signatures) differ from its sealed record; [] when they agree.

    signatures: the version's signature rows (default: read them).
    """
    label = f"version {version.guide.slug} [{version.language}] v{version.number} (id {version.pk})"
    problems = [f"{label}: audit event {event_id} about it does not verify" for event_id in record.unsealed]
    submission = record.submission
    if submission is None:
        return [*problems, f"{label}: no sealed submission in the audit trail records it (inserted behind the application's back)"]
    expected = {
        "number": (version.number, submission.get("number")),
        "content hash": (version.content_hash, submission.get("content_hash")),
        "author": (version.author_id, record.author_id),
        "change class": (version.change_class, submission.get("change_class", version.change_class)),
        "approvals required": (version.approvals_required, submission.get("approvals_required", version.approvals_required)),
        "contributors": (sorted(version.contributor_ids or []), sorted(submission.get("contributors", version.contributor_ids) or [])),
        "source version": (version.source_version.number if version.source_version_id else None, submission.get("source_version")),
        "status": (version.status, record.status),
    }
    for name, (stored, sealed) in expected.items():
        if stored != sealed:
            problems.append(f"{label}: its {name} is {stored!r}, but the sealed audit trail says {sealed!r}")
    rows = {s.pk: s for s in (version.signatures.all() if signatures is None else signatures)}
    for pk in sorted(set(record.signatures) - set(rows)):
        problems.append(f"{label}: signature {pk} ({record.signatures[pk][1]}) is in the audit trail but was deleted")
    for pk in sorted(set(rows) - set(record.signatures)):
        problems.append(f"{label}: signature {pk} by {rows[pk].printed_name} is not in the audit trail (inserted behind the application's back)")
    for pk in sorted(set(rows) & set(record.signatures)):
        seal, decision = record.signatures[pk]
        if rows[pk].seal != seal or rows[pk].decision != decision:
            problems.append(f"{label}: signature {pk} differs from the one the audit trail recorded")
    if version.status == VersionStatus.APPROVED:
        approvers = {rows[pk].signer_id for pk, (_seal, decision) in record.signatures.items() if decision == Decision.APPROVE and pk in rows}
        if len(approvers) < version.approvals_required:
            problems.append(
                f"{label}: approved with {len(approvers)} approving signature(s), but it needs {version.approvals_required}"
            )
    return problems


def version_record_problems(version: Version) -> list[str]:
    """version_problems for one version, reading its record."""
    return version_problems(version, version_records([version.pk])[version.pk])
