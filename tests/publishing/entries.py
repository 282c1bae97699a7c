"""Sample channel entries built from the real demo texts (no database).

The demo guide in /fixtures/treatment_guide.<code>.md is parsed and rendered
the way the project does it, then wrapped in the frozen dataclasses channels
receive. Translations reuse the English section keys, as the real snapshots do.
"""
from __future__ import annotations

import dataclasses
import datetime
from functools import cache
from pathlib import Path

from guide_cms.core.hashing import sha256_hex
from guide_cms.guides.importer import parse_guide_document
from guide_cms.guides.markdown import render_markdown
from guide_cms.publishing.channels.base import (
    Entry,
    LanguageFacts,
    PublishedGuide,
    SectionContent,
    SignatureFacts,
    WithdrawnGuide,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DEMO_SLUG = "muscle-relaxants"
DEMO_LANGUAGES = ("en", "es", "ar", "zh-hans", "vi")
SOURCE = "en"
SOURCE_VERSION = 3
APPROVED_ON = datetime.date(2025, 3, 14)
NEXT_REVIEW_DUE = datetime.date(2026, 3, 14)
SIGNED_AT = datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC)


def language_facts(code: str) -> LanguageFacts:
    return LanguageFacts.of(code)


@cache
def demo_text(code: str) -> str:
    return (FIXTURES / f"treatment_guide.{code}.md").read_text(encoding="utf-8")


@cache
def _parsed(code: str):
    return parse_guide_document(demo_text(code), source=f"treatment_guide.{code}.md")


def demo_sections(code: str) -> tuple[SectionContent, ...]:
    """The demo guide's sections in `code`, keyed like the English source."""
    keys = [section.key for section in _parsed(SOURCE).sections]
    return tuple(
        SectionContent(
            key=keys[index] if index < len(keys) else section.key,
            position=index + 1,
            title=section.title,
            body_markdown=section.body,
            body_html=render_markdown(section.body, language=code),
        )
        for index, section in enumerate(_parsed(code).sections)
    )


def content_hash(title: str, summary: str, sections) -> str:
    return sha256_hex(
        {
            "title": title,
            "summary": summary,
            "sections": [[s.key, s.position, s.title, s.body_markdown] for s in sections],
        }
    )


def clinical_signature(**overrides) -> SignatureFacts:
    values = {
        "printed_name": "Dr. Amara Okafor",
        "credentials": "MD, FRCP",
        "meaning": "clinically_accurate",
        "meaning_text": "clinically accurate, approved for publication",
        "signed_at": SIGNED_AT,
        "source_version_number": None,
    }
    return SignatureFacts(**{**values, **overrides})


def translation_signature(source_version: int = SOURCE_VERSION, **overrides) -> SignatureFacts:
    values = {
        "printed_name": "Lucía Fernández",
        "credentials": "RN, certified medical translator",
        "meaning": "faithful_translation",
        "meaning_text": f"faithful translation of source version {source_version}",
        "signed_at": SIGNED_AT + datetime.timedelta(hours=2),
        "source_version_number": source_version,
    }
    return SignatureFacts(**{**values, **overrides})


def published_guide(
    code: str = SOURCE,
    *,
    slug: str = DEMO_SLUG,
    alternates: tuple[str, ...] = DEMO_LANGUAGES,
    **overrides,
) -> PublishedGuide:
    """The demo guide as published in `code`; any field can be overridden.

    Overriding title/summary/sections recomputes content_hash unless it is given too.
    """
    parsed = _parsed(code)
    is_source = code == SOURCE
    values = {
        "slug": slug,
        "language": language_facts(code),
        "version_number": SOURCE_VERSION if is_source else 1,
        "title": parsed.title,
        "summary": parsed.summary,
        "sections": demo_sections(code),
        "signatures": (clinical_signature(),) if is_source else (clinical_signature(), translation_signature()),
        "approved_on": APPROVED_ON,
        "next_review_due": NEXT_REVIEW_DUE,
        "review_overdue": False,
        "source_version_number": None if is_source else SOURCE_VERSION,
        "alternates": tuple(language_facts(c) for c in alternates),
        "source_language": language_facts(SOURCE),
    }
    values.update(overrides)
    if "content_hash" not in overrides:
        values["content_hash"] = content_hash(values["title"], values["summary"], values["sections"])
    return PublishedGuide(**values)


def withdrawn_guide(code: str, *, slug: str = DEMO_SLUG, **overrides) -> WithdrawnGuide:
    values = {
        "slug": slug,
        "language": language_facts(code),
        "source_language": language_facts(SOURCE),
        "source_title": _parsed(SOURCE).title,
        "withdrawn_version_number": 1,
    }
    values.update(overrides)
    return WithdrawnGuide(**values)


def demo_entries(*, withdrawn: tuple[str, ...] = ()) -> list[Entry]:
    """The demo guide in every demo language; languages in `withdrawn` get a withdrawal notice."""
    live = tuple(code for code in DEMO_LANGUAGES if code not in withdrawn)
    return [
        withdrawn_guide(code) if code in withdrawn else published_guide(code, alternates=live)
        for code in DEMO_LANGUAGES
    ]


def replace(entry, **changes):
    return dataclasses.replace(entry, **changes)


def with_extra_section(
    entry: PublishedGuide, body_markdown: str, *, title: str = "Extra", key: str = "extra"
) -> PublishedGuide:
    """`entry` with one more section at the end, rendered like the others (content_hash recomputed)."""
    section = SectionContent(
        key=key,
        position=len(entry.sections) + 1,
        title=title,
        body_markdown=body_markdown,
        body_html=render_markdown(body_markdown, language=entry.language.code),
    )
    sections = (*entry.sections, section)
    return dataclasses.replace(
        entry, sections=sections, content_hash=content_hash(entry.title, entry.summary, sections)
    )
