"""The translatable units of a guide, in one order everyone walks (pure: no database).

A snapshot (guide_cms.guides.snapshots) holds the guide's title and summary
and each section's title and body; each is one unit with a stable id:

    guide.title, guide.summary, <section key>.title, <section key>.body

The quality checks, the CAT-tool exchange and the review page read a
guide's text through `snapshot_units`, so none of them can skip a field.
"""
from __future__ import annotations

from dataclasses import dataclass

from guide_cms.guides.text_fields import FIELD_KINDS

__all__ = ["GUIDE", "TextUnit", "snapshot_units", "unit_id"]

GUIDE = "guide"  # the owner of guide-level units (RESERVED_SECTION_KEYS keeps sections off it)


@dataclass(frozen=True)
class TextUnit:
    id: str  # "guide.title", "dosing.body"
    section: str  # the section key; "" for the guide's own fields
    field: str  # "title" | "summary" | "body"
    text: str

    @property
    def kind(self) -> str:
        """text_rules.LINE (titles, the summary) or text_rules.MARKDOWN (bodies)."""
        return FIELD_KINDS[self.field]


def unit_id(section: str, field: str) -> str:
    return f"{section or GUIDE}.{field}"


def snapshot_units(snapshot: dict) -> list[TextUnit]:
    """The units of a snapshot-shaped dict ({"title", "summary", "sections": [{"key", "title", "body"}]}).

    Guide fields absent from the dict (a bare list of sections was checked)
    give no unit; a section's missing field is an empty unit.
    """
    units = [
        TextUnit(unit_id("", name), "", name, _text(snapshot.get(name)))
        for name in ("title", "summary")
        if name in snapshot
    ]
    for section in snapshot.get("sections", ()):
        key = str(section.get("key") or "")
        units += [TextUnit(unit_id(key, name), key, name, _text(section.get(name))) for name in ("title", "body")]
    return units


def _text(value) -> str:
    return value if isinstance(value, str) else ""
