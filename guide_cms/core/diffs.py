"""Word-level diffs of guide text, for reviewers and translators.

Reviewers compare a version with the last approved version of the same
language; translators compare the source text they translated with the
current source. Output is escaped HTML with <del>/<ins> marks, shown in a
``white-space: pre-wrap`` block so newlines stay as "\\n".
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["SectionDiff", "diff_sections", "diff_words", "has_changes", "tokenize"]

# Scripts written without spaces between words: ICU finds their words with its
# dictionaries (Chinese and Japanese, Thai, Lao, Khmer, Burmese). The set is
# Unicode's own data (Line_Break=Complex_Context, Ideographic, kana), read
# through ICU, not a table of code points.
UNSPACED_SCRIPTS = "[[:Line_Break=Complex_Context:][:Ideographic:][:Script=Hiragana:][:Script=Katakana:]]"


@lru_cache(maxsize=1)
def _unspaced() -> re.Pattern:
    """A pattern matching any character of UNSPACED_SCRIPTS (ICU's set as ranges, so a match is one C scan)."""
    import icu  # PyICU (pyicu-wheels)

    found = icu.UnicodeSet(UNSPACED_SCRIPTS)
    ranges = "".join(f"{re.escape(first)}-{re.escape(last)}" for first, last in found.ranges())
    return re.compile(f"[{ranges}]")


def _words(run: str) -> list[str]:
    """A run of letters and digits cut into words by ICU's word breaker (its dictionaries for Chinese,
    Japanese, Thai...). ICU's offsets count UTF-16 units, so the text is cut as an ICU string."""
    import icu

    text = icu.UnicodeString(run)
    breaker = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())  # a few microseconds; one per call is thread-safe
    breaker.setText(text)
    bounds = [0, *breaker]
    return [str(text[start:end]) for start, end in zip(bounds, bounds[1:], strict=False) if end > start]


def _kind(char: str) -> str | None:
    """"word", "space", or None for a character that is a token by itself."""
    if char.isspace():
        return "space"
    # Marks (M*) keep Arabic harakat and decomposed Vietnamese accents inside their word.
    if unicodedata.category(char)[0] in "LNM":
        return "word"
    return None


def tokenize(text: str) -> list[str]:
    """Split text into words, whitespace runs, and single punctuation characters.

    Words are runs of letters, digits and marks, as before ICU, in every script
    written with spaces ("don't" is three tokens, "3.5" too, "m²" one): a diff of
    such text is the same whichever ICU is installed. A run holding Chinese,
    Japanese, Thai or another script written without spaces is cut into words
    by ICU's word breaker. Whitespace is a token of its own, so the tokens join
    back to text and a copied diff keeps every space.
    """
    tokens: list[str] = []
    unspaced = _unspaced()
    for kind, chars in groupby(text, key=_kind):
        if kind is None:
            tokens.extend(chars)
            continue
        run = "".join(chars)
        if kind == "word" and unspaced.search(run):
            tokens.extend(_words(run))
        else:
            tokens.append(run)
    return tokens


def _normalize_newlines(text: str) -> str:
    # Browsers submit "\r\n"; a line-ending change is not a change a reviewer can see.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def diff_words(old: str, new: str) -> SafeString:
    """Escaped HTML of ``new`` with deletions from ``old`` in <del> and insertions in <ins>."""
    a = tokenize(_normalize_newlines(old or ""))
    b = tokenize(_normalize_newlines(new or ""))
    parts: list[str] = []
    for changed, i1, i2, j1, j2 in _spans(a, b):
        removed = escape("".join(a[i1:i2]))
        added = escape("".join(b[j1:j2]))
        if not changed:
            parts.append(added)
            continue
        if removed:
            parts.append(f'<del class="diff-del">{removed}</del>')
        if added:
            parts.append(f'<ins class="diff-ins">{added}</ins>')
    return mark_safe("".join(parts))


def _spans(a: list[str], b: list[str]) -> list[tuple[bool, int, int, int, int]]:
    """(changed, i1, i2, j1, j2) runs of the token lists, changes merged."""
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    spans: list[tuple[bool, int, int, int, int]] = []
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        # Opcodes alternate, so an inner "equal" sits between two changes. If it
        # is only whitespace, fold it in: one <del>old phrase</del><ins>new
        # phrase</ins> reads better than word-by-word fragments.
        inner_space = 0 < n < len(opcodes) - 1 and all(token.isspace() for token in a[i1:i2])
        changed = op != "equal" or inner_space
        if changed and spans and spans[-1][0]:
            spans[-1] = (True, spans[-1][1], i2, spans[-1][3], j2)
        else:
            spans.append((changed, i1, i2, j1, j2))
    return spans


@dataclass(frozen=True)
class SectionDiff:
    """One section's comparison; status is "added", "removed", "changed" or "unchanged"."""

    key: str
    status: str
    old_title: str
    new_title: str
    title_html: str
    body_html: str


def _text(section: dict | None, field: str) -> str:
    return (section or {}).get(field) or ""


def _compare(old: dict | None, new: dict | None) -> SectionDiff:
    key = (new or old)["key"]
    old_title, new_title = _text(old, "title"), _text(new, "title")
    old_body, new_body = _text(old, "body"), _text(new, "body")
    if old is None:
        status = "added"
    elif new is None:
        status = "removed"
    elif (old_title, old_body) != (new_title, new_body):
        status = "changed"
    else:
        status = "unchanged"
    return SectionDiff(
        key=key,
        status=status,
        old_title=old_title,
        new_title=new_title,
        title_html=diff_words(old_title, new_title),
        body_html=diff_words(old_body, new_body),
    )


def _by_position(sections: list[dict]) -> list[dict]:
    return sorted(sections, key=lambda section: section["position"])


def diff_sections(old: list[dict] | None, new: list[dict]) -> list[SectionDiff]:
    """Compare two snapshots' sections by key, in the order of ``new``.

    A removed section follows the section that preceded it in ``old`` (a
    removed first section comes first). ``old=None`` means there is no
    earlier version: every section is added.
    """
    new = _by_position(new)
    if old is None:
        return [_compare(None, section) for section in new]

    old = _by_position(old)
    old_by_key = {section["key"]: section for section in old}
    new_keys = {section["key"] for section in new}

    # Removed sections, grouped under the key of the nearest kept section
    # before them in old (None: before every kept section).
    removed_after: dict[str | None, list[dict]] = defaultdict(list)
    anchor = None
    for section in old:
        if section["key"] in new_keys:
            anchor = section["key"]
        else:
            removed_after[anchor].append(section)

    diffs = [_compare(section, None) for section in removed_after[None]]
    for section in new:
        diffs.append(_compare(old_by_key.get(section["key"]), section))
        diffs.extend(_compare(gone, None) for gone in removed_after[section["key"]])
    return diffs


def has_changes(diffs: list[SectionDiff]) -> bool:
    """Whether any section was added, removed or changed."""
    return any(diff.status != "unchanged" for diff in diffs)
