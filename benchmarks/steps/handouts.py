"""Handouts (PDF) on a sample of the library (--handout-sample): through the channel in one process and
WeasyPrint alone on the same document (both in a process of their own), on the render pool, and with --queue on
a throwaway task queue (benchmarks.task_queue).

WeasyPrint alone makes the same PDF: the channel's HTML, stylesheet, fonts and PDF options (tagged), without
what the channel does around it (the font check, reading the text back, hashing, the release). Without the
stylesheet it would lay out another document (smaller type, 10% fewer pages) and not measure the channel."""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.test.utils import override_settings

from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.entries import build_entries
from guide_cms.publishing.export import export_channel
from guide_cms.publishing.rendering import worker_count

from ..measuring import Row, in_a_process_of_its_own, peak_mb, reset_peak

ONE_PROCESS = "handouts, one process"
WEASYPRINT_ALONE = "WeasyPrint alone, the same document, one process"


def measure(run) -> None:
    channel = HandoutChannel()
    entries = list(build_entries("handouts"))[: run.handout_sample]
    cores = worker_count()
    run.facts["cores"] = cores
    note = f"a sample of {len(entries)} handouts" if len(entries) < run.guides * len(run.codes) else ""
    _one_process(run, channel, entries, note)
    if cores > 1:
        with tempfile.TemporaryDirectory() as folder, run.measure(f"handouts, pool of {cores} processes", len(entries), "PDFs", note) as row:
            report = export_channel(channel, entries, Path(folder))
        row.written, row.changed = len(report.written), len(report.changed_files)
    if run.queue_workers:
        _on_a_task_queue(run, channel, entries, note)


def _one_process(run, channel, entries, note: str) -> None:
    """From a process of their own, started as a render worker is (Django and fonts loaded): the layouts they
    hold would otherwise stay in this process's memory for every row after."""
    htmls = [channel.html(entry) for entry in entries]
    n = len(entries)
    one, weasy = in_a_process_of_its_own(one_process_handouts, entries, htmls)
    for (wall, peak, written, changed), name in ((one, ONE_PROCESS), (weasy, WEASYPRINT_ALONE)):
        run.add(Row(name=name, wall=wall, units=n, unit="PDFs", peak_mb=peak, written=written, changed=changed,
                    note=note + (", " if note else "") + "in a process of its own"))
        run.out(f"  {name}: {wall:.2f} s, {n / wall:.1f} PDFs/s")


def one_process_handouts(entries, htmls) -> list[tuple]:
    """In a process of its own: the handouts through the channel in this one process, then WeasyPrint alone on
    the same document; [(wall s, peak MB, files written, files changed) or (wall s, peak MB, None, None)]."""
    import time

    from weasyprint import HTML

    from guide_cms.publishing.channels.handouts import _font_config, _no_fetching, _stylesheet

    results = []
    channel = HandoutChannel()
    if entries:  # warm, as the process that renders handouts all day is: WeasyPrint's first layout sets up its caches
        channel.render_entry(entries[0])
    with override_settings(GUIDE_CMS_RENDER_WORKERS=0), tempfile.TemporaryDirectory() as folder:
        reset_peak()
        start = time.perf_counter()
        report = export_channel(channel, entries, Path(folder))
        results.append((time.perf_counter() - start, peak_mb(), len(report.written), len(report.changed_files)))
    reset_peak()
    start = time.perf_counter()
    for html in htmls:
        HTML(string=html, url_fetcher=_no_fetching()).write_pdf(stylesheets=[_stylesheet()], font_config=_font_config(), pdf_tags=True)
    results.append((time.perf_counter() - start, peak_mb(), None, None))
    return results


def _on_a_task_queue(run, channel, entries, note: str) -> None:
    from ..task_queue import local_queue

    workers = run.queue_workers
    with local_queue(workers), override_settings(GUIDE_CMS_TASK_QUEUE="celery"):
        with tempfile.TemporaryDirectory() as folder:  # warm: each worker's first render loads what it needs
            export_channel(channel, entries[:workers], Path(folder))
        with tempfile.TemporaryDirectory() as folder, run.measure(
            f"handouts, task queue: Redis, {workers} Celery workers", len(entries), "PDFs", note,
        ) as row:
            report = export_channel(channel, entries, Path(folder))
    row.written, row.changed = len(report.written), len(report.changed_files)
