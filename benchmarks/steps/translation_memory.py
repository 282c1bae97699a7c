"""Translation memory lookups: --memory synthetic pairs (Zipf-distributed words, a third of them the demo guide's)
stored for the first target language, then its fuzzy index built, and the demo guide's sentences looked up
(exact and fuzzy matches)."""
from __future__ import annotations

import itertools
import random

from guide_cms.demo.content import fixture_path
from guide_cms.guides.importer import parse_guide_document
from guide_cms.localization.memory import entry_values, exact_matches, forget_fuzzy_indexes, fuzzy_index, fuzzy_matches
from guide_cms.localization.models import MemoryEntry
from guide_cms.localization.units import snapshot_segments

BATCH = 5000


def measure(run) -> None:
    if not run.memory or not run.targets:
        return
    run.out("Translation memory")
    size, language = run.memory, run.targets[0]
    segments = _demo_segments()
    rng = random.Random(run.seed)
    # The same lookup at a tenth of the pairs first: a fuzzy lookup should cost about the same at both.
    _fill(0, size // 10, language, segments, rng, run.seed)
    fuzzy_index(language)
    with run.measure(f"translation memory: fuzzy matches, one guide, at {size // 10:,} pairs", len(segments), "sentences"):
        fuzzy_matches(language, segments)
    _fill(size // 10, size, language, segments, rng, run.seed)
    forget_fuzzy_indexes()  # the build below is measured whole, as a new process makes it
    with run.measure(f"translation memory: index build, {size:,} pairs", size, "pairs"):
        fuzzy_index(language)
    queries = [(content, "muscle-relaxants", "x.body") for content in segments]
    with run.measure("translation memory: exact matches, one guide", len(segments), "sentences"):
        exact_matches(language, queries)
    with run.measure(f"translation memory: fuzzy matches, one guide, at {size:,} pairs", len(segments), "sentences"):
        fuzzy_matches(language, segments)


def _demo_segments() -> list:
    """The demo guide's English segments (sentences, their inline codes kept)."""
    document = parse_guide_document(fixture_path("treatment_guide", "en").read_text("utf-8"))
    snapshot = {"title": document.title, "summary": document.summary,
                "sections": [{"key": s.key, "title": s.title, "body": s.body} for s in document.sections]}
    return [s.content for s in snapshot_segments(snapshot, "en")]


def _fill(start: int, stop: int, language: str, segments: list, rng: random.Random, seed: int) -> None:
    """Signed pairs start…stop in the memory: sentences of 6 to 24 words, each a reversed copy as its translation."""
    guide_words = sorted({w.strip(".,;:'()").lower() for s in segments for w in "".join(i for i in s if isinstance(i, str)).split()} - {""})
    made = random.Random(seed)  # the same vocabulary at every call
    vocabulary = ["".join(made.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(made.randint(3, 10))) for _ in range(30_000)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))

    def words(count):
        zipf = rng.choices(vocabulary, cum_weights=cumulative, k=count)
        return [rng.choice(guide_words) if rng.random() < 0.33 else w for w in zipf]

    batch = []
    for n in range(start, stop):
        sentence = " ".join(words(rng.randint(6, 24))).capitalize() + f" ({n})."
        values = entry_values(source=(sentence,), target=(sentence[::-1],), source_language="en", language=language)
        batch.append(MemoryEntry(**values, guide_slug=f"mem-{n % 500}", context="x.body", signed=True, version_number=1, signers="Bench"))
        if len(batch) == BATCH:
            MemoryEntry.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    MemoryEntry.objects.bulk_create(batch, ignore_conflicts=True)
