"""Re-check everything that must not change: the audit chain, every
version's content hash, every signature's seal and binding."""
from __future__ import annotations

from dataclasses import dataclass, field

from guide_cms.core.audit import verify_chain
from guide_cms.guides.models import Version
from guide_cms.guides.snapshots import content_hash

from .models import Signature
from .seals import seal_is_valid


@dataclass
class IntegrityReport:
    events: int = 0
    versions: int = 0
    signatures: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_integrity() -> IntegrityReport:
    report = IntegrityReport()
    report.events, chain_problems = verify_chain()
    report.problems += [f"audit: {p.message}" for p in chain_problems]

    hashes = {}
    for version in Version.objects.select_related("guide").iterator(chunk_size=500):
        report.versions += 1
        hashes[version.pk] = version.content_hash
        if content_hash(version.snapshot) != version.content_hash:
            report.problems.append(f"version {version} (id {version.pk}): its snapshot no longer matches its content hash")

    for signature in Signature.objects.select_related("version__guide").iterator(chunk_size=500):
        report.signatures += 1
        label = f"signature {signature.pk} by {signature.printed_name} on {signature.version}"
        if signature.content_hash != hashes.get(signature.version_id):
            report.problems.append(f"{label}: signs a content hash that is not its version's")
        if not seal_is_valid(signature):
            report.problems.append(f"{label}: its seal does not match its fields (altered, or moved from another version)")
    return report
