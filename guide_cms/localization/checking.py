"""Run the QA checks on a guide's text in one language, against the right source."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from django.core.cache import cache
from django.utils import translation

from guide_cms.guides.models import Guide, Version
from guide_cms.guides.snapshots import build_snapshot, content_hash

from .models import GlossaryTerm
from .qa import Finding, GlossaryEntry, check_source, check_translation


def glossary_for(language: str) -> list[GlossaryEntry]:
    """The glossary a translation into `language` is checked with: the language's own terms, and every
    do-not-translate term of another language (a drug name stays the same in every language, so a language
    added later needs no entry of its own), unless the language has its own entry for that term
    (compared case-insensitively). Ordered by language, then term, so that the same rows give the same list."""
    own = [t for t in GlossaryTerm.objects.for_language(language).order_by("term", "pk")]
    terms = {t.term.strip().casefold() for t in own}
    shared: dict[str, GlossaryTerm] = {}
    for t in GlossaryTerm.objects.filter(do_not_translate=True).exclude(language=language).order_by("language", "term", "pk"):
        key = t.term.strip().casefold()
        if key and key not in terms:
            shared.setdefault(key, t)
    return [
        GlossaryEntry(term=t.term, approved=t.expected_form, do_not_translate=t.do_not_translate)
        for t in [*own, *shared.values()]
    ]


def current_source_version(guide: Guide) -> Version | None:
    """The approved source version a translation must translate now."""
    return Version.objects.for_language(guide, guide.source_language).approved().order_by("-number").first()


# Findings are kept in Django's cache by everything they depend on: the texts' content hashes, the
# languages, the glossary, the interface language of their messages, and the checks themselves
# (checks_fingerprint), so that text checked when it was imported is not checked again when it is
# submitted, nor when its reviewer opens it, in any process that shares the cache.
FINDINGS_TIMEOUT = 7 * 24 * 3600  # seconds; a key never names other findings, this only frees the space
_KEY_PREFIX = "guide_cms:findings:"
# What the findings are made with besides the texts: the checks' code and word lists, the text rules and
# sentence breaking they read through, and the interface's message catalogs (their messages).
_PACKAGE = Path(__file__).resolve().parent.parent
_RULE_SOURCES = ("localization/qa/*.py", "localization/qa/*.toml", "localization/segmentation.py", "localization/units.py",
                 "localization/inline.py", "guides/markdown.py", "guides/text_rules.py", "core/languages.py", "core/unicode_data.py")
_RULE_LIBRARIES = ("textstat", "drug-named-entity-recognition", "icu4py", "markdown-it-py", "Django")


@functools.cache
def checks_fingerprint() -> str:
    """SHA-256 (hex) of what the QA checks are made of: their source and data files, the libraries they
    read with (name and version) and the compiled message catalogs. Computed once per process."""
    from django.conf import settings

    digest = hashlib.sha256()
    files = sorted({path for pattern in _RULE_SOURCES for path in _PACKAGE.glob(pattern)})
    files += sorted(path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/LC_MESSAGES/django.mo"))
    for path in files:
        digest.update(f"{path.name}\0{len(data := path.read_bytes())}\0".encode() + data)
    for name in _RULE_LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} absent\0".encode())
    return digest.hexdigest()


def findings_key(*parts) -> str:
    """The cache key of findings that depend on parts (strings, or JSON-able tuples and lists) and on the
    checks and interface language in use: the prefix and a SHA-256 (hex), 83 characters."""
    payload = json.dumps([checks_fingerprint(), translation.get_language(), *parts], ensure_ascii=False, default=list)
    return _KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()


def forget_findings() -> None:
    """Empty the cache that keeps findings (tests: it is the whole default cache)."""
    cache.clear()


def _checked(key: str, check) -> list[Finding]:
    found = cache.get(key)
    if found is None:
        found = tuple(check())
        cache.set(key, found, FINDINGS_TIMEOUT)
    return list(found)


def snapshot_findings(snapshot: dict, *, guide: Guide, source_version: Version | None) -> list[Finding]:
    """QA findings for a snapshot (drafts or a version) of guide; the same texts are checked once."""
    language = snapshot["language"]
    if language == guide.source_language:
        key = findings_key("source", content_hash(snapshot), language)
        return _checked(key, lambda: check_source(snapshot, language=language))
    if source_version is None:
        return []
    glossary = tuple(glossary_for(language))
    key = findings_key("translation", content_hash(source_version.snapshot), content_hash(snapshot), guide.source_language, language,
                       [(g.term, g.approved, g.do_not_translate) for g in glossary])
    return _checked(key, lambda: check_translation(
        source_version.snapshot, snapshot, source_language=guide.source_language, language=language, glossary=glossary,
    ))


def version_findings(version: Version) -> list[Finding]:
    """Findings for a submitted version against the source version it translates (the review page's)."""
    return snapshot_findings(version.snapshot, guide=version.guide, source_version=version.source_version)


def draft_findings(guide: Guide, language: str) -> tuple[list[Finding], Version | None]:
    """Findings for the current drafts, and the source version they were checked against."""
    source_version = current_source_version(guide)
    snapshot = build_snapshot(guide, language, guide.sections.all())
    return snapshot_findings(snapshot, guide=guide, source_version=source_version), source_version


def version_fact_rows(version: Version) -> list[dict]:
    """The clinical facts read on each side of a translation, sentence pair by sentence pair, for its reviewer
    (qa.checks.fact_rows, with the unit's place: "Section 'dosing', text — paragraph 1, sentence 2").
    [] for a source version."""
    from .qa.checks import CheckContext, fact_rows
    from .units import snapshot_units

    if version.source_version is None:
        return []
    source_language = version.source_version.language
    ctx = CheckContext(source_language, version.language)
    targets = {unit.id: unit for unit in snapshot_units(version.snapshot)}
    rows = []
    for unit in snapshot_units(version.source_version.snapshot):
        target = targets.get(unit.id)
        if target is None or not target.text.strip():
            continue
        place = Finding("", "", unit.section, "", unit.field).where
        for row in fact_rows(unit, target, ctx):
            rows.append({**row, "where": f"{place} — {row['where']}"})
    return rows


def findings_as_data(findings: list[Finding]) -> list[dict]:
    return [asdict(f) for f in findings]


def version_memory_segments(version: Version) -> list[dict]:
    """The sentences of a submitted translation that came from the translation memory, for its reviewer.

    Each: id, source and target text, state at submission ("memory": an exact
    match of signed text in the same guide and unit; "translated" with a
    score: a match the translator reviewed or edited), score and origin.
    """
    from .inline import plain
    from .units import align_unit, snapshot_units, unit_blocks

    states = version.segment_states or {}
    if version.source_version is None or not any(s.get("origin") for s in states.values()):
        return []
    targets = {unit.id: unit.text for unit in snapshot_units(version.snapshot)}
    rows = []
    for unit in snapshot_units(version.source_version.snapshot):
        pairs = align_unit(unit, version.source_version.language, targets.get(unit.id, ""), version.language)
        for block in unit_blocks(unit, version.source_version.language):
            for item_id, content in [(block.id, block.content)] + [(s.id, s.content) for s in block.segments]:
                state = states.get(item_id)
                if not state or not state.get("origin"):
                    continue
                rows.append({"id": item_id, "source": plain(content), "target": plain(pairs.get(item_id, ())), **state})
    return rows
