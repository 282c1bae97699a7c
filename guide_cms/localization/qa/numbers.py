"""Numbers written in digits, read the same way whatever the language writes them in.

What counts as the same number:

- digits of any script: Arabic-Indic ٣٠, Eastern Arabic-Indic ۳۰, full-width
  ３０, Devanagari ३० … are all 30 (``unicodedata.decimal``); superscript and
  circled digits (``unicodedata.digit``) are read as numbers of their own;
- fractions: ½ = 0.5 = 0,5 = 1/2, and a whole number with a fraction is one
  number: 1½ = 1 ½ = 1 1/2 = 1.5 = 1,5 (values are exact `Fraction`s, so ⅓ is
  1/3); a slash between two numbers is a fraction only when the first is
  smaller (24/7 is two numbers);
- decimals written with ".", "," or the Arabic decimal separator ٫;
- thousands separators: the Arabic ٬, a no-break, narrow no-break or thin
  space, and "." or "," where the language groups with it. Both marks come
  from CLDR through Babel for the language (any language Babel knows, so a
  language added later reads its own way with no code change): French,
  Russian, Polish, Czech, Swedish… group with a space and write decimals with
  ",", so 1,5 is 1.5 there. A single "." or "," followed by exactly three digits
  is a thousands separator only when it is the language's group symbol (1,000
  is 1000 in English; 1.000 is 1000 in Spanish, 1,000 is 1 in Spanish);
  otherwise it is a decimal mark. 0.125 is never 125 (a group cannot start with
  0); with both marks (1,234.5 / 1.234,5) the last one is the decimal mark;
- an ordinary space between a one-to-three-digit number and exactly three
  digits (1 000) is ambiguous ("take 2 500 mg tablets"): `space_joins` lists
  both readings and the comparison accepts either;
- ranges are just their two numbers: 4 to 8, 4–8, 4-8, 4至8 all give 4 and 8.
  Signs are never read: a hyphen between digits is a range, not a minus sign.

Numbers written as words are read by guide_cms.localization.qa.quantities,
together with the unit they measure.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

__all__ = ["NumberToken", "ascii_digit", "ascii_digits", "digit_scripts", "foreign_digits", "format_value", "read_numbers", "scan_numbers", "separators_for", "space_joins"]

ARABIC_DECIMAL = "\u066b"  # ٫
ARABIC_GROUP = "\u066c"  # ٬
_SPACE_GROUPS = "\u00a0\u202f\u2009"  # no-break, narrow no-break, thin space
_SEPARATORS = ".," + ARABIC_DECIMAL + ARABIC_GROUP + _SPACE_GROUPS
VULGAR_FRACTIONS = "\u00bc\u00bd\u00be" + "".join(chr(c) for c in range(0x2150, 0x215F))  # ¼ ½ ¾ ⅐ … ⅞
_NUMBER = re.compile(
    r"(?P<digits>\d+(?:[" + re.escape(_SEPARATORS) + r"]\d+)*)"
    r"(?:(?P<slash>/)(?P<denominator>\d+)(?!\d*/))?"  # 1/2 (not a date 1/2/2024)
    r"|(?P<vulgar>[" + VULGAR_FRACTIONS + r"])",
    re.ASCII,
)
_SPLIT = re.compile(r"([" + re.escape(_SEPARATORS) + r"])")
_MIXED_GAP = re.compile(r"[ \u00a0\u202f\u2009]?")
_MAX_AMBIGUOUS = 6  # 2**6 readings at most


@lru_cache(maxsize=64)
def separators_for(language: str) -> tuple[str, str]:
    """(decimal symbol, group symbol) of `language` ("en", "fr", "zh-hans"…) from CLDR through Babel.

    The group symbol may be a no-break or narrow no-break space (French,
    Russian, Polish…); an unknown language reads the English way (".", ",").
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
    if group.isspace():
        group = "\u00a0"  # every space-like group mark reads the same
    if decimal not in ".," or group not in ".,\u00a0" or decimal == group:
        return ".", ","
    return decimal, group


def ascii_digit(ch: str) -> str:
    """One character as the scanner reads it: any decimal digit as ASCII, superscript and circled
    digits spaced out; vulgar fractions (½) and everything else unchanged."""
    if ch.isascii() or ch.isspace():
        return ch
    value = unicodedata.decimal(ch, None)
    if value is not None:
        return str(value)
    if ch == "\uff0e":  # full-width full stop used as a decimal point: ３．５
        return "."
    if ch == "\uff0f":  # full-width solidus: １／２
        return "/"
    if unicodedata.category(ch) == "No" and ch not in VULGAR_FRACTIONS and (digit := unicodedata.digit(ch, None)) is not None:
        return f" {digit} "  # superscript ², circled ①
    return ch


def ascii_digits(text: str) -> str:
    """`text` through `ascii_digit`, character by character."""
    return "".join(map(ascii_digit, text))


def _decimal(integer: str, fraction: str = "") -> Fraction:
    try:
        return Fraction(Decimal(f"{integer or '0'}.{fraction or '0'}"))
    except InvalidOperation:  # pragma: no cover - digits only by construction
        return Fraction(int(integer or 0))


def _read_token(token: str, group_symbol: str) -> list[Fraction]:
    """The number(s) one run of digits and separators stands for."""
    parts = _SPLIT.split(token)
    groups, seps = parts[0::2], parts[1::2]
    if not seps:
        return [_decimal(token)]

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
        return [_decimal(group) for group in groups]  # "1,2,3", "1.2.3": separate numbers
    integer = "".join(groups[: decimals[0] + 1] if decimals else groups)
    fraction = groups[decimals[0] + 1] if decimals else ""
    return [_decimal(integer, fraction)]


def _can_lead(group: str) -> bool:
    """Whether `group` can be the first group of a grouped number (1-3 digits, no leading 0)."""
    return 1 <= len(group) <= 3 and group[0] != "0"


@dataclass(frozen=True)
class NumberToken:
    """A number written in digits: its span in the scanned text and its exact value."""

    start: int
    end: int
    value: Fraction
    raw: str
    plain: bool = False  # digits only (a candidate for an ambiguous "1 000" join)


def scan_numbers(text: str, language: str) -> list[NumberToken]:
    """Every number written in digits in `text` (already through `ascii_digits`), in order.

    A whole number followed by a fraction (1½, 1 ½, 1 1/2) is one number.
    """
    _, group_symbol = separators_for(language)
    tokens: list[NumberToken] = []
    for match in _NUMBER.finditer(text):
        if match.group("vulgar"):
            value = Fraction(unicodedata.numeric(match.group("vulgar"))).limit_denominator(16)
            previous = tokens[-1] if tokens else None
            if previous is not None and previous.plain and _MIXED_GAP.fullmatch(text[previous.end : match.start()]):
                tokens[-1] = NumberToken(previous.start, match.end(), previous.value + value, text[previous.start : match.end()])
            else:
                tokens.append(NumberToken(match.start(), match.end(), value, match.group()))
            continue
        digits = match.group("digits")
        in_date = match.start() > 0 and text[match.start() - 1] == "/"  # 2026 in 1/2/2026
        if match.group("slash") and not in_date:
            numerator, denominator = int(digits) if digits.isdigit() else None, int(match.group("denominator"))
            if numerator is not None and 0 < numerator < denominator:
                value = Fraction(numerator, denominator)
                previous = tokens[-1] if tokens else None
                if previous is not None and previous.plain and text[previous.end : match.start()] in (" ", "\u00a0"):
                    tokens[-1] = NumberToken(previous.start, match.end(), previous.value + value, text[previous.start : match.end()])
                else:
                    tokens.append(NumberToken(match.start(), match.end(), value, match.group()))
                continue
        decimal_symbol = separators_for(language)[0]
        start = match.start()
        if (
            start > 0 and text[start - 1] == decimal_symbol and digits.isdigit()
            and (start == 1 or not (text[start - 2].isalnum()))
        ):
            # ".25 mg": a decimal written without its leading zero is a quarter, not 25.
            tokens.append(NumberToken(start - 1, start + len(digits), _decimal("0", digits), text[start - 1 : start + len(digits)]))
            continue
        values = _read_token(digits, group_symbol)
        end = match.start() + len(digits)
        for value in values:
            tokens.append(NumberToken(match.start(), end, value, digits, plain=digits.isdigit()))
        if match.group("slash"):  # 24/7: two numbers
            start = match.start("denominator")
            tokens.append(NumberToken(start, match.end(), Fraction(int(match.group("denominator"))), match.group("denominator"), plain=True))
    return tokens


def space_joins(tokens: list[NumberToken], text: str) -> list[tuple[int, int, Fraction, bool]]:
    """"1 000" / "2 500 000" runs: (index of the first token, how many, the joined value, certain).

    A plain integer of 1-3 digits (no leading 0) followed by one or more
    " ddd" groups separated by one ordinary space. A run is *certain* when a
    group starts with 0 ("10 000": no one writes 000 alone), otherwise it is
    ambiguous ("2 500": two of 500, or 2500). At most six runs are listed.
    """
    joins: list[tuple[int, int, Fraction, bool]] = []
    index = 0
    while index < len(tokens) and len(joins) < _MAX_AMBIGUOUS:
        token = tokens[index]
        run = index
        if token.plain and _can_lead(token.raw):
            while (
                run + 1 < len(tokens)
                and tokens[run + 1].plain
                and len(tokens[run + 1].raw) == 3
                and text[tokens[run].end : tokens[run + 1].start] == " "
            ):
                run += 1
        if run > index:
            value = Fraction(int("".join(tokens[i].raw for i in range(index, run + 1))))
            certain = any(tokens[i].raw.startswith("0") for i in range(index + 1, run + 1))
            joins.append((index, run - index + 1, value, certain))
        index = run + 1
    return joins


_ARABIC_DIGITS = frozenset({"ARABIC-INDIC", "EXTENDED ARABIC-INDIC"})


def _digit_script(ch: str) -> str:
    """The script of a decimal digit: "DIGIT" (ASCII), "ARABIC-INDIC", "BENGALI", "FULLWIDTH"…"""
    name = unicodedata.name(ch, "")
    return name.rsplit(" DIGIT ", 1)[0] if " DIGIT " in name else "DIGIT"


@lru_cache(maxsize=64)
def digit_scripts(language: str) -> frozenset[str]:
    """The digits `language` is written with: ASCII, its native digits in CLDR, and full-width in CJK.

    The native numbering system comes from CLDR through Babel; its digits from ICU, which writes them.
    """
    from babel import Locale, UnknownLocaleError
    from django.utils.translation import to_locale
    from icu4py.locale import Locale as IcuLocale
    from icu4py.messageformat import MessageFormat

    scripts = {"DIGIT"}
    try:
        locale = Locale.parse(to_locale(language))
        system = locale.other_numbering_systems.get("native", locale.default_numbering_system)
        native = MessageFormat("{n,number}", IcuLocale(f"{to_locale(language)}@numbers={system}")).format({"n": 1234567890})
        scripts |= {_digit_script(ch) for ch in native if unicodedata.decimal(ch, None) is not None}
    except (UnknownLocaleError, ValueError, KeyError, TypeError, RuntimeError):
        pass
    if language.split("-")[0] in ("zh", "ja", "ko"):
        scripts.add("FULLWIDTH")  # what CJK input methods type
    if scripts & _ARABIC_DIGITS:
        scripts |= _ARABIC_DIGITS  # Arabic and Persian readers read both forms of the Eastern digits
    return frozenset(scripts)


def foreign_digits(text: str, language: str) -> list[tuple[int, str]]:
    """(index, digit) of digits that may print as another number: of a script `language` is not written
    in ("৪", a Bengali 4 that looks like 8, in Spanish), or mixed with other digits in one number ("1٠")."""
    allowed = digit_scripts(language)
    found = []
    for match in re.finditer(r"\d+", text):
        scripts = {_digit_script(ch) for ch in match.group()}
        for offset, ch in enumerate(match.group()):
            if _digit_script(ch) not in allowed or len(scripts) > 1 and _digit_script(ch) != "DIGIT":
                found.append((match.start() + offset, ch))
    return found


def format_value(value: Fraction) -> str:
    """A number for messages: 30, 0.5, 1.5, 1/3 (a fraction only when it has no short decimal)."""
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if decimal == decimal.quantize(Decimal("0.0001")):
        text = format(decimal.normalize(), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{value.numerator}/{value.denominator}"


def read_numbers(text: str, language: str) -> list[str]:
    """The numbers written in digits in `text`, formatted ("30", "0.5", "1000"), default reading.

    For reading and testing; the translation check compares quantities
    (guide_cms.localization.qa.quantities), which also read numbers in words.
    """
    return [format_value(token.value) for token in scan_numbers(ascii_digits(text), language)]
