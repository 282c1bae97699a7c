"""One run of the benchmark: its options, what it builds (the demo accounts, the synthetic library, its
guides), the rows its steps measure and the facts they note, and the order of the steps."""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

from django.db import connection

from .measuring import PasswordHashing, QueryCounter, Row, peak_mb, render_worker_peaks, reset_peak


class Run:
    def __init__(self, *, guides: int, sections: int, languages: int, seed: int, memory: int, handout_sample: int, scale: int,
                 out=print, queue_workers: int = 0):
        from guide_cms.core.languages import all_languages

        codes = [language.code for language in all_languages()]
        if not 1 <= languages <= len(codes):
            raise ValueError(f"--languages must be between 1 and {len(codes)} (the configured languages)")
        self.codes = tuple(codes[:languages])
        self.guides, self.sections, self.seed, self.memory = guides, sections, seed, memory
        self.handout_sample, self.scale, self.queue_workers = handout_sample, scale, queue_workers
        self.out = out
        self.rows: list[Row] = []
        self.facts: dict = {}
        self.hashing = PasswordHashing()
        self.step = ""  # the step being measured: its rows carry its name
        self.users: dict = {}
        self.library: list = []
        self.guide_objects: dict = {}
        self.exports: Path | None = None

    @property
    def source(self) -> str:
        return self.codes[0]

    @property
    def targets(self) -> tuple[str, ...]:
        return self.codes[1:]

    def translator(self, code: str):
        from guide_cms.core.languages import get_language

        return self.users[f"translator_{get_language(code).field_suffix}"]

    # -- measuring ---------------------------------------------------------------

    @contextlib.contextmanager
    def measure(self, name: str, units: int = 0, unit: str = "", note: str = ""):
        """Time the block as one row: wall time, SQL statements, password hashing, the process's peak memory."""
        row = Row(name=name, wall=0.0, units=units, unit=unit, note=note)
        queries = QueryCounter()
        resettable = reset_peak()
        hashing_before = self.hashing.seconds
        start = time.perf_counter()
        with connection.execute_wrapper(queries):
            yield row
        row.wall = time.perf_counter() - start
        row.queries = queries.count
        row.hashing = self.hashing.seconds - hashing_before
        row.peak_mb = peak_mb() if resettable else None
        self.add(row)
        self.out(f"  {name}: {row.wall:.2f} s" + (f", {row.rate:.1f} {unit}/s" if row.rate else ""))

    def add(self, row: Row) -> Row:
        """A row measured otherwise (a median, another process, a moment of a publication), in the current step."""
        row.step = self.step
        self.rows.append(row)
        return row

    def row(self, prefix: str) -> Row | None:
        return next((row for row in self.rows if row.name.startswith(prefix)), None)

    @property
    def peak_memory(self) -> float | None:
        peaks = [row.peak_mb for row in self.rows if row.peak_mb is not None]
        return max(peaks) if peaks else peak_mb()

    # -- the run -----------------------------------------------------------------

    def execute(self, exports: Path) -> dict:
        """Every step, in order, in the database and export folder set up for it (benchmarks.throwaway); the report."""
        from django.contrib.auth import get_user_model

        from guide_cms.demo.accounts import ensure_demo_accounts
        from guide_cms.demo.content import load_glossary

        from .library import library
        from .report import report
        from .steps import STEPS

        ensure_demo_accounts()
        load_glossary()
        self.users = {u.username: u for u in get_user_model().objects.all()}
        self.exports = exports
        self.library = library(guides=self.guides, sections=self.sections, languages=self.codes, seed=self.seed)
        self.out(f"Library: {self.guides} guides × {self.sections} sections × {len(self.codes)} languages ({', '.join(self.codes)})")
        with self.hashing:
            for name, measure in STEPS:
                self.step = name
                measure(self)
        self.step = ""
        self.facts["render worker peak MB"] = max(render_worker_peaks(), default=None)
        return report(self)
