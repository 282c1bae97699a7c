"""The words each language writes quantities with (pure; built once per language and cached).

- Number words, 0 to 100 in every cardinal form (masculine, feminine…), from
  CLDR's spell-out rules through ICU (icu4py's MessageFormat ``spellout``);
  "half" and the like from clinical_units.toml.
- Unit words from CLDR through Babel: the unit patterns ("{0} horas", "{0}h",
  the Arabic "ساعتان", which is 2 hours by itself) and display names of the
  units in `CLDR_UNITS`; "per" patterns ("{0} por día") give words of period.
  Dosage forms and "times" from clinical_units.toml.

Any language Babel and ICU know gets its CLDR words with no code change; a
language they do not know gets none (its numbers in digits are still read).

Text is matched in its *reading form* (`fold`): NFC, without bidi marks or
zero-width characters, Arabic without short vowels or tatweel and with its
alef forms folded, case-insensitively.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from guide_cms.guides.text_rules import BIDI_MARKS, ZERO_WIDTH

__all__ = ["CLDR_UNITS", "DURATIONS", "Lexicon", "fold", "fold_with_offsets", "lexicon", "spaced_letter"]

DATA_FILE = Path(__file__).with_name("clinical_units.toml")

# The CLDR units patient text measures with (Babel's unit ids).
DURATIONS = (
    "duration-second", "duration-minute", "duration-hour", "duration-day", "duration-night",
    "duration-week", "duration-month", "duration-year",
)
CLDR_UNITS = (
    *DURATIONS,
    "mass-microgram", "mass-milligram", "mass-gram", "mass-kilogram",
    "volume-milliliter", "volume-centiliter", "volume-deciliter", "volume-liter",
    "volume-teaspoon", "volume-tablespoon", "volume-drop", "volume-cup",
    "concentr-percent", "concentr-milligram-ofglucose-per-deciliter", "concentr-millimole-per-liter",
    "temperature-celsius", "temperature-fahrenheit",
    "length-millimeter", "length-centimeter", "length-meter", "length-kilometer",
    "energy-kilocalorie",
)
_SPELLOUT_RULESETS = (
    "%spellout-numbering",
    "%spellout-cardinal",
    *(f"%spellout-cardinal-{gender}{case}" for gender in ("masculine", "feminine", "neuter")
      for case in ("", "-genitive", "-dative", "-accusative", "-instrumental", "-locative", "-prepositional")),
)
# Every number to 100, then the round numbers doses are written with, to ten thousand; and the
# decimals a dose is written with in words (零点五, 0.5).
NUMBER_WORD_VALUES = (
    *range(101), *range(105, 1001, 5), *range(1100, 10001, 100),
    *(Fraction(n, 10) for n in range(1, 100) if n % 10), *(Fraction(n, 4) for n in range(1, 20) if n % 2),
)
_PLURAL_VALUES = {"one": 1, "two": 2}  # a pattern without "{0}" carries its number: Arabic "ساعة" (1), "ساعتان" (2)
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # short vowels, shadda, sukun, superscript alef, tatweel
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
# Characters that read as another: the micro sign is the Greek mu (µg = μg), the fraction slash a slash.
# Russian "ё" is written "е" as often as not (and by ICU's number words: "трех").
_SAME_AS = str.maketrans({"\u00b5": "\u03bc", "\u2044": "/", "\u2215": "/", "\u2103": "°C", "\u2109": "°F",
                          "\u0451": "\u0435", "\u0401": "\u0415"})
_DROPPED_CHARS = BIDI_MARKS | ZERO_WIDTH
# Scripts written without spaces between words: their words match anywhere, not only between boundaries.
_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN", "IDEOGRAPHIC")


def fold(text: str) -> str:
    """The reading form of `text` (see the module docstring). Not case-folded: matching ignores case."""
    return fold_with_offsets(text)[0]


def _same(char: str) -> str:
    return char


# Characters the reading form drops or writes with more than one character.
_CHANGED_LENGTH = re.compile(
    "[" + "".join(re.escape(ch) for ch in sorted(_DROPPED_CHARS)) + "\u064b-\u065f\u0670\u0640\u2103\u2109]"
)


def fold_with_offsets(text: str, convert=_same) -> tuple[str, str, list[int]]:
    """(reading form, the NFC text it was read from, index in that text of each reading character).

    `convert` maps each kept character to its reading (e.g. digits to ASCII).
    """
    text = unicodedata.normalize("NFC", text)
    if not _CHANGED_LENGTH.search(text):
        # Nothing dropped or widened: one reading character per character (most text).
        reading = text.translate(_ARABIC_LETTERS).translate(_SAME_AS)
        if convert is not _same:
            reading = "".join(map(convert, reading))
        if len(reading) == len(text):
            return reading, text, list(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char in _DROPPED_CHARS or _ARABIC_MARKS.match(char):
            continue
        converted = "".join(map(convert, char.translate(_ARABIC_LETTERS).translate(_SAME_AS)))
        out.append(converted)
        offsets.extend([index] * len(converted))
    return "".join(out), text, offsets


@dataclass(frozen=True)
class UnitWord:
    unit: str  # a CLDR unit id ("duration-hour") or a clinical unit ("tablet", "times")
    implicit: Fraction | None = None  # the number the word stands for by itself ("twice", "ساعتان")
    before: bool = False  # written before its number ("yüzde {0}", Turkish percent)


@dataclass
class Lexicon:
    """One language's words, and the compiled patterns that find them in reading-form text."""

    language: str
    numbers: dict[str, Fraction] = field(default_factory=dict)  # folded, lower-case word -> value
    units: dict[str, UnitWord] = field(default_factory=dict)
    periods: dict[str, str] = field(default_factory=dict)  # "per day", "daily" -> "duration-day"
    proclitics: tuple[str, ...] = ()
    classifiers: tuple[str, ...] = ()  # measure words between a number and its unit (Chinese 个)
    after_noun: frozenset[Fraction] = frozenset()  # number words written after their noun (Arabic 1 and 2)
    articles: tuple[str, ...] = ()  # words for "a", which say one of a unit no number measures ("an hour")
    dayparts: dict[str, str] = field(default_factory=dict)  # "por la noche" -> "evening"
    curated: bool = False  # clinical_units.toml lists the language's words of frequency
    per_dose: tuple[str, ...] = ()  # "1回" in "1回1錠": a dose taken at one time, no count of its own
    name_endings: tuple[str, ...] = ()  # case endings a declined name takes: "Баклофена", "Баклофеном"
    number_pattern: re.Pattern | None = None
    unit_pattern: re.Pattern | None = None
    period_pattern: re.Pattern | None = None
    per_dose_pattern: re.Pattern | None = None
    number_parts: frozenset[str] = frozenset()

    def compile(self) -> Lexicon:
        self.number_parts = self._parts()
        self.clock_patterns = _clock_patterns(self.language, self.dayparts, self.clock)
        self.number_pattern = _alternation(self.numbers, self.proclitics)
        self.daypart_pattern = _alternation(self.dayparts, self.proclitics)
        self.unit_pattern = _alternation(self.units, self.proclitics)
        self.period_pattern = _alternation(self.periods, self.proclitics)
        self.per_dose_pattern = _alternation(set(self.per_dose), ())
        return self

    # Lookups of a matched word; None if case-insensitive matching found a form the folded table lacks.
    def number(self, word: str) -> Fraction | None:
        return _lookup(word, self.proclitics, self.numbers)

    def unit(self, word: str) -> UnitWord | None:
        return _lookup(word, self.proclitics, self.units)

    def period(self, word: str) -> str | None:
        return _lookup(word, self.proclitics, self.periods)

    clock: dict = field(default_factory=dict)  # [clock.<lang>] of clinical_units.toml
    clock_patterns: list = field(default_factory=list)
    daypart_pattern: re.Pattern | None = None

    def daypart(self, word: str) -> str | None:
        return _lookup(word, self.proclitics, self.dayparts)

    def _parts(self) -> frozenset[str]:
        """Every word (or, in scripts without spaces, every character) the number words are made of."""
        parts: set[str] = set()
        for phrase in self.numbers:
            for word in phrase.replace("-", " ").split():
                parts.update([word] if spaced_letter(word[0]) else word)
        return frozenset(parts)


def _marker(text: str) -> str:
    """A regular expression for an am/pm marker however it is dotted and spaced: "p. m.", "p.m.", "pm"."""
    letters = [ch for ch in fold(text) if not (ch.isspace() or ch == ".")]
    return r"\.?\s?".join(map(re.escape, letters)) + (r"\.?" if "." in text else "")


def _clock_patterns(language: str, dayparts: dict[str, str], clock: dict) -> list[re.Pattern]:
    """Patterns of the times of day, each with groups hour, minute and am or pm (one of them may match).

    "20:00" and "8:30" everywhere; "8 pm", "8 p. m." with CLDR's a.m./p.m. (Babel), after the hour or,
    where CLDR writes it first (and in Chinese and Japanese), before it ("下午8点", "午後8時"); "a las 8 de la noche",
    "lúc 8 giờ tối", "um 20 Uhr" after a word that introduces a time (clinical_units.toml [clock]),
    with a part of the day ([dayparts]) or an o'clock word.
    """
    from babel import Locale, UnknownLocaleError

    patterns = [re.compile(r"(?<![\d:])(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?![\d:])")]
    try:
        locale = Locale.parse(_icu_locale(language))
        cldr = locale.day_periods["format"]["abbreviated"]
        marker_first = locale.time_formats["short"].pattern.lstrip().startswith("a") or language.startswith(("zh", "ja"))
    except (UnknownLocaleError, ValueError, KeyError):
        return patterns
    hour = r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?"
    oclock = "|".join(map(re.escape, clock.get("oclock", ())))
    oclock = rf"(?:\s?(?:{oclock}))?" if oclock else ""
    if cldr.get("am") and cldr.get("pm"):
        markers = rf"(?:(?P<am>{_marker(cldr['am'])})|(?P<pm>{_marker(cldr['pm'])}))"
        if marker_first:
            patterns.append(re.compile(rf"{markers}\s?{hour}{oclock}", re.IGNORECASE))
        else:
            patterns.append(re.compile(rf"(?<!\d){hour}\s?{markers}(?![^\W\d_])", re.IGNORECASE))
    by_length = sorted(dayparts, key=len, reverse=True)
    mornings = "|".join([*(re.escape(w) for w in by_length if dayparts[w] == "morning"), *([_marker(cldr["am"])] if cldr.get("am") else [])])
    laters = "|".join([*(re.escape(w) for w in by_length if dayparts[w] != "morning"), *([_marker(cldr["pm"])] if cldr.get("pm") else [])])
    if mornings and laters:
        parts = rf"(?:(?P<am>{mornings})|(?P<pm>{laters}))"
        introducers = "|".join(map(re.escape, clock.get("before", ())))
        if introducers:
            # "a las 8 de la noche", "lúc 20 giờ": a time, not a dose, because a word introduces it.
            patterns.append(re.compile(rf"(?<![^\W\d_])(?:{introducers})\s{hour}{oclock}(?:\s?{parts})?(?![^\W\d_])", re.IGNORECASE))
        if marker_first and oclock:
            patterns.append(re.compile(rf"{parts}\s?{hour}{oclock}", re.IGNORECASE))  # 晚上8点
    return patterns


def _lookup(word: str, proclitics: tuple[str, ...], table: dict):
    try:
        return table[_key(word, proclitics, table)]
    except KeyError:
        return None


def _key(word: str, proclitics: tuple[str, ...], table: dict) -> str:
    """The table key a matched word stands for (tables are case-folded: "ſ" is "s", "MG" is "mg")."""
    word = " ".join(word.casefold().split())
    if word in table:
        return word
    for prefix in proclitics:
        if word.startswith(prefix) and word[len(prefix) :] in table:
            return word[len(prefix) :]
    raise KeyError(word)


def spaced_letter(char: str) -> bool:
    """A letter or digit of a script that separates words with spaces."""
    return char.isalnum() and not unicodedata.name(char, "").startswith(_UNSPACED_SCRIPTS)


# Letters of the scripts words are written in, for the boundaries of words (combining marks included).
_SCRIPT_LETTERS = {
    "LATIN": r"[A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u1e00-\u1eff]",
    "GREEK": r"[\u0370-\u03ff\u1f00-\u1fff]",
    "CYRILLIC": r"[\u0400-\u052f]",
    "ARABIC": r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]",
    "HEBREW": r"[\u0590-\u05ff]",
}


def _letters_of(char: str) -> str:
    """A pattern for the letters of `char`'s script ("m" -> Latin letters; not "،", punctuation in the
    Arabic block); any letter if the script is unknown."""
    if char.isdigit():
        return r"\d"  # "1日" (per day) after any letter: "1錠を1日3回"
    script = unicodedata.name(char, "").split(" ")[0]
    block = _SCRIPT_LETTERS.get(script)
    return rf"(?=[^\W\d_]){block}" if block else r"[^\W\d_]"


def _alternation(words, proclitics: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for all `words`, longest first; words of spaced scripts only between word boundaries."""
    if not words:
        return None
    prefix = "(?:" + "|".join(map(re.escape, proclitics)) + ")?" if proclitics else ""
    # Words grouped by the boundaries they need, each group longest first (one lookaround per group,
    # not per word: the pattern compiles in a few milliseconds).
    groups: dict[tuple[str, str], list[str]] = {}
    for word in sorted(words, key=lambda w: (-len(w), w)):
        # A word ends where letters of its own script end: "mg" in "5mg药物" and in "5g을" is a word,
        # "mg" in "mgs" is not. Proclitics attach to words, not to abbreviations ("الي" is "to", not "the d(ay)").
        left = (rf"(?<!{_letters_of(word[0])}){prefix if len(word) >= 3 else ''}") if spaced_letter(word[0]) else ""
        right = rf"(?!{_letters_of(word[-1])})" if spaced_letter(word[-1]) else ""
        groups.setdefault((left, right), []).append(" ".join(word.split()))
    alternatives = [f"{left}(?:{_trie(group)}){right}" for (left, right), group in groups.items()]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _trie(words: list[str]) -> str:
    """One regular expression for `words` with their common beginnings shared ("un(?:a|o)?"), spaces as any
    run of spaces: it matches what the alternation of the words, longest first, matches, many times faster
    (an alternation of hundreds of words is tried word by word at every character)."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + build(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


@lru_cache(maxsize=1)
def _data() -> dict:
    with open(DATA_FILE, "rb") as handle:
        return tomllib.load(handle)


def _normal(word: str) -> str:
    return " ".join(fold(word).replace("\u00ad", "").casefold().split())


def _variants(word: str, rules) -> set[str]:
    """`word` and its forms by the language's suffix rules (applied to the last word)."""
    forms = {word}
    for old, new in rules:
        if word.endswith(old):
            forms.add(word[: len(word) - len(old)] + new)
    return forms


def _icu_locale(language: str) -> str:
    from django.utils.translation import to_locale

    return to_locale(language)


def _spelled_numbers(language: str) -> dict[str, Fraction]:
    """Number words of `NUMBER_WORD_VALUES` in every cardinal spell-out rule set CLDR has for the language (ICU)."""
    from icu4py.locale import Locale as IcuLocale
    from icu4py.messageformat import MessageFormat

    words: dict[str, Fraction] = {}
    locale = IcuLocale(_icu_locale(language))
    seen: set[tuple[str, ...]] = set()
    for ruleset in _SPELLOUT_RULESETS:
        try:
            formatter = MessageFormat("{n,spellout," + ruleset + "}", locale)
        except Exception:  # noqa: BLE001 - ICU refuses a rule set the locale does not define
            continue
        # ICU falls back to the default rule set for one the language lacks: skip rule sets already seen.
        probe = tuple(formatter.format({"n": n}) for n in (1, 2, 3, 5, 21, 0.5))
        if probe in seen:
            continue
        seen.add(probe)
        for number in NUMBER_WORD_VALUES:
            spelled = _normal(formatter.format({"n": float(number) if isinstance(number, Fraction) else number}))
            if spelled and not any(ch.isdigit() for ch in spelled):
                words.setdefault(spelled, Fraction(number))
                words.setdefault(spelled.replace("-", " "), Fraction(number))
    return words


def _cldr_units(language: str) -> tuple[dict[str, UnitWord], dict[str, str]]:
    """Unit words and "per" phrases of the language from CLDR (Babel), in every regional locale of it
    (`regional_locales`: "millilitre" in en_GB, "mililitro" wherever Spanish is written); ambiguous words dropped."""
    from babel import Locale, UnknownLocaleError, localedata

    try:
        Locale.parse(_icu_locale(language))
    except (UnknownLocaleError, ValueError):
        return {}, {}
    candidates: dict[str, set[tuple[str, Fraction | None]]] = {}
    prefixes: set[str] = set()  # words CLDR writes before the number
    periods: dict[str, str] = {}
    own = _icu_locale(language)
    for identifier in regional_locales(language):
        if identifier == own:
            _read_cldr_units(Locale.parse(identifier)._data, candidates, prefixes, periods)
            continue
        # Another region's spellings of a unit ("millilitre"), not its short abbreviations ("d.", "a."): those
        # are words and letters of the language too often.
        theirs: dict[str, set] = {}
        _read_cldr_units(Locale.parse(identifier)._data, theirs, set(), {})
        for words, meanings in theirs.items():
            if sum(ch.isalpha() for ch in words) >= 3:
                candidates.setdefault(words, set()).update(meanings)
    # Babel keeps every locale it loaded for good: the regions of five languages are some 190 locales and 29 MB
    # in each process, read once here. Its own reset drops them; the few locales in use load again on demand.
    localedata.clear_caches()
    units = {}
    for words, meanings in candidates.items():
        kinds = {unit for unit, _implicit in meanings}
        if len(kinds) != 1:
            continue  # "m" is minutes and metres in English: say nothing rather than guess
        if len(words) == 1 and words.isalpha() and not words.isascii() and spaced_letter(words):
            continue  # a one-letter abbreviation in a script like Arabic ("س", hour) is too often part of a word
        implicits = {value for _unit, value in meanings if value is not None}
        units[words] = UnitWord(kinds.pop(), implicits.pop() if len(implicits) == 1 else None, before=words in prefixes)
    return units, periods


def regional_locales(language: str) -> list[str]:
    """The CLDR locales (Babel identifiers) of `language` in every region, in its script: "en" -> en, en_GB,
    en_AU…; "zh-hans" -> zh_Hans, zh_Hans_SG…; a unit may be spelt differently in each ("millilitre")."""
    from babel import localedata

    own = _icu_locale(language)
    parts = own.split("_")
    script = parts[1] if len(parts) > 1 and len(parts[1]) == 4 else None
    found = []
    for identifier in sorted(localedata.locale_identifiers()):
        subtags = identifier.split("_")
        if subtags[0] != parts[0]:
            continue
        their_script = subtags[1] if len(subtags) > 1 and len(subtags[1]) == 4 else None
        if their_script == script:
            found.append(identifier)
    return found or [own]


def _read_cldr_units(data, candidates: dict, prefixes: set, periods: dict) -> None:
    """Add one CLDR locale's unit words to `candidates` (words -> {(unit, implicit number)}), its words written
    before a number to `prefixes` and its "per" phrases to `periods`."""
    patterns, names = data.get("unit_patterns", {}), data.get("unit_display_names", {})
    for unit in CLDR_UNITS:
        for width, forms in patterns.get(unit, {}).items():
            for category, pattern in forms.items():
                if category == "per":
                    words = _normal(pattern.replace("{0}", " "))
                    if words:
                        periods[words] = unit
                    if words.startswith("/") and len(words) > 2:
                        # "{0}/giờ": the short name of the unit, which may be its only one ("giờ", hour).
                        candidates.setdefault(words[1:].strip(), set()).add((unit, None))
                    continue
                before, placeholder, after = pattern.partition("{0}")
                if not placeholder:
                    before = ""  # "ساعة": the word carries its number (below)
                if before.strip() and after.strip():
                    continue  # around the number ("每分升{0}毫克", mg/dL): its halves are other units' words
                if before.strip():
                    prefixes.add(_normal(before))
                words = _normal(pattern.replace("{0}", " "))
                if not words or (width == "narrow" and len(words) == 1):
                    continue  # one-letter narrow forms are words too ("{0}a", a year in Spanish, is "a")
                implicit = None if "{0}" in pattern else _PLURAL_VALUES.get(category)
                if "{0}" not in pattern and implicit is None:
                    continue
                candidates.setdefault(words, set()).add((unit, Fraction(implicit) if implicit else None))
        for name in names.get(unit, {}).values():
            words = _normal(name)
            if words:
                candidates.setdefault(words, set()).add((unit, None))


@lru_cache(maxsize=32)
def lexicon(language: str) -> Lexicon:  # noqa: C901 - split later: package under concurrent edits
    """The compiled words of `language` (a Django code: "es", "zh-hans"); empty for an unknown one."""
    data = _data()
    morphology = data.get("morphology", {}).get(language, {})
    suffixes = [tuple(rule) for rule in morphology.get("suffix_variants", ())]
    number_suffixes = suffixes + [tuple(rule) for rule in morphology.get("number_suffix_variants", ())]
    number_prefixes = [tuple(rule) for rule in morphology.get("number_prefix_variants", ())]
    lex = Lexicon(
        language=language,
        proclitics=tuple(_normal(p) for p in morphology.get("proclitics", ())),
        classifiers=tuple(_normal(c) for c in morphology.get("classifiers", ())),
        after_noun=frozenset(Fraction(v) for v in morphology.get("after_noun", ())),
        articles=tuple(_normal(a) for a in morphology.get("articles", ())),
        curated=language in data.get("periods", {}),
        per_dose=tuple(_normal(w) for w in data.get("per_dose", {}).get(language, ())),
        name_endings=tuple(morphology.get("name_endings", ())),
    )

    for word, value in _spelled_numbers(language).items():
        for form in _variants(word, number_suffixes):
            lex.numbers.setdefault(form, value)
            for old, new in number_prefixes:
                if form.startswith(old):
                    lex.numbers.setdefault(new + form[len(old) :], value)
    for word, value in data.get("numbers", {}).get(language, {}).items():
        lex.numbers[_normal(word)] = Fraction(str(value))

    units, periods = _cldr_units(language)
    for words, unit_word in units.items():
        for form in _variants(words, suffixes):
            lex.units.setdefault(form, unit_word)
    for unit, entry in data.get("units", {}).items():
        for word in [*entry.get("*", ()), *entry.get(language, ())]:
            for form in _variants(_normal(word), suffixes):
                lex.units[form] = UnitWord(unit)
        for word, value in entry.get("implicit", {}).get(language, {}).items():
            for form in _variants(_normal(word), suffixes):
                lex.units[form] = UnitWord(unit, Fraction(value))
    lex.periods.update(periods)
    for word, unit in data.get("periods", {}).get(language, {}).items():
        lex.periods[_normal(word)] = unit
    lex.clock = {key: [_normal(w) for w in words] for key, words in data.get("clock", {}).get(language, {}).items()}
    for part, words in data.get("dayparts", {}).get(language, {}).items():
        for word in words:
            # Evening and night are one part of the day for doses: "noche" is both.
            lex.dayparts[_normal(word)] = "evening" if part == "night" else part
    return lex.compile()
