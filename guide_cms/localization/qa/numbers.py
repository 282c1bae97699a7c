"""Numbers written in digits, read the same way whatever the language writes them in.

What counts as the same number:

- digits of any script: Arabic-Indic ٣٠, Eastern Arabic-Indic ۳۰, full-width
  ３０, Devanagari ३० … are all 30 (``unicodedata.decimal``); superscript and
  circled digits (``unicodedata.digit``) and vulgar fractions (½ = 0.5,
  ``unicodedata.numeric``) are read as numbers of their own;
- decimals written with ".", "," or the Arabic decimal separator ٫ are the
  same number: 0.5 = 0,5 = ٠٫٥;
- thousands separators: the Arabic ٬, a no-break, narrow no-break or thin
  space, and "." or "," where the language groups with it (Babel's group
  symbol for the language: "," in English and Chinese, "." in Spanish and
  Vietnamese). A single "." or "," followed by exactly three digits is a
  thousands separator only when it is the language's group symbol (1,000 is
  1000 in English; 1.000 is 1000 in Spanish, 1,000 is 1 in Spanish); otherwise
  it is a decimal mark. 0.125 is never 125 (a group cannot start with 0);
  with both marks (1,234.5 / 1.234,5) the last one is the decimal mark;
- an ordinary space between a one-to-three-digit number and exactly three
  digits (1 000) is ambiguous ("take 2 500 mg tablets"): both readings are
  kept and the comparison accepts either (see `NumberReading.alternatives`);
- ranges are just their two numbers: 4 to 8, 4 a 8, 4–8, 4-8, 4 到 8, 4至8,
  từ 4 đến 8, من 4 إلى 8 all give 4 and 8. Signs are never read: a hyphen
  between digits is a range, not a minus sign, so -5 is read as 5.

Out of scope: numbers written as words (thirty, treinta, 三十, ثلاثون) and
Chinese numerals are not numbers here; a translation that writes "30" as a
word is reported as missing 30.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["NumberReading", "compare_numbers", "read_numbers", "separators_for"]

ARABIC_DECIMAL = "\u066b"  # ٫
ARABIC_GROUP = "\u066c"  # ٬
_SPACE_GROUPS = "\u00a0\u202f\u2009"  # no-break, narrow no-break, thin space
_SEPARATORS = ".," + ARABIC_DECIMAL + ARABIC_GROUP + _SPACE_GROUPS
_TOKEN = re.compile(r"\d+(?:[" + re.escape(_SEPARATORS) + r"]\d+)*", re.ASCII)
_SPLIT = re.compile(r"([" + re.escape(_SEPARATORS) + r"])")
_MAX_AMBIGUOUS = 6  # 2**6 readings per side at most


@lru_cache(maxsize=64)
def separators_for(language: str) -> tuple[str, str]:
    """(decimal symbol, group symbol) for `language` ("en", "es", "zh-hans"…), "."/"," if unknown.

    Uses Babel's Latin-digit symbols for the language's locale
    (``django.utils.translation.to_locale``).
    """
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol
    from django.utils.translation import to_locale

    try:
        locale = Locale.parse(to_locale(language))
        decimal = get_decimal_symbol(locale, numbering_system="latn")
        group = get_group_symbol(locale, numbering_system="latn")
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        return ".", ","
    if decimal not in ".," or group not in ".," or decimal == group:
        return ".", ","
    return decimal, group


def _ascii_digits(text: str) -> str:
    """`text` with every decimal digit as ASCII and other numeric characters spaced out."""
    out: list[str] = []
    for ch in text:
        if "0" <= ch <= "9" or ch.isspace() or ch.isascii():
            out.append(ch)
            continue
        value = unicodedata.decimal(ch, None)
        if value is not None:
            out.append(str(value))
        elif ch == "\uff0e":  # full-width full stop used as a decimal point: ３．５
            out.append(".")
        elif unicodedata.category(ch) == "No" and (digit := unicodedata.digit(ch, None)) is not None:
            out.append(f" {digit} ")  # superscript ², circled ①
        elif _is_fraction_or_roman(ch) and (numeric := unicodedata.numeric(ch, None)) is not None:
            out.append(f" {_canonical(Decimal(str(numeric)))} ")  # ½, ¼, Roman Ⅻ
        else:
            out.append(ch)
    return "".join(out)


def _is_fraction_or_roman(ch: str) -> bool:
    # Not Han numerals (一, 三, 〇 are letters in Chinese text, and out of scope).
    return "\u00bc" <= ch <= "\u00be" or "\u2150" <= ch <= "\u218b"


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _number(integer: str, fraction: str = "") -> str:
    try:
        return _canonical(Decimal(f"{integer or '0'}.{fraction or '0'}"))
    except InvalidOperation:  # pragma: no cover - digits only by construction
        return integer


def _read_token(token: str, group_symbol: str) -> list[str]:
    """The number(s) one run of digits and separators stands for."""
    parts = _SPLIT.split(token)
    groups, seps = parts[0::2], parts[1::2]
    if not seps:
        return [_number(token)]

    dot_comma = [s for s in seps if s in ".,"]
    explicit_group = any(s == ARABIC_GROUP or s in _SPACE_GROUPS for s in seps)
    explicit_decimal = ARABIC_DECIMAL in seps
    last_dot_comma = max((i for i, s in enumerate(seps) if s in ".,"), default=-1)
    kinds: list[str] = []
    for index, sep in enumerate(seps):
        if sep == ARABIC_DECIMAL:
            kinds.append("decimal")
        elif sep == ARABIC_GROUP or sep in _SPACE_GROUPS:
            kinds.append("group")
        elif len(set(dot_comma)) == 2:  # 1,234.5 / 1.234,5: the last mark is the decimal
            kinds.append("decimal" if index == last_dot_comma else "group")
        elif len(dot_comma) > 1 or explicit_decimal:  # 1,000,000 / 1.000.000 / 1,000٫5
            kinds.append("group")
        elif explicit_group:  # 1 000,5
            kinds.append("decimal")
        elif sep == group_symbol and len(groups[index + 1]) == 3 and _can_lead(groups[0]):
            kinds.append("group")  # en 1,000 / es 1.000
        else:
            kinds.append("decimal")  # 0.5 / 0,5 / es 1,000 (= 1)

    # Valid: at most one decimal mark, after every group separator; the first
    # group 1-3 digits (not a leading 0) if there are groups; later groups 3 digits.
    decimals = [i for i, kind in enumerate(kinds) if kind == "decimal"]
    grouped = [i for i, kind in enumerate(kinds) if kind == "group"]
    valid = len(decimals) <= 1 and (not decimals or not grouped or max(grouped) < decimals[0])
    if valid and grouped:
        valid = _can_lead(groups[0]) and all(len(groups[i + 1]) == 3 for i in grouped)
    if valid and grouped and len(set(seps[i] for i in grouped)) > 1:
        valid = False  # 1,000.000,5: mixed group separators
    if not valid:
        return [_number(group) for group in groups]  # "1,2,3", "1.2.3": separate numbers
    integer = "".join(groups[: decimals[0] + 1] if decimals else groups)
    fraction = groups[decimals[0] + 1] if decimals else ""
    return [_number(integer, fraction)]


def _can_lead(group: str) -> bool:
    """Whether `group` can be the first group of a grouped number (1-3 digits, no leading 0)."""
    return 1 <= len(group) <= 3 and group[0] != "0"


@dataclass(frozen=True)
class NumberReading:
    """The numbers of a text: the default reading and the ambiguous "1 000"-style joins.

    ``numbers`` reads every plain-space-separated group as its own number;
    ``joins`` lists, for each ambiguous run, (index of its first number, how
    many numbers, the joined number).
    """

    numbers: tuple[str, ...]
    joins: tuple[tuple[int, int, str], ...] = ()

    def alternatives(self) -> list[Counter]:
        """Every reading of the text as a multiset, the default (nothing joined) first."""
        joins = self.joins[:_MAX_AMBIGUOUS]
        readings = []
        for chosen in itertools.product((False, True), repeat=len(joins)):
            numbers = list(self.numbers)
            for use, (start, count, joined) in sorted(zip(chosen, joins), key=lambda c: -c[1][0]):
                if use:
                    numbers[start : start + count] = [joined]
            readings.append((sum(chosen), Counter(numbers)))
        readings.sort(key=lambda r: r[0])
        return [counter for _, counter in readings]


def read_numbers(text: str, language: str) -> NumberReading:
    """The numbers written in digits in `text`, as canonical strings ("30", "0.5", "1000")."""
    _, group_symbol = separators_for(language)
    text = _ascii_digits(text)
    numbers: list[str] = []
    spans: list[tuple[int, int, bool, str]] = []  # start, end, plain integer?, raw
    for match in _TOKEN.finditer(text):
        token = match.group()
        read = _read_token(token, group_symbol)
        for value in read:
            spans.append((match.start(), match.end(), token.isdigit(), token))
            numbers.append(value)

    # Ambiguous "1 000" / "2 500 000": an integer of 1-3 digits (no leading 0)
    # followed by one or more runs of " ddd".
    joins: list[tuple[int, int, str]] = []
    index = 0
    while index < len(spans):
        start, end, plain, raw = spans[index]
        run = index
        if plain and _can_lead(raw):
            while (
                run + 1 < len(spans)
                and spans[run + 1][2]
                and len(spans[run + 1][3]) == 3
                and text[spans[run][1] : spans[run + 1][0]] == " "
            ):
                run += 1
        if run > index:
            joined = _number("".join(spans[i][3] for i in range(index, run + 1)))
            joins.append((index, run - index + 1, joined))
        index = run + 1
    return NumberReading(tuple(numbers), tuple(joins))


def compare_numbers(source: NumberReading, target: NumberReading) -> tuple[list[str], list[str]]:
    """(missing, added): numbers of the source not in the target and the other way round.

    Of the possible readings of ambiguous "1 000"-style groups, the pair of
    readings that differ least is used; ([], []) means they match.
    """
    best: tuple[int, int, Counter, Counter] | None = None
    for s_rank, s in enumerate(source.alternatives()):
        for t_rank, t in enumerate(target.alternatives()):
            missing, added = s - t, t - s
            size = sum(missing.values()) + sum(added.values())
            key = (size, s_rank + t_rank)
            if best is None or key < best[:2]:
                best = (size, s_rank + t_rank, missing, added)
            if size == 0:
                return [], []
    assert best is not None
    return _sorted(best[2]), _sorted(best[3])


def _sorted(counter: Counter) -> list[str]:
    return sorted(counter.elements(), key=lambda n: (Decimal(n), n))
