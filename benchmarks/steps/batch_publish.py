"""A batch publish: the library's live versions (every guide in every language) published again as one batch,
site only, into a fresh export folder (so every page is rendered), first half of them, then all: one outcome,
one export and one search index per batch, so the time should grow with the batch, linearly."""
from __future__ import annotations

import tempfile
from pathlib import Path

from guide_cms.guides.models import Version
from guide_cms.publishing.services import publish_versions

# The goal's rows (benchmarks.goals).
BATCH = "publish as one batch"


def measure(run) -> None:
    guides = list(run.guide_objects.values())
    versions = list(Version.objects.filter(guide__in=guides, status="approved", publications__is_live=True)
                    .distinct().select_related("guide").defer(*Version.heavy_fields()).order_by("guide__slug", "language"))
    if len(versions) < 2:
        return
    run.out("Batch publish")
    publisher = run.users["publisher"]
    with tempfile.TemporaryDirectory(prefix="guide-cms-batch-") as folder:
        for batch, name in ((versions[: len(versions) // 2], "half"), (versions, "all")):
            with run.measure(f"{BATCH}: {len(batch)} versions, site, fresh folder", len(batch), "versions") as row:
                result = publish_versions(versions=batch, user=publisher, channels=["site"], output_dir=Path(folder) / name)
                row.written = sum(len(r.written) for r in [*result.reports, *result.index_reports])
