"""Sentences, by ICU's sentence break rules (pure: no database).

ICU (through icu4py, whose wheel bundles it) knows where sentences end in
every language the guides use: Chinese "。", Arabic "؟", Vietnamese and the
European languages alike. The wheel's ICU lacks CLDR's abbreviation
suppressions ("Dr." ends no sentence), so a short table below adds the few
that patient text uses.
"""
from __future__ import annotations

import functools
import re

from django.utils.translation import to_locale
from icu4py.breakers import SentenceBreaker
from icu4py.locale import Locale

from .inline import BREAK, CLOSE, OPEN, Code, Content, merge_text, strip_content

# Words after which a full stop does not end a sentence (lower case, without the stop).
ABBREVIATIONS = {
    "en": {"dr", "mr", "mrs", "ms", "prof", "st", "e.g", "i.e", "approx", "vs", "no", "tel", "ext"},
    "es": {"dr", "dra", "sr", "sra", "srta", "p. ej", "aprox", "tel", "núm", "ud", "uds"},
    "vi": {"bs", "ts", "ths"},
}
# Languages whose sentences follow one another without a space.
UNSPACED = frozenset({"zh", "ja"})
OBJECT = "\ufffc"  # stands for a placeholder while ICU reads the text


def base_language(language: str) -> str:
    return (language or "").lower().replace("_", "-").split("-")[0]


def sentence_separator(language: str) -> str:
    """What goes between two sentences of a paragraph in language."""
    return "" if base_language(language) in UNSPACED else " "


@functools.lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    return Locale(to_locale(language or "en"))


def _ends_with_abbreviation(piece: str, language: str) -> bool:
    words = ABBREVIATIONS.get(base_language(language))
    if not words:
        return False
    match = re.search(r"(?:^|[\s(])([^\s(]+(?: [^\s(]+)?)\.\s*$", piece)
    if not match:
        return False
    candidate = match.group(1).lower()
    return candidate in words or candidate.split(" ")[-1] in words


def split_sentences(text: str, language: str) -> list[str]:
    """text cut into sentences (each with its trailing whitespace); they join back to text."""
    if not text:
        return []
    pieces = list(SentenceBreaker(text, _locale(language)))
    merged: list[str] = []
    for piece in pieces:
        if merged and _ends_with_abbreviation(merged[-1], language):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def split_content(content: Content, language: str) -> tuple[list[Content], list[str]]:
    """A block's content cut into sentence segments, and the whitespace around them.

    Returns (segments, gaps): len(gaps) == len(segments) + 1; gaps[0] leads,
    gaps[-1] trails. A paired code never straddles two segments: the
    sentences it spans stay one segment.
    """
    return _segments_and_gaps(_keep_codes_paired(_cut_at(content, _sentence_ends(content, language))))


def _sentence_ends(content: Content, language: str) -> list[int]:
    """The offsets in content's text (a code counts one character, a paired code none) where a sentence ends, but the last."""
    # The text ICU reads: placeholders stand for one character, a line break for "\n".
    flat = []
    for item in content:
        if isinstance(item, str):
            flat.append(item)
        elif item.kind not in (OPEN, CLOSE):
            flat.append("\n" if item.type == BREAK else OBJECT)
    text = "".join(flat)
    ends, position = [], 0
    for sentence in split_sentences(text, language)[:-1]:
        position += len(sentence)
        ends.append(position)
    return ends


def _cut_at(content: Content, ends: list[int]) -> list[list]:
    """content's items cut at those offsets (a closing code right after a cut stays before it)."""
    pieces: list[list] = [[]]
    offset = 0
    cut_index = 0
    for item in content:
        if isinstance(item, str):
            start = offset
            while cut_index < len(ends) and ends[cut_index] < start + len(item):
                cut = ends[cut_index] - start
                if cut > 0:
                    pieces[-1].append(item[:cut])
                    item, start = item[cut:], start + cut
                pieces.append([])
                cut_index += 1
            pieces[-1].append(item)
            offset = start + len(item)
            if cut_index < len(ends) and ends[cut_index] == offset:
                pieces.append([])
                cut_index += 1
            continue
        if isinstance(item, Code) and item.kind == CLOSE and not pieces[-1] and len(pieces) > 1:
            pieces[-2].append(item)  # a closing code right after a cut belongs before it
            continue
        pieces[-1].append(item)
        if isinstance(item, Code) and item.kind not in (OPEN, CLOSE):
            offset += 1
            if cut_index < len(ends) and ends[cut_index] == offset:
                pieces.append([])
                cut_index += 1
    return pieces


def _keep_codes_paired(pieces: list[list]) -> list[list]:
    """The pieces joined so that each paired code opens and closes in one of them."""
    balanced: list[list] = []
    depth = 0
    for piece in pieces:
        if balanced and depth:
            balanced[-1] += piece
        else:
            balanced.append(list(piece))
        for item in piece:
            if isinstance(item, Code) and item.kind == OPEN:
                depth += 1
            elif isinstance(item, Code) and item.kind == CLOSE:
                depth -= 1
    return balanced


def _segments_and_gaps(balanced: list[list]) -> tuple[list[Content], list[str]]:
    """(segments, gaps) of the pieces: their text stripped into segments, the whitespace around them into gaps."""
    segments: list[Content] = []
    gaps: list[str] = [""]
    pending: list = []  # codes with no text around them, before the first sentence: they open it
    for piece in balanced:
        lead, core, trail = strip_content(merge_text(piece))
        if not core:
            gaps[-1] += lead + trail
            continue
        if not has_text(core):
            if segments:  # a placeholder alone after a sentence (a line break) ends it
                segments[-1] = merge_text([*segments[-1], gaps[-1] + lead, *core])
                gaps[-1] = trail
            else:
                pending += [lead, *core, trail]
            continue
        if pending:
            pending_lead, pending_core, pending_trail = strip_content(merge_text(pending))
            gaps[-1] += pending_lead
            core, lead, pending = merge_text([*pending_core, pending_trail + lead, *core]), "", []
        gaps[-1] += lead
        segments.append(core)
        gaps.append(trail)
    if pending:  # nothing but placeholders: one segment with no text to translate
        lead, core, trail = strip_content(merge_text(pending))
        gaps[-1] += lead
        segments.append(core)
        gaps.append(trail)
    return segments, gaps


def has_text(content: Content) -> bool:
    """Whether content has anything to translate (letters or digits), not only codes and spaces."""
    return any(isinstance(item, str) and any(ch.isalnum() for ch in item) for item in content)
