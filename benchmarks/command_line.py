"""The benchmark's command line (python -m benchmarks): its options, and a run from them to the printed table."""
from __future__ import annotations

import argparse
import os

from django.conf import settings

DESCRIPTION = (
    "Build a deterministic synthetic library in a throwaway database and time guide_cms's real paths (content in, publishing, "
    "exports against the benchmark's own floor, handouts, one edit through to the channels, verify_integrity, admin pages, "
    "QA checks, translation memory); print one table and the goals met or missed (and JSON with --json)."
)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=DESCRIPTION)
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
    return parser


def main(argv: list[str] | None = None) -> int:
    from .report import format_table, write_json
    from .run import Run
    from .throwaway import throwaway_database_and_exports

    arguments = parser()
    options = arguments.parse_args(argv)
    if not settings.DEMO_ALLOWED:
        arguments.error(f"the benchmark creates demo accounts; {os.environ.get('DJANGO_SETTINGS_MODULE')} does not allow them "
                        "(run it with development settings: DJANGO_SETTINGS_MODULE=guide_cms.settings.dev, the default)")
    if options.guides < 1 or options.sections < 1:
        arguments.error("--guides and --sections must be at least 1")
    try:
        run = Run(guides=options.guides, sections=options.sections, languages=options.languages, seed=options.seed,
                  memory=options.memory, handout_sample=options.handout_sample, scale=options.scale, queue_workers=options.queue)
    except ValueError as exc:
        arguments.error(str(exc))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    with throwaway_database_and_exports() as exports:
        report = run.execute(exports)
    report["machine"]["load_average_after"] = os.getloadavg()
    print()
    print(format_table(report))
    if options.json_file:
        write_json(report, options.json_file)
        print(f"\nJSON: {options.json_file}")
    return 0
