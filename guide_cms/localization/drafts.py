"""A translation draft seen segment by segment: what each source sentence has as its translation, and its state.

The text lives in the translated columns; the stored SegmentDraft says how it
pairs with the source's sentences and how each target came to be. When a
unit's text was written another way (the Markdown fields of the admin, a
document import), its pairing is worked out again from the text
(units.align_unit), keeping the state of every target that did not change.

A segment is stale when the source sentence it translates is no longer in
the current source: after a clinical change only the changed sentences are
stale; whitespace is never a change.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from guide_cms.guides.models import Guide, Version
from guide_cms.guides.snapshots import build_snapshot

from .checking import current_source_version
from .exchange.base import BLOCKING_STATES, NEW, TRANSLATED
from .inline import Content, from_tagged, match_key, to_tagged, with_source_codes
from .models import SegmentDraft
from .units import TextUnit, align_unit, snapshot_units, unit_blocks


def unit_text_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def same_source(a: Content, b: Content) -> bool:
    """Equal but for whitespace (which CAT tools and editors reflow) and code data."""
    return "".join(match_key(a).split()) == "".join(match_key(b).split())


def same_source_loose(a: Content, b: Content) -> bool:
    """Equal text and codes, whitespace and code types aside (a file's codes may not say their type)."""
    def key(content):
        return "".join("".join(i.split()) if isinstance(i, str) else i.tag() for i in content)

    return key(a) == key(b)


@dataclass
class DraftSegment:
    id: str  # segment id, or a block id when the block's translation pairs as a whole
    unit: str
    block: int
    kind: str
    source: Content  # the current source
    target: Content = ()
    state: str = NEW
    stale: bool = False  # the source changed since this target was made
    old_source: Content | None = None
    score: int | None = None
    origin: str = ""

    @property
    def blocking(self) -> bool:
        return bool(self.target) and self.state in BLOCKING_STATES

    @property
    def section(self) -> str:
        owner = self.unit.split(".")[0]
        return "" if owner == "guide" else owner

    def entry(self, source: Content | None = None) -> dict:
        return {
            "source": to_tagged(source if source is not None else (self.old_source if self.stale else self.source)),
            "target": to_tagged(self.target), "state": self.state, "score": self.score, "origin": self.origin,
        }


@dataclass
class TranslationDraft:
    guide: Guide
    language: str
    source_language: str
    source_snapshot: dict
    source_version: Version | None
    items: list[DraftSegment] = field(default_factory=list)
    source_units: dict[str, TextUnit] = field(default_factory=dict)
    target_texts: dict[str, str] = field(default_factory=dict)

    def unit_items(self, unit: str) -> list[DraftSegment]:
        return [item for item in self.items if item.unit == unit]

    def item(self, item_id: str) -> DraftSegment | None:
        return next((item for item in self.items if item.id == item_id), None)

    @property
    def blocking(self) -> list[DraftSegment]:
        return [item for item in self.items if item.blocking]

    @property
    def stale(self) -> list[DraftSegment]:
        return [item for item in self.items if item.stale]

    def count(self, state: str) -> int:
        return sum(1 for item in self.items if item.state == state and (item.target or state == NEW))


def translation_draft(guide: Guide, language: str) -> TranslationDraft:
    """The draft of guide in language, segment by segment, against the current approved source (or the source drafts)."""
    source_version = current_source_version(guide)
    sections = list(guide.sections.all())
    stored = SegmentDraft.objects.filter(guide=guide, language=language).first()
    latest = Version.objects.filter(guide=guide, language=language).select_related("source_version").order_by("-number").first()
    basis = latest.source_version.snapshot if latest is not None and latest.source_version is not None else None
    return build_draft(guide, language, sections, source_version=source_version, stored=stored, basis_snapshot=basis)


def build_draft(guide: Guide, language: str, sections, *, source_version, stored, basis_snapshot) -> TranslationDraft:
    """The draft from rows already loaded (no query): for pages that show many guides.

    basis_snapshot: the source the language's latest version translated
    (what a text written as a whole pairs with), None if it has none.
    """
    source_snapshot = source_version.snapshot if source_version else build_snapshot(guide, guide.source_language, sections)
    target_snapshot = build_snapshot(guide, language, sections)
    entries = stored.segments if stored else {}
    hashes = stored.unit_hashes if stored else {}
    basis_units = None
    draft = TranslationDraft(guide, language, guide.source_language, source_snapshot, source_version)
    targets = {unit.id: unit.text for unit in snapshot_units(target_snapshot)}
    for unit in snapshot_units(source_snapshot):
        draft.source_units[unit.id] = unit
        text = targets.get(unit.id, "")
        draft.target_texts[unit.id] = text
        prefix = unit.id + "."
        if hashes.get(unit.id) == unit_text_hash(text) and text:
            unit_entries = {k: v for k, v in entries.items() if k.startswith(prefix)}
        else:
            if basis_units is None:
                basis_units = {u.id: u for u in snapshot_units(basis_snapshot or source_snapshot)}
            unit_entries = _realigned(basis_units.get(unit.id, unit), guide.source_language, text, language, entries, prefix)
        draft.items += _pair(unit, guide.source_language, unit_entries)
    return draft


def _realigned(basis: TextUnit, source_language: str, text: str, language: str, entries: dict, prefix: str) -> dict:
    """Entries for a unit whose text was written another way: paired anew, states kept where the target is the same."""
    if not text.strip():
        return {}
    sources = {}
    for block in unit_blocks(basis, source_language):
        sources[block.id] = block.content
        for segment in block.segments:
            sources[segment.id] = segment.content
    found = {}
    for item_id, content in align_unit(basis, source_language, text, language).items():
        tagged = to_tagged(content)
        old = entries.get(item_id) if item_id.startswith(prefix) else None
        kept = old if old and old.get("target") == tagged else None
        found[item_id] = {
            "source": to_tagged(sources[item_id]), "target": tagged, "state": kept["state"] if kept else TRANSLATED,
            "score": kept.get("score") if kept else None, "origin": kept.get("origin", "") if kept else "",
        }
    return found


def _pair(unit: TextUnit, source_language: str, entries: dict) -> list[DraftSegment]:
    """The current source's segments of a unit, each with the entry that translates it."""
    parsed = {k: (from_tagged(v["source"]), v) for k, v in entries.items()}
    used: set[str] = set()
    items: list[DraftSegment] = []

    def make(item_id, block, content, found_id):
        source, entry = parsed[found_id] if found_id else (None, None)
        item = DraftSegment(item_id, unit.id, block.index, block.kind, content)
        if entry is None:
            return item
        used.add(found_id)
        item.target = with_source_codes(content, from_tagged(entry.get("target", "")))
        item.state = entry.get("state") or TRANSLATED if item.target else NEW
        item.score, item.origin = entry.get("score"), entry.get("origin", "")
        if not same_source_loose(source, content):
            item.stale, item.old_source = True, source
        return item

    def find(item_id, content):
        if item_id in parsed and item_id not in used and same_source_loose(parsed[item_id][0], content):
            return item_id
        moved = next((k for k, (s, _e) in parsed.items() if k not in used and k.count(".") == item_id.count(".") and same_source_loose(s, content)), None)
        if moved:
            return moved
        return item_id if item_id in parsed and item_id not in used else None

    for block in unit_blocks(unit, source_language):
        if not block.translatable:
            continue
        segment_entries = [s for s in block.segments if s.id in parsed]
        if block.id in parsed and not segment_entries:
            items.append(make(block.id, block, block.content, find(block.id, block.content)))
            continue
        for segment in block.segments:
            items.append(make(segment.id, block, segment.content, find(segment.id, segment.content)))
    return items
