"""Run the QA checks on a guide's text in one language, against the right source."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict

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


# Findings kept by what they depend on (the checks, both texts' content hashes, the languages,
# the glossary, the interface language of their messages), so that text checked when it was
# imported is not checked again when it is submitted, nor when its reviewer opens it.
_FINDINGS: OrderedDict[tuple, tuple[Finding, ...]] = OrderedDict()
_FINDINGS_KEPT = 256
_FINDINGS_LOCK = threading.Lock()


def forget_findings() -> None:
    with _FINDINGS_LOCK:
        _FINDINGS.clear()


def _checked(key: tuple, check) -> list[Finding]:
    key = (*key, translation.get_language())
    with _FINDINGS_LOCK:
        found = _FINDINGS.get(key)
        if found is not None:
            _FINDINGS.move_to_end(key)
            return list(found)
    found = tuple(check())
    with _FINDINGS_LOCK:
        _FINDINGS[key] = found
        while len(_FINDINGS) > _FINDINGS_KEPT:
            _FINDINGS.popitem(last=False)
    return list(found)


def snapshot_findings(snapshot: dict, *, guide: Guide, source_version: Version | None) -> list[Finding]:
    """QA findings for a snapshot (drafts or a version) of guide; the same texts are checked once."""
    language = snapshot["language"]
    if language == guide.source_language:
        return _checked((check_source, content_hash(snapshot), language), lambda: check_source(snapshot, language=language))
    if source_version is None:
        return []
    glossary = tuple(glossary_for(language))
    key = (check_translation, content_hash(source_version.snapshot), content_hash(snapshot), guide.source_language, language, glossary)
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
