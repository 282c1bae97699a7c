"""What text a guide's fields may hold, whatever the entry point (pure: no database).

Every write of patient text (admin forms, Markdown import, XLIFF/PO import,
the demo) passes through `clean_text` in guides.services, so one rule holds
everywhere:

- text is stored in Unicode NFC, with "\\n" line endings (U+2028/U+2029 and a
  lone "\\r" become "\\n"): the importer, the glossary check and the version
  hash then agree about whether text changed;
- bidirectional overrides and embeddings (U+202A-U+202E) are refused: they make
  the printed text differ from the stored text ("15" printed as "51");
- isolates and marks (U+2066-U+2069, U+200E, U+200F, U+061C), which Arabic text
  uses legitimately, are kept, except inside a number, where they could reorder
  its digits;
- zero-width characters (U+200B-U+200D, U+2060, U+FEFF, U+00AD) are refused
  next to a digit or inside a Latin, Greek or Cyrillic word (numbers and drug
  names), where they hide a change from every check; between the letters of
  scripts that need joiners (Arabic, Indic) they are kept;
- other control characters (C0/C1, except tab and newline) are refused;
- in a body, a character reference (``&#x202E;``, ``&#8203;``, ``&zwj;``) that
  the Markdown renderer would turn into any of the characters above is refused
  like the character itself;
- the letter O written against a number ("5O mg", "1O5") is refused: a reader
  sees 50, every check reads 5 (formulas such as H2O keep theirs);
- single-line fields (titles, the summary) are plain text: one line, runs of
  whitespace collapsed, trimmed, and no HTML tags;
- size and nesting stay within the limits of guides.text_limits (characters
  per field; lists, quotes and callouts nested at most 4 deep; emphasis and
  links at most 4 deep; at most 3 * or _ in a row), far below where the
  Markdown parser drops text or WeasyPrint fails. Text over the size limit is
  refused without being read further.

`clean_text` returns the stored form or raises `TextRefused` listing every
problem with its position (line and column, 1-based).
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guide_cms.core.unicode_data import default_ignorable, prints_like_a_digit

from .text_limits import MAX_BODY_CHARS, MAX_LINE_CHARS, markdown_limit_problems, size_problem

__all__ = [
    "LINE",
    "MARKDOWN",
    "BIDI_CONTROLS",
    "BIDI_MARKS",
    "ZERO_WIDTH",
    "TextProblem",
    "TextRefused",
    "clean_text",
    "text_problems",
    "strip_marks",
]

LINE = "line"  # titles and summaries: one line of plain text
MARKDOWN = "markdown"  # section bodies: the Markdown subset (guides.markdown)

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e")  # LRE RLE PDF LRO RLO
BIDI_MARKS = frozenset("\u200e\u200f\u061c\u2066\u2067\u2068\u2069")  # LRM RLM ALM LRI RLI FSI PDI
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")  # ZWSP ZWNJ ZWJ WJ BOM SHY
_INVISIBLE = BIDI_MARKS | ZERO_WIDTH
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029|\x85")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A letter that prints like a digit, ending a number ("5O mg", "5Ο mg") or inside one ("1O5"): read as 50 or 105.
# Formulas keep theirs: "H2O", "O2".


@lru_cache(maxsize=1)
def _lookalike() -> re.Pattern:
    """A letter that prints like a digit written against a number: ASCII O and o, and every letter Unicode's
    confusables data (UTS #39 skeletons, core.unicode_data) maps to a digit (Greek omicron, Cyrillic o, ...)."""
    letters = "".join(chr(c) for c in range(0x80, 0x30000) if prints_like_a_digit(chr(c)))
    return re.compile(rf"(?<=\d)[Oo{re.escape(letters)}](?![^\W\d_])")
_DECIMAL_MARKS = ".,\u066b\u066c"


@dataclass(frozen=True)
class TextProblem:
    line: int
    column: int
    # "bidi-override" | "invisible-in-number" | "zero-width" | "invisible" | "control" | "reference" | "lookalike" | "html"
    # | "too-long" | "nesting" | "inline-nesting" | "markup-run" (text_limits)
    code: str
    message: str

    def located(self, field: str = "") -> str:
        where = _("line %(line)d, character %(column)d") % {"line": self.line, "column": self.column}
        return f"{field}, {where}: {self.message}" if field else f"{where}: {self.message}"


# What each TextProblem code means, for people (the documentation's reference is built from it; a test
# checks that every code given here and in text_limits is listed). Users see the message, with its line and
# character, when a field, an import or a submission is refused. Nothing here changes what is refused.
PROBLEM_CODES: dict[str, str] = {
    "bidi-override": "A direction override or embedding (U+202A–U+202E): the text would print differently from what is "
    "stored (15 printed as 51). The page sets the direction itself.",
    "invisible-in-number": "An invisible character (a direction isolate or mark, a zero-width character) inside a number, "
    "where it can change how the number reads.",
    "zero-width": "A zero-width character inside a number or a Latin-script word such as a drug name, where it hides the "
    "word from the checks.",
    "invisible": "Another character Unicode marks as default-ignorable (it prints as nothing: U+2063 INVISIBLE SEPARATOR, "
    "the tag characters…); the joiners and variation selectors scripts need are kept.",
    "control": "A control character other than tab and line break: it cannot be printed.",
    "reference": "A character reference (&#x202E;) that writes one of the invisible characters above.",
    "lookalike": "A letter written against a number that prints like a digit (\"5O mg\", a Greek omicron): Unicode's "
    "confusables data (UTS #39). Formulas such as H2O are fine.",
    "html": "HTML in a title or the summary, which are one line of plain text.",
    "too-long": "The field or the guide is over its size limit; it is refused without being read further.",
    "nesting": "Lists, quotes and callouts nested deeper than the limit.",
    "inline-nesting": "Emphasis, bold text, links and code nested inside one another deeper than the limit.",
    "markup-run": "More * or _ in a row than emphasis uses (***bold italic***); write \\* to print the character.",
}


class TextRefused(ValidationError):
    """The text cannot be stored; .problems lists (field label, problem) pairs."""

    def __init__(self, problems: list[tuple[str, TextProblem]]):
        self.problems = problems
        super().__init__([problem.located(field) for field, problem in problems], code="text_refused")


def _code_point(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def _is_digit(char: str) -> bool:
    if len(char) != 1:
        return False
    return char.isdigit() or (unicodedata.category(char) == "No" and unicodedata.numeric(char, None) is not None)


def _is_spaced_letter(char: str) -> bool:
    """A letter of a script whose words never need joiners (where drug names are written)."""
    if not char.isalpha():
        return False
    return unicodedata.name(char, "").startswith(("LATIN", "GREEK", "CYRILLIC"))


# Default-ignorable characters that scripts need: variation selectors after a visible character (CJK and emoji
# forms) and Mongolian's free variation selectors after a Mongolian letter.
_VARIATION_SELECTORS = frozenset(chr(c) for c in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
_MONGOLIAN_SELECTORS = frozenset("\u180b\u180c\u180d\u180f")


def _needed_ignorable(text: str, index: int) -> bool:
    char, before = text[index], text[index - 1] if index else ""
    if char in _VARIATION_SELECTORS:
        return bool(before) and not before.isspace() and not _is_digit(before) and before not in default_ignorable()
    if char in _MONGOLIAN_SELECTORS:
        return bool(before) and unicodedata.name(before, "").startswith("MONGOLIAN")
    return False


def _neighbours(text: str, index: int) -> tuple[str, str, str]:
    """The visible characters before and after text[index] (skipping other invisibles), and the one after that."""
    before = next((text[i] for i in range(index - 1, -1, -1) if text[i] not in _INVISIBLE), "")
    rest = [text[i] for i in range(index + 1, len(text)) if text[i] not in _INVISIBLE][:2]
    after, after2 = (rest + ["", ""])[:2]
    return before, after, after2


def _inside_number(before: str, after: str, after2: str) -> bool:
    if not _is_digit(before):
        return False
    return _is_digit(after) or (after in _DECIMAL_MARKS and _is_digit(after2))


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1


def _char_problem(text: str, index: int, char: str) -> tuple[str | None, str | None]:
    """(code, message) of the character at index of text, or (None, None) if it may be stored."""
    message = code = None
    if char in BIDI_CONTROLS:
        code = "bidi-override"
        message = _(
            "the invisible direction control %(char)s makes the text print differently from what "
            "is stored (for example 15 printed as 51). Remove it; the page sets the direction itself."
        ) % {"char": _code_point(char)}
    elif char in _INVISIBLE:
        before, after, after2 = _neighbours(text, index)
        if _inside_number(before, after, after2):
            code = "invisible-in-number"
            message = _(
                "the invisible character %(char)s is inside the number %(number)s and can change how it "
                "reads. Remove it."
            ) % {"char": _code_point(char), "number": f"{before}…{after}"}
        elif char in ZERO_WIDTH and (
            _is_digit(before) or _is_digit(after) or (_is_spaced_letter(before) and _is_spaced_letter(after))
        ):
            code = "zero-width"
            message = _(
                "the invisible character %(char)s is inside a number or a word (such as a drug name), "
                "where it hides the word from the checks. Remove it."
            ) % {"char": _code_point(char)}
    elif char in default_ignorable() and not _needed_ignorable(text, index):
        code = "invisible"
        message = _(
            "the invisible character %(char)s prints as nothing and can hide or change what patients read "
            "(Unicode's default-ignorable characters). Remove it."
        ) % {"char": _code_point(char)}
    elif unicodedata.category(char) == "Cc" and char not in "\t\n":
        code = "control"
        message = _("the control character %(char)s cannot be printed. Remove it.") % {"char": f"U+{ord(char):04X}"}
    return code, message


def text_problems(text: str, *, kind: str = MARKDOWN, max_chars: int | None = None, limits: bool = False) -> list[TextProblem]:
    """Everything in `text` (already NFC, "\\n" line endings) that may not be stored.

    With limits (as clean_text does for every field), the size and nesting
    limits too: max_chars is the field's size limit (default: a section
    body's, or a summary's for single-line text). Without, characters only
    (a whole imported document, whose sections are measured one by one; the
    QA check of stored text, which submission completes with the limits).
    """
    if limits:
        limit = max_chars or (MAX_LINE_CHARS if kind == LINE else MAX_BODY_CHARS)
        if too_long := size_problem(text, limit):
            return [TextProblem(*too_long)]
    problems: list[TextProblem] = []
    for index, char in enumerate(text):
        code, message = _char_problem(text, index, char)
        if code:
            line, column = _position(text, index)
            problems.append(TextProblem(line, column, code, message))
    for match in _lookalike().finditer(text):
        word_start = match.start()
        while word_start > 0 and text[word_start - 1].isalnum():
            word_start -= 1
        if text[word_start].isalpha():
            continue  # a formula: "H2O", "CO2"
        line, column = _position(text, match.start())
        problems.append(
            TextProblem(
                line, column, "lookalike",
                _("the letter “%(letter)s” (%(char)s) is written against a number and prints like a digit. "
                  "Write the number in digits only.") % {"letter": match.group(), "char": _code_point(match.group())},
            )
        )
    if kind == MARKDOWN:
        for match in _REFERENCE.finditer(text):
            decoded = html.unescape(match.group())
            if decoded != match.group() and any(ch in BIDI_CONTROLS or ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf") for ch in decoded):
                line, column = _position(text, match.start())
                problems.append(
                    TextProblem(
                        line, column, "reference",
                        _("the character reference %(reference)s writes the invisible character %(char)s, which can make "
                          "the text print differently from what is checked. Remove it.")
                        % {"reference": match.group(), "char": _code_point(decoded[0])},
                    )
                )
    if kind == LINE:
        for match in _HTML_TAG.finditer(text):
            line, column = _position(text, match.start())
            problems.append(
                TextProblem(
                    line, column, "html",
                    _("HTML is not allowed here (found %(html)s): write plain text.") % {"html": match.group()[:40]},
                )
            )
    elif limits:
        problems += [TextProblem(*problem) for problem in markdown_limit_problems(text, max_chars=limit)]
    return problems


def normalise(value: str | None, *, kind: str = MARKDOWN) -> str:
    """NFC, "\\n" line endings; single-line fields collapsed to one trimmed line. Never raises."""
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value or ""))
    if kind == LINE:
        text = " ".join(text.split())
    return text


def clean_text(value: str | None, *, kind: str = MARKDOWN, field: str = "", max_chars: int | None = None) -> str:
    """The form of `value` to store, or TextRefused naming `field` and each problem's position."""
    text = normalise(value, kind=kind)
    problems = text_problems(text, kind=kind, max_chars=max_chars, limits=True)
    if problems:
        raise TextRefused([(field, problem) for problem in problems])
    return text


def strip_marks(text: str) -> str:
    """`text` without bidi marks and isolates (for reading numbers and terms)."""
    return "".join(char for char in text if char not in BIDI_MARKS)
