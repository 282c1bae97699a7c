"""The benchmark's synthetic library: any number of guides and sections, deterministic,
in every demo language, from the demo guide's signed-quality texts.

Each section is a run of aligned blocks (paragraphs, callouts) of the demo
guide, the same blocks in every language, chosen by a seeded generator, so
that numbers, drug names (Diazepam, Baclofen) and warnings and tips match
between source and translation and the quality checks have real work and
pass. Titles carry the guide and section numbers in digits. Pure: no
database.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from guide_cms.demo.content import fixture_path
from guide_cms.guides.importer import parse_guide_document

WORDS_PER_SECTION = 200


@dataclass(frozen=True)
class SyntheticSection:
    key: str
    title: dict[str, str]  # language -> title
    body: dict[str, str]  # language -> Markdown


@dataclass(frozen=True)
class SyntheticGuide:
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    sections: tuple[SyntheticSection, ...]

    def document(self, language: str) -> str:
        """The guide as a Markdown document (what import_guide reads), with explicit section keys."""
        parts = [f"# {self.title[language]}", "", self.summary[language], ""]
        for section in self.sections:
            parts += [f"## {section.title[language]} {{#{section.key}}}", "", section.body[language], ""]
        return "\n".join(parts)


@cache
def _demo(language: str):
    return parse_guide_document(fixture_path("treatment_guide", language).read_text("utf-8"))


@cache
def aligned_blocks(languages: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """The demo guide's blocks, aligned across languages: ({language: block}, ...)."""
    per_language = {code: [block for s in _demo(code).sections for block in s.body.split("\n\n") if block.strip()] for code in languages}
    counts = {code: len(blocks) for code, blocks in per_language.items()}
    if len(set(counts.values())) != 1:
        raise ValueError(f"the demo texts' blocks do not align: {counts}")
    return tuple({code: per_language[code][n] for code in languages} for n in range(counts[languages[0]]))


def _words(block: str) -> int:
    return len(block.split()) if " " in block.strip() else max(1, len(block) // 2)  # Chinese: about two characters a word


def library(*, guides: int, sections: int, languages: tuple[str, ...], seed: int = 13) -> list[SyntheticGuide]:
    """guides guides of sections sections each, in languages (the first is the source)."""
    blocks = aligned_blocks(languages)
    source = languages[0]
    callouts = [n for n, b in enumerate(blocks) if b[source].startswith(">")]
    paragraphs = [n for n, b in enumerate(blocks) if n not in callouts]
    section_titles = [{code: s.title for code, s in zip(languages, parts, strict=True)} for parts in zip(*(_demo(code).sections for code in languages), strict=True)]
    rng = random.Random(seed)
    result = []
    for g in range(1, guides + 1):
        guide_sections = []
        for s in range(1, sections + 1):
            chosen, words = [], 0
            pool = paragraphs[:]
            rng.shuffle(pool)
            for n in pool:
                if words >= WORDS_PER_SECTION:
                    break
                chosen.append(n)
                words += _words(blocks[n][source])
            if s % 2 == 1:  # every other section has a warning or a tip
                chosen.insert(rng.randrange(1, len(chosen) + 1), callouts[(g + s) % len(callouts)])
            titles = section_titles[(g + s) % len(section_titles)]
            guide_sections.append(SyntheticSection(
                key=f"part-{s}",
                title={code: f"{titles[code]} ({s})" for code in languages},
                body={code: "\n\n".join(blocks[n][code] for n in chosen) for code in languages},
            ))
        result.append(SyntheticGuide(
            slug=f"bench-{g:04d}",
            title={code: f"{_demo(code).title} ({g})" for code in languages},
            summary={code: _demo(code).summary for code in languages},
            sections=tuple(guide_sections),
        ))
    return result
