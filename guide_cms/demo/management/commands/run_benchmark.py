"""Measure guide_cms on a synthetic library through the real code paths, in a throwaway database."""
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings, setup_test_environment


class Command(BaseCommand):
    help = (
        "Build a deterministic synthetic library in a throwaway database and time the real paths (content in, publishing, "
        "exports, handouts, one edit through to the channels, verify_integrity, admin pages, QA checks, translation memory); "
        "print one table (and JSON with --json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--guides", type=int, default=50, help="Guides in the synthetic library (default 50).")
        parser.add_argument("--sections", type=int, default=10, help="Sections a guide, about 200 words each (default 10).")
        parser.add_argument("--languages", type=int, default=len(settings.LANGUAGES), help="The first N configured languages (source first).")
        parser.add_argument("--seed", type=int, default=13, help="Seed of the generator that picks the texts (same seed, same library).")
        parser.add_argument("--json", dest="json_file", help="Also write the figures as JSON to this file.")
        parser.add_argument("--memory", type=int, default=100_000, help="Pairs in the translation memory for the lookup rows (0: none).")
        parser.add_argument("--handout-sample", type=int, default=20, help="Handouts rendered for the handout rows (default 20).")
        parser.add_argument("--scale", type=int, default=10, help="Admin pages again with this many times the guides (1: not).")
        parser.add_argument("--queue", type=int, default=0, metavar="WORKERS",
                            help="Also render the handout sample on a task queue: Redis and this many Celery workers, started here.")

    def handle(self, *args, guides, sections, languages, seed, json_file=None, memory=100_000, handout_sample=20, scale=10, queue=0,
               **options):
        from guide_cms.demo.bench import Benchmark, format_table, write_json

        if not settings.DEMO_ALLOWED:
            raise CommandError("The benchmark creates demo accounts; run it with development settings.")
        if guides < 1 or sections < 1:
            raise CommandError("--guides and --sections must be at least 1.")
        try:
            bench = Benchmark(guides=guides, sections=sections, languages=languages, seed=seed, memory=memory,
                              handout_sample=handout_sample, scale=scale, out=self.stdout.write,
                              queue_workers=queue)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            # DEBUG off, as deployed: with it on, Django keeps the last 9,000 statements (texts included) in memory.
            with tempfile.TemporaryDirectory() as exports, override_settings(GUIDE_CMS_EXPORT_DIR=Path(exports), ALLOWED_HOSTS=["testserver"],
                                                                             DEBUG=False):
                report = bench.run(Path(exports))
        finally:
            from guide_cms.publishing.rendering import shutdown_pool

            shutdown_pool()
            connection.creation.destroy_test_db(old_name, verbosity=0)
        report["machine"]["load_average_after"] = os.getloadavg()
        self.stdout.write("")
        self.stdout.write(format_table(report))
        if json_file:
            write_json(report, json_file)
            self.stdout.write(f"\nJSON: {json_file}")
