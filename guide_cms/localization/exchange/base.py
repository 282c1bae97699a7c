"""What an exchange file holds, whatever its format, and the rules both formats share.

Pure: no database. The readers return what the file says, checked for shape
only; the importer decides what to apply (unknown ids, changed sources).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import to_locale

from ..inline import Code, Content, plain

# Our segment states. An exchange file never carries "approved": an import is
# never a sign-off, so the most a file can say is "translated". MEMORY is an
# exact match from the translation memory, FUZZY a fuzzy one (or an exact one
# from another context or from an imported memory): both came from memory,
# and a FUZZY segment, like a NEEDS_REVIEW one, must be looked at by a
# translator before the language can be submitted.
NEW = "new"
TRANSLATED = "translated"
NEEDS_REVIEW = "needs-review"
MEMORY = "memory"
FUZZY = "fuzzy"
STATES = (NEW, TRANSLATED, NEEDS_REVIEW, MEMORY, FUZZY)
BLOCKING_STATES = frozenset({NEEDS_REVIEW, FUZZY})

GUIDE_TITLE_ID = "guide.title"
GUIDE_SUMMARY_ID = "guide.summary"
SECTION_FIELDS = ("title", "body")

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# Characters XML 1.0 cannot carry (and that gettext tools mangle): C0 controls
# other than tab/newline/carriage return, lone surrogates, U+FFFE/U+FFFF.
_UNREPRESENTABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def section_unit_id(section_key: str, field: str) -> str:
    """The stable unit id of a section field: section_unit_id("dosing", "body") -> "dosing.body"."""
    if field not in SECTION_FIELDS:
        raise ValueError(f"Unknown section field {field!r}; expected one of {SECTION_FIELDS}.")
    return f"{section_key}.{field}"


def unit_of(segment_id: str) -> str:
    """The unit a segment or block id belongs to: "dosing.body.2.1" -> "dosing.body"."""
    return ".".join(segment_id.split(".")[:2])


@dataclass(frozen=True)
class Match:
    """A translation memory's suggestion for a segment."""

    source: Content
    target: Content
    score: int  # 0-100; 101: the same sentence in the same guide and unit
    origin: str = ""  # "muscle-relaxants v2, signed by Dr Ana Ruiz"


@dataclass(frozen=True)
class ExchangeUnit:
    """One segment (a sentence, or a whole block when its sentences could not be paired)."""

    id: str  # "dosing.body.2.1" (segment) or "dosing.body.2" (block)
    source: Content  # text and inline codes (guide_cms.localization.inline)
    target: Content  # () if none
    state: str  # one of STATES
    note: str = ""
    kind: str = ""  # the block's kind: "title", "summary", "paragraph", "list item", "warning", "tip", "quote"
    # The memory match the target came from, or a suggestion (written, not read back: the importer asks the memory).
    match: Match | None = field(default=None, compare=False)
    incomplete: tuple[str, ...] = ()  # a CAT tool's sub-segments left empty in the file (not applied)

    @property
    def unit(self) -> str:
        return unit_of(self.id)


@dataclass(frozen=True)
class ExchangeDocument:
    guide: str  # slug
    source_language: str  # Django code, "en"
    target_language: str  # Django code, e.g. "zh-hans"
    source_version: int  # the approved source version the units come from
    source_hash: str  # that version's content hash (SHA-256 hex)
    units: tuple[ExchangeUnit, ...]
    # The signed revisions of the drafts the file was exported from (guide_cms.core.merge): an import merges onto them,
    # so an older file never reverts a sentence saved since. Checked by the importer, not the readers.
    base: str = ""
    # What reading the file noticed (not part of the document's content).
    ignored_approvals: tuple[str, ...] = field(default=(), compare=False)
    notices: tuple[str, ...] = field(default=(), compare=False)


class ExchangeError(ValueError):
    """A malformed or unusable exchange file (or a document that cannot be written).

    str() names the file and the line and/or unit. When a file has several bad
    units, .problems holds one ExchangeError per unit and str() lists them all.
    """

    def __init__(self, message, *, filename=None, line=None, unit=None, problems=()):
        self.reason = str(message)
        self.filename = filename
        self.line = line
        self.unit = unit
        self.problems = tuple(problems)
        super().__init__(self._render())

    def location(self) -> str:
        """ "line 12, unit 'dosing.body'" (without the file name); "" if neither is known."""
        parts = []
        if self.line is not None:
            parts.append(_("line %(line)d") % {"line": self.line})
        if self.unit is not None:
            parts.append(_("unit '%(unit)s'") % {"unit": self.unit})
        return ", ".join(parts)

    def _render(self) -> str:
        where = ", ".join(part for part in (self.filename, self.location()) if part)
        text = f"{where}: {self.reason}" if where else self.reason
        for problem in self.problems:
            text += f"\n  - {problem.location() or problem.filename or ''}: {problem.reason}"
        return text


def raise_problems(problems: list[ExchangeError], filename: str | None) -> None:
    """Raise nothing, the one problem, or one ExchangeError listing every problem."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ExchangeError(
            _("%(count)d units cannot be used:") % {"count": len(problems)},
            filename=filename,
            problems=problems,
        )


# Languages --------------------------------------------------------------------

def language_tag(code: str) -> str:
    """BCP 47 tag of a Django language code: "zh-hans" -> "zh-Hans"."""
    return to_locale(code).replace("_", "-")


def gettext_locale(code: str) -> str:
    """gettext/Babel locale name of a Django language code: "zh-hans" -> "zh_Hans"."""
    return to_locale(code)


def language_from_tag(tag: str) -> str | None:
    """The configured Django code for a BCP 47 tag or gettext locale ("zh-Hans", "zh_Hans"), or None.

    Matching is case-insensitive; a tag that is not configured exactly is
    matched by language and script (CLDR's likely subtags: "zh-CN" is
    Simplified Chinese, "zh-TW" Traditional, "es-ES" Spanish) when exactly
    one configured language fits; a region is never invented.
    """
    wanted = tag.strip().replace("_", "-").lower()
    if not wanted:
        return None
    for code, _name in settings.LANGUAGES:
        if wanted in (code.lower(), language_tag(code).lower()):
            return code
    key = _language_and_script(wanted)
    if key is None:
        return None
    fits = [code for code, _name in settings.LANGUAGES if _language_and_script(language_tag(code).lower()) == key]
    return fits[0] if len(fits) == 1 else None


def _language_and_script(tag: str) -> tuple[str, str] | None:
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    if locale.script:
        return locale.language, locale.script
    likely = get_global("likely_subtags")
    for candidate in (f"{locale.language}_{locale.territory}" if locale.territory else None, locale.language):
        if candidate and candidate in likely:
            parts = likely[candidate].split("_")
            scripts = [p for p in parts[1:] if len(p) == 4]
            return locale.language, scripts[0] if scripts else ""
    return locale.language, ""


def configured_tags() -> str:
    return ", ".join(language_tag(code) for code, _name in settings.LANGUAGES)


# Shared checks ----------------------------------------------------------------

def effective_state(unit: ExchangeUnit) -> str:
    """The state a file carries for unit: no text is NEW, a draft is never NEW.

    Every format applies this, so they agree (PO cannot say "new, with a draft").
    """
    if not unit.target:
        return NEW
    if unit.state == NEW:
        return NEEDS_REVIEW
    return unit.state


def _content_text(content: Content) -> str:
    return "".join(item if isinstance(item, str) else item.data for item in content)


def check_document(doc: ExchangeDocument) -> None:
    """Refuse a document no exchange file can carry faithfully (before writing anything)."""
    if not doc.guide or _UNREPRESENTABLE.search(doc.guide) or doc.guide != doc.guide.strip():
        raise ExchangeError(_("the guide slug %(slug)r cannot be written to an exchange file.") % {"slug": doc.guide})
    for code in (doc.source_language, doc.target_language):
        if language_from_tag(code) != code:
            raise ExchangeError(_("%(code)r is not a configured language code.") % {"code": code})
    if doc.source_language == doc.target_language:
        raise ExchangeError(_("the target language is the source language."))
    if not isinstance(doc.source_version, int) or isinstance(doc.source_version, bool) or doc.source_version < 0:
        raise ExchangeError(_("the source version must be a whole number, not %(value)r.") % {"value": doc.source_version})
    if not _SHA256_HEX.fullmatch(doc.source_hash):
        raise ExchangeError(_("the source hash must be 64 lowercase hexadecimal digits (SHA-256)."))
    seen: set[str] = set()
    for unit in doc.units:
        if not unit.id or unit.id != unit.id.strip() or _UNREPRESENTABLE.search(unit.id):
            raise ExchangeError(_("a unit has an empty or unusable id (%(id)r).") % {"id": unit.id})
        if unit.id in seen:
            raise ExchangeError(_("two units have this id."), unit=unit.id)
        seen.add(unit.id)
        if unit.state not in STATES:
            raise ExchangeError(_("unknown state %(state)r.") % {"state": unit.state}, unit=unit.id)
        if not plain(unit.source).strip():
            raise ExchangeError(_("the source text is empty; leave empty fields out of the export."), unit=unit.id)
        texts = [("source", _content_text(unit.source)), ("target", _content_text(unit.target)), ("note", unit.note)]
        if unit.match:
            texts.append(("target", _content_text(unit.match.target)))
        for name, value in texts:
            bad = _UNREPRESENTABLE.search(value)
            if bad:
                raise ExchangeError(
                    _("the %(field)s contains the control character U+%(code)04X, which exchange files cannot carry.")
                    % {"field": name, "code": ord(bad.group())},
                    unit=unit.id,
                )


def code_ids(content: Content) -> set[str]:
    return {item.id for item in content if isinstance(item, Code)}


def parse_source_hash(value: str | None) -> str | None:
    """The normalised SHA-256 hex digest, or None if value is not one."""
    value = (value or "").strip().lower()
    return value if _SHA256_HEX.fullmatch(value) else None


def parse_source_version(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def describe_undecodable(data: bytes, error: UnicodeDecodeError, encoding: str) -> str:
    """ "is not valid UTF-8 (byte 0xE9 at line 3)": for an ExchangeError's reason."""
    byte = data[error.start] if error.start < len(data) else 0
    return _("the file is not valid %(encoding)s text (byte 0x%(byte)02X at line %(line)d); save it as UTF-8.") % {
        "encoding": encoding,
        "byte": byte,
        "line": line_of_offset(data, error.start),
    }


def refuse_misdeclared_utf8(data: bytes, declared: str, filename: str) -> None:
    """ExchangeError if a file that declares a one-byte encoding (ISO-8859-1, cp1252…) is UTF-8 text: read as
    declared, every accented letter would be stored garbled ("página" as "pÃ¡gina"), and no check could tell."""
    import codecs

    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return
    if name.startswith(("utf-8", "utf-16", "utf-32")) or data.isascii():
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # not UTF-8: read as declared
    index = next(n for n, c in enumerate(text) if ord(c) > 127)
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index), text.rfind(">", 0, index), text.rfind('"', 0, index)) + 1
    end = min((i for i in (text.find(" ", index), text.find("\n", index), text.find("<", index), text.find('"', index)) if i != -1),
              default=len(text))
    word = text[start:end][:30]
    raise ExchangeError(
        _("the file declares the encoding %(declared)s, but its text is UTF-8: read as declared, “%(word)s” would be stored "
          "as “%(garbled)s”. Declare UTF-8 in the file (or save it as %(declared)s) and import it again.")
        % {"declared": declared, "word": word, "garbled": word.encode("utf-8").decode(name, errors="replace")},
        filename=filename, line=text.count("\n", 0, index) + 1,
    )
