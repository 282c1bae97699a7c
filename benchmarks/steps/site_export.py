"""The site exported in full into an empty folder (every text read and checked, as by a new process), then
exported again with nothing changed (nothing should be written)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from guide_cms.publishing.entries import forget_verified_texts
from guide_cms.publishing.services import export_channels


def measure(run) -> None:
    pages = run.guides * len(run.codes)
    run.out("Exports")
    forget_verified_texts()  # as a new process: every text read and checked
    with tempfile.TemporaryDirectory() as empty:
        with run.measure("site export, full, into an empty folder", pages, "pages") as row:
            (report,) = export_channels(channels=["site"], output_dir=Path(empty))
        row.written, row.changed = len(report.written), len(report.changed_files)
    with run.measure("site export, nothing changed", pages, "pages") as row:
        (report,) = export_channels(channels=["site"], output_dir=run.exports)
    row.written, row.changed = len(report.written), len(report.changed_files)
