"""The measured steps, in the order they run: each is a module whose measure(run) adds its rows to the run.

Later steps build on earlier ones (the library is in before it is exported, published before it is edited),
so the order is part of the benchmark. A step that does not apply to a run (a pool of one process, a single
language, --scale 1, --memory 0) adds fewer rows or none.
"""
from . import (
    admin_pages,
    admin_saves,
    batch_publish,
    content_in,
    floor,
    handouts,
    integrity,
    one_edit,
    quality_checks,
    render_pool,
    site_export,
    translation_memory,
)

STEPS = (
    ("render pool", render_pool.measure),
    ("content in", content_in.measure),
    ("batch publish", batch_publish.measure),
    ("site export", site_export.measure),
    ("floor", floor.measure),
    ("handouts", handouts.measure),
    ("one edit", one_edit.measure),
    ("integrity", integrity.measure),
    # Before the admin pages: the sentence editor is measured with the memory filled (issue 26's condition).
    ("translation memory", translation_memory.measure),
    ("admin pages", admin_pages.measure),
    ("admin saves", admin_saves.measure),
    ("quality checks", quality_checks.measure),
)
