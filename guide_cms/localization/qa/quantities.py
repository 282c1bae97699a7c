"""Quantities: each number together with the unit, time or frequency it measures (pure).

    read_quantities("Take 2 tablets every 6 hours", "en")
        -> [2 tablet, 6 duration-hour]
    compare_quantities(read_quantities(source, "en"), read_quantities(target, "es"))
        -> [Difference(...), ...]   # [] when they match

How a text is read (words from guide_cms.localization.qa.lexicon, digits
from guide_cms.localization.qa.numbers):

- a number is written in digits (5, ٥, 1½, 0,5, .25) or as words ("dos",
  "ciento cincuenta", "ثلاث", "二百五十", "half"); digits followed by a word of
  thousands multiply ("5 mil" is 5000). A number in words that cannot be read
  for certain ("ciento treinta y siete", "一千五") is reported: write it in
  digits;
- it *measures* the unit written right after it ("2 tablets", "5mg", "三次",
  "3个小时" with its measure word), or a unit CLDR writes before the number
  ("yüzde 5"), or, for a number word, the noun right before it (the Arabic
  "ساعة واحدة", one hour);
- some unit words carry their number: "twice" is 2 times, the Arabic dual
  "ساعتين" is 2 hours, "ساعة" alone is 1 hour;
- in a range the first number takes the unit of the second: "4 to 8 hours",
  "de 4 a 8 horas", "从4到8小时" are 4 hours and 8 hours; a half after a
  quantity adds to it ("una hora y media", "ساعة ونصف", "一个半小时");
- a dose or a count followed (or, in Chinese, preceded) closely by a period
  in the same sentence is a frequency: "3 times a day", "2 comprimidos al día",
  "5 mg/día", "每天三次" all have the period "day";
- numbers in digits are always read, with or without a unit; one with no
  word after it is *bare* ("Tome 5."). A number word that measures no known
  unit is *soft*: the Vietnamese "năm" is five or year, the Spanish "una" is
  one or "a"; so is a one written in words or implied by a noun ("una hora" is
  "an hour"). Zero words measuring nothing are not read ("không" is zero and
  "not").

Comparison: the same value with the same unit and period matches; a unit
one side does not recognise matches on its value, unless that side's number
is bare (a unit was dropped); the same amount in another unit (30 minutes,
"media hora") matches but is reported as converted. What is left is paired
by unit (a changed number), then by value (a changed unit or period), and
the rest is missing or added; a soft quantity left alone is never an error.
A count of times must say the same period on both sides ("twice a day" is not
"dos veces"), in the languages clinical_units.toml gives words of frequency.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from .lexicon import DURATIONS, Lexicon, fold_with_offsets, lexicon, spaced_letter
from .numbers import ascii_digit, scan_numbers, separators_for, space_joins

__all__ = ["CLOCK", "Difference", "Quantity", "Reading", "compare_quantities", "read_quantities"]

CLOCK = "clock-time"  # a time of day, in minutes after midnight

# Between a number and its unit: nothing, a space of any kind, a hyphen ("5-mg") or an elision ("un quart d'heure").
_SPACE = "[ \u00a0\u202f\u2009\t'\u2019-]?"
# Between the two numbers of a range: a dash (full-width ones too: "1～2片"), or one short word ("to", "a", "إلى", "到", "đến").
_RANGE_GAP = re.compile(r"\s*(?:[-\u2010-\u2015\u2212~\u301c\uff5e\uff0d]|[^\W\d_]{1,6})\s*")
# Between a quantity and the half added to it: "una hora y media", "an hour and a half", "ساعة ونصف".
_HALF_GAP = re.compile(r"\s*(?:[^\W\d_]{1,3}\s+(?:[^\W\d_]{1,2}\s+)?)?")
# Between a whole number and the fraction added to it: "1 y 1/2", "1 and ½".
_MIXED_GAP = re.compile(r"\s+[^\W\d_]{1,3}\s+")
# Between a bare number and the period it is counted in: "once al día", "dos por la noche", "2/día".
_FREQUENCY_GAP = re.compile(r"\s*(?:/\s*|(?:[^\W\d_]{1,3}\s+){0,2})")
# Between a quantity and its period: at most three words, or a slash ("5 mg/day"); no sentence end, no digit.
_PERIOD_GAP = re.compile(r"(?:\s*[^\W\d_]+,?\s*){0,3}|\s*|[^\W\d_]{0,4}|\s*/\s*")
# A period right after its quantity: "2 tablets a day", "2 comprimidos al día", "5 mg/día", "3次每天".
_ADJACENT = re.compile(r"\s*(?:/|[^\W\d_]{1,3}\s+)?\s*")
_PERIOD_REACH = 80  # characters: three words of any language, and their spaces
_SENTENCE_END = re.compile(r"[.!?;:。！？؟;\n]")
_MULTIPLIERS = frozenset({Fraction(100), Fraction(1000), Fraction(10000)})

# Exact sizes of the units one amount can be written in: "media hora" is 30 minutes, "0,5 g" is 500 mg.
# Months and years are not a fixed number of days, so they convert to nothing.
_SIZES: dict[str, tuple[str, Fraction]] = {
    "duration-second": ("duration", Fraction(1)),
    "duration-minute": ("duration", Fraction(60)),
    "duration-hour": ("duration", Fraction(3600)),
    "duration-day": ("duration", Fraction(86400)),
    "duration-week": ("duration", Fraction(604800)),
    "mass-microgram": ("mass", Fraction(1, 1000000)),
    "mass-milligram": ("mass", Fraction(1, 1000)),
    "mass-gram": ("mass", Fraction(1)),
    "mass-kilogram": ("mass", Fraction(1000)),
    "volume-milliliter": ("volume", Fraction(1)),
    "volume-centiliter": ("volume", Fraction(10)),
    "volume-deciliter": ("volume", Fraction(100)),
    "volume-liter": ("volume", Fraction(1000)),
}


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    unit: str | None  # "duration-hour", "mass-milligram", "tablet", "times"; None for a number alone
    period: str | None  # for a frequency: "duration-day" in "3 times a day"
    text: str  # as written, for messages: "2 comprimidos", "ساعتين"
    soft: bool = False  # may be a word, not a number: never an error alone (see the module docstring)
    start: int = 0
    end: int = 0
    bare: bool = False  # a number in digits with no word after it: its unit, if it had one, was dropped
    unreadable: bool = False  # a number in words that cannot be read for certain
    # The period is said right after the quantity ("2 tablets a day"), or it counts times ("twice a day"),
    # in a language whose words of frequency are known: the other side must say it too.
    strict_period: bool = False
    daypart: str | None = None  # "morning", "afternoon", "evening", "night": when a dose is given
    label: bool = False  # "day 1": a position in a schedule
    counted: bool = False  # a number and a measure word only: "两粒", two (pills)

    def size(self) -> tuple[str, Fraction] | None:
        """(dimension, amount in its base unit), for units of a fixed size."""
        if self.unit not in _SIZES:
            return None
        dimension, factor = _SIZES[self.unit]
        return dimension, self.value * factor


@dataclass(frozen=True)
class Reading:
    """The quantities of a text; `alternatives` holds other readings of ambiguous "1 000" groups."""

    quantities: tuple[Quantity, ...]
    alternatives: tuple[tuple[Quantity, ...], ...] = ()
    ambiguous: tuple[str, ...] = ()  # "2 500": two tablets of 500, or 2500?
    curated: bool = False  # the language's clinical words are listed (clinical_units.toml)

    def readings(self) -> list[tuple[Quantity, ...]]:
        return [self.quantities, *self.alternatives]


@dataclass(frozen=True)
class Difference:
    # "changed" (both sides, paired) | "missing" (source only) | "added" (target only) |
    # "unreadable" (a number in words to write in digits) | "ambiguous" ("2 500") |
    # "converted" (the same amount in another unit: a warning) | "order" (same amounts, another order: a warning)
    kind: str
    source: Quantity | None
    target: Quantity | None
    text: str = ""  # for "ambiguous": the text as written

    @property
    def blocking(self) -> bool:
        return self.kind not in ("converted", "order")


@dataclass
class _Mention:
    start: int
    end: int
    value: Fraction | None = None  # a number, or a unit word's implicit number
    unit: str | None = None
    words: bool = False  # a number written in words
    bound: bool = False
    before: bool = False  # a unit written before its number
    unreadable: bool = False
    fixed_unit: str | None = None  # known as soon as read: a time of day is a "clock-time"
    extra: list = field(default_factory=list)  # mentions merged into this one (halves, fractions)


# --- finding the words ---------------------------------------------------------


def _numbers_in_words(text: str, lex: Lexicon, digits: list[_Mention]) -> list[_Mention]:
    if lex.number_pattern is None:
        return []
    taken = {i for m in digits for i in range(m.start, m.end)}
    found = []
    for match in lex.number_pattern.finditer(text):
        if any(i in taken for i in range(match.start(), match.end())):
            continue
        value = lex.number(match.group())
        if value is not None:
            found.append(_Mention(match.start(), match.end(), value, words=True, unreadable=_run_continues(text, match, lex)))
    return found


def _run_continues(text: str, match: re.Match, lex: Lexicon) -> bool:
    """Whether a part of a longer number in words touches this one: "ciento [treinta y siete]", "[一千]五"."""
    before, after = text[: match.start()], text[match.end() :]
    if before and not spaced_letter(before[-1]):
        return before[-1] in lex.number_parts or (after[:1] in lex.number_parts if after else False)
    previous = re.search(r"([^\W\d_]+)[ -]$", before)
    following = re.match(r"[ -]([^\W\d_]+)", after)
    return any(m and m.group(1).casefold() in lex.number_parts and len(m.group(1)) > 2 for m in (previous, following))


def _unit_words(text: str, lex: Lexicon) -> list[_Mention]:
    if lex.unit_pattern is None:
        return []
    mentions = []
    for match in lex.unit_pattern.finditer(text):
        word = lex.unit(match.group())
        if word is not None:
            mentions.append(_Mention(match.start(), match.end(), word.implicit, word.unit, before=word.before))
    return mentions


class _Periods(list):
    """Period mentions sorted by start, with the ones starting in a span found by bisection."""

    def __init__(self, mentions):
        super().__init__(sorted(mentions, key=lambda m: m.start))
        self.starts = [m.start for m in self]

    def window(self, start: int, end: int) -> list[_Mention]:
        return self[bisect.bisect_left(self.starts, start) : bisect.bisect_right(self.starts, end)]


def _periods(text: str, lex: Lexicon, units: list[_Mention], clocks: set[int]) -> _Periods:
    """Phrases of period ("per day", "daily") and duration words no number measures ("a day").

    Words of a time of day are not periods: "في الساعة 8" is at 8 o'clock, not per hour.
    """
    found = []
    if lex.period_pattern is not None:
        found = [_Mention(m.start(), m.end(), unit=unit) for m in lex.period_pattern.finditer(text)
                 if (unit := lex.period(m.group())) and not any(i in clocks for i in range(m.start(), m.end()))]
    covered = {i for p in found for i in range(p.start, p.end)}
    for unit in units:
        if unit.bound or unit.start in covered:
            continue
        per = text[max(unit.start - 2, 0) : unit.start].strip().endswith("/")
        if per:
            found.append(_Mention(unit.start - 1, unit.end, unit=unit.unit))  # "/d", "/kg", "/semana": per that unit
        elif unit.unit in DURATIONS and not _abbreviation(text, unit):
            # A duration no number measures ("a day"); a lone abbreviation is a word ("a", a year in Spanish CLDR).
            found.append(_Mention(unit.start, unit.end, unit=unit.unit))
    return _Periods(found)


def _dayparts(text: str, lex: Lexicon) -> _Periods:
    """Parts of the day ("in the morning", "por la noche", "晚上") a dose is given in."""
    if lex.daypart_pattern is None:
        return _Periods([])
    return _Periods(_Mention(m.start(), m.end(), unit=part) for m in lex.daypart_pattern.finditer(text) if (part := lex.daypart(m.group())))


def _abbreviation(text: str, unit: _Mention) -> bool:
    """A one-letter unit word of a script with spaces ("h", "a"); a Chinese "天" is a word."""
    return unit.end - unit.start == 1 and spaced_letter(text[unit.start])


def _overlaps(a: _Mention, b: _Mention) -> bool:
    return a.start < b.end and b.start < a.end


# --- merging numbers that are one ------------------------------------------------


def _merge_numbers(text: str, mentions: list[_Mention], units: list[_Mention]) -> list[_Mention]:
    """Numbers that are one: "5 mil" (5000), "1 y 1/2" (1.5). A word that is also a unit stays a unit ("1 بالمائة", percent)."""
    unit_starts = {u.start for u in units}
    merged: list[_Mention] = []
    for mention in mentions:
        if mention.words and any(i in unit_starts for i in range(mention.start - 3, mention.end)):
            merged.append(mention)
            continue
        previous = merged[-1] if merged else None
        if previous is not None and not previous.words and previous.value.denominator == 1:
            gap = text[previous.end : mention.start]
            # "5 mil", and in scripts without spaces "10万".
            if mention.words and mention.value in _MULTIPLIERS and (gap in (" ", "\u00a0") or (not gap and not spaced_letter(text[mention.start]))):
                merged[-1] = _Mention(previous.start, mention.end, previous.value * mention.value)
                continue
            if not mention.words and 0 < mention.value < 1 and _MIXED_GAP.fullmatch(gap):
                merged[-1] = _Mention(previous.start, mention.end, previous.value + mention.value)
                continue
        merged.append(mention)
    return merged


# --- linking numbers, units and periods ------------------------------------------


_GAPS: dict[int, tuple[Lexicon, re.Pattern]] = {}  # id(lexicon) -> (the lexicon, kept so that its id stays its own, pattern)


def _unit_gap(lex: Lexicon) -> re.Pattern:
    """Between a number and its unit: a space or hyphen, and in Chinese a measure word and a half (一个半小时).
    Built once per lexicon (it walks every number word)."""
    found = _GAPS.get(id(lex))
    if found is None or found[0] is not lex:
        if len(_GAPS) >= 64:  # lexicons built again (a language added at runtime): forget the old ones
            _GAPS.clear()
        found = _GAPS[id(lex)] = (lex, _build_unit_gap(lex))
    return found[1]


def _build_unit_gap(lex: Lexicon) -> re.Pattern:
    classifiers = "|".join(map(re.escape, lex.classifiers))
    halves = "|".join(re.escape(w) for w, v in lex.numbers.items() if v == Fraction(1, 2) and not spaced_letter(w[0]))
    pattern = _SPACE
    if classifiers:
        pattern += f"(?:(?:{classifiers}){_SPACE})?"
    if halves and classifiers:
        pattern += f"(?:(?:{halves}){_SPACE})?"
    return re.compile(pattern)


def _link(text: str, numbers: list[_Mention], units: list[_Mention], lex: Lexicon) -> list[tuple[_Mention, _Mention | None]]:  # noqa: C901 - split later: package under concurrent edits
    """Pair each number with the unit it measures; returns (number, unit or None) in text order.

    A word can be a number or a unit, not both: the Vietnamese "năm năm" is five years.
    """
    gap_pattern = _unit_gap(lex)
    reach = 2 + max((len(c) for c in lex.classifiers), default=0) * 2
    pairs: list[tuple[_Mention, _Mention | None]] = []
    used: set[int] = set()  # positions of unit words taken by a number, and of number words used as numbers
    starts = {n.start for n in numbers}
    by_start: dict[int, list[_Mention]] = {}
    by_end: dict[int, list[_Mention]] = {}
    for unit in units:
        by_start.setdefault(unit.start, []).append(unit)
        by_end.setdefault(unit.end, []).append(unit)
    halves = {n.start: n for n in numbers if n.words and n.value == Fraction(1, 2)}

    def taken(mention: _Mention) -> bool:
        return any(i in used for i in range(mention.start, mention.end))

    def connector(unit: _Mention) -> bool:
        """A one-letter "unit" between two numbers is a word of the range: "de 4 a 8" ("a", a year in Spanish)."""
        if not _abbreviation(text, unit) or unit.unit not in DURATIONS:
            return False  # "1 g three times a day": a gram, not a word of a range
        rest = text[unit.end : unit.end + 8]
        return (unit.end + len(rest) - len(rest.lstrip())) in starts

    def free(candidates, number):
        return [u for u in candidates if not u.bound and not _overlaps(u, number) and not taken(u) and not connector(u)]

    for number in numbers:
        if number.fixed_unit:
            pairs.append((number, _Mention(number.start, number.end, unit=number.fixed_unit, bound=True)))
            continue
        if number.words and taken(number):
            continue
        unit = None
        if number.words and number.value in lex.after_noun:
            # "قرصًا واحدًا مرة واحدة": one and two follow their noun in Arabic.
            before = free(by_end.get(number.start - 1, []), number)
            unit = next((u for u in before if text[u.end : number.start] in (" ", "\u00a0")), None)
        after = free([u for k in range(reach + 1) for u in by_start.get(number.end + k, []) if not u.before], number)
        unit = unit or next((u for u in after if gap_pattern.fullmatch(text[number.end : u.start])), None)
        if unit is not None:
            for offset in range(number.end, unit.start):  # 一个半小时: the half inside the gap adds to the number
                if offset in halves:
                    number.extra.append(halves[offset])
                    used.update(range(halves[offset].start, halves[offset].end))
        if unit is None:
            before = free([u for k in (1, 0) for u in by_end.get(number.start - k, [])], number)
            # A unit CLDR writes before the number ("yüzde 5"); for a number word, its noun (the Arabic "ساعة واحدة").
            unit = next(
                (u for u in before if (u.before or (number.words and number.value != Fraction(1, 2)))
                 and text[u.end : number.start] in ("", " ", "\u00a0")),
                None,
            )
        if unit is not None:
            unit.bound = True
            used.update(range(unit.start, unit.end))
        if number.words:
            used.update(range(number.start, number.end))
        pairs.append((number, unit))
    # In a range the first number takes the unit of the second: "4 to 8 hours" (right to left, for "2, 3 or 4 days").
    for index in range(len(pairs) - 2, -1, -1):
        first, first_unit = pairs[index]
        second, second_unit = pairs[index + 1]
        if first.words and first.value == 0:
            continue  # "không uống hai liều": the Vietnamese zero is "not", no start of a range
        if first_unit is None and second_unit is not None and _RANGE_GAP.fullmatch(text[first.end : second.start]):
            pairs[index] = (first, second_unit)
    inside = {id(extra) for number, _unit in pairs for extra in number.extra}
    return [(n, u) for n, u in pairs if id(n) not in inside]


def _nearest_period(text: str, start: int, end: int, periods: _Periods, others: list[int]) -> tuple[_Mention | None, bool]:
    """The period closest to the quantity at text[start:end] in its sentence, with no other quantity between.

    `others` are the sorted starts of every number. Returns the period and whether it is *adjacent*:
    right after the quantity, at most one short word away or after a slash ("a day", "al día", "/día").
    """
    best, best_gap = None, None
    for period in periods.window(start - _PERIOD_REACH, end + _PERIOD_REACH):
        if period.start >= end:
            gap_start, gap_end = end, period.start
        elif period.end <= start:
            gap_start, gap_end = period.end, start
        else:
            continue
        gap = text[gap_start:gap_end]
        if _SENTENCE_END.search(gap) or not _PERIOD_GAP.fullmatch(gap):
            continue
        first = bisect.bisect_left(others, gap_start)
        if first < len(others) and others[first] < gap_end:
            continue
        if best_gap is None or len(gap) < best_gap:
            best, best_gap, adjacent = period, len(gap), period.start >= end and bool(_ADJACENT.fullmatch(gap))
    return (best, adjacent) if best is not None else (None, False)


def _frequency_period(text: str, end: int, periods: _Periods) -> _Mention | None:
    """The period right after a bare number, at most two short words away: "once al día"."""
    following = next(iter(periods.window(end, end + _PERIOD_REACH)), None)
    if following is not None and _FREQUENCY_GAP.fullmatch(text[end : following.start]):
        return following
    return None


def _and_a_half(text: str, pairs: list[tuple[_Mention, _Mention | None]]) -> None:
    """Half words that add to the quantity before them: "una hora y media", "ساعة ونصف", "một giờ rưỡi"."""
    loose = [n for n, u in pairs if u is None and n.words and n.value == Fraction(1, 2)]
    for number, unit in pairs:
        if unit is None:
            continue
        after = max(number.end, unit.end)
        half = next((n for n in loose if 0 <= n.start - after <= 12 and _HALF_GAP.fullmatch(text[after : n.start])), None)
        if half is not None:
            number.extra.append(half)
            loose.remove(half)


def _label(text: str, start: int, units: list[_Mention]) -> bool:
    """A number right after a unit word ("day 1", "semana 2") numbers a position; it measures nothing."""
    return any(u.end == start - 1 and text[u.end] == " " and u.unit in DURATIONS for u in units)


def _clock_times(text: str, lex: Lexicon) -> list[_Mention]:
    """Times of day as minutes after midnight: "8 pm" = "20:00" = "8 de la noche" = 1200."""
    found: list[_Mention] = []
    taken: set[int] = set()
    for pattern in reversed(lex.clock_patterns):  # the most specific first: "a las 8 de la noche" before "8:00"
        for match in pattern.finditer(text):
            if any(i in taken for i in range(match.start(), match.end())):
                continue
            groups = match.groupdict()
            hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
            if groups.get("pm") and hour < 12:
                hour += 12
            elif groups.get("am") and hour == 12:
                hour = 0
            if hour > 24 or minute > 59 or _dose_follows(text, match.end(), lex) or _RANGE_START.search(text, 0, match.start()):
                continue
            taken.update(range(match.start(), match.end()))
            found.append(_Mention(match.start(), match.end(), Fraction(hour * 60 + minute), fixed_unit=CLOCK))
    return sorted(found, key=lambda m: m.start)


# A number right before a time's introducer word: "4 à 8 heures" is a range of hours, not 8 o'clock.
_RANGE_START = re.compile(r"(?<![:.,\d])\d+[ \u00a0]+$")


def _dose_follows(text: str, end: int, lex: Lexicon) -> bool:
    """Whether a unit that is no unit of time follows text[:end]: "at 5 mg", "a las 10 mL" are doses, not times
    of day (a number followed by a unit is a dose wherever it stands)."""
    position = end + len(text[end : end + 3]) - len(text[end : end + 3].lstrip(" \u00a0\u202f\u2009-"))
    match = lex.unit_pattern.match(text, position) if lex.unit_pattern is not None else None
    if match is None:
        return False
    word = lex.unit(match.group())
    return word is not None and word.unit not in DURATIONS and word.implicit is None


_LEADING_NUMBER = re.compile(r"[ \u00a0]?\d+(?:[.,]\d+)?")


def _per_dose_phrases(text: str, lex: Lexicon) -> set[int]:
    """Offsets of the phrases that say a dose is taken at one time, right before that dose: "1回" in
    "1回1錠" (one tablet at a time) is no count of its own; in "1日1回" (once a day) it is one."""
    if lex.per_dose_pattern is None:
        return set()
    spans: set[int] = set()
    for match in lex.per_dose_pattern.finditer(text):
        if match.start() and text[match.start() - 1].isdigit():
            continue
        number = _LEADING_NUMBER.match(text, match.end())
        if number is None and lex.number_pattern is not None:
            number = lex.number_pattern.match(text, match.end())
        if number is not None and _dose_follows(text, number.end(), lex):
            spans.update(range(match.start(), match.end()))
    return spans


def _counted(text: str, end: int, lex: Lexicon) -> bool:
    """A measure word and nothing more after the number: "两粒" is two (pills), what they are left unsaid."""
    rest = text[end : end + 4].lstrip()
    return any(rest.startswith(c) for c in lex.classifiers)


def _is_bare(text: str, end: int) -> bool:
    """Nothing but punctuation after a number in digits: "Tome 5." (a unit would have been a word)."""
    rest = text[end : end + 3].lstrip(" \u00a0\u202f\u2009")
    return not rest or not rest[0].isalnum()


def _quantities(text: str, numbers: list[_Mention], units: list[_Mention], lex: Lexicon, written) -> tuple[Quantity, ...]:  # noqa: C901 - split later: package under concurrent edits
    for unit in units:
        unit.bound = False
    for number in numbers:
        number.extra = []
    pairs = _link(text, numbers, units, lex)
    _and_a_half(text, pairs)
    clocks = {i for n in numbers if n.fixed_unit == CLOCK for i in range(n.start, n.end)}
    periods, dayparts = _periods(text, lex, units, clocks), _dayparts(text, lex)
    others = sorted(number.start for number, _unit in pairs)
    merged = {id(extra) for number, _unit in pairs for extra in number.extra}
    strict = lex.curated
    quantities = []

    used_periods: set[int] = set()

    def qualified(value, unit, start, end, **flags):
        """The quantity with the period and the part of the day it is given in, if any."""
        period, adjacent = (None, False)
        if unit is not None and unit not in DURATIONS and unit != CLOCK:
            period, adjacent = _nearest_period(text, start, end, periods, others)
            if period is not None:
                used_periods.add(period.start)
        daypart = None
        if unit is not None and unit not in DURATIONS and unit != CLOCK:
            daypart, _adjacent = _nearest_period(text, start, end, dayparts, others)
        return _quantity(value, unit, period, start, end, written, daypart=daypart.unit if daypart else None,
                         strict_period=strict and (adjacent or unit == "times"), **flags)

    for number, unit in pairs:
        if id(number) in merged:
            continue
        start = min(number.start, unit.start) if unit else number.start
        end = max([number.end, *(e.end for e in number.extra)] + ([unit.end] if unit and unit.start >= number.end else []))
        value = number.value + sum((e.value for e in number.extra), Fraction(0))
        soft = number.words and value == 1 and not number.extra
        if unit is not None and unit.value is not None and number.words and value == 1 and not number.extra:
            value, soft = unit.value, False  # "eine Viertelstunde": one quarter of an hour is 15 minutes
        if unit is not None:
            quantities.append(qualified(value, unit.unit, start, end, soft=soft, unreadable=number.unreadable))
            continue
        if number.words and value == 0:
            continue  # a zero word measuring nothing: "không" is zero, and "not"
        if not number.words and _label(text, number.start, units):
            # "day 1", "Woche 2": a position in a schedule, compared only with another such label.
            quantities.append(_quantity(value, None, None, start, end, written, soft=True, label=True))
            continue
        # "once al día": a number and a period, the thing counted left out.
        period = _frequency_period(text, end, periods)
        if period is not None:
            used_periods.add(period.start)
        quantities.append(
            _quantity(value, None, period, start, end, written, strict_period=strict and period is not None,
                      # A number word that measures no unit we know ("drei Tabletten", or "năm", five or year)
                      # may stand for a number of the source, but is never an error by itself.
                      soft=soft or (number.words and period is None),
                      bare=not number.words and _is_bare(text, end), unreadable=number.unreadable,
                      counted=_counted(text, end, lex))
        )
    loose_halves = [n for n, u in pairs if u is None and n.words and n.value == Fraction(1, 2)]
    for unit in units:
        if unit.bound:
            continue
        extra = [n for n in loose_halves if id(n) not in merged
                 and 0 <= n.start - unit.end <= 12 and _HALF_GAP.fullmatch(text[unit.end : n.start])]
        if unit.value is None and extra and unit.unit not in (CLOCK,):
            # "hora y media", "comprimido y medio": a unit and a half, its one left unsaid.
            merged.add(id(extra[0]))
            quantities.append(qualified(Fraction(3, 2), unit.unit, unit.start, extra[0].end))
        elif unit.value is not None:
            value, end = unit.value, unit.end
            if extra:  # "ساعة ونصف": an hour and a half
                merged.add(id(extra[0]))
                value, end = value + extra[0].value, extra[0].end
            quantities.append(qualified(value, unit.unit, unit.start, end, soft=value == 1))
    # "an hour" that is no period ("3 times a day"): one hour, softly (it may be an article in the other language too).
    for period in periods:
        if period.start not in used_periods and period.unit in DURATIONS and lex.articles:
            before = text[max(period.start - 4, 0) : period.start].casefold()
            article = next((a for a in lex.articles if before.endswith(f" {a} ") or before == f"{a} "), None)
            if article is not None:
                start = period.start - len(article) - 1
                quantities.append(_quantity(Fraction(1), period.unit, None, start, period.end, written, soft=True))
    # Half words taken by the quantity before them are not quantities of their own.
    taken_halves = {n.start for n, _u in pairs if id(n) in merged}
    kept = sorted((q for q in quantities if q.start not in taken_halves), key=lambda q: q.start)
    return tuple(_without_restatements(text, kept))


def _without_restatements(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """A quantity restated in brackets right after itself is one: "5 mg (cinco miligramos)", "10 mL (2 teaspoons)"
    stays two only when the amounts differ."""
    result: list[Quantity] = []
    for quantity in quantities:
        previous = result[-1] if result else None
        if (
            previous is not None and text[previous.end : quantity.start].strip() == "("
            and (previous.value, previous.unit) == (quantity.value, quantity.unit)
        ):
            continue
        result.append(quantity)
    return result


def _quantity(value, unit, period: _Mention | None, start: int, end: int, written, **flags) -> Quantity:
    """A quantity; its text runs over its period too ("3 times a day"), so a changed period shows."""
    shown_start, shown_end = (min(start, period.start), max(end, period.end)) if period and period.end - start < 40 else (start, end)
    return Quantity(value=value, unit=unit, period=period.unit if period else None, text=written(shown_start, shown_end),
                    start=start, end=end, **flags)


@lru_cache(maxsize=4096)
def read_quantities(text: str, language: str) -> Reading:
    """Every quantity in `text` (plain text: strip Markdown first), with the other readings of "1 000".

    Kept by (text, language): the reading is frozen and the lexicon fixed for the process, and a
    source sentence is read again for every language it is translated into.
    """
    reading, original, offsets = fold_with_offsets(text, ascii_digit)
    lex = lexicon(language)

    def written(start: int, end: int) -> str:
        """The original text of reading[start:end]: quoted in messages as the translator wrote it."""
        return original[offsets[start] : offsets[end - 1] + 1].strip()

    clocks = _clock_times(reading, lex)
    in_clocks = {i for c in clocks for i in range(c.start, c.end)}
    # A period written with a digit ("1日", per day, in "1日3回") is a period, not a quantity.
    in_periods = {i for m in (lex.period_pattern.finditer(reading) if lex.period_pattern else ())
                  if any(ch.isdigit() for ch in m.group()) for i in range(m.start(), m.end())}
    in_periods |= _per_dose_phrases(reading, lex)
    tokens = [t for t in scan_numbers(reading, language) if not any(i in in_clocks or i in in_periods for i in range(t.start, t.end))]
    digits = [_Mention(t.start, t.end, t.value) for t in tokens]
    words = [w for w in _numbers_in_words(reading, lex, digits) if not any(i in in_clocks for i in range(w.start, w.end))]
    # A period that has a number in its words ("cada dos días", every other day) is one period, not a quantity.
    in_words = {i for w in words for i in range(w.start, w.end)}
    in_phrases = {i for m in (lex.period_pattern.finditer(reading) if lex.period_pattern else ())
                  if any(i in in_words for i in range(m.start(), m.end())) for i in range(m.start(), m.end())}
    words = [w for w in words if not any(i in in_phrases for i in range(w.start, w.end))]
    in_digits = {i for d in digits for i in range(d.start, d.end)}
    units = [u for u in _unit_words(reading, lex)
             if not any(i in in_digits or i in in_clocks or i in in_phrases for i in range(u.start, u.end))]
    # A number word inside a longer unit word is part of it: 一 in 一刻钟 (a quarter of an hour).
    cover: dict[int, int] = {}
    for unit in units:
        for i in range(unit.start, unit.end):
            cover[i] = max(cover.get(i, 0), unit.end - unit.start)
    words = [w for w in words if not all(cover.get(i, 0) > w.end - w.start for i in range(w.start, w.end))]
    joins = space_joins(tokens, reading)
    space_groups = separators_for(language)[1] == "\u00a0"

    def build(chosen) -> tuple[Quantity, ...]:
        mentions = list(digits)
        for use, (first, count, value, _certain) in sorted(zip(chosen, joins, strict=True), key=lambda c: -c[1][0]):
            if use:
                mentions[first : first + count] = [_Mention(digits[first].start, digits[first + count - 1].end, value)]
        numbers = _merge_numbers(reading, sorted(mentions + words + clocks, key=lambda m: m.start), units)
        return _quantities(reading, numbers, units, lex, written)

    if space_groups or all(certain for *_rest, certain in joins):
        # French, Russian… group thousands with a space; and "10 000" is ten thousand in any language.
        return Reading(build([True] * len(joins)), curated=lex.curated)
    uncertain = [i for i, (*_rest, certain) in enumerate(joins) if not certain]
    # Both readings of each ambiguous run, at most four of them (16 readings; more would cost seconds).
    choices = []
    for picked in itertools.product((False, True), repeat=min(len(uncertain), 4)):
        chosen = [True] * len(joins)
        for index, use in zip(uncertain, picked, strict=False):
            chosen[index] = use
        choices.append(chosen)
    readings = [build(chosen) for chosen in choices]
    ambiguous = tuple(written(digits[joins[i][0]].start, digits[joins[i][0] + joins[i][1] - 1].end) for i in uncertain)
    return Reading(readings[0], tuple(readings[1:]), ambiguous, curated=lex.curated)


# --- comparing ----------------------------------------------------------------


def _periods_match(s: Quantity, t: Quantity) -> bool:
    if s.daypart and t.daypart and s.daypart != t.daypart:
        return False  # "10 mg in the morning" is not "10 mg por la noche"
    if s.period == t.period:
        return True
    if {s.period, t.period} == {"duration-night", None} and s.daypart == t.daypart == "evening":
        return True  # "5 mg at night" (per night, at night) is "5 ملغ ليلًا", "5 mg vào buổi tối" (in the evening)
    if s.period is None or t.period is None:
        # A period said right after its quantity ("1 tablet a day", "5 mg/kg", "twice a day") must be kept;
        # one said further off may sit elsewhere in the translated sentence.
        said = s if s.period else t
        return not said.strict_period
    return False


def _weak(s: Quantity, t: Quantity, curated: bool) -> bool:
    """The same number where the translation writes a unit we do not know, none dropped.

    In languages whose clinical words are listed, a word we do not know after the translation's
    number is not a unit ("Tome 5 cada mañana" for "5 mg"); elsewhere it may be one.
    """
    if s.value != t.value:
        return False
    if s.unit is None and t.unit is None:
        return True
    if s.unit is None:
        # The source's own word, which the translation names ("2 500 mg tablets": 2 tablets); or an age the
        # translation says in years ("children under 12": "menores de 12 años").
        return not s.bare or t.unit == "duration-year"
    if t.unit is None:
        return t.counted or (not t.bare and not curated)
    return False


def _converted(s: Quantity, t: Quantity) -> bool:
    size_s, size_t = s.size(), t.size()
    return size_s is not None and size_s == size_t and s.unit != t.unit and _periods_match(s, t)


def _pair(source: list[Quantity], target: list[Quantity], same) -> list[tuple[Quantity, Quantity]]:
    pairs = []
    for s in list(source):
        t = next((t for t in target if same(s, t)), None)
        if t is not None:
            source.remove(s)
            target.remove(t)
            pairs.append((s, t))
    return pairs


def _out_of_order(matched: list[tuple[Quantity, Quantity]]) -> list[Difference]:
    """Doses of one unit that match but come in another order: "10 mg for 3 days, then 5 mg"."""
    differences = []
    for (s1, t1), (s2, t2) in itertools.combinations(sorted(matched, key=lambda p: p[0].start), 2):
        if s1.unit is not None and s1.unit == s2.unit and s1.value != s2.value and t1.start > t2.start:
            differences.append(Difference("order", s1, t1))
            break
    return differences


def _differences(source: tuple[Quantity, ...], target: tuple[Quantity, ...], curated: bool) -> list[Difference]:
    left, right = list(source), list(target)
    matched = _pair(left, right, lambda s, t: s.value == t.value and s.unit == t.unit and _periods_match(s, t) and not t.unreadable)
    matched += _pair(left, right, lambda s, t: _weak(s, t, curated) and _periods_match(s, t) and not t.unreadable)
    converted = _pair(left, right, _converted)
    differences = [Difference("unreadable", None, t) for t in right if t.unreadable and not t.soft]
    right = [t for t in right if not t.unreadable]
    # Day 3 is not day 7; a label the other side writes as a word ("el primer día") is not compared.
    changed = _pair(left, right, lambda s, t: s.label and t.label)
    changed += _pair(left, right, lambda s, t: s.unit is not None and s.unit == t.unit and s.value != t.value)
    changed += _pair(left, right, lambda s, t: s.unit == t.unit and s.value == t.value)  # the period changed
    changed += _pair(left, right, lambda s, t: s.value == t.value and not s.label and not t.label)  # the unit changed, or was dropped
    changed += _pair(left, right, lambda s, t: not s.soft and not t.soft and (s.unit is None or t.unit is None or s.unit == t.unit))
    # A soft quantity ("una", "năm", an Arabic noun alone, "day 1") is an article, a word or a position as
    # often as a number: left alone it is never an error; paired with another quantity, the difference is real.
    # Two soft quantities are a real difference only when both name a unit: "once a week" and "una vez al día",
    # "one tablet" and "una cápsula"; not "at once" and "un estiramiento".
    differences += [Difference("changed", s, t) for s, t in changed if not (s.soft and t.soft) or (s.unit and t.unit) or (s.label and t.label)]
    differences += [Difference("missing", s, None) for s in left if not s.soft]
    differences += [Difference("added", None, t) for t in right if not t.soft]
    differences += [Difference("converted", s, t) for s, t in converted]
    differences += _out_of_order(matched)
    return sorted(differences, key=lambda d: (not d.blocking, d.source is None, (d.source or d.target).start))


def compare_quantities(source: Reading, target: Reading) -> list[Difference]:
    """What differs between the quantities of a source text and its translation; [] if nothing.

    Of the readings of ambiguous "1 000" groups, the pair that differs least
    is compared; a "2 500" in the translation the source does not write the
    same way is itself a difference (a patient may read either).
    """
    best: list[Difference] | None = None
    for s in source.readings():
        for t in target.readings():
            differences = _differences(s, t, target.curated)
            if best is None or _weight(differences) < _weight(best):
                best = differences
            if not differences:
                break
        if best == []:
            break
    ambiguous = [Difference("ambiguous", None, None, text) for text in target.ambiguous if text not in source.ambiguous]
    return ambiguous + (best or [])


def _weight(differences: list[Difference]) -> tuple[int, int]:
    return sum(d.blocking for d in differences), len(differences)
