"""The demo treatment guide in five languages, as the sections the checks receive.

The translations are correct; tests copy them and make one mistake at a time,
the way a translator would. Translated sections take the English section keys
by position (in the CMS every language of a section shares one key).
"""
from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from guide_cms.guides.importer import parse_guide_document
from guide_cms.localization.qa import ERROR, Finding, GlossaryEntry, check_translation

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
TRANSLATIONS = ("es", "ar", "zh-hans", "vi")
LANGUAGES = ("en", *TRANSLATIONS)

# Section keys of the demo guide, in order.
OPTIONS = "available-treatment-options"
EXPECT = "what-to-expect-from-treatment"
SELF_CARE = "self-care-and-prevention"

GLOSSARY = [
    GlossaryEntry("Diazepam", "Diazepam", do_not_translate=True),
    GlossaryEntry("Baclofen", "Baclofen", do_not_translate=True),
]


@cache
def _parsed(language: str) -> tuple[dict, ...]:
    text = (FIXTURES / f"treatment_guide.{language}.md").read_text(encoding="utf-8")
    return tuple({"key": s.key, "title": s.title, "body": s.body} for s in parse_guide_document(text).sections)


def sections(language: str) -> list[dict]:
    """A fresh, mutable copy of the demo guide's sections in `language`, with the English keys."""
    english = _parsed("en")
    own = _parsed(language)
    assert len(own) == len(english), f"the {language} demo has a different number of sections"
    return [{**copy.deepcopy(s), "key": e["key"]} for e, s in zip(english, own, strict=True)]


def section(sections_: list[dict], key: str) -> dict:
    return next(s for s in sections_ if s["key"] == key)


def edit(sections_: list[dict], key: str, old: str, new: str, *, count: int = 1, field: str = "body") -> list[dict]:
    """Replace `old` by `new` in one section, failing loudly if the demo text no longer has `old`."""
    target = section(sections_, key)
    assert target[field].count(old) >= count, f"{old!r} is not {count} time(s) in {key} {field}"
    target[field] = target[field].replace(old, new, count)
    return sections_


def run(language: str, target: list[dict], glossary=GLOSSARY) -> list[Finding]:
    """The findings of the checks on `target` against the English demo sections, with the demo glossary by default."""
    return check_translation(sections("en"), target, source_language="en", language=language, glossary=glossary)


def errors(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.section) for f in findings if f.severity == ERROR]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]
