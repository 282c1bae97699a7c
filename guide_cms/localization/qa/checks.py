"""Translation quality checks: small pure functions, run section by section.

A section is a dict ``{"key", "title", "body"}``; bodies are in the project's
Markdown subset (see guide_cms.guides.markdown). Every check takes
``(source, target, context)`` and yields `Finding`s; its stable code is its
``.code`` attribute. `CHECKS` is the registry: adding a check is writing one
function decorated with `check` and appending it to the list.

Errors block submission; warnings and info do not.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from guide_cms.guides.markdown import callout_kinds, find_problems

from .numbers import compare_numbers, read_numbers
from .readability import GRADE_TARGET, measure_readability, readability_supported
from .text import normalise_space, plain_blocks, plain_text, real_words

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
    section: str  # section key ("" for guide-level)
    message: str  # a plain sentence for translators and reviewers


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


Check = Callable[[dict, dict, CheckContext], Iterable[Finding]]


def check(code: str) -> Callable[[Check], Check]:
    """Give a check function its stable code (``fn.code``)."""

    def register(fn: Check) -> Check:
        fn.code = code  # type: ignore[attr-defined]
        return fn

    return register


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks submission."""
    return any(f.severity == ERROR for f in findings)


def _text(section: dict, field: str) -> str:
    value = section.get(field)
    return value if isinstance(value, str) else ""


def _key(section: dict) -> str:
    return str(section.get("key") or "")


def _base(language: str) -> str:
    return (language or "").lower().replace("_", "-").split("-")[0]


def _blank(value: str) -> bool:
    return not value or not value.strip()


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- the checks -------------------------------------------------------------


@check("empty")
def check_empty(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """The title and the body of the translation must both have text."""
    key = _key(target) or _key(source)
    if _blank(_text(target, "title")):
        yield Finding("empty", ERROR, key, gettext("The section title is empty: translate the title."))
    if _blank(_text(target, "body")):
        yield Finding("empty", ERROR, key, gettext("The section text is empty: translate the text of this section."))


@check("untranslated")
def check_untranslated(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """The body, or a sentence of it, must not be left as in the source where the source has real words.

    A body of only numbers, names, units or glossary terms may be identical.
    Inside a translated body, a source sentence of at least four real words
    found unchanged is reported (at most three per section).
    """
    if ctx.language and _base(ctx.language) == _base(ctx.source_language):
        return
    source_body, target_body = _text(source, "body"), _text(target, "body")
    terms = frozenset(e.term for e in ctx.glossary) | frozenset(e.approved for e in ctx.glossary)
    if normalise_space(source_body) == normalise_space(target_body):
        if real_words(plain_text(source_body), ignore=terms):
            yield Finding(
                "untranslated",
                ERROR,
                _key(source),
                gettext("The section text is identical to the source text: it has not been translated."),
            )
        return
    # A sentence of the source left as it was inside an otherwise translated text.
    target_text = normalise_space(plain_text(target_body))
    reported = 0
    for sentence in _SENTENCE_SPLIT.split(plain_text(source_body)):
        sentence = normalise_space(sentence)
        if len(real_words(sentence, ignore=terms)) >= MIN_WORDS_UNTRANSLATED_SENTENCE and sentence in target_text:
            yield Finding(
                "untranslated",
                ERROR,
                _key(source),
                gettext('A sentence is still in the source language: "%(sentence)s"') % {"sentence": _shorten(sentence)},
            )
            reported += 1
            if reported == 3:
                return


@check("markup")
def check_markup(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """The body must stay inside the Markdown subset (no HTML, unsafe links, unknown callouts…)."""
    for problem in find_problems(_text(target, "body")):
        yield Finding(
            "markup",
            ERROR,
            _key(source),
            gettext("Line %(line)d of the section text: %(message)s") % {"line": problem.line, "message": problem.message},
        )


def _kind_label(kind: str) -> str:
    return f"[!{kind.upper()}]"


@check("callouts-missing")
def check_callouts(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """Every warning and tip callout of the source must be in the translation, in the same order."""
    expected = callout_kinds(_text(source, "body"))
    found = callout_kinds(_text(target, "body"))
    if expected == found:
        return
    key = _key(source)
    want, have = Counter(expected), Counter(found)
    for kind in sorted(set(want) | set(have)):
        if have[kind] < want[kind]:
            yield Finding(
                "callouts-missing",
                ERROR,
                key,
                gettext(
                    "A %(marker)s callout is missing: the source has %(expected)d and the translation "
                    "has %(found)d. Translate every callout as a quote starting with a line %(marker)s."
                )
                % {"marker": _kind_label(kind), "expected": want[kind], "found": have[kind]},
            )
        elif have[kind] > want[kind]:
            yield Finding(
                "callouts-missing",
                ERROR,
                key,
                gettext(
                    "The translation has an extra %(marker)s callout: the source has %(expected)d and "
                    "the translation has %(found)d."
                )
                % {"marker": _kind_label(kind), "expected": want[kind], "found": have[kind]},
            )
    if want == have:
        yield Finding(
            "callouts-missing",
            ERROR,
            key,
            gettext(
                "The callouts are in a different order from the source (source: %(expected)s; "
                "translation: %(found)s). Check that each text is in the right kind of callout."
            )
            % {"expected": ", ".join(map(_kind_label, expected)), "found": ", ".join(map(_kind_label, found))},
        )


def _number_text(section: dict) -> str:
    # The title is plain text; the body is read as Markdown so list numbering
    # and link destinations are not compared, but every visible number is.
    return _text(section, "title") + "\n" + "\n".join(plain_blocks(_text(section, "body")))


@check("numbers-mismatch")
def check_numbers(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """Doses, durations and other numbers in digits must match the source (title and body).

    See guide_cms.localization.qa.numbers for what counts as the same number
    (digits of any script, decimal and thousands marks, ranges). Numbers
    written as words are out of scope.
    """
    missing, added = compare_numbers(
        read_numbers(_number_text(source), ctx.source_language),
        read_numbers(_number_text(target), ctx.language),
    )
    if not missing and not added:
        return
    parts = []
    if missing:
        parts.append(gettext("missing %(numbers)s") % {"numbers": ", ".join(missing)})
    if added:
        parts.append(gettext("added %(numbers)s") % {"numbers": ", ".join(added)})
    yield Finding(
        "numbers-mismatch",
        ERROR,
        _key(source),
        gettext("Numbers differ from the source: %(differences)s.") % {"differences": "; ".join(parts)},
    )


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


def _pattern(term: str, *, ignore_case: bool) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    escaped = re.escape(term.strip())
    if _spaced_script(term):
        # Word boundaries against letters and digits of spaced scripts only, so
        # "使用Diazepam" and "Diazepam。" match but "Diazepamo" does not.
        return re.compile(rf"(?<!{_WORD_EDGE}){escaped}(?!{_WORD_EDGE})", flags)
    return re.compile(escaped, flags)


@check("glossary")
def check_glossary(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """Glossary terms of the source must appear in their approved form in the translation.

    A term counts as present in the source case-insensitively (whole words in
    Latin, Greek and Cyrillic scripts, substrings otherwise); its approved form
    must then appear at least once in the translation, case-insensitively, or
    exactly as in the glossary (case-sensitive) when it is marked do-not-translate.
    """
    source_text = _text(source, "title") + "\n" + _text(source, "body")
    target_text = _text(target, "title") + "\n" + _text(target, "body")
    seen: set[tuple[str, str, bool]] = set()
    for entry in ctx.glossary:
        term = (entry.term or "").strip()
        if not term:
            continue
        expected = term if entry.do_not_translate else (entry.approved or "").strip()
        if not expected or (term.casefold(), expected, entry.do_not_translate) in seen:
            continue
        seen.add((term.casefold(), expected, entry.do_not_translate))
        if not _pattern(term, ignore_case=True).search(source_text):
            continue
        if _pattern(expected, ignore_case=not entry.do_not_translate).search(target_text):
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
        yield Finding("glossary", ERROR, _key(source), message)


def length_band(source_language: str, language: str) -> tuple[float, float]:
    """The sane (low, high) target/source length ratio for a language pair."""
    source_dense, target_dense = _base(source_language) in _DENSE_LANGUAGES, _base(language) in _DENSE_LANGUAGES
    if target_dense and not source_dense:
        return _BAND_TO_DENSE
    if source_dense and not target_dense:
        low, high = _BAND_TO_DENSE
        return 1 / high, 1 / low
    return _BAND_ALPHABETIC


@check("length-ratio")
def check_length_ratio(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """Warn when the translation is much shorter or longer than the source (text dropped or added)."""
    source_length = len(normalise_space(plain_text(_text(source, "body"))))
    target_length = len(normalise_space(plain_text(_text(target, "body"))))
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
    yield Finding(
        "length-ratio",
        WARNING,
        _key(source),
        message % {"ratio": f"{ratio:.2f}", "low": f"{low:g}", "high": f"{high:g}"},
    )


@check("readability")
def check_readability(source: dict, target: dict, ctx: CheckContext) -> Iterable[Finding]:
    """Warn when patient text reads above grade 8; say so where the language has no formula."""
    key = _key(target) or _key(source)
    if not readability_supported(ctx.language):
        yield Finding(
            "readability",
            INFO,
            key,
            gettext("readability: not available for %(language)s") % {"language": _language_name(ctx.language)},
        )
        return
    result = measure_readability(_text(target, "body"), ctx.language)
    if result.above_target:
        yield Finding(
            "readability",
            WARNING,
            key,
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
    check_untranslated,
    check_markup,
    check_callouts,
    check_numbers,
    check_glossary,
    check_length_ratio,
    check_readability,
]

SOURCE_CHECKS = ("empty", "markup", "readability")


# --- running them -----------------------------------------------------------


def _run(checks: Sequence[Check], source: dict, target: dict, ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for fn in checks:
        if fn.code != "empty" and _blank(_text(target, "body")):
            continue  # an empty body is reported once, not as missing numbers, callouts…
        findings.extend(fn(source, target, ctx))
    return findings


def check_section(
    source: dict,
    target: dict,
    *,
    source_language: str,
    language: str,
    glossary: Iterable[GlossaryEntry] = (),
) -> list[Finding]:
    """Every check of `CHECKS` on one translated section against its source section."""
    ctx = CheckContext(source_language, language, tuple(glossary))
    return _run(CHECKS, source, target, ctx)


def _collapse_info(findings: list[Finding]) -> list[Finding]:
    """Info findings repeated in every section ("readability: not available") become one guide-level finding."""
    repeated = Counter((f.code, f.message) for f in findings if f.severity == INFO)
    collapsed: set[tuple[str, str]] = {k for k, n in repeated.items() if n > 1}
    result: list[Finding] = []
    emitted: set[tuple[str, str]] = set()
    for f in findings:
        if f.severity == INFO and (f.code, f.message) in collapsed:
            if (f.code, f.message) not in emitted:
                emitted.add((f.code, f.message))
                result.append(Finding(f.code, f.severity, "", f.message))
            continue
        result.append(f)
    return result


def check_translation(
    source_sections: Sequence[dict],
    target_sections: Sequence[dict],
    *,
    source_language: str = "en",
    language: str,
    glossary: Iterable[GlossaryEntry] = (),
) -> list[Finding]:
    """Check a whole translation, matching sections by key, in source order.

    A source section missing from the translation is an error
    (``section-missing``); a translated section the source does not have is a
    warning (``section-extra``). Info findings that repeat for every section
    are reported once at guide level (section "").
    """
    ctx = CheckContext(source_language, language, tuple(glossary))
    targets: dict[str, dict] = {}
    for section in target_sections:
        targets.setdefault(_key(section), section)
    source_keys = {_key(s) for s in source_sections}
    findings: list[Finding] = []
    for source in source_sections:
        target = targets.get(_key(source))
        if target is None:
            findings.append(
                Finding(
                    "section-missing",
                    ERROR,
                    _key(source),
                    gettext('The section "%(title)s" of the source is missing from the translation.')
                    % {"title": _text(source, "title") or _key(source)},
                )
            )
            continue
        findings.extend(_run(CHECKS, source, target, ctx))
    for key, target in targets.items():
        if key not in source_keys:
            findings.append(
                Finding(
                    "section-extra",
                    WARNING,
                    key,
                    gettext('The translation has a section "%(title)s" that the source does not have.')
                    % {"title": _text(target, "title") or key},
                )
            )
    return _collapse_info(findings)


def check_source(sections: Sequence[dict], *, language: str = "en") -> list[Finding]:
    """Checks for a source-language submission: empty, markup and readability only."""
    ctx = CheckContext(language, language)
    checks = [fn for fn in CHECKS if fn.code in SOURCE_CHECKS]
    findings: list[Finding] = []
    for section in sections:
        findings.extend(_run(checks, section, section, ctx))
    return _collapse_info(findings)
