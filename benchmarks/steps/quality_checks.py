"""The quality checks of a translation: the demo guide's sections made a 10-section sample, checked in each
target language (the median of 5 runs, after one that builds the language's word lists)."""
from __future__ import annotations

import statistics
import time

from guide_cms.demo.content import fixture_path
from guide_cms.guides.importer import parse_guide_document
from guide_cms.localization.qa import check_translation

from ..measuring import Row


def measure(run) -> None:
    run.out("Quality checks")
    source = _sample("en")
    for language in run.targets:
        target = _sample(language)
        check_translation(source, target, language=language)  # the language's words, built once
        times = []
        for _ in range(5):
            start = time.perf_counter()
            check_translation(source, target, language=language)
            times.append(time.perf_counter() - start)
        run.add(Row(name=f"QA checks, the demo guide's 10-section sample [{language}]", wall=statistics.median(times), units=10,
                    unit="sections", note="median of 5"))


def _sample(language: str) -> dict:
    document = parse_guide_document(fixture_path("treatment_guide", language).read_text("utf-8"))
    sections = [{"key": f"{s.key}-{copy}", "title": s.title, "body": s.body} for copy in range(4) for s in document.sections][:10]
    return {"title": document.title, "summary": document.summary, "sections": sections}
