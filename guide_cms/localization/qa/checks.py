"""Translation quality checks: small pure functions, run over every translatable unit.

The units of a guide (guide_cms.localization.units) are its title, its summary,
and each section's title and body; bodies are in the project's Markdown subset
(see guide_cms.guides.markdown), the others one line of plain text. Every check
takes ``(source, target, context)`` for one unit and yields `Finding`s; its
stable code is its ``.code`` attribute. `CHECKS` is the registry: adding a check
is writing one function decorated with `check` and appending it to the list.

Errors block submission; warnings and info do not.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from guide_cms.guides.markdown import callout_kinds, find_problems
from guide_cms.guides.text_rules import LINE, MARKDOWN, strip_marks, text_problems

from ..units import TextUnit, snapshot_units, unit_id
from .facts import FactDifference, compare_facts, missing_fact_kinds, read_facts
from .lexicon import lexicon
from .numbers import foreign_digits, format_value
from .quantities import CLOCK, Difference, compare_quantities, read_quantities
from .readability import GRADE_TARGET, measure_readability, readability_supported
from .text import body_blocks, normalise_space, plain_text, real_words, split_sentences

__all__ = [
    "CHECKS",
    "ERROR",
    "INFO",
    "WARNING",
    "CheckContext",
    "Finding",
    "GlossaryEntry",
    "check",
    "check_section",
    "check_source",
    "check_translation",
    "has_errors",
    "length_band",
]

ERROR, WARNING, INFO = "error", "warning", "info"

MIN_LENGTH_FOR_RATIO = 40
MIN_WORDS_UNTRANSLATED_SENTENCE = 4
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？؟])\s+")
# Target/source length ratio bands. Chinese (and Japanese) need far fewer
# characters than alphabetic languages for the same text.
_DENSE_LANGUAGES = frozenset({"zh", "ja"})
_BAND_ALPHABETIC = (0.5, 2.2)
_BAND_TO_DENSE = (0.2, 1.2)


@dataclass(frozen=True)
class Finding:
    code: str  # stable, e.g. "numbers-mismatch"
    severity: str  # "error" | "warning" | "info"
    section: str  # section key ("" for the guide's own fields, or a guide-wide finding)
    message: str  # a plain sentence for translators and reviewers, in the interface language
    field: str = ""  # "title" | "summary" | "body"; "" for a whole section or the whole guide

    @property
    def unit(self) -> str:
        """The unit id the finding is about ("guide.summary", "dosing.body"), or the section key ("-" for the guide)."""
        if self.field:
            return unit_id(self.section, self.field)
        return self.section or "-"

    @property
    def severity_label(self) -> str:
        """The severity for people, in the interface language ("error", "warning", "info")."""
        labels = {ERROR: pgettext("finding severity", "error"), WARNING: pgettext("finding severity", "warning"),
                  INFO: pgettext("finding severity", "info")}
        return labels.get(self.severity, self.severity)

    @property
    def where(self) -> str:
        """Where the finding is, for people: "Guide summary", "Section 'dosing', title"."""
        names = {"title": gettext("title"), "summary": gettext("summary"), "body": gettext("text")}
        if not self.section:
            return gettext("Guide %(field)s") % {"field": names[self.field]} if self.field else gettext("Guide")
        if self.field:
            return gettext("Section '%(key)s', %(field)s") % {"key": self.section, "field": names[self.field]}
        return gettext("Section '%(key)s'") % {"key": self.section}


@dataclass(frozen=True)
class GlossaryEntry:
    term: str  # the source-language term, e.g. "Diazepam"
    approved: str  # the approved target form (equal to term when do_not_translate)
    do_not_translate: bool = False


@dataclass(frozen=True)
class CheckContext:
    source_language: str
    language: str
    glossary: tuple[GlossaryEntry, ...] = ()
    # How long this translation is, as a whole, for its source's length (target/source characters over every
    # text of the guide): what one block of it should be; None when there is too little text to say.
    length_ratio: float | None = None


Check = Callable[[TextUnit, TextUnit, CheckContext], Iterable[Finding]]


def check(code: str, *, fields: tuple[str, ...] = ("title", "summary", "body")) -> Callable[[Check], Check]:
    """Give a check function its stable code (``fn.code``) and the fields it reads (``fn.fields``)."""

    def register(fn: Check) -> Check:
        fn.code = code  # type: ignore[attr-defined]
        fn.fields = fields  # type: ignore[attr-defined]
        return fn

    return register


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks submission."""
    return any(f.severity == ERROR for f in findings)


def _base(language: str) -> str:
    return (language or "").lower().replace("_", "-").split("-")[0]


def _blank(value: str) -> bool:
    return not value or not value.strip()


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _finding(code: str, severity: str, unit: TextUnit, message: str) -> Finding:
    return Finding(code, severity, unit.section, message, unit.field)


def _plain(unit: TextUnit) -> str:
    """What a patient reads of the unit, as plain text (the whole body, or the line)."""
    return plain_text(unit.text) if unit.kind == MARKDOWN else unit.text


# --- the checks -------------------------------------------------------------


@check("empty")
def check_empty(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Titles and texts must have text; a summary too when the source has one."""
    if _blank(target.text) and (target.field != "summary" or not _blank(source.text)):
        messages = {
            "title": gettext("The title is empty: translate the title."),
            "summary": gettext("The summary is empty: translate the summary printed under the title."),
            "body": gettext("The section text is empty: translate the text of this section."),
        }
        yield _finding("empty", ERROR, target, messages[target.field])


@check("invisible-characters")
def check_characters(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """No character that makes the text print differently from what is checked (guides.text_rules).

    The same rules refuse such text at every entry point; this finds it in
    text stored before they applied.
    """
    text = unicodedata.normalize("NFC", target.text)
    messages = [p.located() for p in text_problems(text, kind=target.kind) if p.code != "html"]
    for index, digit in foreign_digits(text, ctx.language):
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        messages.append(
            gettext("line %(line)d, character %(column)d: the digit %(digit)s (%(name)s) is not one %(language)s is written "
                    "with, or is mixed with other digits, and may print as another number. Write %(value)s.")
            % {"line": line, "column": column, "digit": digit, "name": unicodedata.name(digit, ""),
               "language": _language_name(ctx.language), "value": unicodedata.decimal(digit)}
        )
    if messages:
        yield _finding("invisible-characters", ERROR, target, "; ".join(messages))


@check("untranslated")
def check_untranslated(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """The unit, or a sentence of it, must not be left as in the source where the source has real words.

    A text of only numbers, names, units or glossary terms may be identical.
    Inside a translated body, a source sentence of at least four real words
    found unchanged is reported (at most three per unit).
    """
    if ctx.language and _base(ctx.language) == _base(ctx.source_language):
        return
    terms = frozenset(e.term for e in ctx.glossary) | frozenset(e.approved for e in ctx.glossary)
    source_text, target_text = _plain(source), _plain(target)
    if normalise_space(unicodedata.normalize("NFC", source.text)) == normalise_space(unicodedata.normalize("NFC", target.text)):
        if real_words(source_text, ignore=terms):
            messages = {
                "title": gettext("The title is identical to the source title: it has not been translated."),
                "summary": gettext("The summary is identical to the source summary: it has not been translated."),
                "body": gettext("The section text is identical to the source text: it has not been translated."),
            }
            yield _finding("untranslated", ERROR, source, messages[source.field])
        return
    # A sentence of the source left as it was inside an otherwise translated text.
    target_text = normalise_space(target_text)
    reported = 0
    for sentence in _SENTENCE_SPLIT.split(source_text):
        sentence = normalise_space(sentence)
        if len(real_words(sentence, ignore=terms)) >= MIN_WORDS_UNTRANSLATED_SENTENCE and sentence in target_text:
            yield _finding(
                "untranslated", ERROR, source,
                gettext('A sentence is still in the source language: "%(sentence)s"') % {"sentence": _shorten(sentence)},
            )
            reported += 1
            if reported == 3:
                return


@check("markup")
def check_markup(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """A body stays inside the Markdown subset; a title or summary is plain text with no HTML."""
    if target.kind == LINE:
        html = [p for p in text_problems(target.text, kind=LINE) if p.code == "html"]
        if html:
            yield _finding("markup", ERROR, target, html[0].message)
        return
    for problem in find_problems(target.text):
        yield _finding(
            "markup", ERROR, target,
            gettext("Line %(line)d of the section text: %(message)s") % {"line": problem.line, "message": problem.message},
        )


def _kind_label(kind: str) -> str:
    return f"[!{kind.upper()}]"


@check("callouts-missing", fields=("body",))
def check_callouts(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Every warning and tip callout of the source must be in the translation, in the same order."""
    expected = callout_kinds(source.text)
    found = callout_kinds(target.text)
    if expected == found:
        return
    want, have = Counter(expected), Counter(found)
    for kind in sorted(set(want) | set(have)):
        if have[kind] < want[kind]:
            yield _finding(
                "callouts-missing", ERROR, source,
                gettext(
                    "A %(marker)s callout is missing: the source has %(expected)d and the translation "
                    "has %(found)d. Translate every callout as a quote starting with a line %(marker)s."
                )
                % {"marker": _kind_label(kind), "expected": want[kind], "found": have[kind]},
            )
        elif have[kind] > want[kind]:
            yield _finding(
                "callouts-missing", ERROR, source,
                gettext(
                    "The translation has an extra %(marker)s callout: the source has %(expected)d and "
                    "the translation has %(found)d."
                )
                % {"marker": _kind_label(kind), "expected": want[kind], "found": have[kind]},
            )
    if want == have:
        yield _finding(
            "callouts-missing", ERROR, source,
            gettext(
                "The callouts are in a different order from the source (source: %(expected)s; "
                "translation: %(found)s). Check that each text is in the right kind of callout."
            )
            % {"expected": ", ".join(map(_kind_label, expected)), "found": ", ".join(map(_kind_label, found))},
        )


def block_name(kind: str, index: int) -> str:
    """How a finding names block index of a text: "paragraph 2", "the warning (block 3)"."""
    names = {
        "paragraph": lambda: gettext("paragraph %(number)d"),
        "list item": lambda: gettext("list item %(number)d"),
        "warning": lambda: gettext("the warning (block %(number)d)"),
        "tip": lambda: gettext("the tip (block %(number)d)"),
        "title": lambda: gettext("the title"),
        "summary": lambda: gettext("the summary"),
    }
    name = names[kind]() if kind in names else gettext("block %(number)d")
    return name % {"number": index} if "%(number)d" in name else name


def _describe(difference: Difference, language: str) -> str:
    source, target = difference.source, difference.target
    if difference.kind == "missing":
        return gettext("“%(source)s” of the source is missing") % {"source": source.text}
    if difference.kind == "unreadable":
        return gettext("“%(target)s” cannot be read as one number for certain: write it in digits") % {"target": target.text}
    if difference.kind == "ambiguous":
        return gettext("“%(text)s” can be read as one number or as two: write it so it can only be read one way") % {"text": difference.text}
    if difference.kind == "converted":
        return gettext("“%(source)s” in the source is written “%(target)s” in the translation, the same amount in another unit") % {
            "source": source.text, "target": target.text}
    if difference.kind == "order":
        return gettext("“%(source)s” comes in another order in the translation: check that each dose goes with the right time") % {
            "source": source.text}
    if difference.kind == "changed":
        text = gettext("“%(source)s” in the source is “%(target)s” in the translation") % {"source": source.text, "target": target.text}
    else:
        text = gettext("“%(target)s” is not in the source") % {"target": target.text}
    value = format_value(target.value)
    if target.unit == CLOCK:
        return text
    if not re.search(rf"(?<![\d.,]){re.escape(value)}(?![\d.,]*\d)", target.text):
        # "1,000 ml" in Spanish is one millilitre, "once" is eleven: say how it reads when the text does not show it.
        if source is not None and _digits(source.text) and _digits(source.text) == _digits(target.text):
            text += " " + gettext("(read as %(value)s in %(language)s, where %(number)s is written %(written)s)") % {
                "value": value, "language": _language_name(language), "number": format_value(source.value),
                "written": _written(source.value, language)}
        else:
            text += " " + gettext("(read as %(value)s)") % {"value": value}
    return text


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in ".,")


def _written(value, language: str) -> str:
    """A number as the language writes it (Babel): 1000 is "1.000" in Spanish."""
    from babel.numbers import format_decimal
    from django.utils.translation import to_locale

    try:
        return format_decimal(value.numerator / value.denominator, locale=to_locale(language), numbering_system="latn")
    except (ValueError, LookupError):
        return format_value(value)


_CALLOUTS = ("warning", "tip")


def _compared_parts(source: TextUnit, target: TextUnit) -> list[tuple[str, str, str]]:
    """(where, source text, target text) to compare: block by block when the structure matches.

    When it does not, each callout is still compared with its counterpart (a dose
    moved out of a warning is a change), and the rest of the text as a whole.
    """
    if source.kind == LINE:
        return [("", source.text, target.text)]
    source_blocks, target_blocks = body_blocks(source.text), body_blocks(target.text)
    if [b.kind for b in source_blocks] == [b.kind for b in target_blocks]:
        return [(block_name(s.kind, i), s.text, t.text) for i, (s, t) in enumerate(zip(source_blocks, target_blocks, strict=True), start=1)]
    parts = []
    source_callouts, target_callouts = _callouts(source_blocks), _callouts(target_blocks)
    if [kind for kind, _first, _text in source_callouts] == [kind for kind, _first, _text in target_callouts]:
        for (kind, first, source_text), (_kind, _first, target_text) in zip(source_callouts, target_callouts, strict=True):
            parts.append((block_name(kind, source_blocks.index(first) + 1), source_text, target_text))
        source_blocks = [b for b in source_blocks if b.callout is None]
        target_blocks = [b for b in target_blocks if b.callout is None]
    parts.append(("", " ".join(b.text for b in source_blocks), " ".join(b.text for b in target_blocks)))
    return parts


def numbered_steps(body: str) -> list[str]:
    """The text of each item of the numbered lists of a Markdown body, in order ("1. Wash your hands" gives
    "Wash your hands"); bulleted items are not steps."""
    return [match.group(1).strip() for match in _NUMBERED_STEP.finditer(body)]


_NUMBERED_STEP = re.compile(r"^ {0,3}\d{1,9}[.)][ \t]+(.+)$", re.MULTILINE)


def _callouts(blocks) -> list[tuple[str, object, str]]:
    """(kind, first block, text of all its paragraphs) of each callout of a body, in order."""
    grouped: dict[int, list] = {}
    for block in blocks:
        if block.callout is not None:
            grouped.setdefault(block.callout, []).append(block)
    return [(group[0].kind, group[0], " ".join(b.text for b in group)) for _index, group in sorted(grouped.items())]


# Marks that end a sentence in the configured languages' scripts, and the closing quotes and brackets that may follow one.
_SENTENCE_END = frozenset(".!?…。！？؟")
_AFTER_SENTENCE_END = frozenset("\"'»”’」』")


def _ends_a_sentence(text: str) -> str:
    """The mark that ends text's last sentence, or "" if it stops without one."""
    text = text.rstrip()
    while text and (text[-1] in _AFTER_SENTENCE_END or unicodedata.category(text[-1]) in ("Pe", "Pf")):
        text = text[:-1].rstrip()
    return text[-1] if text and text[-1] in _SENTENCE_END else ""


def _last_words(text: str, limit: int = 30) -> str:
    """The end of text, about limit characters, from a word's start where words are spaced."""
    text = text.rstrip()
    if len(text) <= limit:
        return text
    end = text[-limit:]
    return end.split(" ", 1)[1] if " " in end[1:] else end


# A block this much shorter, for its source, than the translation as a whole is (LOST_PART_FACTOR), or a block
# with fewer sentences than its source and shorter than that (LOST_SENTENCE_FACTOR), lost text: a warning cut to
# half its length, a sentence deleted. Measured on the demo translations: blocks run 0.76 to 1.3 times the
# translation's own ratio.
LOST_PART_FACTOR = 0.6
LOST_SENTENCE_FACTOR = 0.85
LOST_SENTENCE_FACTOR_SHORT = 0.7  # against the language pair's typical ratio, for a text too short to have its own
MIN_LENGTH_FOR_GUIDE_RATIO = 200


def translation_length_ratio(pairs: Iterable[tuple[TextUnit, TextUnit]]) -> float | None:
    """Target/source length of the patient text of (source, target) unit pairs as a whole; None under
    `MIN_LENGTH_FOR_GUIDE_RATIO` source characters or when a side is empty."""
    source_length = target_length = 0
    for source, target in pairs:
        if _blank(source.text) or _blank(target.text):
            continue
        source_length += len(normalise_space(_plain(source)))
        target_length += len(normalise_space(_plain(target)))
    if source_length < MIN_LENGTH_FOR_GUIDE_RATIO or not target_length:
        return None
    return target_length / source_length


# A block this much shorter than the band's lower end (a fifth of the source's length between alphabetic
# languages) has lost text: a warning reduced to "Never." is an error, not a style question.
LOST_TEXT_FACTOR = 0.4


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(c).startswith("L") for c in text)


@check("cut-short", fields=("summary", "body"))
def check_cut_short(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Each block (paragraph, list item, callout; the summary) must keep its source's text: a block with no
    words, or under two fifths of the length band's lower end (a fifth of its source's length between
    alphabetic languages), lost text (an error); so did one under `LOST_PART_FACTOR` of the length the
    translation's own ratio (`CheckContext.length_ratio`) gives it, or with fewer sentences than its source
    and under `LOST_SENTENCE_FACTOR` of it (a warning cut to half, a sentence deleted in a text box). One that
    stops mid-sentence where its source ends a sentence may have been cut short (a warning). The whole-field
    length-ratio check cannot see one block lost among many."""
    if _blank(target.text):
        return  # the empty check says so
    low, _high = length_band(ctx.source_language, ctx.language)
    for where, source_text, target_text in _compared_parts(source, target):
        if not _has_letters(source_text):
            continue  # no words to keep
        named = _named(where)
        if not _has_letters(target_text):
            yield _finding("cut-short", ERROR, target, gettext(
                "%(where)s has no words (“%(text)s”) where the source has “%(source)s”: its text was lost. Translate it."
            ) % {"where": named, "text": _shorten(target_text.strip(), 30), "source": _shorten(source_text, 60)})
            continue
        source_length, target_length = len(normalise_space(source_text)), len(normalise_space(target_text))
        if source_length >= MIN_LENGTH_FOR_RATIO and target_length / source_length < low * LOST_TEXT_FACTOR:
            yield _finding("cut-short", ERROR, target, gettext(
                "%(where)s is %(ratio)s times the length of the source (“%(text)s” for “%(source)s”): text was left out. "
                "Translate all of it."
            ) % {"where": named, "ratio": f"{target_length / source_length:.2f}", "text": _shorten(target_text, 40),
                 "source": _shorten(source_text, 60)})
            continue
        # A text too short to have a ratio of its own is measured against the language pair's typical one
        # (the middle of its band), a little more leniently where a sentence is missing.
        expected, sentence_factor = (ctx.length_ratio, LOST_SENTENCE_FACTOR) if ctx.length_ratio else (
            typical_length_ratio(ctx.source_language, ctx.language), LOST_SENTENCE_FACTOR_SHORT)
        if expected and source_length >= MIN_LENGTH_FOR_RATIO:
            relative = target_length / source_length / expected
            missing = len(split_sentences(source_text, ctx.source_language)) - len(split_sentences(target_text, ctx.language))
            if relative < LOST_PART_FACTOR or (missing > 0 and relative < sentence_factor):
                message = gettext(
                    "%(where)s is much shorter than the rest of this translation makes it expected (%(percent)d%% of that "
                    "length; “%(text)s” for “%(source)s”): a sentence or part of one was left out. Translate all of it."
                ) if ctx.length_ratio else gettext(
                    "%(where)s is much shorter than translations into this language usually are (%(percent)d%% of that "
                    "length; “%(text)s” for “%(source)s”): a sentence or part of one was left out. Translate all of it.")
                yield _finding("cut-short", ERROR, target, message % {
                    "where": named, "percent": round(relative * 100), "text": _shorten(target_text, 60),
                    "source": _shorten(source_text, 80)})
                continue
        mark = _ends_a_sentence(source_text)
        if mark and not _ends_a_sentence(target_text):
            yield _finding("cut-short", WARNING, target, gettext(
                "%(where)s stops in the middle of a sentence (“…%(end)s”), where the source ends with “%(mark)s”: check that "
                "it was not cut short."
            ) % {"where": named, "end": _last_words(target_text), "mark": mark})


# ISO 15924 scripts (as CLDR's likely subtags give them through Babel) -> the first word of the Unicode names
# of their letters. Greek is left out of "another script": β and µ are written in clinical text of any language.
_SCRIPT_WORDS = {
    "Latn": ("LATIN",), "Arab": ("ARABIC",), "Hans": ("CJK",), "Hant": ("CJK",), "Jpan": ("CJK", "HIRAGANA", "KATAKANA"),
    "Kore": ("HANGUL", "CJK"), "Cyrl": ("CYRILLIC",), "Hebr": ("HEBREW",), "Deva": ("DEVANAGARI",), "Thai": ("THAI",),
}
_OTHER_SCRIPT_WORDS = frozenset(word for words in _SCRIPT_WORDS.values() for word in words) - {"LATIN"}
MIN_LETTERS_OF_ANOTHER_SCRIPT = 3
MIN_LATIN_LETTERS_ALONE = 12


def _script_words(language: str) -> tuple[str, ...]:
    """The name words of the letters language is written in ("es" -> ("LATIN",)), or () when not known."""
    from guide_cms.core.languages import UnknownLanguage, get_language

    try:
        return _SCRIPT_WORDS.get(get_language(language).script, ())
    except UnknownLanguage:
        return ()


@lru_cache(maxsize=8192)
def _script_word(char: str) -> str:
    """The first word of char's Unicode name: its script for a letter ("LATIN", "ARABIC", "CJK"). Kept by
    character: every letter of every text is asked."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def _named(where: str) -> str:
    """A block's name for the start of a finding ("Paragraph 2"), or "The text" for a whole one-line field."""
    return capfirst(where) if where else gettext("The text")


@check("wrong-script")
def check_script(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Letters of another script than the language's (text pasted from another language's file), or, in a
    language not written in Latin letters, a block of Latin words only where the source has other words."""
    expected = _script_words(ctx.language)
    if not expected or _base(ctx.language) == _base(ctx.source_language):
        return
    for where, source_text, target_text in _compared_parts(source, target):
        scripts = Counter(_script_word(c) for c in target_text if unicodedata.category(c).startswith("L"))
        named = _named(where)
        foreign = [c for c in target_text if _script_word(c) in _OTHER_SCRIPT_WORDS - set(expected)]
        if len(foreign) >= MIN_LETTERS_OF_ANOTHER_SCRIPT:
            yield _finding("wrong-script", ERROR, target, gettext(
                "%(where)s has letters of a script %(language)s is not written in (“%(sample)s”): is it text from another "
                "language's file? Write it in %(language)s."
            ) % {"where": named, "language": _language_name(ctx.language), "sample": "".join(foreign[:12])})
        elif ("LATIN" not in expected and not any(scripts[word] for word in expected) and scripts["LATIN"] >= MIN_LATIN_LETTERS_ALONE
              and normalise_space(target_text) != normalise_space(source_text)):
            yield _finding("wrong-script", ERROR, target, gettext(
                "%(where)s has no %(language)s letters, only Latin ones (“%(sample)s”): is it text from another language's file? "
                "Write it in %(language)s."
            ) % {"where": named, "language": _language_name(ctx.language), "sample": _shorten(normalise_space(target_text), 40)})


@check("numbers-mismatch")
def check_quantities(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Doses, times, frequencies and other quantities must match the source, with their units.

    Numbers are read in digits of any script and in words, each with the unit
    or period it measures (guide_cms.localization.qa.quantities); a body is
    compared block by block when its blocks match the source's.
    """
    parts = _compared_parts(source, target)
    found = [
        (where, compare_quantities(read_quantities(strip_marks(s), ctx.source_language), read_quantities(strip_marks(t), ctx.language)))
        for where, s, t in parts
    ]
    if len(parts) > 1 and not callout_kinds(source.text) and any(d.blocking for _where, differences in found for d in differences):
        # Blocks reordered as a whole ("- 5 mg at night" listed before "- 10 mg in the morning"): if the whole
        # text says the same, the reviewer is told of the order, not the translator of an error. (Not where
        # there are callouts: a dose moved out of a warning is an error.)
        whole = compare_quantities(
            read_quantities(strip_marks(_plain(source)), ctx.source_language), read_quantities(strip_marks(_plain(target)), ctx.language)
        )
        if not any(d.blocking for d in whole) and _NUMBERED_ITEM.search(source.text):
            # The steps of a numbered list are followed in order: their order is itself a fact.
            yield _finding("numbers-mismatch", ERROR, source, gettext(
                "The steps of a numbered list come in another order than in the source (%(where)s): a patient follows "
                "them in order. Keep each step where the source has it."
            ) % {"where": ", ".join(where for where, differences in found if any(d.blocking for d in differences))})
            return
        if not any(d.blocking for d in whole):
            first = next(d for _where, differences in found for d in differences if d.blocking)
            found = [("", [Difference("order", first.source or first.target, first.target or first.source)])]
    for where, differences in found:
        for blocking, severity in ((True, ERROR), (False, WARNING)):
            chosen = [d for d in differences if d.blocking == blocking]
            if not chosen:
                continue
            described = "; ".join(_describe(d, ctx.language) for d in chosen)
            if where:
                message = gettext("Quantities differ from the source in %(where)s: %(differences)s.") % {"where": where, "differences": described}
            else:
                message = gettext("Quantities differ from the source: %(differences)s.") % {"differences": described}
            if blocking:
                message += " " + gettext("Write every dose, time and number as the source has it, with the same unit.")
            yield _finding("numbers-mismatch", severity, source, message)


def aligned_sentences(source: TextUnit, target: TextUnit, ctx: CheckContext) -> list[tuple[str, str, str]]:
    """(where, source, translation) at the finest alignment the translation allows, each text once: the
    sentences of each block where the block has as many sentences on both sides and each pair is of a
    length like the block's (`SENTENCE_RATIO_SPREAD`), else the block (or the whole text, when the blocks
    do not match)."""
    parts = []
    for where, source_text, target_text in _compared_parts(source, target):
        source_sentences = split_sentences(source_text, ctx.source_language)
        target_sentences = split_sentences(target_text, ctx.language)
        if len(source_sentences) == len(target_sentences) > 1 and _parallel(source_sentences, target_sentences):
            label = where or gettext("The text")
            parts += [
                (gettext("%(where)s, sentence %(number)d") % {"where": label, "number": number}, s, t)
                for number, (s, t) in enumerate(zip(source_sentences, target_sentences, strict=True), start=1)
            ]
        else:
            parts.append((where, source_text, target_text))
    return parts


# Sentences of a block are compared pair by pair only when each pair's length ratio is within this factor of
# the block's: a translator who split one sentence and joined two others keeps the count, not the pairs.
SENTENCE_RATIO_SPREAD = 2.2


def _parallel(source_sentences: list[str], target_sentences: list[str]) -> bool:
    block = sum(map(len, target_sentences)) / max(sum(map(len, source_sentences)), 1)
    for s, t in zip(source_sentences, target_sentences, strict=True):
        ratio = len(t) / max(len(s), 1)
        if block and not (block / SENTENCE_RATIO_SPREAD <= ratio <= block * SENTENCE_RATIO_SPREAD):
            return False
    return True


def _fact_words(facts) -> str:
    return ", ".join(dict.fromkeys(f"“{f.text}”" for f in facts))


def _describe_fact(difference: FactDifference, source_text: str, target_text: str) -> str:
    """One sentence about a fact that differs, naming both sides' words and both sentences."""
    values = {"source_words": _fact_words(difference.source), "target_words": _fact_words(difference.target),
              "source": _shorten(source_text, 120), "target": _shorten(target_text, 120)}
    messages = {
        "reversed": gettext("the translation says the opposite of the source: %(target_words)s where the source says "
                            "%(source_words)s (source: “%(source)s”; translation: “%(target)s”)"),
        "missing": gettext("the source says %(source_words)s (a prohibition or negation) and the translation has none "
                           "(source: “%(source)s”; translation: “%(target)s”)"),
        "added": gettext("the translation says %(target_words)s (a prohibition or negation) where the source has none "
                         "(source: “%(source)s”; translation: “%(target)s”)"),
        "changed": gettext("the source says %(source_words)s and the translation says %(target_words)s: another "
                           "frequency (source: “%(source)s”; translation: “%(target)s”)"),
        "absent": gettext("%(source_words)s of the source was not found in the translation: check that it says the "
                          "same (translation: “%(target)s”)"),
        "fewer": gettext("the source has more negations or prohibitions (%(source_words)s) than the translation "
                         "(%(target_words)s): check that none was left out (translation: “%(target)s”)"),
    }
    if difference.kind == "drug" and difference.change == "changed":
        return gettext("the source names %(source_words)s and the translation %(target_words)s: another drug "
                       "(source: “%(source)s”; translation: “%(target)s”)") % values
    return messages[difference.change] % values


@check("facts-mismatch")
def check_facts(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """What the patient is told to do must say the same, sentence by sentence: prohibitions and negations,
    thresholds, opposite concepts (warm/cool, before/after...) and frequencies in words (qa.facts).

    Sentences are aligned within blocks that match (`aligned_sentences`). A language whose clinical word
    list lacks a kind gets a warning saying so (``facts-unchecked``), never silence.
    """
    unchecked = [kind for kind in missing_fact_kinds(ctx.language) if kind not in missing_fact_kinds(ctx.source_language)]
    if unchecked:
        yield _finding("facts-unchecked", WARNING, target, gettext(
            "What the patient must or must not do is not fully checked in %(language)s: its clinical word list "
            "(clinical_facts.toml) has no words of %(kinds)s. Check negations, thresholds, opposite words and "
            "frequencies against the source by hand."
        ) % {"language": _language_name(ctx.language), "kinds": ", ".join(_fact_kind_label(k) for k in unchecked)})
    parts = aligned_sentences(source, target, ctx)
    found = [(where, s, t, _fact_differences(s, t, ctx)) for where, s, t in parts]
    if any(d.blocking for *_texts, differences in found for d in differences) and _reordered(source, target, ctx):
        # List items or paragraphs put in another order, each saying what one of the source's says: the order
        # of the steps of a numbered list is itself a fact.
        if _NUMBERED_ITEM.search(source.text):
            yield _finding("facts-mismatch", ERROR, source, gettext(
                "The steps of a numbered list come in another order than in the source (%(where)s): a patient follows "
                "them in order. Keep each step where the source has it."
            ) % {"where": ", ".join(where for where, *_rest, differences in found if any(d.blocking for d in differences))})
        return
    for where, source_text, target_text, differences in found:
        for blocking, severity in ((True, ERROR), (False, WARNING)):
            chosen = [d for d in differences if d.blocking == blocking]
            if not chosen:
                continue
            message = gettext("%(where)s: %(differences)s.") % {
                "where": _named(where), "differences": "; ".join(_describe_fact(d, source_text, target_text) for d in chosen)}
            if blocking:
                message += " " + gettext("Translate what the patient must and must not do as the source says it.")
            yield _finding("facts-mismatch", severity, source, message)


# An item of a numbered (ordered) list in the project's Markdown: "1. Wash your hands", "2) …".
_NUMBERED_ITEM = re.compile(r"^ {0,3}\d{1,9}[.)][ \t]", re.MULTILINE)


def _fact_differences(source_text: str, target_text: str, ctx: CheckContext) -> list[FactDifference]:
    return compare_facts(read_facts(strip_marks(source_text), ctx.source_language), read_facts(strip_marks(target_text), ctx.language))


def _reordered(source: TextUnit, target: TextUnit, ctx: CheckContext) -> bool:
    """Whether the blocks of the translation are the source's in another order, each saying what one of the
    source's says (list items reordered). Not with callouts: a fact moved out of a warning is a change, as for
    quantities."""
    blocks = _compared_parts(source, target)
    if len(blocks) < 2 or not all(where for where, _s, _t in blocks) or callout_kinds(source.text):
        return False
    fits = [[j for j, (_w, _s, t) in enumerate(blocks) if not any(d.blocking for d in _fact_differences(s, t, ctx))]
            for _where, s, _t in blocks]
    matched: dict[int, int] = {}  # target block -> source block

    def place(i: int, seen: set[int]) -> bool:  # Kuhn's augmenting path: each source block to its own target block
        for j in fits[i]:
            if j not in seen:
                seen.add(j)
                if j not in matched or place(matched[j], seen):
                    matched[j] = i
                    return True
        return False

    return all(place(i, set()) for i in range(len(blocks)))


def fact_label(kind: str, value: str) -> str:
    """A fact's name for people, in the interface language: "prohibition or negation", "before", "at or above"."""
    concepts = {
        "warm": lambda: pgettext("clinical fact", "warm"), "cool": lambda: pgettext("clinical fact", "cool"),
        "before": lambda: pgettext("clinical fact", "before"), "after": lambda: pgettext("clinical fact", "after"),
        "lowest": lambda: pgettext("clinical fact", "lowest"), "highest": lambda: pgettext("clinical fact", "highest"),
        "start": lambda: pgettext("clinical fact", "start"), "stop": lambda: pgettext("clinical fact", "stop"),
        "continue": lambda: pgettext("clinical fact", "continue"),
        "increase": lambda: pgettext("clinical fact", "increase"), "decrease": lambda: pgettext("clinical fact", "decrease"),
        "morning": lambda: pgettext("clinical fact", "morning"), "evening": lambda: pgettext("clinical fact", "evening or night"),
        "acute": lambda: pgettext("clinical fact", "acute"), "chronic": lambda: pgettext("clinical fact", "chronic"),
        "with-food": lambda: pgettext("clinical fact", "with food"),
        "empty-stomach": lambda: pgettext("clinical fact", "on an empty stomach"),
        "up": lambda: pgettext("clinical fact", "at or above"), "down": lambda: pgettext("clinical fact", "at or below"),
    }
    if kind == "negation":
        return pgettext("clinical fact", "prohibition or negation")
    if kind == "frequency":
        return _fact_kind_label(kind)
    if kind == "drug":
        return pgettext("clinical fact", "drug: %(name)s") % {"name": value}
    return concepts[value]() if value in concepts else value


def fact_rows(source: TextUnit, target: TextUnit, ctx: CheckContext) -> list[dict]:
    """For a reviewer: per aligned sentence pair of a unit that has any fact, the facts read on each side.

    Each row: {"where", "source", "target": the sentences; "source_facts", "target_facts": [{"label", "text"}];
    "differs": "error" | "warning" | ""} (qa.facts; the same alignment as the check).
    """
    rows = []
    for where, source_text, target_text in aligned_sentences(source, target, ctx):
        source_facts = read_facts(strip_marks(source_text), ctx.source_language)
        target_facts = read_facts(strip_marks(target_text), ctx.language)
        if not source_facts.facts and not target_facts.facts:
            continue
        differences = compare_facts(source_facts, target_facts)
        rows.append({
            "where": _named(where), "source": source_text, "target": target_text,
            "source_facts": [{"label": fact_label(f.kind, f.value), "text": f.text} for f in source_facts.facts],
            "target_facts": [{"label": fact_label(f.kind, f.value), "text": f.text} for f in target_facts.facts],
            "differs": ERROR if any(d.blocking for d in differences) else WARNING if differences else "",
        })
    return rows


def _fact_kind_label(kind: str) -> str:
    labels = {"negation": pgettext("clinical fact", "negation"), "frequency": pgettext("clinical fact", "frequency"),
              "comparator": pgettext("clinical fact", "threshold"), "polarity": pgettext("clinical fact", "opposite words"),
              "drug": pgettext("clinical fact", "drug name")}
    return labels.get(kind, kind)


def _spaced_script(term: str) -> bool:
    """Whether `term` is written in a script with spaces between words and no attached particles.

    Latin, Greek and Cyrillic terms are matched as whole words; Chinese,
    Japanese, Thai, Arabic (whose prefixes attach to the word) … as substrings.
    """
    for ch in term:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if not name.startswith(("LATIN", "GREEK", "CYRILLIC")):
                return False
    return True


# Letters and digits of spaced scripts (Latin with Vietnamese, Greek, Cyrillic, combining marks).
_WORD_EDGE = (
    r"[0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
    r"\u0300-\u036f\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff]"
)


def _pattern(term: str, *, ignore_case: bool, endings: tuple[str, ...] = ()) -> re.Pattern[str]:
    """`term` as a pattern: whole words in spaced scripts, optionally followed by one of `endings` (the case
    endings of a language that declines names: "Баклофена" is "Баклофен" in the genitive)."""
    flags = re.IGNORECASE if ignore_case else 0
    escaped = re.escape(term.strip())
    if _spaced_script(term):
        # Word boundaries against letters and digits of spaced scripts only, so
        # "使用Diazepam" and "Diazepam。" match but "Diazepamo" does not.
        ending = "(?:" + "|".join(map(re.escape, endings)) + ")?" if endings else ""
        return re.compile(rf"(?<!{_WORD_EDGE}){escaped}{ending}(?!{_WORD_EDGE})", flags)
    return re.compile(escaped, flags)


def _comparable(text: str) -> str:
    """Text as the glossary check reads it: NFC, without bidi marks (a decomposed "ố" is still "ố")."""
    return strip_marks(unicodedata.normalize("NFC", text))


@check("glossary")
def check_glossary(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Glossary terms of the source must appear in their approved form in the translation.

    A term counts as present in the source case-insensitively (whole words in
    Latin, Greek and Cyrillic scripts, substrings otherwise); its approved form
    must then appear at least once in the translation, case-insensitively (a
    drug name written in lower case, "diazepam", is the same drug; one adapted to
    the language, "baclofeno", is not the do-not-translate form).
    Text and terms are compared in Unicode NFC. Where the translation keeps the
    source's blocks and sentences, each term must be in the same sentence as in
    the source: "Tome Diazepam 5 mg. No tome Baclofen." swaps two drugs.
    """
    if not ctx.glossary:
        return
    reported: set[str] = set()
    for where, source_text, target_text in _sentences(source, target, ctx):
        for term, message in _missing_terms(_comparable(source_text), _comparable(target_text), ctx.glossary, ctx.language):
            if term in reported:
                continue
            reported.add(term)
            if where:
                message = gettext("%(where)s: %(message)s") % {"where": where, "message": message}
            yield _finding("glossary", ERROR, source, message)


def _sentences(source: TextUnit, target: TextUnit, ctx: CheckContext) -> list[tuple[str, str, str]]:
    """(where, source, translation) aligned as finely as the translation allows: the whole unit, and each
    sentence of each block where both have as many sentences."""
    parts = [("", source.text if source.kind == LINE else plain_text(source.text), target.text if target.kind == LINE else plain_text(target.text))]
    for where, source_text, target_text in _compared_parts(source, target):
        source_sentences = split_sentences(source_text, ctx.source_language)
        target_sentences = split_sentences(target_text, ctx.language)
        if where and len(source_sentences) == len(target_sentences) > 1:
            parts += [
                (gettext("%(where)s, sentence %(number)d") % {"where": where, "number": number}, s, t)
                for number, (s, t) in enumerate(zip(source_sentences, target_sentences, strict=True), start=1)
            ]
    return parts


def _missing_terms(source_text: str, target_text: str, glossary, language: str = "") -> Iterable[tuple[str, str]]:
    """(term, message) for each glossary term of the source not in the translation in its approved form
    (a translated form in any case ending of `language`: clinical_units.toml [morphology] name_endings)."""
    endings = lexicon(language).name_endings if language else ()
    seen: set[tuple[str, str, bool]] = set()
    for entry in glossary:
        term = _comparable(entry.term or "").strip()
        if not term:
            continue
        expected = term if entry.do_not_translate else _comparable(entry.approved or "").strip()
        if not expected or (term.casefold(), expected, entry.do_not_translate) in seen:
            continue
        seen.add((term.casefold(), expected, entry.do_not_translate))
        if not _pattern(term, ignore_case=True).search(source_text):
            continue
        if _pattern(expected, ignore_case=True, endings=() if entry.do_not_translate else endings).search(target_text):
            continue
        if entry.do_not_translate:
            message = gettext(
                'The term "%(term)s" must stay unchanged (do not translate), but "%(term)s" '
                "is not in the translation."
            ) % {"term": term}
        else:
            message = gettext(
                'The glossary term "%(term)s" must be translated as "%(approved)s", but "%(approved)s" '
                "is not in the translation."
            ) % {"term": term, "approved": expected}
        yield term, message


# Target/source length of a whole translation between alphabetic languages, typically: about even (the middle
# of their band; the demo's Spanish, Arabic and Vietnamese guides run 0.9 to 1.2).
_TYPICAL_ALPHABETIC = 1.05


def typical_length_ratio(source_language: str, language: str) -> float | None:
    """The usual target/source length ratio of a language pair (for text too short to measure its own); None
    between an alphabetic language and Chinese or Japanese, whose ratio varies too much sentence by sentence
    ("孕妇禁用本药。" is 0.13 of "This medicine is contraindicated in pregnancy.")."""
    source_dense, target_dense = _base(source_language) in _DENSE_LANGUAGES, _base(language) in _DENSE_LANGUAGES
    return _TYPICAL_ALPHABETIC if source_dense == target_dense else None


def length_band(source_language: str, language: str) -> tuple[float, float]:
    """The sane (low, high) target/source length ratio for a language pair."""
    source_dense, target_dense = _base(source_language) in _DENSE_LANGUAGES, _base(language) in _DENSE_LANGUAGES
    if target_dense and not source_dense:
        return _BAND_TO_DENSE
    if source_dense and not target_dense:
        low, high = _BAND_TO_DENSE
        return 1 / high, 1 / low
    return _BAND_ALPHABETIC


@check("length-ratio", fields=("summary", "body"))
def check_length_ratio(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Warn when the translation is much shorter or longer than the source (text dropped or added)."""
    source_length = len(normalise_space(_plain(source)))
    target_length = len(normalise_space(_plain(target)))
    if source_length < MIN_LENGTH_FOR_RATIO:
        return
    ratio = target_length / source_length
    low, high = length_band(ctx.source_language, ctx.language)
    if low <= ratio <= high:
        return
    if ratio < low:
        message = gettext(
            "The translation is much shorter than the source (%(ratio)s times its length; expected "
            "between %(low)s and %(high)s). Check that no sentence was left out."
        )
    else:
        message = gettext(
            "The translation is much longer than the source (%(ratio)s times its length; expected "
            "between %(low)s and %(high)s). Check that nothing was added or repeated."
        )
    yield _finding(
        "length-ratio", WARNING, source, message % {"ratio": f"{ratio:.2f}", "low": f"{low:g}", "high": f"{high:g}"}
    )


@check("readability", fields=("body",))
def check_readability(source: TextUnit, target: TextUnit, ctx: CheckContext) -> Iterable[Finding]:
    """Warn when patient text reads above grade 8; say so where the language has no formula."""
    if not readability_supported(ctx.language):
        yield _finding(
            "readability", INFO, target,
            gettext("readability: not available for %(language)s") % {"language": _language_name(ctx.language)},
        )
        return
    result = measure_readability(target.text, ctx.language)
    if result.above_target:
        yield _finding(
            "readability", WARNING, target,
            gettext(
                "The text reads at %(result)s; patient text should be at grade %(target)d or below. "
                "Use shorter sentences and simpler words."
            )
            % {"result": result.summary, "target": GRADE_TARGET},
        )


def _language_name(language: str) -> str:
    from django.conf import settings
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(language)["name_translated"])
    except KeyError:
        names = dict(getattr(settings, "LANGUAGES", ()))
        return str(names.get(language, language))


CHECKS: list[Check] = [
    check_empty,
    check_characters,
    check_untranslated,
    check_markup,
    check_callouts,
    check_quantities,
    check_facts,
    check_glossary,
    check_length_ratio,
    check_cut_short,
    check_script,
    check_readability,
]

SOURCE_CHECKS = ("empty", "invisible-characters", "markup", "readability")


# --- running them -----------------------------------------------------------


def _run(checks: Sequence[Check], source: TextUnit, target: TextUnit, ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for fn in checks:
        if target.field not in fn.fields:
            continue
        if fn.code != "empty" and _blank(target.text):
            continue  # an empty unit is reported once, not as missing numbers, callouts…
        findings.extend(fn(source, target, ctx))
    return findings


def _as_snapshot(text) -> dict:
    """A snapshot-shaped dict, or a bare list of sections (then the guide's own fields are not checked)."""
    return {"sections": list(text)} if isinstance(text, (list, tuple)) else text


def check_section(
    source: dict,
    target: dict,
    *,
    source_language: str,
    language: str,
    glossary: Iterable[GlossaryEntry] = (),
) -> list[Finding]:
    """Every check of `CHECKS` on one translated section ({"key", "title", "body"}) against its source."""
    pairs = list(zip(snapshot_units({"sections": [source]}), snapshot_units({"sections": [{**target, "key": source.get("key")}]}), strict=False))
    ctx = CheckContext(source_language, language, tuple(glossary), translation_length_ratio(pairs))
    findings: list[Finding] = []
    for s, t in pairs:
        findings.extend(_run(CHECKS, s, t, ctx))
    return findings


# Findings about the whole language, repeated in every unit: said once for the guide.
_LANGUAGE_WIDE = frozenset({"facts-unchecked"})


def _collapse_info(findings: list[Finding]) -> list[Finding]:
    """Info findings repeated in every unit ("readability: not available"), and findings about the whole
    language ("facts-unchecked"), become one guide-level finding."""
    def wide(f: Finding) -> bool:
        return f.severity == INFO or f.code in _LANGUAGE_WIDE

    repeated = Counter((f.code, f.message) for f in findings if wide(f))
    collapsed: set[tuple[str, str]] = {k for k, n in repeated.items() if n > 1 or k[0] in _LANGUAGE_WIDE}
    result: list[Finding] = []
    emitted: set[tuple[str, str]] = set()
    for f in findings:
        if wide(f) and (f.code, f.message) in collapsed:
            if (f.code, f.message) not in emitted:
                emitted.add((f.code, f.message))
                result.append(Finding(f.code, f.severity, "", f.message))
            continue
        result.append(f)
    return result


def check_translation(
    source,
    target,
    *,
    source_language: str = "en",
    language: str,
    glossary: Iterable[GlossaryEntry] = (),
) -> list[Finding]:
    """Check a whole translation unit by unit, in source order.

    `source` and `target` are snapshot-shaped dicts ({"title", "summary",
    "sections": [{"key", "title", "body"}]}) or bare lists of sections (then
    only the sections are checked). Sections are matched by key: a source
    section missing from the translation is an error (``section-missing``); a
    translated section the source does not have is a warning
    (``section-extra``). Info findings that repeat for every unit are
    reported once at guide level.
    """
    source, target = _as_snapshot(source), _as_snapshot(target)
    targets = {unit.id: unit for unit in snapshot_units(target)}
    ratio = translation_length_ratio((unit, targets[unit.id]) for unit in snapshot_units(source) if unit.id in targets)
    ctx = CheckContext(source_language, language, tuple(glossary), ratio)
    source_keys = {str(s.get("key") or "") for s in source.get("sections", ())}
    target_keys = {str(s.get("key") or "") for s in target.get("sections", ())}
    findings: list[Finding] = []
    missing_reported: set[str] = set()
    for unit in snapshot_units(source):
        if unit.section and unit.section not in target_keys:
            if unit.section not in missing_reported:
                missing_reported.add(unit.section)
                title = next((s.get("title") for s in source["sections"] if s.get("key") == unit.section), "") or unit.section
                findings.append(
                    Finding("section-missing", ERROR, unit.section,
                            gettext('The section "%(title)s" of the source is missing from the translation.') % {"title": title})
                )
            continue
        counterpart = targets.get(unit.id) or TextUnit(unit.id, unit.section, unit.field, "")
        findings.extend(_run(CHECKS, unit, counterpart, ctx))
    for section in target.get("sections", ()):
        key = str(section.get("key") or "")
        if key not in source_keys:
            findings.append(
                Finding("section-extra", WARNING, key,
                        gettext('The translation has a section "%(title)s" that the source does not have.')
                        % {"title": section.get("title") or key})
            )
    return _collapse_info(findings)


def check_source(text, *, language: str = "en") -> list[Finding]:
    """Checks for a source-language submission (a snapshot or its sections): empty, characters, markup, readability."""
    text = _as_snapshot(text)
    ctx = CheckContext(language, language)
    checks = [fn for fn in CHECKS if fn.code in SOURCE_CHECKS]
    findings: list[Finding] = []
    for unit in snapshot_units(text):
        if unit.field == "summary" and _blank(unit.text):
            continue  # a guide may have no summary
        findings.extend(_run(checks, unit, unit, ctx))
    return _collapse_info(findings)
