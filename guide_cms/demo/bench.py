"""The benchmark behind `run_benchmark`: a synthetic library through the real code paths.

Everything runs in a throwaway database (the command creates and destroys
it) and a temporary export folder. Each row is timed around one real path
(the services, the exporter, the admin views through Django's test client)
and reports wall time, units and units per second, SQL queries in all and
per unit, the process's peak memory during the row, and, for exports, the
files written against the files whose bytes changed. Password hashing is
timed wherever it happens and reported on its own line; the content-in rows
also give their rate without it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

# The figures of the Wagtail 8 + wagtail-localize + wagtail-bakery stack on the same library
# (50 × 10 × 5) on this kind of machine, from issue 13 (not measured here).
WAGTAIL = {"site pages/s": 32.0, "content units/s": 19.5, "guide list ms": 680.0, "one edit s": 1.05}


@dataclasses.dataclass
class Row:
    name: str
    wall: float  # seconds
    units: int = 0
    unit: str = ""
    queries: int | None = None
    peak_mb: float | None = None
    written: int | None = None
    changed: int | None = None
    hashing: float = 0.0  # seconds of password hashing inside the row
    note: str = ""

    @property
    def rate(self) -> float | None:
        return self.units / self.wall if self.units and self.wall else None

    @property
    def per_unit(self) -> float | None:
        return self.queries / self.units if self.queries is not None and self.units else None

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data.update(rate=self.rate, queries_per_unit=self.per_unit)
        return data


class _Queries:
    """Counts the SQL statements run on the default connection (without keeping them)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class _Hashing:
    """Time spent in password hashers (encode, verify, harden_runtime), wherever they are called."""

    def __init__(self):
        self.seconds = 0.0
        self.calls = 0
        self._patched = []

    def __enter__(self):
        from django.contrib.auth.hashers import get_hashers

        patched = set()
        for hasher in get_hashers():
            for name in ("encode", "verify", "harden_runtime"):
                # The class that defines it (a hasher that only sets its costs inherits them).
                cls = next((c for c in type(hasher).__mro__ if name in c.__dict__), None)
                if cls is None or (cls, name) in patched:
                    continue
                patched.add((cls, name))
                original = cls.__dict__[name]

                def timed(*args, __original=original, __name=name, **kwargs):
                    start = time.perf_counter()
                    try:
                        return __original(*args, **kwargs)
                    finally:
                        self.seconds += time.perf_counter() - start
                        self.calls += __name == "verify"

                setattr(cls, name, timed)
                self._patched.append((cls, name, original))
        return self

    def __exit__(self, *exc):
        for cls, name, original in reversed(self._patched):
            setattr(cls, name, original)


def _one_process_handouts(entries, htmls) -> list[tuple]:
    """In a process of its own: the handouts through the channel in this one process, then WeasyPrint alone on
    the same HTML; [(wall s, peak MB, files written, files changed) or (wall s, peak MB, None, None)]."""
    from django.test.utils import override_settings
    from weasyprint import HTML

    from guide_cms.publishing.channels.handouts import HandoutChannel, _no_fetching
    from guide_cms.publishing.export import export_channel

    results = []
    channel = HandoutChannel()
    if entries:  # warm, as the process that renders handouts all day is: WeasyPrint's first layout sets up its caches
        channel.render_entry(entries[0])
    with override_settings(GUIDE_CMS_RENDER_WORKERS=0), tempfile.TemporaryDirectory() as folder:
        _reset_peak()
        start = time.perf_counter()
        report = export_channel(channel, entries, Path(folder))
        results.append((time.perf_counter() - start, _peak_mb(), len(report.written), len(report.changed_files)))
    _reset_peak()
    start = time.perf_counter()
    for html in htmls:
        HTML(string=html, url_fetcher=_no_fetching()).write_pdf()
    results.append((time.perf_counter() - start, _peak_mb(), None, None))
    return results


def _in_a_process_of_its_own(function, *args):
    """function(*args) in a new process started as the render workers are; its answer."""
    from guide_cms.publishing.rendering import worker_processes

    with worker_processes(1) as executor:
        return executor.submit(function, *args).result()


def _render_worker_peaks() -> list[float]:
    """The peak resident size (MB) of each process of this process's render pool, while it runs."""
    from guide_cms.publishing.rendering import render_worker_pids

    peaks = []
    for pid in render_worker_pids():
        try:
            with open(f"/proc/{pid}/status") as handle:
                peaks += [int(line.split()[1]) / 1024 for line in handle if line.startswith("VmHWM:")]
        except OSError:
            continue  # exited meanwhile
    return peaks


def _hasher_name() -> str:
    """The password hasher new hashes are made with, and its costs: "Argon2id, m = 19 MiB, t = 2, p = 1"."""
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    if hasher.algorithm == "argon2":
        return f"Argon2id, m = {hasher.memory_cost // 1024} MiB, t = {hasher.time_cost}, p = {hasher.parallelism}"
    return type(hasher).__name__


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM, the peak resident size
        return True
    except OSError:
        return False


def _peak_mb() -> float | None:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Benchmark:
    def __init__(self, *, guides: int, sections: int, languages: int, seed: int, memory: int, handout_sample: int, scale: int,
                 out=print, queue_workers: int = 0):
        from guide_cms.core.languages import all_languages

        codes = [language.code for language in all_languages()]
        if not 1 <= languages <= len(codes):
            raise ValueError(f"--languages must be between 1 and {len(codes)} (the configured languages)")
        self.codes = tuple(codes[:languages])
        self.guides, self.sections, self.seed, self.memory = guides, sections, seed, memory
        self.handout_sample, self.scale, self.queue_workers = handout_sample, scale, queue_workers
        self.rows: list[Row] = []
        self.out = out
        self.hashing = _Hashing()
        self.facts: dict = {}

    # -- measuring ---------------------------------------------------------------

    @contextlib.contextmanager
    def measure(self, name: str, units: int = 0, unit: str = "", note: str = ""):
        row = Row(name=name, wall=0.0, units=units, unit=unit, note=note)
        queries = _Queries()
        resettable = _reset_peak()
        hashing_before = self.hashing.seconds
        start = time.perf_counter()
        with connection.execute_wrapper(queries):
            yield row
        row.wall = time.perf_counter() - start
        row.queries = queries.count
        row.hashing = self.hashing.seconds - hashing_before
        row.peak_mb = _peak_mb() if resettable else None
        self.rows.append(row)
        self.out(f"  {name}: {row.wall:.2f} s" + (f", {row.rate:.1f} {unit}/s" if row.rate else ""))

    # -- the run -----------------------------------------------------------------

    def run(self, exports: Path) -> dict:
        from guide_cms.demo.accounts import ensure_demo_accounts
        from guide_cms.demo.content import load_glossary
        from guide_cms.demo.synthetic import library

        ensure_demo_accounts()
        load_glossary()
        from django.contrib.auth import get_user_model

        self.users = {u.username: u for u in get_user_model().objects.all()}
        self.exports = exports
        self.library = library(guides=self.guides, sections=self.sections, languages=self.codes, seed=self.seed)
        self.out(f"Library: {self.guides} guides × {self.sections} sections × {len(self.codes)} languages ({', '.join(self.codes)})")
        from guide_cms.publishing.rendering import shutdown_pool, warm_pool, worker_count

        if worker_count() > 1:
            shutdown_pool()
            with self.measure(f"handout pool start ({worker_count()} workers, fonts loaded)", worker_count(), "workers"):
                warm_pool()
        with self.hashing:
            self._content_in()
            self._exports()
            self._one_edit()
            self._verify()
            self._in_review()
            self._admin_pages("")
            if self.scale > 1:
                self._scale_up()
            self._admin_saves()
        self._checks_and_memory()
        self.facts["render worker peak MB"] = max(_render_worker_peaks(), default=None)
        return self.report()

    def _translator(self, code):
        from guide_cms.core.languages import get_language

        return self.users[f"translator_{get_language(code).field_suffix}"]

    def _content_in(self):
        from guide_cms.demo.accounts import DEMO_PASSWORD
        from guide_cms.guides.importer import parse_guide_document
        from guide_cms.guides.models import Guide
        from guide_cms.guides.services import guide_import
        from guide_cms.review.services import version_sign, version_submit

        editor, reviewer = self.users["editor"], self.users["reviewer1"]
        source = self.codes[0]
        targets = self.codes[1:]
        units = self.guides * self.sections
        self.out("Content in")
        with self.measure("create and submit (import, source)", units, "sections"):
            for item in self.library:
                report = guide_import(document=parse_guide_document(item.document(source)), slug=item.slug, user=editor)
                version_submit(guide=report.guide, language=source, user=editor)
        self.guide_objects = {g.slug: g for g in Guide.objects.filter(slug__in=[i.slug for i in self.library])}
        with self.measure("sign (source)", self.guides, "signatures"):
            for item in self.library:
                version = self.guide_objects[item.slug].versions.get(language=source)
                version_sign(version=version, signer=reviewer, password=DEMO_PASSWORD, decision="approve")
        if targets:
            with self.measure("translate (XLIFF out, CAT tool, XLIFF in)", units * len(targets), "sections"):
                for item in self.library:
                    for code in targets:
                        self._translate(self.guide_objects[item.slug], item, code)
            with self.measure("submit (translations)", units * len(targets), "sections"):
                for item in self.library:
                    for code in targets:
                        version_submit(guide=self.guide_objects[item.slug], language=code, user=self._translator(code))
            with self.measure("sign (translations)", self.guides * len(targets), "signatures"):
                for item in self.library:
                    for code in targets:
                        version = self.guide_objects[item.slug].versions.get(language=code, status="in_review")
                        version_sign(version=version, signer=reviewer, password=DEMO_PASSWORD, decision="approve")
        self._publish_all()

    def _translate(self, guide, item, code, dry_run=False):
        """What a translator does with a CAT tool: export the XLIFF, fill in every target, import it."""
        from guide_cms.localization.exchange import FORMATS, TRANSLATED, ExchangeUnit, read_exchange_file
        from guide_cms.localization.services import translation_export, translation_import
        from guide_cms.localization.units import align_unit, snapshot_units, unit_blocks

        translator = self._translator(code)
        data, name = translation_export(guide=guide, language=code, fmt="xliff", user=translator)
        document = read_exchange_file(data, name)
        source = guide.versions.filter(language=self.codes[0], status="approved").order_by("-number").first()
        wanted = {"title": item.title[code], "summary": item.summary[code]}
        wanted.update({f"{s.key}.title": s.title[code] for s in item.sections})
        wanted.update({f"{s.key}.body": s.body[code] for s in item.sections})
        targets, blocks = {}, {}
        for unit in snapshot_units(source.snapshot):
            key = unit.id.removeprefix("guide.")
            targets.update(align_unit(unit, self.codes[0], wanted[key], code))
            blocks.update({block.id: block for block in unit_blocks(unit, self.codes[0])})
        units, done = [], set()
        for u in document.units:
            block_id = u.id.rsplit(".", 1)[0]
            if u.id in targets:
                units.append(dataclasses.replace(u, target=targets[u.id], state=TRANSLATED))
            elif block_id in targets and block_id in blocks:
                # Sentences paired as a whole block (their numbers differ): one unit for the block, as a CAT tool may send.
                if block_id not in done:
                    done.add(block_id)
                    block = blocks[block_id]
                    units.append(ExchangeUnit(id=block_id, source=block.content, target=targets[block_id], state=TRANSLATED, kind=u.kind))
            else:
                units.append(u)
        units = tuple(units)
        write, _extension, _media = FORMATS["xliff"]
        filled = write(dataclasses.replace(document, units=units))
        report = translation_import(document=read_exchange_file(filled, name), user=translator, filename=name, dry_run=dry_run)
        if report.stale or report.joined or report.incomplete:
            raise RuntimeError(f"{guide.slug} [{code}]: the synthetic translation did not apply: {report.stale} {report.joined}")
        return report

    def _publish_all(self):
        from guide_cms.publishing.services import publish_versions

        publisher = self.users["publisher"]
        with self.measure("publish (each guide in every language, exported)", self.guides * len(self.codes), "guide-languages") as row:
            written = changed = 0
            for item in self.library:
                versions = list(self.guide_objects[item.slug].versions.filter(status="approved"))
                result = publish_versions(versions=versions, user=publisher, output_dir=self.exports)
                written += sum(len(r.written) for r in result.reports)
                changed += sum(len(r.changed_files) for r in result.reports)
            row.written, row.changed = written, changed

    def _exports(self):
        from guide_cms.publishing.entries import forget_verified_texts
        from guide_cms.publishing.services import export_channels

        pages = self.guides * len(self.codes)
        self.out("Exports")
        forget_verified_texts()  # as a new process: every text read and checked
        with tempfile.TemporaryDirectory() as empty:
            with self.measure("site export, full, into an empty folder", pages, "pages") as row:
                (report,) = export_channels(channels=["site"], output_dir=Path(empty))
            row.written, row.changed = len(report.written), len(report.changed_files)
        with self.measure("site export, nothing changed", pages, "pages") as row:
            (report,) = export_channels(channels=["site"], output_dir=self.exports)
        row.written, row.changed = len(report.written), len(report.changed_files)
        self._floor(pages)
        self._handouts()

    def _floor(self, pages):
        """The same texts through one Django template straight to files: what a static export cannot beat."""
        from django.template import Context, Engine

        from guide_cms.guides.markdown import render_markdown
        from guide_cms.guides.models import Version

        engine = Engine()
        template = engine.from_string(
            "<!doctype html><html lang=\"{{ lang }}\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head><body>"
            "<h1>{{ title }}</h1><p>{{ summary }}</p>{% for s in sections %}<section><h2>{{ s.title }}</h2>{{ s.html|safe }}</section>"
            "{% endfor %}</body></html>"
        )
        with tempfile.TemporaryDirectory() as folder, self.measure("floor: one Django template straight to files", pages, "pages") as row:
            written = 0
            for version in Version.objects.filter(status="approved", publications__is_live=True, publications__channel="site").distinct():
                snapshot = version.snapshot
                sections = [{"title": s["title"], "html": render_markdown(s["body"], language=version.language)} for s in snapshot["sections"]]
                html = template.render(Context({"lang": version.language, "title": snapshot["title"], "summary": snapshot["summary"],
                                                "sections": sections}))
                target = Path(folder) / version.language / f"{snapshot['guide']}.html"
                target.parent.mkdir(exist_ok=True)
                target.write_text(html, "utf-8")
                written += 1
            row.written = row.changed = written

    def _handouts(self):
        from django.test.utils import override_settings

        from guide_cms.publishing.channels.handouts import HandoutChannel
        from guide_cms.publishing.entries import build_entries
        from guide_cms.publishing.export import export_channel
        from guide_cms.publishing.rendering import worker_count

        channel = HandoutChannel()
        entries = [e for e in build_entries("handouts")][: self.handout_sample]
        n = len(entries)
        cores = worker_count()
        self.facts["cores"] = cores
        note = f"a sample of {n} handouts" if n < self.guides * len(self.codes) else ""
        htmls = [channel.html(entry) for entry in entries]
        # The one-process figures come from a process of their own, started as a render worker is (Django and
        # fonts loaded): the layouts they hold would otherwise stay in this process's memory for every row after.
        one, weasy = _in_a_process_of_its_own(_one_process_handouts, entries, htmls)
        for (wall, peak, written, changed), name in ((one, "handouts, one process"), (weasy, "WeasyPrint alone, the same HTML, one process")):
            self.rows.append(Row(name=name, wall=wall, units=n, unit="PDFs", peak_mb=peak, written=written, changed=changed,
                                 note=note + (", " if note else "") + "in a process of its own"))
            self.out(f"  {name}: {wall:.2f} s, {n / wall:.1f} PDFs/s")
        if cores > 1:
            with tempfile.TemporaryDirectory() as folder, self.measure(f"handouts, pool of {cores} processes", n, "PDFs", note) as row:
                report = export_channel(channel, entries, Path(folder))
            row.written, row.changed = len(report.written), len(report.changed_files)
        if self.queue_workers:
            from guide_cms.publishing.local_queue import local_queue

            with local_queue(self.queue_workers), override_settings(GUIDE_CMS_TASK_QUEUE="celery"):
                with tempfile.TemporaryDirectory() as folder:  # warm: each worker's first render loads what it needs
                    export_channel(channel, entries[: self.queue_workers], Path(folder))
                with tempfile.TemporaryDirectory() as folder, self.measure(
                    f"handouts, task queue: Redis, {self.queue_workers} Celery workers", n, "PDFs", note,
                ) as row:
                    report = export_channel(channel, entries, Path(folder))
            row.written, row.changed = len(report.written), len(report.changed_files)

    def _one_edit(self):
        """One section edited (a clinical change), signed, its translations updated and signed, published:
        on every channel as one outcome, then (a second edit) on the site alone and the handouts after."""
        from guide_cms.publishing.services import publish_versions

        self.out("One section edited, through to the channels")
        publisher = self.users["publisher"]
        versions = self._edit_cycle(1, "")
        with self.measure("publish them: every channel updated (one outcome)", len(self.codes), "guide-languages") as row:
            result = publish_versions(versions=versions, user=publisher, output_dir=self.exports)
        self._files(row, result, "one edit")
        self._live_rows(row, result, "every channel's files")
        versions = self._edit_cycle(2, " (a second edit)")
        with self.measure("publish them on the site alone", len(self.codes), "guide-languages") as row:
            result = publish_versions(versions=versions, user=publisher, output_dir=self.exports, channels=["site"])
        self._files(row, result, "one edit, site")
        self._live_rows(row, result, "the new pages")
        with self.measure("then on the handouts", len(self.codes), "guide-languages") as row:
            result = publish_versions(versions=versions, user=publisher, output_dir=self.exports, channels=["handouts"])
        self._files(row, result, "one edit, handouts")

    def _live_rows(self, row, result, what: str):
        """The publication's two moments: its files live (and its rows committed), then the search index."""
        self.rows.append(Row(name=f"  of which: until {what} are live", wall=result.pages_live_after, units=len(self.codes),
                             unit="guide-languages", note="files swapped in and publications committed"))
        if result.index_reports:
            (index,) = result.index_reports
            self.rows.append(Row(name=f"  then the search index ({what})", wall=row.wall - result.pages_live_after, units=1,
                                 unit="indexes", written=len(index.written), changed=len(index.changed_files),
                                 note="the previous files removed, then Pagefind over the live pages"))

    def _files(self, row, result, fact):
        row.written = sum(len(r.written) for r in result.reports)
        row.changed = sum(len(r.changed_files) for r in result.reports)
        detail = {r.channel: {"written": sorted(r.written), "changed": sorted(r.changed_files), "rendered": r.rendered} for r in result.reports}
        self.facts[fact] = detail
        row.note = "; ".join(f"{c}: {len(d['rendered'])} rendered, {len(d['written'])} written, {len(d['changed'])} changed"
                             for c, d in detail.items())

    def _edit_cycle(self, n: int, label: str):
        from guide_cms.demo.accounts import DEMO_PASSWORD
        from guide_cms.demo.synthetic import aligned_blocks
        from guide_cms.guides.models import Section
        from guide_cms.guides.services import section_update_drafts
        from guide_cms.review.services import version_sign, version_submit

        item = self.library[0]
        guide = self.guide_objects[item.slug]
        section = item.sections[0]
        blocks = aligned_blocks(self.codes)
        current = Section.objects.get(guide=guide, key=section.key)
        new_body = {code: section.body[code] + "".join("\n\n" + blocks[-k][code] for k in range(1, n + 1)) for code in self.codes}
        edited = dataclasses.replace(item, sections=(dataclasses.replace(section, body=new_body), *item.sections[1:]))
        source, targets = self.codes[0], self.codes[1:]
        reviewer, editor = self.users["reviewer1"], self.users["editor"]
        with self.measure(f"edit, submit and sign the source (clinical){label}", 1, "sections"):
            section_update_drafts(section=current, user=editor, values={f"body_{source}": new_body[source]})
            version = version_submit(guide=guide, language=source, user=editor, change_class="clinical")
            version_sign(version=version, signer=reviewer, password=DEMO_PASSWORD, decision="approve", change_class_confirmed="clinical")
        if targets:
            with self.measure(f"update, submit and sign its translations{label}", len(targets), "sections"):
                for code in targets:
                    self._translate(guide, edited, code)
                    translation = version_submit(guide=guide, language=code, user=self._translator(code))
                    version_sign(version=translation, signer=reviewer, password=DEMO_PASSWORD, decision="approve")
        return [guide.versions.filter(language=code, status="approved").order_by("-number").first() for code in self.codes]

    def _verify(self):
        from io import StringIO

        from django.core.management import call_command
        from django.core.management.base import CommandError

        from guide_cms.guides.models import Version

        self.out("Integrity")
        with self.measure("verify_integrity", Version.objects.count(), "versions") as row:
            try:
                call_command("verify_integrity", output=str(self.exports), stdout=StringIO(), stderr=StringIO())
            except CommandError as exc:
                row.note = f"FAILED: {exc}"

    def _admin_pages(self, suffix: str):
        from django.test import Client
        from django.urls import reverse

        self.out(f"Admin pages{suffix}")
        item = self.library[0]
        pages = [
            ("guide list", reverse("admin:guides_guide_changelist"), "editor"),
            ("review queue", reverse("review:queue"), "reviewer1"),
        ]
        if len(self.codes) > 1:
            code = self.codes[1]
            translator = self._translator(code).username
            pages += [
                ("translator dashboard", reverse("review:translate"), translator),
                ("translation editor", reverse("review:segments", args=[item.slug, code]), translator),
            ]
        from guide_cms.guides.models import Guide

        count = Guide.objects.count()
        for name, url, username in pages:
            client = Client()
            client.force_login(self.users[username])
            client.get(url)  # warm: templates, catalogues
            timings, queries = [], None
            for _ in range(3):
                counter = _Queries()
                start = time.perf_counter()
                with connection.execute_wrapper(counter):
                    response = client.get(url)
                timings.append(time.perf_counter() - start)
                queries = counter.count
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: {response.status_code}")
            median = statistics.median(timings)
            self.rows.append(Row(name=f"{name}, {count} guides{suffix}", wall=median, units=1, unit="pages", queries=queries,
                                 note="median of 3"))
            self.out(f"  {name}: {median * 1000:.0f} ms, {queries} queries")

    def _admin_saves(self):
        """One save of a guide's change page with one section body changed: merged onto the page's revisions under
        one lock of the guide. Its queries must not grow with the sections (a guide of the library's size, then 50)."""
        from django.test import Client
        from django.urls import reverse

        from guide_cms.guides.services import guide_create, section_create

        self.out("Admin saves (merge onto the page's revisions)")
        editor = self.users["editor"]
        for count in sorted({self.sections, 50}):
            guide = guide_create(user=editor, slug=f"bench-save-{count}", title="Saving")
            for n in range(count):
                section_create(guide=guide, user=editor, key=f"part-{n}", title=f"Part {n}", body=f"Take {n + 1} mg.")
            client = Client()
            client.force_login(editor)
            url = reverse("admin:guides_guide_change", args=[guide.pk])
            timings, queries = [], None
            for attempt in range(3):
                data = _change_page_post(client.get(url))
                data["sections-0-body_en"] = f"Take {attempt + 10} mg."
                counter = _Queries()
                start = time.perf_counter()
                with connection.execute_wrapper(counter):
                    response = client.post(url, data)
                timings.append(time.perf_counter() - start)
                queries = counter.count
                if response.status_code != 302:
                    raise RuntimeError(f"{url}: the save answered {response.status_code}")
            median = statistics.median(timings)
            self.rows.append(Row(name=f"guide page save, 1 of {count} sections changed", wall=median, units=1, unit="saves",
                                 queries=queries, note="median of 3"))
            self.out(f"  {count} sections: {median * 1000:.0f} ms, {queries} queries")

    def _in_review(self):
        """New English versions of a page of the library's guides, in review (rows made directly, as in
        _scale_up: the review queue has a page to show at both sizes; nothing published changes)."""
        from django.utils import timezone

        from guide_cms.guides.models import Version
        from guide_cms.guides.snapshots import content_hash

        editor, now, versions = self.users["editor"], timezone.now(), []
        for item in self.library[: settings.GUIDE_CMS_PAGE_SIZE]:
            latest = self.guide_objects[item.slug].versions.filter(language=self.codes[0]).order_by("-number").first()
            snapshot = {**latest.snapshot, "summary": latest.snapshot["summary"] + " (Revised.)"}
            versions.append(Version(guide=latest.guide, language=latest.language, number=latest.number + 1, snapshot=snapshot,
                                    content_hash=content_hash(snapshot), author=editor, author_label=editor.username, created_at=now,
                                    approvals_required=1))
        Version.objects.bulk_create(versions)

    def _scale_up(self):
        """Drafts of more guides, some submitted: the admin pages at ×scale the guides."""
        from guide_cms.guides.models import Guide, Section, Version
        from guide_cms.guides.snapshots import build_snapshot, content_hash

        extra = self.guides * (self.scale - 1)
        template = self.library[0]
        source = self.codes[0]
        new = Guide.objects.bulk_create([
            Guide(slug=f"scale-{n:05d}", **{f"title_{c.replace('-', '_')}": template.title[c] for c in self.codes})
            for n in range(extra)
        ])
        Section.objects.bulk_create([
            Section(guide=g, key=s.key, position=p, **{f"{f}_{c.replace('-', '_')}": getattr(s, f)[c] for c in self.codes for f in ("title", "body")})
            for g in new for p, s in enumerate(template.sections, start=1)
        ])
        versions = []
        editor = self.users["editor"]
        sections = list(Section.objects.filter(guide__in=new).order_by("guide_id", "position"))
        by_guide = {}
        for s in sections:
            by_guide.setdefault(s.guide_id, []).append(s)
        from django.utils import timezone

        now = timezone.now()
        for g in new:
            snapshot = build_snapshot(g, source, by_guide[g.pk])
            versions.append(Version(guide=g, language=source, number=1, snapshot=snapshot, content_hash=content_hash(snapshot),
                                    author=editor, author_label=editor.username, created_at=now, approvals_required=1))
        Version.objects.bulk_create(versions)
        self._admin_pages(f" (×{self.scale}: {extra} more guides in review)")

    def _checks_and_memory(self):
        from guide_cms.demo.content import fixture_path
        from guide_cms.guides.importer import parse_guide_document
        from guide_cms.localization.qa import check_translation

        self.out("Quality checks and translation memory")

        def snapshot(language):
            document = parse_guide_document(fixture_path("treatment_guide", language).read_text("utf-8"))
            sections = [{"key": f"{s.key}-{copy}", "title": s.title, "body": s.body} for copy in range(4) for s in document.sections][:10]
            return {"title": document.title, "summary": document.summary, "sections": sections}

        source = snapshot("en")
        for language in self.codes[1:]:
            target = snapshot(language)
            check_translation(source, target, language=language)  # the language's words, built once
            times = []
            for _ in range(5):
                start = time.perf_counter()
                check_translation(source, target, language=language)
                times.append(time.perf_counter() - start)
            self.rows.append(Row(name=f"QA checks, the demo guide's 10-section sample [{language}]", wall=statistics.median(times), units=10,
                                 unit="sections", note="median of 5"))
        if self.memory and len(self.codes) > 1:
            self._memory_lookups(self.memory)

    def _memory_lookups(self, size):
        import itertools
        import random

        from guide_cms.demo.content import fixture_path
        from guide_cms.guides.importer import parse_guide_document
        from guide_cms.localization.memory import entry_values, exact_matches, forget_fuzzy_indexes, fuzzy_index, fuzzy_matches
        from guide_cms.localization.models import MemoryEntry
        from guide_cms.localization.units import snapshot_segments

        language = self.codes[1]
        document = parse_guide_document(fixture_path("treatment_guide", "en").read_text("utf-8"))
        snapshot = {"title": document.title, "summary": document.summary,
                    "sections": [{"key": s.key, "title": s.title, "body": s.body} for s in document.sections]}
        segments = [s.content for s in snapshot_segments(snapshot, "en")]
        guide_words = sorted({w.strip(".,;:'()").lower() for s in segments for w in "".join(i for i in s if isinstance(i, str)).split()} - {""})
        rng = random.Random(self.seed)
        vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))) for _ in range(30_000)]
        cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))

        def words(count):
            zipf = rng.choices(vocabulary, cum_weights=cumulative, k=count)
            return [rng.choice(guide_words) if rng.random() < 0.33 else w for w in zipf]

        def fill(start, stop):
            batch = []
            for n in range(start, stop):
                sentence = " ".join(words(rng.randint(6, 24))).capitalize() + f" ({n})."
                values = entry_values(source=(sentence,), target=(sentence[::-1],), source_language="en", language=language)
                batch.append(MemoryEntry(**values, guide_slug=f"mem-{n % 500}", context="x.body", signed=True, version_number=1, signers="Bench"))
                if len(batch) == 5000:
                    MemoryEntry.objects.bulk_create(batch, ignore_conflicts=True)
                    batch = []
            MemoryEntry.objects.bulk_create(batch, ignore_conflicts=True)

        # The same lookup at a tenth of the pairs first: a fuzzy lookup should cost about the same at both.
        fill(0, size // 10)
        fuzzy_index(language)
        with self.measure(f"translation memory: fuzzy matches, one guide, at {size // 10:,} pairs", len(segments), "sentences"):
            fuzzy_matches(language, segments)
        fill(size // 10, size)
        forget_fuzzy_indexes()  # the build below is measured whole, as a new process makes it
        with self.measure(f"translation memory: index build, {size:,} pairs", size, "pairs"):
            fuzzy_index(language)
        queries = [(content, "muscle-relaxants", "x.body") for content in segments]
        with self.measure("translation memory: exact matches, one guide", len(segments), "sentences"):
            exact_matches(language, queries)
        with self.measure(f"translation memory: fuzzy matches, one guide, at {size:,} pairs", len(segments), "sentences"):
            fuzzy_matches(language, segments)

    # -- the report ------------------------------------------------------------

    def report(self) -> dict:
        return {
            "library": {"guides": self.guides, "sections": self.sections, "languages": list(self.codes), "seed": self.seed},
            "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
            "database": connection.vendor,
            "rows": [row.as_dict() for row in self.rows],
            "password_hashing": {"seconds": self.hashing.seconds, "checks": self.hashing.calls,
                                 "hasher": _hasher_name()},
            "peak_memory_mb": self.peak_memory,
            "goals": self.goals(),
            "facts": self.facts,
        }

    def row(self, prefix: str) -> Row | None:
        return next((row for row in self.rows if row.name.startswith(prefix)), None)

    def goals(self) -> list[dict]:
        goals = []

        def goal(name, value, target, met, unit=""):
            goals.append({"goal": name, "measured": value, "target": target, "met": bool(met) if met is not None else None, "unit": unit})

        site = self.row("site export, full")
        floor = self.row("floor:")
        if site and site.rate:
            goal("site export ≥ 10× the Wagtail stack's 32 pages/s", round(site.rate, 1), 10 * WAGTAIL["site pages/s"],
                 site.rate >= 10 * WAGTAIL["site pages/s"], "pages/s")
            if floor and floor.rate:
                goal("site export within 3× of the floor", round(floor.rate / site.rate, 2), 3.0, floor.rate / site.rate <= 3, "× slower")
            goal("site export queries do not grow with the pages", site.queries, "fixed", None, "queries")
        one, pool, weasy = self.row("handouts, one process"), self.row("handouts, pool"), self.row("WeasyPrint alone")
        if one and pool and one.rate and pool.rate:
            goal("handouts ≥ 1.8× the one-process rate on 2 cores", round(pool.rate / one.rate, 2), 1.8, pool.rate / one.rate >= 1.8, "×")
        queued = self.row("handouts, task queue")
        if one and queued and one.rate and queued.rate:
            goal("handouts on the queue (2 workers) ≥ 1.8× the one-process rate", round(queued.rate / one.rate, 2), 1.8,
                 queued.rate / one.rate >= 1.8, "×")
        if one and weasy and one.rate and weasy.rate:
            goal("handouts at most 10% over WeasyPrint alone", round(one.wall / weasy.wall - 1, 3), 0.10, one.wall / weasy.wall - 1 <= 0.10, "")
        content = [r for r in self.rows if r.name.startswith(("create and submit", "sign (", "translate (", "submit (", "publish (each"))]
        if content:
            wall = sum(r.wall for r in content)
            hashing = sum(r.hashing for r in content)
            units = self.guides * self.sections * len(self.codes)
            rate = units / (wall - hashing) if wall > hashing else None
            self.facts["content in"] = {"seconds": wall, "hashing seconds": hashing, "units": units,
                                        "units/s": units / wall, "units/s without hashing": rate}
            goal("content in, hashing excluded, ≥ 3× the Wagtail stack's 19.5 units/s", round(rate or 0, 1), 3 * WAGTAIL["content units/s"],
                 (rate or 0) >= 3 * WAGTAIL["content units/s"], "units/s")
        for name in ("sign (source)", "sign (translations)"):
            row = self.row(name)
            if row and row.units:
                # Argon2 is the password check's cost by design; the goal is for everything else a signature does.
                per = (row.wall - row.hashing) / row.units * 1000
                goal(f"{name}: a signature's work besides password hashing ≤ 30 ms", round(per), 30, per <= 30, "ms")
        publish = self.row("publish them: every channel")
        site_alone = self.row("  of which: until the new pages are live")
        every_channel = self.row("  of which: until every channel's files are live")
        if site_alone:
            goal("one edit: site pages updated within 0.5 s of the publication (on the site alone)", round(site_alone.wall, 2), 0.5,
                 site_alone.wall <= 0.5, "s")
        if publish and every_channel and one and one.units:
            import math

            single = one.wall / one.units
            cores = self.facts.get("cores", 1)
            budget = math.ceil(len(self.codes) / max(cores, 1)) * single
            goal("one edit: every channel within ⌈languages ÷ cores⌉ single PDF renders", round(every_channel.wall, 2), round(budget, 2),
                 every_channel.wall <= budget, "s")
            expected = {f"{c}/{self.library[0].slug}" for c in self.codes}
            detail = self.facts.get("one edit", {})
            extra = {"index.html", "sitemap.xml", "manifest.json"}
            exact = all(
                {p for p in d["written"] if p not in extra} <= {p for p in d["changed"]} and set(d["rendered"]) <= expected
                for d in detail.values()
            )
            goal("one edit: files written = files changed (+ index, sitemap, manifest)", exact, True, exact, "")
        for row in self.rows:
            if row.name.startswith(("guide list", "review queue", "translator dashboard", "translation editor")):
                goal(f"{row.name}: under 150 ms", round(row.wall * 1000), 150, row.wall < 0.150, "ms")
        # Every process of the product: this one, each render worker, the one-process handout renders.
        peak = max([self.peak_memory or 0, self.facts.get("render worker peak MB") or 0])
        goal("peak memory under 500 MB (every process)", round(peak), 500, peak < 500, "MB")
        return goals

    @property
    def peak_memory(self) -> float | None:
        peaks = [row.peak_mb for row in self.rows if row.peak_mb is not None]
        return max(peaks) if peaks else _peak_mb()


def _change_page_post(response) -> dict:
    """The POST a browser sends from an admin change page: every field the page renders, as rendered."""
    html, data = response.content.decode(), {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            key, value = form.add_prefix(name), form[name].value()
            if value not in (None, False) and f'name="{key}"' in html:
                data[key] = "on" if value is True else value
    return data


def format_table(report: dict) -> str:
    """The rows as one plain-text table, then the password hashing line and the goals."""
    lines = []
    header = f"{'what':<62} {'wall s':>8} {'units':>7} {'units/s':>9} {'queries':>8} {'q/unit':>7} {'peak MB':>8} {'written':>8} {'changed':>8}"
    lines += [header, "-" * len(header)]

    def cell(value, fmt):
        return format(value, fmt) if value is not None else "–"

    for row in report["rows"]:
        lines.append(
            f"{row['name'][:62]:<62} {row['wall']:>8.3f} {cell(row['units'] or None, 'd'):>7} {cell(row['rate'], '.1f'):>9} "
            f"{cell(row['queries'], 'd'):>8} {cell(row['queries_per_unit'], '.1f'):>7} {cell(row['peak_mb'], '.0f'):>8} "
            f"{cell(row['written'], 'd'):>8} {cell(row['changed'], 'd'):>8}"
            + (f"  {row['note']}" if row["note"] else "")
        )
    hashing = report["password_hashing"]
    each = hashing["seconds"] / hashing["checks"] * 1000 if hashing["checks"] else 0
    lines.append("")
    lines.append(f"password hashing ({hashing['hasher']}): {hashing['seconds']:.2f} s in all, {hashing['checks']} checks, {each:.0f} ms a check")
    content = report["facts"].get("content in")
    if content:
        lines.append(
            f"content in, end to end: {content['units']} section-languages in {content['seconds']:.1f} s = {content['units/s']:.1f} units/s; "
            f"{(content['units/s without hashing'] or 0):.1f} units/s without password hashing"
        )
    workers = report["facts"].get("render worker peak MB")
    lines.append(f"peak memory: {report['peak_memory_mb'] or 0:.0f} MB, the largest of any row (the one-process handout rows ran in a "
                 "process of their own)" + (f"; each render worker at most {workers:.0f} MB" if workers else ""))
    lines.append("")
    library = report["library"]
    lines.append("goals (from issue 13 of guide_cms's tracker; the Wagtail figures are that issue's measurements of Wagtail 8 +")
    lines.append("wagtail-localize + wagtail-bakery on 50 × 10 × 5 on this kind of machine, not measured here):")
    if (library["guides"], library["sections"], len(library["languages"])) != (50, 10, 5):
        lines.append(f"  (set for 50 × 10 × 5; at {library['guides']} × {library['sections']} × {len(library['languages'])} "
                     "the verdicts are indicative only)")
    for goal in report["goals"]:
        verdict = {True: "met", False: "MISSED", None: "see figure"}[goal["met"]]
        lines.append(f"  [{verdict:^10}] {goal['goal']}: {goal['measured']} {goal['unit']} (target {goal['target']})")
    return "\n".join(lines)


def write_json(report: dict, path: str) -> None:
    Path(path).write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
