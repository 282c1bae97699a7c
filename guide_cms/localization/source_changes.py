"""What a new source version changes that its translations depend on.

An author classifies a source change (guides.models.ChangeClass); an
"editorial" change leaves every translation current and live. A change
that alters a quantity a patient acts on (a dose, a time, a frequency),
another clinical fact (a prohibition, a threshold, an opposite word such as
before/after, a frequency in words, a drug) or the structure a patient
follows (warnings and tips, the order of numbered steps) must reach the
translations, so it can never be editorial: quantity_changes, fact_changes
and structure_changes find such changes by reading both texts with the same
readers the translation checks use.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from guide_cms.guides.markdown import callout_kinds
from guide_cms.guides.text_rules import strip_marks

from .qa.checks import CheckContext, aligned_sentences, numbered_steps
from .qa.facts import FREQUENCY, Facts, negations_joined, read_facts, swapped_opposites
from .qa.quantities import compare_quantities, read_quantities
from .qa.text import plain_text
from .units import TextUnit, snapshot_units

# Differences that change what a patient does; "order" and "converted" (the same
# amount in another unit) are rewordings, "unreadable"/"ambiguous" are the QA's.
_ALTERING = ("changed", "missing", "added")


@dataclass(frozen=True)
class QuantityChange:
    section: str  # the section key; "" for the guide's title or summary
    field: str  # "title" | "summary" | "body"
    before: str  # the quantity as written before ("30 minutes"), or "" if added
    after: str  # as written now, or "" if removed


def _plain(unit: TextUnit | None) -> str:
    if unit is None:
        return ""
    return strip_marks(plain_text(unit.text) if unit.field == "body" else unit.text)


def _changed_units(before: dict, after: dict):
    """(unit, its text unit before or None, after or None) for each unit whose text differs between two snapshots,
    sections matched by key: the new ones in order, then those removed."""
    old = {unit.id: unit for unit in snapshot_units(before)}
    new = {unit.id: unit for unit in snapshot_units(after)}
    for unit_id in [*new, *(i for i in old if i not in new)]:
        a, b = old.get(unit_id), new.get(unit_id)
        if a is None or b is None or a.text != b.text:
            yield b or a, a, b


def quantity_changes(before: dict, after: dict, language: str) -> list[QuantityChange]:
    """Quantities that differ between two snapshots of the same language, unit by unit
    (sections matched by key; a removed or added unit counts with all its quantities).

    before, after: snapshot-shaped dicts ({"title", "summary", "sections": [{"key", "title", "body"}]}).
    """
    changes = []
    for unit, a, b in _changed_units(before, after):
        for difference in compare_quantities(read_quantities(_plain(a), language), read_quantities(_plain(b), language)):
            if difference.kind in _ALTERING:
                changes.append(QuantityChange(
                    unit.section, unit.field,
                    difference.source.text if difference.source else "", difference.target.text if difference.target else "",
                ))
    return changes


@dataclass(frozen=True)
class FactChange:
    section: str  # the section key; "" for the guide's title or summary
    field: str  # "title" | "summary" | "body"
    before: str  # the fact's words as written before ("Do not", "before"), or "" if added
    after: str  # as written now, or "" if removed


def _signature(facts: Facts) -> Counter:
    return Counter((f.kind, f.value) for f in facts.facts)


def _words(facts: Facts, keys) -> str:
    return ", ".join(dict.fromkeys(f.text for f in facts.facts if (f.kind, f.value) in keys))


def fact_changes(before: dict, after: dict, language: str) -> list[FactChange]:
    """Clinical facts (qa.facts: negations, thresholds, opposite words, frequencies in words, drugs) that differ
    between two snapshots of the same language, unit by unit and, where both keep a block's sentences,
    sentence by sentence. A negation moved onto its comparator ("do not take more than" for "take no more
    than") is no change; a frequency in words whose part also changed a quantity is left to quantity_changes.

    before, after: snapshot-shaped dicts ({"title", "summary", "sections": [{"key", "title", "body"}]}).
    """
    ctx = CheckContext(language, language)
    changes = []
    for unit, a, b in _changed_units(before, after):
        a = a or TextUnit(unit.id, unit.section, unit.field, "")
        b = b or TextUnit(unit.id, unit.section, unit.field, "")
        for _where, text_before, text_after in aligned_sentences(a, b, ctx):
            facts_before, facts_after = read_facts(strip_marks(text_before), language), read_facts(strip_marks(text_after), language)
            signatures = [(_signature(x), _signature(y)) for x in (facts_before, negations_joined(facts_before))
                          for y in (facts_after, negations_joined(facts_after))]
            if any(x == y for x, y in signatures):
                # The same words, counted alike, may still say the opposite: "before meals, not after".
                changes += [FactChange(unit.section, unit.field, _words(facts_before, {(d.kind, f.value) for f in d.source}),
                                       _words(facts_after, {(d.kind, f.value) for f in d.target}))
                            for d in swapped_opposites(facts_before, facts_after)]
                continue
            removed, added = signatures[0][0] - signatures[0][1], signatures[0][1] - signatures[0][0]
            if any(d.kind in _ALTERING for d in compare_quantities(
                    read_quantities(strip_marks(text_before), language), read_quantities(strip_marks(text_after), language))):
                removed = Counter({k: n for k, n in removed.items() if k[0] != FREQUENCY})
                added = Counter({k: n for k, n in added.items() if k[0] != FREQUENCY})
                if not removed and not added:
                    continue
            changes.append(FactChange(unit.section, unit.field, _words(facts_before, removed), _words(facts_after, added)))
    return changes


@dataclass(frozen=True)
class StructureChange:
    section: str  # the section key
    field: str  # "body"
    what: str  # "callouts": the warnings and tips, by kind, in order | "steps": the order of a numbered list
    before: str  # "warning, tip" / the steps' first words, in their old order
    after: str


def structure_changes(before: dict, after: dict) -> list[StructureChange]:
    """Warnings and tips added, removed or changed in kind, and numbered steps put in another order, between
    two snapshots of the same language, body by body (sections matched by key). A patient reads a warning as
    a warning and follows steps in order: neither change is editorial.

    before, after: snapshot-shaped dicts ({"title", "summary", "sections": [{"key", "title", "body"}]}).
    """
    changes = []
    for unit, a, b in _changed_units(before, after):
        if unit.field != "body" or a is None or b is None:
            continue  # a section added or removed is named by its text's quantities and facts
        kinds_before, kinds_after = callout_kinds(a.text), callout_kinds(b.text)
        if kinds_before != kinds_after:
            changes.append(StructureChange(unit.section, unit.field, "callouts", ", ".join(kinds_before), ", ".join(kinds_after)))
        steps_before, steps_after = numbered_steps(a.text), numbered_steps(b.text)
        if _reordered_steps(steps_before, steps_after):
            changes.append(StructureChange(unit.section, unit.field, "steps", " / ".join(map(_first_words, steps_before)),
                                           " / ".join(map(_first_words, steps_after))))
    return changes


def _first_words(step: str, words: int = 4) -> str:
    parts = step.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


_SAME_STEP = 80  # rapidfuzz ratio (0-100) above which a step reworded is still the same step


def _reordered_steps(old: list[str], new: list[str]) -> bool:
    """Whether the steps of `old` found again in `new` (the same or reworded) come in another order."""
    from rapidfuzz import fuzz, process

    positions = []
    for step in old:
        match = process.extractOne(step, new, scorer=fuzz.ratio, score_cutoff=_SAME_STEP)
        if match is not None:
            positions.append(match[2])
    return any(later <= earlier for earlier, later in zip(positions, positions[1:], strict=False))
