"""Plain text out of a section body in the project's Markdown subset (pure helpers).

The checks measure and compare what a patient reads: paragraph and list text,
link text, inline code. Markup characters, callout markers (``> [!WARNING]``),
link destinations and raw HTML tags are left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

__all__ = ["Block", "body_blocks", "normalise_space", "plain_blocks", "plain_text", "real_words", "split_sentences"]

# A callout marker opening a quote's first paragraph: "[!WARNING]".
_MARKER = re.compile(r"^\[!(?P<kind>[A-Za-z]+)\]\s*")
_SENTENCE_END = re.compile(r"[.!?。！？؟…:;]['\"”’»)\]]*$")
_URL = re.compile(r"(?:https?://|mailto:|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Units and abbreviations that stay the same in every language: a body of only
# these, numbers and names is not "untranslated" when copied unchanged.
_UNITS = frozenset(
    [
        "mg", "mcg", "µg", "μg", "g", "kg", "ml", "mL", "l", "dl", "cm", "mm", "m", "km", "h", "hr", "hrs", "min", "mins", "s",
        "sec", "iu", "ui", "mmol", "mol", "bpm", "mmhg", "kcal", "cal", "ok", "vs", "am", "pm",
    ]
)

# Commonmark with raw HTML recognised (so tags can be dropped, not read as text).
_parser = MarkdownIt("commonmark", {"html": True}).enable("table")
# Parse every link, even javascript: ones, so a destination is never read as text.
_parser.validateLink = lambda url: True


_COLLAPSIBLE = re.compile(r"[ \t\r\n\f\v\u2028\u2029]+")


def normalise_space(text: str) -> str:
    """Collapse every run of ordinary whitespace to one space and strip the ends.

    No-break, narrow no-break and thin spaces are kept: inside a number they
    group thousands ("1 000" is one number in French), which a plain space does not say.
    """
    return _COLLAPSIBLE.sub(" ", text).strip(" ")


def _inline_text(token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak", "image"):
            parts.append(" ")
    return normalise_space("".join(parts))


@dataclass(frozen=True)
class Block:
    """One block a patient reads: its kind and its plain text."""

    kind: str  # "paragraph" | "list item" | "warning" | "tip" | "quote" | "heading" | "code"
    text: str
    callout: int | None = None  # which callout of the body (0, 1…) a warning or tip paragraph belongs to


def body_blocks(body: str) -> list[Block]:
    """Each paragraph, list item, callout paragraph, heading or table cell of `body`, in order.

    Callout markers and raw HTML are dropped; link text is kept, link
    destinations are not. Never raises on any string. Kept by text: every
    check of a unit reads its blocks (a fresh list each call; blocks are frozen).
    """
    return list(_body_blocks(body))


@lru_cache(maxsize=2048)
def _body_blocks(body: str) -> tuple[Block, ...]:
    if not body or not body.strip():
        return ()
    blocks: list[Block] = []
    quotes: list[str] = []  # per open quote: "quote", or its callout kind once its marker is seen
    callouts = -1  # the number of the callout being read
    lists = 0
    heading = False
    for token in _parser.parse(body):
        if token.type == "blockquote_open":
            quotes.append("quote")
        elif token.type == "blockquote_close" and quotes:
            quotes.pop()
        elif token.type == "list_item_open":
            lists += 1
        elif token.type == "list_item_close":
            lists -= 1
        elif token.type in ("heading_open", "heading_close"):
            heading = token.type == "heading_open"
        elif token.type == "inline":
            text = _inline_text(token)
            if quotes and quotes[-1] == "quote" and (marker := _MARKER.match(text)):
                quotes[-1] = marker.group("kind").lower()
                text = text[marker.end() :]
                callouts += 1
            if text:
                kind = "heading" if heading else quotes[-1] if quotes else "list item" if lists else "paragraph"
                blocks.append(Block(kind, text, callouts if quotes and quotes[-1] != "quote" else None))
        elif token.type in ("code_block", "fence"):
            text = normalise_space(token.content)
            if text:
                blocks.append(Block("code", text))
    return tuple(blocks)


def split_sentences(text: str, language: str) -> list[str]:
    """The sentences of plain `text`, by ICU's sentence break rules for `language` (Chinese, Arabic… too).

    Kept by (text, language): several checks align the same sentences."""
    return list(_split_sentences(text, language))


@lru_cache(maxsize=4096)
def _split_sentences(text: str, language: str) -> tuple[str, ...]:
    from django.utils.translation import to_locale
    from icu4py.breakers import SentenceBreaker
    from icu4py.locale import Locale

    if not text.strip():
        return ()
    try:
        locale = Locale(to_locale(language or "en"))
    except Exception:  # noqa: BLE001 - an unknown locale: ICU's root rules
        locale = Locale("en")
    return tuple(sentence.strip() for sentence in SentenceBreaker(text, locale) if sentence.strip())


def plain_blocks(body: str) -> list[str]:
    """The text of each block of `body` (see `body_blocks`)."""
    return [block.text for block in body_blocks(body)]


def plain_text(body: str, *, sentences: bool = False) -> str:
    """`body` as one line of plain text.

    With ``sentences=True`` each block that does not end in sentence
    punctuation gets a full stop, so list items and callout lines count as
    sentences for the readability formulas, and URLs are removed.
    """
    blocks = plain_blocks(body)
    if sentences:
        blocks = [normalise_space(_URL.sub(" ", block)) for block in blocks]
        blocks = [b if _SENTENCE_END.search(b) else b + "." for b in blocks if b]
    return " ".join(blocks)


def real_words(text: str, *, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Words that make `text` prose rather than a list of numbers, names and units.

    Counted: words of two or more letters with no capital letter (so every word
    of a script without case, such as Arabic or Chinese) that are not units
    (mg, ml…), URLs or one of `ignore` (compared case-insensitively, e.g.
    glossary terms). Capitalised words and acronyms are treated as names: a
    body of "Dr Jane Smith, 020 7946 0000" has no real words.
    """
    text = _URL.sub(" ", text)
    ignored = {word.casefold() for word in ignore}
    found = []
    for word in _WORD.findall(text):
        if len(word) < 2 or any(ch.isupper() for ch in word):
            continue
        if word.casefold() in _UNITS or word.casefold() in ignored:
            continue
        found.append(word)
    return found
