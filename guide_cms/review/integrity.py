"""Re-check everything that must not change: the audit chain, every
version's content hash, every signature's seal and binding."""
from __future__ import annotations

from dataclasses import dataclass, field

from guide_cms.core.account_records import identity_problems, role_problems
from guide_cms.core.audit import ChainWalk, SealedHistory, walk_chain
from guide_cms.core.credentials import describe, signature_touches
from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Guide, Version
from guide_cms.guides.records import guide_problems, guide_settings_records
from guide_cms.guides.snapshots import content_hash

from .models import Signature
from .records import VERSION_OBJECT, version_problems, version_records
from .seals import is_legacy_seal, seal_is_valid


@dataclass
class IntegrityReport:
    events: int = 0
    walk: ChainWalk | None = None
    versions: int = 0
    signatures: int = 0
    problems: list[str] = field(default_factory=list)
    # Not problems: what an operator should know (records a JSON backup cannot keep exactly).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def deleted_versions(existing: set[int], history: SealedHistory) -> list[str]:
    """Versions the sealed trail says were submitted whose rows are gone (deleted with their signatures behind the
    application's back: nothing in the application deletes a version). One problem each, naming it."""
    problems = []
    submitted = AuditEvent.objects.filter(object_type=VERSION_OBJECT, action="version.submit").order_by("id")
    for event in submitted:
        if not event.object_id.isdigit() or int(event.object_id) in existing or not history.is_sealed(event):
            continue
        number = (event.data or {}).get("number")
        problems.append(f"version v{number} of {event.scope} (id {event.object_id}) was submitted (audit event {event.id}) "
                        "but its row is gone: deleted behind the application's back, with any signatures it had")
    return problems


VERSIONS_A_CHUNK = 200  # versions whose texts the check holds at once


def check_integrity(*, positions=()) -> IntegrityReport:
    """positions: chain positions whose hashes the caller compares (checkpoints); see report.walk."""
    report = IntegrityReport()
    report.walk = walk = walk_chain(positions=positions)
    report.events = walk.checked
    legacy_events = walk.microseconds
    report.problems += [f"audit: {p.message}" for p in walk.problems]
    if walk.unkeyed:
        report.notes.append(
            f"{walk.unkeyed} audit events were written before the audit chain was keyed: they verify with their plain SHA-256 "
            "hashes, and the first keyed event after them (or a checkpoint) anchors them; every later event is sealed with the audit key."
        )
    if walk.old_key:
        report.notes.append(
            f"{walk.old_key} audit events are sealed with an older audit key (GUIDE_CMS_AUDIT_KEY_FALLBACKS): keep it there."
        )

    history = SealedHistory()
    hashes = {}
    version_ids = list(Version.objects.order_by("id").values_list("id", flat=True))
    records = version_records(version_ids, history)
    signatures_of: dict[int, list] = {}
    # The texts are read once each, for their hash, a chunk at a time: held together (and again through each
    # signature and translation), thousands of versions' texts made this check the largest of a process's peaks.
    all_signatures = list(Signature.objects.select_related("version__guide").defer(*Version.heavy_fields("version__")).order_by("id"))
    all_signatures = [s for s in all_signatures if s.version_id in records]  # of a version submitted since: likewise
    for signature in all_signatures:
        signatures_of.setdefault(signature.version_id, []).append(signature)
    versions = Version.objects.select_related("guide", "source_version").defer(*Version.heavy_fields("source_version__"))
    for version in versions.order_by("id").iterator(chunk_size=VERSIONS_A_CHUNK):
        if version.pk not in records:  # submitted since the check read the ids: the next check reads it
            continue
        report.versions += 1
        hashes[version.pk] = version.content_hash
        if content_hash(version.snapshot) != version.content_hash:
            report.problems.append(f"version {version} (id {version.pk}): its snapshot no longer matches its content hash")
        # The facts beside the text: status, signatures, author, contributors, approvals required.
        report.problems += version_problems(version, records[version.pk], signatures_of.get(version.pk, []))

    report.problems += deleted_versions(set(version_ids), history)

    # Who may sign and publish: accounts' groups, permissions and language assignments as the sealed trail says.
    report.problems += role_problems(history=history)
    report.problems += identity_problems(history=history)

    settings_records, settings_problems = guide_settings_records(history=history)
    report.problems += settings_problems + guide_problems(Guide.objects.order_by("slug"), settings_records)

    legacy_signatures = 0
    for signature in all_signatures:
        report.signatures += 1
        label = f"signature {signature.pk} by {signature.printed_name} on {signature.version}"
        if signature.content_hash != hashes.get(signature.version_id):
            report.problems.append(f"{label}: signs a content hash that is not its version's")
        if not seal_is_valid(signature):
            report.problems.append(f"{label}: its seal does not match its fields (altered, or moved from another version)")
        elif is_legacy_seal(signature):
            legacy_signatures += 1
    # A signature made while someone else had set its signer's credentials (signing refuses that; one found was
    # made behind the application's back, or before the rule): named, for a clinician to re-sign.
    for pk, touches in signature_touches(all_signatures, history).items():
        signature = next(s for s in all_signatures if s.pk == pk)
        report.problems.append(
            f"signature {pk} by {signature.printed_name} on {signature.version}: made while "
            + "; ".join(describe(t) for t in touches)
            + ": someone other than its signer may have signed"
        )
    if legacy_events or legacy_signatures:
        report.notes.append(
            f"{len(legacy_events)} audit events and {legacy_signatures} signatures were recorded with microsecond timestamps, "
            "before timestamps were kept to the millisecond. They verify in this database, but a JSON backup "
            "(dumpdata --format json) keeps only milliseconds and would make them look altered: back this database up "
            "with pg_dump or dumpdata --format xml."
        )
    return report
