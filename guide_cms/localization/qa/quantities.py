"""Quantities: each number together with the unit, time or frequency it measures (pure).

    read_quantities("Take 2 tablets every 6 hours", "en")
        -> [2 tablet, 6 duration-hour]
    compare_quantities(read_quantities(source, "en"), read_quantities(target, "es"))
        -> [Difference(...), ...]   # [] when they match

How a text is read (words from guide_cms.localization.qa.lexicon, digits
from guide_cms.localization.qa.numbers):

- a number is written in digits (5, ٥, 1½, 0,5) or as a word ("dos", "ثلاث",
  "三", "half"); it *measures* the unit written right after it ("2 tablets",
  "5mg", "三次"), or, for a number word, right before it (the Arabic
  "ساعة واحدة", one hour);
- some unit words carry their number: "twice" is 2 times, the Arabic dual
  "ساعتين" is 2 hours, "ساعة" alone is 1 hour;
- in a range the first number takes the unit of the second: "4 to 8 hours",
  "de 4 a 8 horas", "从4到8小时" are 4 hours and 8 hours;
- a dose or a count followed (or, in Chinese, preceded) closely by a period
  in the same sentence is a frequency: "3 times a day", "2 comprimidos al día",
  "每天三次" all have the period "day";
- numbers in digits are always read, with or without a unit. A number word
  that measures no known unit is *soft*: the Vietnamese "năm" is five or year,
  the Spanish "una" is one or "a"; it may stand for a number of the source, but
  unmatched it is never an error by itself. So is a quantity of one written in
  words or implied by a noun ("una hora" is "an hour"). Zero words measuring
  nothing are not read ("không" is zero and "not").

Comparison: the same value with the same unit (and period, where both say
one) matches; a unit one side does not recognise matches on its value; what
is left is paired by unit (a changed number), then by value (a changed unit),
and the rest is missing or added.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from fractions import Fraction

from .lexicon import DURATIONS, Lexicon, fold_with_offsets, lexicon, spaced_letter
from .numbers import ascii_digit, scan_numbers, separators_for, space_joins

__all__ = ["Difference", "Quantity", "Reading", "compare_quantities", "read_quantities"]

# Between a number and its unit: nothing, a space of any kind, or a hyphen ("5-mg").
_UNIT_GAP = re.compile(r"[ \u00a0\u202f\u2009\t-]?")
# Between the two numbers of a range: a dash, or one short word ("to", "a", "إلى", "到", "đến").
_RANGE_GAP = re.compile(r"\s*(?:[-\u2010-\u2015~\u301c]|[^\W\d_]{1,6})\s*")
# Between a quantity and the half added to it: "una hora y media", "an hour and a half", "ساعة ونصف".
_HALF_GAP = re.compile(r"\s*(?:[^\W\d_]{1,3}\s+(?:[^\W\d_]{1,2}\s+)?)?")
# Between a bare number and the period it is counted in: "once al día", "2 a day", "2 por día".
_FREQUENCY_GAP = re.compile(r"\s*(?:[^\W\d_]{1,3}\s+)?")
# Between a quantity and its period: at most three words, no sentence end, no digit.
_PERIOD_GAP = re.compile(r"(?:\s*[^\W\d_]+\s*){0,3}|\s*|[^\W\d_]{0,4}")
_PERIOD_REACH = 80  # characters: three words of any language, and their spaces
_SENTENCE_END = re.compile(r"[.!?;:。！？؟;\n]")
_MAX_READINGS = 64


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    unit: str | None  # "duration-hour", "mass-milligram", "tablet", "times"; None for a bare number
    period: str | None  # for a frequency: "duration-day" in "3 times a day"
    text: str  # as written (reading form), for messages: "2 comprimidos", "ساعتين"
    soft: bool = False  # a "one" in words, or implied by a noun: may be an article
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Reading:
    """The quantities of a text; `alternatives` holds other readings of ambiguous "1 000" groups."""

    quantities: tuple[Quantity, ...]
    alternatives: tuple[tuple[Quantity, ...], ...] = ()

    def readings(self) -> list[tuple[Quantity, ...]]:
        return [self.quantities, *self.alternatives]


@dataclass(frozen=True)
class Difference:
    kind: str  # "changed" (both sides, paired) | "missing" (source only) | "added" (target only)
    source: Quantity | None
    target: Quantity | None


@dataclass
class _Mention:
    start: int
    end: int
    value: Fraction | None = None  # a number, or a unit word's implicit number
    unit: str | None = None
    words: bool = False  # a number written in words
    bound: bool = False


def _numbers_in_words(text: str, lex: Lexicon, digits: list[_Mention]) -> list[_Mention]:
    if lex.number_pattern is None:
        return []
    taken = {i for m in digits for i in range(m.start, m.end)}
    found = []
    for match in lex.number_pattern.finditer(text):
        if any(i in taken for i in range(match.start(), match.end())):
            continue
        found.append(_Mention(match.start(), match.end(), lex.number(match.group()), words=True))
    return found


def _unit_words(text: str, lex: Lexicon) -> list[_Mention]:
    if lex.unit_pattern is None:
        return []
    mentions = []
    for match in lex.unit_pattern.finditer(text):
        word = lex.unit(match.group())
        mentions.append(_Mention(match.start(), match.end(), word.implicit, word.unit))
    return mentions


def _periods(text: str, lex: Lexicon, units: list[_Mention]) -> "_Periods":
    """Phrases of period ("per day", "daily") and duration words no number measures ("a day")."""
    found = []
    if lex.period_pattern is not None:
        found = [_Mention(m.start(), m.end(), unit=lex.period(m.group())) for m in lex.period_pattern.finditer(text)]
    covered = {i for p in found for i in range(p.start, p.end)}
    for unit in units:
        if _abbreviation(text, unit):
            continue  # a lone abbreviation is a word ("a" is a year in Spanish CLDR, and "to")
        if unit.unit in DURATIONS and not unit.bound and unit.start not in covered:
            found.append(_Mention(unit.start, unit.end, unit=unit.unit))
    return _Periods(found)


def _abbreviation(text: str, unit: _Mention) -> bool:
    """A one-letter unit word of a script with spaces ("h", "a"); a Chinese "天" is a word."""
    return unit.end - unit.start == 1 and spaced_letter(text[unit.start])


def _overlaps(a: _Mention, b: _Mention) -> bool:
    return a.start < b.end and b.start < a.end


def _link(text: str, numbers: list[_Mention], units: list[_Mention]) -> list[tuple[_Mention, _Mention | None]]:
    """Pair each number with the unit it measures; returns (number, unit or None) in text order.

    A word can be a number or a unit, not both: the Vietnamese "năm năm" is five years.
    """
    pairs: list[tuple[_Mention, _Mention | None]] = []
    used: set[int] = set()  # positions of unit words taken by a number, and of number words used as numbers
    starts = {n.start for n in numbers}
    # A unit is at most one character after its number (or, for a word, one space before it): look only there.
    by_start: dict[int, list[_Mention]] = {}
    by_end: dict[int, list[_Mention]] = {}
    for unit in units:
        by_start.setdefault(unit.start, []).append(unit)
        by_end.setdefault(unit.end, []).append(unit)

    def taken(mention: _Mention) -> bool:
        return any(i in used for i in range(mention.start, mention.end))

    def connector(unit: _Mention) -> bool:
        """A one-letter "unit" between two numbers is a word of the range: "de 4 a 8" ("a", a year in Spanish)."""
        if not _abbreviation(text, unit):
            return False
        rest = text[unit.end : unit.end + 8]
        return (unit.end + len(rest) - len(rest.lstrip())) in starts

    def free(candidates, number):
        return [u for u in candidates if not u.bound and not _overlaps(u, number) and not taken(u) and not connector(u)]

    for number in numbers:
        if number.words and taken(number):
            continue
        after = free(by_start.get(number.end, []) + by_start.get(number.end + 1, []), number)
        unit = next((u for u in after if _UNIT_GAP.fullmatch(text[number.end : u.start])), None)
        if unit is None and number.words and number.value != Fraction(1, 2):
            # A number word after its noun: the Arabic "ساعة واحدة" (a half after one adds to it: "ساعة ونصف").
            before = free(by_end.get(number.start - 1, []), number)
            unit = next((u for u in before if text[u.end : number.start] in (" ", "\u00a0")), None)
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
        if first_unit is None and second_unit is not None and _RANGE_GAP.fullmatch(text[first.end : second.start]):
            pairs[index] = (first, second_unit)
    return pairs


class _Periods(list):
    """Period mentions sorted by start, with the ones starting in a span found by bisection."""

    def __init__(self, mentions):
        super().__init__(sorted(mentions, key=lambda m: m.start))
        self.starts = [m.start for m in self]

    def window(self, start: int, end: int) -> list[_Mention]:
        return self[bisect.bisect_left(self.starts, start) : bisect.bisect_right(self.starts, end)]


def _nearest_period(text: str, start: int, end: int, periods: _Periods, others: list[int], *, after_only: bool) -> _Mention | None:
    """The period closest to the quantity at text[start:end] in its sentence, with no other quantity between.

    `others` are the sorted starts of every number.
    """
    best, best_gap = None, None
    window = periods.window(start - _PERIOD_REACH, end + _PERIOD_REACH)
    for period in window:
        if period.start >= end:
            gap_start, gap_end = end, period.start
        elif period.end <= start and not after_only:
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
            best, best_gap = period, len(gap)
    return best


def _and_a_half(text: str, pairs: list[tuple[_Mention, _Mention | None]]) -> dict[int, int]:
    """Half words that add to the quantity before them: "una hora y media", "ساعة ونصف", "một giờ rưỡi".

    Returns {id(half mention): id(number it adds to)}.
    """
    halves = {}
    for (number, unit), (half, half_unit) in zip(pairs, pairs[1:]):
        if unit is None or half_unit is not None or not half.words or half.value != Fraction(1, 2):
            continue
        after = max(number.end, unit.end)
        if half.start >= after and _HALF_GAP.fullmatch(text[after : half.start]):
            halves[id(half)] = id(number)
    return halves


def _frequency_period(text: str, end: int, periods: "_Periods") -> _Mention | None:
    """The period right after a bare number, at most one short word away: "once al día"."""
    following = next(iter(periods.window(end, end + _PERIOD_REACH)), None)
    if following is not None and _FREQUENCY_GAP.fullmatch(text[end : following.start]):
        return following
    return None


def _quantity(value, unit, period: _Mention | None, start: int, end: int, soft: bool, written) -> Quantity:
    """A quantity; its text runs over its period too ("3 times a day"), so a changed period shows."""
    shown_start, shown_end = (min(start, period.start), max(end, period.end)) if period else (start, end)
    return Quantity(value=value, unit=unit, period=period.unit if period else None, text=written(shown_start, shown_end),
                    soft=soft, start=start, end=end)


def _quantities(text: str, numbers: list[_Mention], units: list[_Mention], lex: Lexicon, written) -> tuple[Quantity, ...]:
    for unit in units:
        unit.bound = False
    pairs = _link(text, numbers, units)
    periods = _periods(text, lex, units)
    others = sorted(number.start for number, _unit in pairs)
    halves = _and_a_half(text, pairs)
    quantities = []
    for number, unit in pairs:
        start = min(number.start, unit.start) if unit else number.start
        end = max(number.end, unit.end) if unit and unit.start >= number.end else number.end
        period = None
        soft = number.words and number.value == 1
        if id(number) in halves:
            continue
        if unit is None:
            if number.words and number.value == 0:
                continue  # a zero word measuring nothing: "không" is zero, and "not"
            # "once al día": a number and a period, the thing counted left out.
            period = _frequency_period(text, end, periods)
            if number.words and period is None:
                # A number word that measures no unit we know ("drei Tabletten", or "năm", five or year) may
                # stand for a number of the source, but is never an error by itself.
                soft = True
        elif unit.unit not in DURATIONS:
            period = _nearest_period(text, start, end, periods, others, after_only=False)
        value = number.value
        if id(number) in halves.values():
            half = next(n for n, _u in pairs if halves.get(id(n)) == id(number))
            value, end, soft = value + half.value, max(end, half.end), False
        quantities.append(_quantity(value, unit.unit if unit else None, period, start, end, soft, written))
    loose_halves = [n for n, u in pairs if u is None and n.words and n.value == Fraction(1, 2)]
    for unit in units:
        if not unit.bound and unit.value is not None:
            value, end = unit.value, unit.end
            half = next((n for n in loose_halves if 0 <= n.start - unit.end <= 12 and _HALF_GAP.fullmatch(text[unit.end : n.start])), None)
            if half is not None:  # "ساعة ونصف": an hour and a half
                halves[id(half)] = id(unit)
                value, end = value + half.value, half.end
            period = None if unit.unit in DURATIONS else _nearest_period(text, unit.start, end, periods, others, after_only=False)
            quantities.append(_quantity(value, unit.unit, period, unit.start, end, value == 1, written))
    # Half words taken by the quantity before them are not quantities of their own.
    half_starts = {n.start for n, _u in pairs if id(n) in halves}
    quantities = [q for q in quantities if q.start not in half_starts]
    return tuple(sorted(quantities, key=lambda q: q.start))


def read_quantities(text: str, language: str) -> Reading:
    """Every quantity in `text` (plain text: strip Markdown first), with the other readings of "1 000"."""
    reading, original, offsets = fold_with_offsets(text, ascii_digit)
    lex = lexicon(language)

    def written(start: int, end: int) -> str:
        """The original text of reading[start:end]: quoted in messages as the translator wrote it."""
        return original[offsets[start] : offsets[end - 1] + 1].strip()

    tokens = scan_numbers(reading, language)
    digits = [_Mention(t.start, t.end, t.value) for t in tokens]
    words = _numbers_in_words(reading, lex, digits)
    in_digits = {i for d in digits for i in range(d.start, d.end)}
    units = [u for u in _unit_words(reading, lex) if not any(i in in_digits for i in range(u.start, u.end))]

    def build(chosen) -> tuple[Quantity, ...]:
        mentions = list(digits)
        for use, (first, count, value) in sorted(zip(chosen, joins), key=lambda c: -c[1][0]):
            if use:
                mentions[first : first + count] = [_Mention(digits[first].start, digits[first + count - 1].end, value)]
        return _quantities(reading, sorted(mentions + words, key=lambda m: m.start), units, lex, written)

    joins = space_joins(tokens, reading)
    choices = list(itertools.islice(itertools.product((False, True), repeat=len(joins)), _MAX_READINGS))
    if separators_for(language)[1] == "\u00a0":
        choices.reverse()  # French, Russian… group thousands with a space: "1 000" is first one thousand
    readings = [build(chosen) for chosen in choices]
    return Reading(readings[0], tuple(readings[1:]))


# --- comparing ----------------------------------------------------------------


def _periods_agree(a: Quantity, b: Quantity) -> bool:
    return a.period is None or b.period is None or a.period == b.period


def _pair(source: list[Quantity], target: list[Quantity], same) -> list[tuple[Quantity, Quantity]]:
    pairs = []
    for s in list(source):
        t = next((t for t in target if same(s, t)), None)
        if t is not None:
            source.remove(s)
            target.remove(t)
            pairs.append((s, t))
    return pairs


def _differences(source: tuple[Quantity, ...], target: tuple[Quantity, ...]) -> list[Difference]:
    left, right = list(source), list(target)
    _pair(left, right, lambda s, t: s.value == t.value and s.unit == t.unit and _periods_agree(s, t))
    _pair(left, right, lambda s, t: s.value == t.value and (s.unit is None or t.unit is None))
    changed = _pair(left, right, lambda s, t: s.unit is not None and s.unit == t.unit and s.value != t.value)
    changed += _pair(left, right, lambda s, t: s.unit == t.unit and s.value == t.value)  # the period changed
    changed += _pair(left, right, lambda s, t: s.value == t.value)  # the unit changed
    # A soft quantity ("una", "năm", an Arabic noun alone) is an article or a word as often as a number:
    # alone, or against another soft one, it is never an error.
    left = [q for q in left if not q.soft]
    right = [q for q in right if not q.soft]
    differences = [Difference("changed", s, t) for s, t in changed if not (s.soft and t.soft)]
    differences += [Difference("missing", s, None) for s in left]
    differences += [Difference("added", None, t) for t in right]
    return sorted(differences, key=lambda d: (d.source is None, (d.source or d.target).start))


def compare_quantities(source: Reading, target: Reading) -> list[Difference]:
    """What differs between the quantities of a source text and its translation; [] if nothing.

    Of the readings of ambiguous "1 000" groups on either side, the pair that
    differs least is compared.
    """
    best: list[Difference] | None = None
    for s in source.readings():
        for t in target.readings():
            differences = _differences(s, t)
            if not differences:
                return []
            if best is None or len(differences) < len(best):
                best = differences
    return best or []
