"""Clinical facts besides quantities: what a sentence tells a patient to do or not to do (pure).

    facts = read_facts("Do not take it before bedtime.", "en")
        -> Facts(negation "Do not", polarity before "before", polarity evening "bedtime")
    compare_facts(read_facts(source, "en"), read_facts(target, "es"))
        -> [FactDifference(...), ...]   # [] when the translation says the same

Kinds of fact (the words of each, per language, in clinical_facts.toml; parts of
the day from clinical_units.toml; units of time and "per" periods from CLDR
through guide_cms.localization.qa.lexicon):

- ``negation``: prohibitions and negations ("do not", "never", "avoid",
  "without", "-free"), cues a few words apart in one clause counted once;
- ``comparator``: thresholds, ``up`` ("above", "at least", "≥") or ``down``
  ("below", "no more than", "up to");
- ``polarity``: concepts of opposite pairs (warm/cool, before/after,
  lowest/highest, start/stop, continue/stop, increase/decrease,
  morning/evening, acute/chronic, with food/empty stomach);
- ``frequency``: periods in words ("every hour", "daily", "cada día", "每天");
- ``drug``: drug and product names written in Latin letters, as their canonical drug
  ("paracetamol", "Tylenol": acetaminophen; qa.drugs), in every language alike.

Comparison, sentence by sentence (the caller aligns them): a negation on one
side only, a concept whose opposite replaced it, a threshold turned the other
way, a period replaced by another, a drug replaced by another are *blocking*;
so is a pair of opposites that both sides name with the negation on the other
one ("before meals, not after" against "after meals, not before"). A threshold
or an opposite word of the source not found in the translation, fewer
negations, or a drug named in Latin letters in the source and not in a
Latin-script translation are warnings for the reviewer: "acute relief" is
rightly "alivio inmediato". A negation with a comparator or with stop/continue is read both
as written and as its opposite ("do not take more than" is "no more than";
"do not stop" is "continue"), and the reading that differs least is kept.
Each phrase is read once: ignored phrases first, then comparators, periods,
polarity words (parts of the day separately) and negations.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .drugs import latin_script, read_drugs
from .lexicon import DURATIONS, _alternation, _lookup, _normal, fold_with_offsets, lexicon, spaced_letter

__all__ = [
    "FACT_KINDS",
    "Fact",
    "FactDifference",
    "Facts",
    "compare_facts",
    "fact_lexicon",
    "missing_fact_kinds",
    "negations_joined",
    "read_facts",
    "swapped_opposites",
]

DATA_FILE = Path(__file__).with_name("clinical_facts.toml")
NEGATION, COMPARATOR, POLARITY, FREQUENCY, DRUG = "negation", "comparator", "polarity", "frequency", "drug"
FACT_KINDS = (NEGATION, FREQUENCY, COMPARATOR, POLARITY)  # per language (clinical_facts.toml); drugs are not
UP, DOWN = "up", "down"
_PERIODS = (*DURATIONS, "every-other-day")
# Punctuation that ends a clause: negation cues on either side of it are two.
_CLAUSE_END = re.compile(r"[,;:.!?()\[\]，；：。！？、،؛]")
_CLUSTER_WORDS = 3  # cues at most this many words apart (spaced scripts) are one negation
_CLUSTER_CHARS = 4  # ... or this many characters (scripts without spaces)


@dataclass(frozen=True)
class Fact:
    kind: str  # "negation" | "comparator" | "polarity" | "frequency" | "drug"
    value: str  # "negation"; "up" | "down"; a concept ("warm", "before"); a period ("duration-hour"); a drug ("baclofen")
    text: str  # as written, for messages: "Do not", "por encima de", "每天"
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Facts:
    """The facts of one text, in text order; `unchecked` lists the kinds its language has no words for."""

    facts: tuple[Fact, ...]
    unchecked: tuple[str, ...] = ()
    reading: str = ""  # the text's reading form, which the facts' offsets are in
    negation_follows: bool = False  # the language negates what comes before ("食後ではなく": not after meals)

    def counts(self) -> Counter:
        return Counter((f.kind, f.value) for f in self.facts)

    def of(self, kind: str, value: str | None = None) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind and (value is None or f.value == value)]


@dataclass(frozen=True)
class FactDifference:
    # "reversed" (the opposite on the other side) | "missing" (source only) | "added" (translation only) |
    # "changed" (another period) | "absent" (a threshold of the source not found: a warning) |
    # "fewer" (fewer negations: a warning)
    change: str
    kind: str
    source: tuple[Fact, ...]
    target: tuple[Fact, ...]

    @property
    def blocking(self) -> bool:
        return self.change in ("reversed", "missing", "added", "changed")


@dataclass
class FactLexicon:
    """One language's words of facts, compiled; kinds it has no words for are in `missing`."""

    language: str
    missing: tuple[str, ...]
    proclitics: tuple[str, ...] = ()
    negation_follows: bool = False
    ignore: re.Pattern | None = None
    ignore_patterns: tuple[re.Pattern, ...] = ()  # "re:" entries: only their group named cue is set aside
    comparators: dict[str, str] | None = None
    comparator_pattern: re.Pattern | None = None
    polarity: dict[str, str] | None = None
    polarity_pattern: re.Pattern | None = None
    dayparts: dict[str, str] | None = None
    daypart_pattern: re.Pattern | None = None
    negation_pattern: re.Pattern | None = None
    distributive_pattern: re.Pattern | None = None
    time_units: dict[str, str] | None = None
    time_unit_pattern: re.Pattern | None = None
    periods: dict[str, str] | None = None
    period_pattern: re.Pattern | None = None
    gap: re.Pattern | None = None


@cache
def _data() -> dict:
    with open(DATA_FILE, "rb") as handle:
        return tomllib.load(handle)


def pairs() -> list[tuple[str, str]]:
    """The opposite concepts, as [("warm", "cool"), ("before", "after"), ...] (clinical_facts.toml)."""
    return [tuple(pair) for pair in _data()["pairs"]]


def _negatable() -> list[tuple[str, str]]:
    return [tuple(pair) for pair in _data().get("negatable", ())]


@cache
def _reported_if_left_out() -> frozenset[str]:
    return frozenset(_data().get("reported_if_left_out", ()))


def missing_fact_kinds(language: str) -> tuple[str, ...]:
    """The kinds of fact (of `FACT_KINDS`) clinical_facts.toml has no words for in `language`; () when complete."""
    entry = _data().get(language, {})
    return tuple(kind for kind in FACT_KINDS if not entry.get(kind))


@lru_cache(maxsize=32)
def fact_lexicon(language: str) -> FactLexicon:
    """The compiled words of facts of `language` (a Django code: "es", "zh-hans"), built once per process.

    Data: clinical_facts.toml (negations, comparators, polarity, distributive words), the
    [dayparts] of clinical_units.toml and CLDR's units of time and "per" periods (lexicon).
    """
    entry = _data().get(language, {})
    units = lexicon(language)
    proclitics = units.proclitics
    lex = FactLexicon(language=language, missing=missing_fact_kinds(language), proclitics=proclitics,
                      negation_follows=bool(entry.get("negation_follows")))
    ignore = entry.get("ignore", ())
    lex.ignore = _alternation({_normal(w) for w in ignore if not w.startswith("re:")}, proclitics)
    lex.ignore_patterns = tuple(re.compile(w[3:], re.IGNORECASE) for w in ignore if w.startswith("re:"))
    comparators = {_normal(w): direction for direction in (UP, DOWN) for w in entry.get(COMPARATOR, {}).get(direction, ())}
    lex.comparators, lex.comparator_pattern = comparators, _alternation(comparators, proclitics)
    polarity = {_normal(w): concept for concept, words in entry.get(POLARITY, {}).items() for w in words}
    lex.polarity, lex.polarity_pattern = polarity, _alternation(polarity, proclitics)
    dayparts = {word: part for word, part in units.dayparts.items() if part in ("morning", "evening")}
    lex.dayparts, lex.daypart_pattern = dayparts, _alternation(dayparts, proclitics)
    lex.negation_pattern = _alternation({_normal(w) for w in entry.get(NEGATION, ())}, proclitics)
    lex.distributive_pattern = _alternation({_normal(w) for w in entry.get(FREQUENCY, ())}, proclitics)
    # Units of time no number measures: "every hour"; one-letter abbreviations ("h", "a") are words too often.
    time_units = {w: u.unit for w, u in units.units.items() if u.unit in DURATIONS and not (len(w) == 1 and spaced_letter(w))}
    lex.time_units, lex.time_unit_pattern = time_units, _alternation(time_units, ())
    periods = {w: p for w, p in units.periods.items() if p in _PERIODS and not w.startswith("/")}
    lex.periods, lex.period_pattern = periods, _alternation(periods, proclitics)
    classifiers = "|".join(map(re.escape, units.classifiers))
    lex.gap = re.compile(rf"[ \u00a0]?(?:(?:{classifiers})[ \u00a0]?)?" if classifiers else r"[ \u00a0]?")
    return lex


def _mask(reading: str, spans) -> str:
    """`reading` with each span blanked (spaces of the same length: offsets stay)."""
    chars = list(reading)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _clustered(text: str, matches: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Negation cues of one clause a few words apart are one negation: "No tome nunca", "ne ... pas"."""
    merged: list[tuple[int, int]] = []
    for start, end in matches:
        if merged:
            gap = text[merged[-1][1] : start]
            near = len(gap.split()) <= _CLUSTER_WORDS if " " in gap.strip() or spaced_letter(text[start]) else len(gap) <= _CLUSTER_CHARS
            if near and not _CLAUSE_END.search(gap):
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged


@lru_cache(maxsize=4096)
def read_facts(text: str, language: str) -> Facts:
    """The facts of plain `text` (strip Markdown first) in `language`, in text order.

    Kept by (text, language): a source sentence is read again for every language it is translated into.
    """
    lex = fact_lexicon(language)
    reading, original, offsets = fold_with_offsets(text)
    reading = folded = reading.replace("\u2019", "'").replace("\u02bc", "'")

    def written(start: int, end: int) -> str:
        return original[offsets[start] : offsets[end - 1] + 1].strip() if end > start else ""

    facts: list[Fact] = [Fact(DRUG, d.canonical, written(d.start, d.end), d.start, d.end) for d in read_drugs(reading)]
    if lex.ignore is not None:
        reading = _mask(reading, [m.span() for m in lex.ignore.finditer(reading)])
    for pattern in lex.ignore_patterns:
        reading = _mask(reading, [m.span("cue") for m in pattern.finditer(reading)])
    if lex.comparator_pattern is not None:
        found = [(m, _lookup(m.group(), lex.proclitics, lex.comparators)) for m in lex.comparator_pattern.finditer(reading)]
        facts += [Fact(COMPARATOR, d, written(*m.span()), *m.span()) for m, d in found if d]
        reading = _mask(reading, [m.span() for m, _d in found])
    periods = []
    if lex.period_pattern is not None:
        periods += [(m.span(), _lookup(m.group(), lex.proclitics, lex.periods)) for m in lex.period_pattern.finditer(reading)]
        reading = _mask(reading, [span for span, _p in periods])
    if lex.distributive_pattern is not None and lex.time_unit_pattern is not None:
        for m in lex.distributive_pattern.finditer(reading):
            gap = lex.gap.match(reading, m.end())
            unit = lex.time_unit_pattern.match(reading, gap.end()) if gap else None
            if unit is not None and (word := lex.time_units.get(_normal(unit.group()))):
                periods.append(((m.start(), unit.end()), word))
    for (start, end), period in sorted(periods):
        if period:
            facts.append(Fact(FREQUENCY, period, written(start, end), start, end))
    reading = _mask(reading, [span for span, _p in periods])
    if lex.daypart_pattern is not None:
        facts += [
            Fact(POLARITY, part, written(*m.span()), *m.span())
            for m in lex.daypart_pattern.finditer(reading)
            if (part := _lookup(m.group(), lex.proclitics, lex.dayparts))
        ]
    if lex.polarity_pattern is not None:
        found = [(m, _lookup(m.group(), lex.proclitics, lex.polarity)) for m in lex.polarity_pattern.finditer(reading)]
        facts += [Fact(POLARITY, c, written(*m.span()), *m.span()) for m, c in found if c]
        reading = _mask(reading, [m.span() for m, c in found if " " in m.group().strip()])  # "without food" is no negation
    if lex.negation_pattern is not None:
        spans = _clustered(reading, [m.span() for m in lex.negation_pattern.finditer(reading)])
        facts += [Fact(NEGATION, NEGATION, written(start, end), start, end) for start, end in spans]
    return Facts(tuple(sorted(facts, key=lambda f: (f.start, f.kind))), lex.missing, folded, lex.negation_follows)


# --- comparing ----------------------------------------------------------------------


def _turns(reading_gap: str) -> bool:
    """Whether a negation this far before a word turns it over: the same clause, a few words apart."""
    if _CLAUSE_END.search(reading_gap):
        return False
    spaced = any(spaced_letter(ch) for ch in reading_gap) or " " in reading_gap.strip()
    return len(reading_gap.split()) <= _CLUSTER_WORDS if spaced else len(reading_gap) <= _CLUSTER_CHARS


def negations_joined(facts: Facts) -> Facts:
    """`facts` read with each negation joined to the comparator or negatable concept right after it, which
    it turns over: "do not take more than" as "no more than" (down), "do not stop" as "continue".

    Returns new Facts (the same when nothing is joined); never raises."""
    text = facts.reading
    turned = {UP: DOWN, DOWN: UP}
    negatable = {v for pair in _negatable() for v in pair}
    for a, b in _negatable():
        turned |= {a: b, b: a}
    kept = list(facts.facts)
    for negation in facts.of(NEGATION):
        following = next((f for f in kept if f.start >= negation.end and f.kind != NEGATION), None)
        if following is None or following.value not in turned or (following.kind == POLARITY and following.value not in negatable):
            continue
        if following.kind not in (COMPARATOR, POLARITY) or not _turns(text[negation.end : following.start]):
            continue
        kept.remove(negation)
        kept[kept.index(following)] = Fact(
            following.kind, turned[following.value], f"{negation.text} … {following.text}", negation.start, following.end
        )
    return Facts(tuple(kept), facts.unchecked, facts.reading, facts.negation_follows)


def _opposites(kind: str) -> list[tuple[str, str]]:
    return [(UP, DOWN)] if kind == COMPARATOR else pairs()


def _compare(source: Facts, target: Facts) -> list[FactDifference]:
    s, t = source.counts(), target.counts()
    unchecked = set(source.unchecked) | set(target.unchecked)  # said once by the caller, as a warning
    for key in [k for k in s | t if k[0] in unchecked]:
        s.pop(key, None)
        t.pop(key, None)
    differences: list[FactDifference] = []
    neg = (NEGATION, NEGATION)
    if s[neg] and not t[neg]:
        differences.append(FactDifference("missing", NEGATION, tuple(source.of(NEGATION)), ()))
    elif t[neg] and not s[neg]:
        differences.append(FactDifference("added", NEGATION, (), tuple(target.of(NEGATION))))
    elif t[neg] < s[neg]:
        differences.append(FactDifference("fewer", NEGATION, tuple(source.of(NEGATION)), tuple(target.of(NEGATION))))
    reversed_values: set[str] = set()
    for kind in (COMPARATOR, POLARITY):
        for a, b in _opposites(kind):
            ka, kb = (kind, a), (kind, b)
            for this, other in ((ka, kb), (kb, ka)):
                if t[other] > s[other] and t[this] < s[this] and this[1] not in reversed_values:
                    reversed_values |= {a, b}
                    differences.append(FactDifference("reversed", kind, tuple(source.of(kind, this[1])), tuple(target.of(kind, other[1]))))
        seen: set[str] = set()
        for fact in source.of(kind):
            value = fact.value
            if value in seen or value in reversed_values or t[(kind, value)]:
                continue
            seen.add(value)
            if kind == COMPARATOR and (t[(kind, UP)] or t[(kind, DOWN)]):
                # A threshold said with another threshold word is the same way round ("above 38" is "38 or more").
                continue
            if kind == POLARITY and value not in _reported_if_left_out():
                continue  # "acute relief" is rightly "alivio inmediato"
            differences.append(FactDifference("absent", kind, tuple(source.of(kind, value)), ()))
    differences += swapped_opposites(source, target, reversed_values)
    differences += _drug_differences(source, target)
    if FREQUENCY in unchecked:
        return differences
    source_periods = Counter(f.value for f in source.of(FREQUENCY))
    target_periods = Counter(f.value for f in target.of(FREQUENCY))
    lost, gained = source_periods - target_periods, target_periods - source_periods
    if lost and gained:
        differences.append(
            FactDifference(
                "changed",
                FREQUENCY,
                tuple(f for f in source.of(FREQUENCY) if f.value in lost),
                tuple(f for f in target.of(FREQUENCY) if f.value in gained),
            )
        )
    return differences


def _negated(facts: Facts, concepts: set[str]) -> set[str]:
    """Which of `concepts` a negation of the same clause turns down: "after" in "before meals, not after".

    A negation turns the nearest such concept it precedes (or, in a language that negates what comes before,
    follows) within a few words; failing that, the nearest on its other side."""
    text, found = facts.reading, set()
    named = [f for f in facts.facts if f.kind == POLARITY and f.value in concepts]
    for negation in facts.of(NEGATION):
        after = [f for f in named if f.start >= negation.end and _turns(text[negation.end : f.start])]
        before = [f for f in named if f.end <= negation.start and _turns(text[f.end : negation.start])]
        nearest_after = min(after, key=lambda f: f.start, default=None)
        nearest_before = max(before, key=lambda f: f.end, default=None)
        first, second = (nearest_before, nearest_after) if facts.negation_follows else (nearest_after, nearest_before)
        if (chosen := first or second) is not None:
            found.add(chosen.value)
    return found


def swapped_opposites(source: Facts, target: Facts, reversed_values: frozenset[str] | set[str] = frozenset()) -> list[FactDifference]:
    """Pairs of opposites both sides name, with the negation on the other one: "before meals, not after"
    against "after meals, not before" (the same words, counted alike, the opposite instruction).

    Returns "reversed" differences (source: the concept the source says, target: the one the other side
    says), one per pair, skipping pairs whose concepts are in `reversed_values`; never raises."""
    negatable = {v for pair in _negatable() for v in pair}
    s, t = source.counts(), target.counts()
    differences = []
    for a, b in pairs():
        if {a, b} & (reversed_values | negatable) or not all(x[(POLARITY, v)] for x in (s, t) for v in (a, b)):
            continue
        in_source, in_target = _negated(source, {a, b}), _negated(target, {a, b})
        if len(in_source) == len(in_target) == 1 and in_source != in_target:
            (negated_source,), (negated_target,) = in_source, in_target
            differences.append(FactDifference(
                "reversed", POLARITY, tuple(source.of(POLARITY, negated_target)), tuple(target.of(POLARITY, negated_source))))
    return differences


def _drug_differences(source: Facts, target: Facts) -> list[FactDifference]:
    """A drug of the source replaced by another (blocking), or not found in a translation written in Latin
    letters (a warning: it may be named another way; the glossary checks do-not-translate names)."""
    source_drugs, target_drugs = {f.value for f in source.of(DRUG)}, {f.value for f in target.of(DRUG)}
    lost, gained = source_drugs - target_drugs, target_drugs - source_drugs
    lost_facts = tuple(f for f in source.of(DRUG) if f.value in lost)
    if lost and gained:
        return [FactDifference("changed", DRUG, lost_facts, tuple(f for f in target.of(DRUG) if f.value in gained))]
    if lost and latin_script(target.reading):
        return [FactDifference("absent", DRUG, lost_facts, ())]
    return []


def _weight(differences: list[FactDifference]) -> tuple[int, int]:
    return sum(d.blocking for d in differences), len(differences)


def compare_facts(source: Facts, target: Facts) -> list[FactDifference]:
    """What the translation's facts say otherwise than the source's; [] if nothing (see the module docstring).

    Each side is read as written and with its negations joined to what they turn over; the pair of
    readings that differs least is kept (as written when they tie).
    """
    best = _compare(source, target)
    if best:
        readings = [(source, target)]
        joined_source, joined_target = negations_joined(source), negations_joined(target)
        # A joined reading counts only where the other side says what it turned into: "should not stop" read as
        # "continue" must meet a "continue" (else a dropped "not" would hide behind it).
        if _said(joined_source, source, target):
            readings.append((joined_source, target))
        if _said(joined_target, target, source):
            readings.append((source, joined_target))
        if _said(joined_source, source, joined_target) and _said(joined_target, target, joined_source):
            readings.append((joined_source, joined_target))
        for s, t in readings[1:]:
            candidate = _compare(s, t)
            if _weight(candidate) < _weight(best):
                best = candidate
    return best


def _said(joined: Facts, raw: Facts, other: Facts) -> bool:
    """Whether `joined` differs from `raw` and each fact it turned is on the `other` side too."""
    turned = joined.counts() - raw.counts()
    return bool(turned) and all(other.counts()[key] >= n for key, n in turned.items())
