"""The translatable units of a guide, in one order everyone walks (pure: no database).

A snapshot (guide_cms.guides.snapshots) holds the guide's title and summary
and each section's title and body; each is one unit with a stable id:

    guide.title, guide.summary, <section key>.title, <section key>.body

A unit is made of blocks (a title or the summary is one block; a body's
blocks are its paragraphs, list items and callout or quote paragraphs), and
a block of sentence segments (ICU's sentence breaks, guide_cms.localization
.segmentation), with inline markup as codes (guide_cms.localization.inline):

    dosing.body.2      the second block of the dosing section's text
    dosing.body.2.1    its first sentence

The quality checks, the CAT-tool exchange, staleness, the review page and
the translation memory read a guide's text through these functions, so none
of them can skip a field or a sentence.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from guide_cms.guides.markdown import subset_tokens
from guide_cms.guides.text_fields import FIELD_KINDS
from guide_cms.guides.text_rules import LINE

from .inline import LINK, OPEN, PH, Code, Content, codes, from_tokens, merge_text, to_markdown
from .segmentation import has_text, sentence_separator, split_content, split_sentences

__all__ = [
    "GUIDE", "Block", "Segment", "TextUnit", "align_unit", "compose_unit", "snapshot_blocks", "snapshot_segments",
    "snapshot_units", "unit_blocks", "unit_id",
]

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


# Blocks and sentence segments -----------------------------------------------------


def block_kind_label(kind: str) -> str:
    """A block's kind ("paragraph", "list item"...) as the interface names it, in the active language."""
    from django.utils.translation import gettext, pgettext

    labels = {
        "title": lambda: gettext("title"), "summary": lambda: gettext("summary"), "paragraph": lambda: gettext("paragraph"),
        "list item": lambda: gettext("list item"), "quote": lambda: gettext("quote"),
        "warning": lambda: pgettext("block kind", "warning"), "tip": lambda: pgettext("block kind", "tip"),
    }
    return labels[kind]() if kind in labels else kind


@dataclass(frozen=True)
class Segment:
    id: str  # "dosing.body.2.1"
    unit: str  # "dosing.body"
    block: int  # 1-based, counting every block of the unit
    index: int  # 1-based sentence in the block
    block_kind: str  # "title", "summary", "paragraph", "list item", "warning", "tip", "quote"
    content: Content

    @property
    def block_id(self) -> str:
        return f"{self.unit}.{self.block}"


@dataclass(frozen=True)
class Block:
    id: str  # "dosing.body.2"
    unit: str
    index: int
    kind: str
    content: Content
    segments: tuple[Segment, ...]
    lines: tuple[int, int] | None = None  # a body's source lines [start, end)
    prefix: str = ""  # the Markdown before the text on its first line ("- ", "> ")
    continuation: str = ""  # what starts the block's other lines

    @property
    def translatable(self) -> bool:
        return has_text(self.content)


def _block_kind(stack: list[str]) -> str:
    for kind in reversed(stack):
        if kind != "list item":
            return kind
    return "list item" if stack else "paragraph"


def _make_block(unit: TextUnit, index: int, kind: str, content: Content, language: str, **layout) -> Block:
    block_id = f"{unit.id}.{index}"
    pieces, _gaps = split_content(content, language) if has_text(content) else ([], [])
    segments = tuple(
        Segment(f"{block_id}.{n}", unit.id, index, n, kind, piece) for n, piece in enumerate(pieces, start=1)
    )
    return Block(block_id, unit.id, index, kind, content, segments, **layout)


# A section body's blocks and alignment take 7-8 KB an entry: 4,096 of each grew a process that signs
# all day by some 60 MB before they were full (issue 26). 1,024 hold every unit of the few guides an
# operation reads, in every language; pages of many guides reuse their drafts' segments instead
# (selectors._SEGMENTS).
UNIT_CACHE_SIZE = 1024


@functools.lru_cache(maxsize=UNIT_CACHE_SIZE)
def unit_blocks(unit: TextUnit, language: str) -> tuple[Block, ...]:
    """The blocks of a unit, each cut into sentences in language (for a title or the summary: one block).

    Pure and cached: pages that show many guides cut each text once.
    """
    return tuple(_unit_blocks(unit, language))


def _unit_blocks(unit: TextUnit, language: str) -> list[Block]:
    if not unit.text.strip():
        return []
    if unit.kind == LINE:
        return [_make_block(unit, 1, unit.field, (unit.text.strip(),), language)]
    lines = unit.text.split("\n")
    blocks: list[Block] = []
    stack: list[str] = []
    for token in subset_tokens(unit.text):
        if token.type == "callout_open":
            stack.append(token.meta["kind"])
        elif token.type == "blockquote_open":
            stack.append("quote")
        elif token.type == "list_item_open":
            stack.append("list item")
        elif token.type in ("callout_close", "blockquote_close", "list_item_close") and stack:
            stack.pop()
        elif token.type == "inline" and token.map:
            start, end = token.map
            first = lines[start] if start < len(lines) else ""
            head = token.content.split("\n")[0].rstrip()
            at = first.find(head) if head else len(first)
            prefix = first[: max(at, 0)]
            blocks.append(
                _make_block(
                    unit, len(blocks) + 1, _block_kind(stack), from_tokens(token.children), language,
                    lines=(start, end), prefix=prefix, continuation=re.sub(r"[^>\s]", " ", prefix),
                )
            )
    return blocks


def snapshot_blocks(snapshot: dict, language: str) -> list[Block]:
    return [block for unit in snapshot_units(snapshot) for block in unit_blocks(unit, language)]


def snapshot_segments(snapshot: dict, language: str) -> list[Segment]:
    """Every sentence segment of a snapshot, in reading order."""
    return [segment for block in snapshot_blocks(snapshot, language) for segment in block.segments]


def _one_line(content: Content) -> Content:
    """Text of a target on one line: a new line inside a block comes only from a line-break code."""
    return merge_text(re.sub(r"\s*\n\s*", " ", item) if isinstance(item, str) else item for item in content)


def block_target(block: Block, targets: dict[str, Content], language: str) -> Content | None:
    """The translation of a block: its block-level target, or its sentences' joined; None if it has none."""
    if block.id in targets:
        return targets[block.id]
    found = [targets[s.id] for s in block.segments if targets.get(s.id)]
    if not found:
        return None
    separator = sentence_separator(language)
    items: list = []
    for n, content in enumerate(found):
        if n:
            items.append(separator)
        items += list(content)
    return merge_text(items)


def compose_unit(unit: TextUnit, source_language: str, targets: dict[str, Content], language: str) -> str:
    """The text of a unit in language from its source's structure and the targets of its segments or blocks.

    targets: segment or block id -> content whose codes carry their source's
    type and data (inline.with_source_codes). A body keeps its source's
    Markdown layout (list markers, callouts, blank lines); blocks with
    nothing to translate stay as in the source; untranslated blocks are left
    empty.
    """
    blocks = unit_blocks(unit, source_language)
    if unit.kind == LINE:
        parts = [block_target(block, targets, language) for block in blocks]
        return " ".join(" ".join("".join(i for i in part if isinstance(i, str)).split()) for part in parts if part)
    lines = unit.text.split("\n")
    for block in reversed(blocks):
        if not block.translatable or block.lines is None:
            continue
        content = block_target(block, targets, language) or ()
        text = to_markdown(_one_line(content), block.continuation)
        start, end = block.lines
        lines[start:end] = [(block.prefix + text).rstrip()]
    return "\n".join(lines)


# Aligning a translation written as a whole with its source's segments ---------------


def _remap_codes(source: Content, target: Content) -> Content:
    """target's codes renumbered to the source's, matching each type's codes in order; others dropped."""
    by_type: dict[str, list[str]] = {}
    for code in codes(source):
        if code.kind in (OPEN, PH):
            by_type.setdefault(code.type, []).append(code.id)
    used: dict[str, int] = {}
    mapping: dict[str, str] = {}
    for code in codes(target):
        if code.kind in (OPEN, PH):
            n = used.get(code.type, 0)
            used[code.type] = n + 1
            ids = by_type.get(code.type, [])
            if n < len(ids):
                mapping[code.id] = ids[n]
    source_codes = {(c.id, c.kind): c for c in codes(source)}
    out = []
    for item in target:
        if isinstance(item, Code):
            if item.id not in mapping:
                continue
            item = source_codes.get((mapping[item.id], item.kind), item)
            if item.type == LINK and item.kind == OPEN:
                item = source_codes[(item.id, OPEN)]
        out.append(item)
    return merge_text(out)


def align_unit(unit: TextUnit, source_language: str, target_text: str, language: str) -> dict[str, Content]:
    """Pair a translation written as a whole with the unit's source segments.

    Blocks pair in order when the translation has the source's blocks (same
    number and kinds); within a block, sentences pair one to one when their
    numbers match, or else the whole block pairs with the whole block (id
    "dosing.body.2"). A translation whose blocks differ from the source's
    pairs with nothing. Returns segment or block id -> content (codes
    renumbered to the source's).
    """
    return dict(_align(unit, source_language, target_text, language))


@functools.lru_cache(maxsize=UNIT_CACHE_SIZE)
def _align(unit: TextUnit, source_language: str, target_text: str, language: str) -> tuple:
    return tuple(_align_unit(unit, source_language, target_text, language).items())


def _align_unit(unit: TextUnit, source_language: str, target_text: str, language: str) -> dict[str, Content]:
    source_blocks = unit_blocks(unit, source_language)
    target_blocks = unit_blocks(TextUnit(unit.id, unit.section, unit.field, target_text), language)
    if unit.kind == LINE:
        if not source_blocks or not target_blocks:
            return {}
        block = source_blocks[0]
        sentences = [s.strip() for s in split_sentences(target_text.strip(), language) if s.strip()]
        if len(sentences) == len(block.segments):
            return {segment.id: (text,) for segment, text in zip(block.segments, sentences, strict=True)}
        return {block.id: (target_text.strip(),)}
    if [b.kind for b in source_blocks] != [b.kind for b in target_blocks]:
        return {}
    pairs: dict[str, Content] = {}
    for source, target in zip(source_blocks, target_blocks, strict=True):
        if not source.translatable or not target.translatable:
            continue
        if len(source.segments) == len(target.segments):
            for s, t in zip(source.segments, target.segments, strict=True):
                pairs[s.id] = _remap_codes(s.content, t.content)
        else:
            pairs[source.id] = _remap_codes(source.content, target.content)
    return pairs
