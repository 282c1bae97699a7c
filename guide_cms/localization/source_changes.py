"""What a new source version changes that its translations depend on.

An author classifies a source change (guides.models.ChangeClass); an
"editorial" change leaves every translation current and live. A change
that alters a quantity a patient acts on (a dose, a time, a frequency) must
reach the translations, so it can never be editorial: quantity_changes
finds such changes by reading both texts' quantities with the same reader
the translation checks use.
"""
from __future__ import annotations

from dataclasses import dataclass

from guide_cms.guides.text_rules import strip_marks

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


def quantity_changes(before: dict, after: dict, language: str) -> list[QuantityChange]:
    """Quantities that differ between two snapshots of the same language, unit by unit
    (sections matched by key; a removed or added unit counts with all its quantities).

    before, after: snapshot-shaped dicts ({"title", "summary", "sections": [{"key", "title", "body"}]}).
    """
    old = {unit.id: unit for unit in snapshot_units(before)}
    new = {unit.id: unit for unit in snapshot_units(after)}
    changes = []
    for unit_id in [*new, *(i for i in old if i not in new)]:
        a, b = old.get(unit_id), new.get(unit_id)
        if a is not None and b is not None and a.text == b.text:
            continue
        unit = b or a
        for difference in compare_quantities(read_quantities(_plain(a), language), read_quantities(_plain(b), language)):
            if difference.kind in _ALTERING:
                changes.append(QuantityChange(
                    unit.section, unit.field,
                    difference.source.text if difference.source else "", difference.target.text if difference.target else "",
                ))
    return changes
