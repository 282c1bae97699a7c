"""gettext PO files for CAT tools, written and read with Babel.

One entry per segment: msgctxt = segment id ("dosing.body.2.1"), msgid =
source, msgstr = target, with inline codes as placeholders <1>…</1> and <2/>
(a "<" in the text that would read as one is written "<<"), translator
comments ("# ") = the note, extracted comments ("#. ") = the source version
and hash, what each code is, and where a memory match came from. States:
"#, fuzzy" = needs review; with the flag "gc-fuzzy-match" it is a fuzzy
memory match (its source as the previous msgid, "#| msgid"); the flag
"gc-memory" marks an exact memory match. The guide, languages, source
version and hash are also X-Guide-CMS-* header fields, which are what the
reader trusts.

Babel's Catalog drops header fields it does not know and silently merges
duplicate entries, and its parser accepts some broken lines; hence a small
Catalog subclass that keeps both, and a line-by-line syntax check first so
that every malformed file is refused with its line number.
"""
from __future__ import annotations

import codecs
import datetime
import io
import re

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser
from babel.messages.pofile import write_po as babel_write_po
from django.utils.translation import gettext as _

from ..inline import TaggedError, code_problems, from_tagged, plain, to_tagged
from .base import (
    FUZZY,
    MEMORY,
    NEEDS_REVIEW,
    NEW,
    TRANSLATED,
    ExchangeDocument,
    ExchangeError,
    ExchangeUnit,
    check_document,
    configured_tags,
    describe_undecodable,
    effective_state,
    gettext_locale,
    language_from_tag,
    language_tag,
    parse_source_hash,
    parse_source_version,
    raise_problems,
    refuse_misdeclared_utf8,
)
from .code_notes import describe_codes
from .xml import tidy

# Fixed, so the same document gives the same bytes (never the time of export).
_FIXED_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
HEADER_GUIDE = "X-Guide-CMS-Guide"
HEADER_SOURCE_LANGUAGE = "X-Guide-CMS-Source-Language"
HEADER_SOURCE_VERSION = "X-Guide-CMS-Source-Version"
HEADER_SOURCE_HASH = "X-Guide-CMS-Source-Hash"
_REQUIRED_HEADERS = ("Language", HEADER_GUIDE, HEADER_SOURCE_LANGUAGE, HEADER_SOURCE_VERSION, HEADER_SOURCE_HASH)
# A PO file cut between two lines still parses, and a cut inside its last msgstr leaves no other trace: every
# export ends with this obsolete entry (kept by gettext tools, never shown for translation), and a file whose
# header says so must end with it.
HEADER_END_MARKER = "X-Guide-CMS-End-Marker"
HEADER_BASE = "X-Guide-CMS-Base"  # the drafts' revisions at export (ExchangeDocument.base)
END_MARKER_CONTEXT = "guide_cms:end"
# Its msgstr is not empty: GNU gettext's msgcat and msgattrib drop obsolete entries left untranslated, and kept
# it then only by chance. Files exported with an empty one still read.
END_MARKER_LINES = ('#~ msgctxt "guide_cms:end"', '#~ msgid "End of the file: keep this entry last."', '#~ msgstr "End of the file."')
_END_MARKER = (END_MARKER_CONTEXT, "End of the file: keep this entry last.")
_QUOTED = r'(?:"(?:[^"\\]|\\.)*"\s*)+'
_LAST_OBSOLETE = re.compile(rf"msgctxt\s+({_QUOTED})msgid\s+({_QUOTED})msgstr\s+({_QUOTED})$")


def _ends_with_end_marker(lines: list[str]) -> bool:
    """Whether the file's last entry is the end marker, however a tool wrapped its lines (msgcat --width)."""
    tail = []
    for line in reversed([line.strip() for line in lines if line.strip()]):
        if not line.startswith("#~"):
            break
        tail.append(line[2:].strip())
    match = _LAST_OBSOLETE.search(" ".join(reversed(tail)))
    if match is None:
        return False

    def value(group: str) -> str:
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', group))

    return (value(match.group(1)), value(match.group(2))) == _END_MARKER and value(match.group(3)) in ("End of the file.", "")
FLAG_MEMORY = "gc-memory"
FLAG_FUZZY_MATCH = "gc-fuzzy-match"
_KIND_COMMENT = "gc:kind "
_FLAGS = {NEEDS_REVIEW: ["fuzzy"], FUZZY: ["fuzzy", FLAG_FUZZY_MATCH], MEMORY: [FLAG_MEMORY]}


class _ExchangeCatalog(Catalog):
    """A Babel Catalog that writes our extra header fields and, when parsing, keeps the raw
    header and every entry in file order (Babel's own merges entries with the same key)."""

    def __init__(self, *args, extra_headers=(), **kwargs):
        self.extra_headers = list(extra_headers)
        self.raw_headers: list[tuple[str, str]] | None = None
        self.header_lines: list[int | None] = []
        self.entries = []
        super().__init__(*args, **kwargs)

    @property
    def mime_headers(self):
        # Babel's fields minus "Generated-By" (its version would change our bytes), then ours.
        headers = [(name, value.rstrip("\n")) for name, value in Catalog.mime_headers.fget(self)]
        headers = [(name, value) for name, value in headers if name != "Generated-By"] + self.extra_headers
        name, value = headers[-1]
        headers[-1] = (name, value + "\n")  # gettext ends the last header line with "\n" too
        return headers

    @mime_headers.setter
    def mime_headers(self, headers):
        # Keep them raw; we interpret the fields we need ourselves.
        self.raw_headers = [(str(name), str(value)) for name, value in headers]

    def __setitem__(self, id, message):
        if id == "" and message.context is None:
            self.header_lines.append(message.lineno)
            super().__setitem__(id, message)
        else:
            # Babel would take msgctxt + msgid "" for the header; we record it as an entry.
            self.entries.append(message)
            if id != "":
                super().__setitem__(id, message)


# Writing ------------------------------------------------------------------------

def write_po(doc: ExchangeDocument) -> bytes:
    """The document as a UTF-8 PO file: same document, same bytes."""
    check_document(doc)
    source_tag = language_tag(doc.source_language)
    catalog = _ExchangeCatalog(
        locale=gettext_locale(doc.target_language),
        project=f"guide_cms:{doc.guide}",
        version=str(doc.source_version),
        creation_date=_FIXED_DATE,
        revision_date=_FIXED_DATE,
        fuzzy=False,
        header_comment=(
            f"# guide_cms translation exchange: guide {doc.guide},\n"
            f"# {source_tag} -> {language_tag(doc.target_language)}, source version {doc.source_version}.\n"
            "# One entry per sentence. Translate msgstr as plain text; keep every msgctxt (the segment id)\n"
            "# and every placeholder: <1>text</1> is emphasis or a link, <2/> a line break or a code.\n"
            '# "fuzzy" marks a translation that needs review; "gc-memory" one from the translation memory.\n'
            f'# The last entry ("{END_MARKER_CONTEXT}") marks the end of the file: keep it.'
        ),
        extra_headers=[
            (HEADER_GUIDE, doc.guide),
            (HEADER_SOURCE_LANGUAGE, source_tag),
            (HEADER_SOURCE_VERSION, str(doc.source_version)),
            (HEADER_SOURCE_HASH, doc.source_hash),
            (HEADER_END_MARKER, END_MARKER_CONTEXT),
            *([(HEADER_BASE, doc.base)] if doc.base else []),
        ],
    )
    provenance = [f"guide_cms source version {doc.source_version}", f"sha256:{doc.source_hash}"]
    for unit in doc.units:
        source = to_tagged(unit.source, po=True)
        comments = list(provenance)
        if unit.kind:
            comments.append(_KIND_COMMENT + unit.kind)
        if described := describe_codes(unit.source):
            comments.append(described)
        if unit.match:
            comments.append(f"memory match {min(unit.match.score, 100)}%: {unit.match.origin}".rstrip(": "))
        state = effective_state(unit)
        message = Message(
            source,
            to_tagged(unit.target, po=True),
            flags=_FLAGS.get(state, []),
            auto_comments=comments,
            user_comments=[line for line in unit.note.split("\n") if line.strip()],
            context=unit.id,
            previous_id=to_tagged(unit.match.source, po=True) if unit.match and state == FUZZY else (),
        )
        # Babel guesses "python-format" from "50% of ..."; patient text is not a format string.
        message.flags -= {"python-format", "python-brace-format"}
        catalog[source] = message
    buffer = io.BytesIO()
    babel_write_po(buffer, catalog, width=76, no_location=True, include_previous=True)
    return buffer.getvalue() + ("\n".join(END_MARKER_LINES) + "\n").encode("utf-8")


# Reading ------------------------------------------------------------------------

_DECLARED_CHARSET = re.compile(rb"Content-Type:[^\"\n]*?charset=([A-Za-z0-9._:-]+)", re.IGNORECASE)
_KEYWORD_LINE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr) +(.*)$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPE = re.compile(r"\\(.)")
_KNOWN_ESCAPES = set('ntr"\\')


def _decode(data: bytes, filename: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if b"\x00" in data:
        raise ExchangeError(
            _("the file contains NUL bytes: it is binary or UTF-16/32, not a PO file in UTF-8."), filename=filename
        )
    declared = _DECLARED_CHARSET.search(data)
    charset = declared.group(1).decode("ascii") if declared else "utf-8"
    if charset.upper() == "CHARSET":  # the placeholder of an untouched template
        charset = "utf-8"
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        raise ExchangeError(
            _("the file declares the unknown charset %(charset)r.") % {"charset": charset},
            filename=filename,
            line=data.count(b"\n", 0, declared.start()) + 1,
        ) from None
    refuse_misdeclared_utf8(data, charset, filename)
    try:
        return data.decode(name)
    except UnicodeDecodeError as error:
        raise ExchangeError(describe_undecodable(data, error, charset), filename=filename) from None


def _check_syntax(lines: list[str], filename: str) -> dict[int, int]:  # noqa: C901 - one state machine over the lines; to split later
    """Refuse, with its line, whatever Babel's lenient parser would misread or drop.

    Returns {line of each msgid: line its entry starts on (its msgctxt)}.
    """
    state = "between"  # between entries | ctxt | id | plural | str
    entry_line = 0
    entry_starts: dict[int, int] = {}

    def fail(reason, number):
        raise ExchangeError(reason, filename=filename, line=number)

    def check_string(value, number):
        if not _QUOTED.fullmatch(value):
            fail(_("expected one double-quoted string, found %(text)r.") % {"text": value[:40]}, number)
        for escape in _ESCAPE.findall(value[1:-1]):
            if escape not in _KNOWN_ESCAPES:
                fail(_("unsupported escape sequence \\%(char)s in a string.") % {"char": escape}, number)

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue  # blank lines and obsolete entries (ignored)
        if line.startswith("#"):
            if state in ("ctxt", "id", "plural"):
                fail(_("the entry starting at line %(start)d has no msgstr.") % {"start": entry_line}, number)
            state = "between"
            continue
        if line.startswith('"'):
            if state == "between":
                fail(_("a quoted string outside any msgctxt/msgid/msgstr."), number)
            check_string(line, number)
            continue
        keyword_line = _KEYWORD_LINE.match(line)
        if not keyword_line:
            fail(_("unknown or misformatted keyword: %(text)r.") % {"text": line[:40]}, number)
        keyword, value = keyword_line.groups()
        check_string(value, number)
        if keyword == "msgctxt":
            if state in ("ctxt", "id", "plural"):
                fail(_("the entry starting at line %(start)d has no msgstr.") % {"start": entry_line}, number)
            state, entry_line = "ctxt", number
        elif keyword == "msgid":
            if state in ("id", "plural"):
                fail(_("the entry starting at line %(start)d has no msgstr.") % {"start": entry_line}, number)
            if state != "ctxt":
                entry_line = number
            entry_starts[number] = entry_line
            state = "id"
        elif keyword == "msgid_plural":
            if state != "id":
                fail(_("msgid_plural without a msgid just before it."), number)
            state = "plural"
        else:  # msgstr, msgstr[n]
            if state not in ("id", "plural", "str") or (state == "str" and keyword == "msgstr"):
                fail(_("msgstr without a msgid before it."), number)
            state = "str"
    if state in ("ctxt", "id", "plural"):
        fail(
            _("the file ends inside the entry starting at line %(start)d (truncated?).") % {"start": entry_line},
            len(lines),
        )
    return entry_starts


def _parsed_catalog(lines: list[str], filename: str) -> _ExchangeCatalog:
    """The lines as Babel parses them, with exactly one header; raises ExchangeError naming the line."""
    catalog = _ExchangeCatalog()
    parser = PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True)
    try:
        parser.parse(lines)
    except PoFileError as error:
        # PoFileError.lineno counts from 0.
        raise ExchangeError(str(error.args[0]).rsplit(" on ", 1)[0], filename=filename, line=error.lineno + 1) from None
    except (ValueError, IndexError) as error:  # Babel's parser on input our check did not foresee
        raise ExchangeError(_("the PO file cannot be parsed: %(error)s") % {"error": error}, filename=filename) from None

    if not catalog.header_lines:
        raise ExchangeError(_("the file has no PO header (the first entry, msgid \"\")."), filename=filename)
    if len(catalog.header_lines) > 1:
        raise ExchangeError(_("the file has two PO headers."), filename=filename, line=catalog.header_lines[1])
    return catalog


def _header_languages(values: dict[str, str], filename: str, header_line: int) -> tuple[dict[str, str], list[str]]:
    """({"Language": code, HEADER_SOURCE_LANGUAGE: code}, notices of tags read as another code).

    Raises ExchangeError if either header names no configured language.
    """
    languages = {}
    notices = []
    for field in ("Language", HEADER_SOURCE_LANGUAGE):
        code = language_from_tag(values[field])
        if code is not None and values[field].replace("_", "-").lower() != language_tag(code).lower():
            notices.append(_("The file's %(attribute)s %(tag)s was read as %(code)s.") % {"attribute": field, "tag": values[field], "code": language_tag(code)})
        if code is None:
            raise ExchangeError(
                _("%(field)s: %(tag)r is not a configured language (configured: %(known)s).")
                % {"field": field, "tag": values[field], "known": configured_tags()},
                filename=filename,
                line=header_line,
            )
        languages[field] = code
    return languages, notices


def read_po(data: bytes, filename: str) -> ExchangeDocument:
    """Parse a PO exchange file; raise ExchangeError naming the file and line or unit."""
    # CRLF (Windows) and a lone CR (old Mac tools) end lines too; a CR inside a quoted string is not valid PO anyway.
    text = _decode(data, filename).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")  # not splitlines(): U+2028 and friends are text, not line ends
    entry_starts = _check_syntax(lines, filename)
    catalog = _parsed_catalog(lines, filename)
    header_line = catalog.header_lines[0]
    headers = {name.strip().lower(): value.strip() for name, value in catalog.raw_headers or []}

    def header(name):
        value = headers.get(name.lower(), "")
        if not value:
            raise ExchangeError(
                _("the PO header lacks the %(field)s field; the file was not exported by guide_cms or the tool "
                  "dropped it. Export the guide again.") % {"field": name},
                filename=filename,
                line=header_line,
            )
        return value

    values = {name: header(name) for name in _REQUIRED_HEADERS}
    if headers.get(HEADER_END_MARKER.lower()) and not _ends_with_end_marker(lines):
        raise ExchangeError(
            _("the file does not end with the entry that ends every exported file (#~ msgctxt \"%(marker)s\"): it was cut off, "
              "and its last translation may be cut short too. Nothing was imported: send the whole file, or export the guide "
              "again (if your tool removed obsolete entries, it removed that one too).") % {"marker": END_MARKER_CONTEXT},
            filename=filename, line=len(lines),
        )
    languages, notices = _header_languages(values, filename, header_line)
    if languages["Language"] == languages[HEADER_SOURCE_LANGUAGE]:
        raise ExchangeError(_("the target language is the source language."), filename=filename, line=header_line)
    version = parse_source_version(values[HEADER_SOURCE_VERSION])
    source_hash = parse_source_hash(values[HEADER_SOURCE_HASH])
    if version is None or source_hash is None:
        bad = HEADER_SOURCE_VERSION if version is None else HEADER_SOURCE_HASH
        raise ExchangeError(
            _("the %(field)s header field is not valid.") % {"field": bad}, filename=filename, line=header_line
        )

    units: list[ExchangeUnit] = []
    problems: list[ExchangeError] = []
    first_line: dict[str, int | None] = {}
    for message in catalog.entries:
        line = entry_starts.get(message.lineno, message.lineno)
        uid = (message.context or "").strip()
        if not uid:
            problems.append(
                ExchangeError(_("the entry has no msgctxt (its unit id)."), filename=filename, line=line)
            )
            continue
        if uid in first_line:
            problems.append(
                ExchangeError(
                    _("the msgctxt is used twice (first at line %(line)s).") % {"line": first_line[uid]},
                    filename=filename, line=line, unit=uid,
                )
            )
            continue
        first_line[uid] = line
        if message.pluralizable:
            problems.append(
                ExchangeError(_("plural forms are not used in guide exchange files."),
                              filename=filename, line=line, unit=uid)
            )
            continue
        try:
            source = tidy(from_tagged(message.id, po=True))
            target = tidy(from_tagged(message.string or "", po=True))
        except TaggedError as error:
            problems.append(ExchangeError(_("%(code)s is not a placeholder.") % {"code": error.args[0]}, filename=filename, line=line, unit=uid))
            continue
        if not plain(source).strip():
            problems.append(ExchangeError(_("the msgid is empty."), filename=filename, line=line, unit=uid))
            continue
        bad_codes = code_problems(source, target) if target else []
        if bad_codes:
            problems.append(ExchangeError(
                _("the msgstr's placeholders do not match the msgid's: %(problems)s Keep every placeholder of the msgid once, "
                  "in order of nesting.") % {"problems": " ".join(bad_codes)},
                filename=filename, line=line, unit=uid,
            ))
            continue
        flags = set(message.flags)
        if not target:
            state = NEW
        elif "fuzzy" in flags:
            state = FUZZY if FLAG_FUZZY_MATCH in flags else NEEDS_REVIEW
        else:
            state = MEMORY if FLAG_MEMORY in flags else TRANSLATED
        # "#| msgid ..." (previous strings) arrive as comments starting with "|": not notes.
        note = " ".join(c for c in message.user_comments if c and not c.startswith("|"))
        kind = next((c[len(_KIND_COMMENT):].strip() for c in message.auto_comments if c.startswith(_KIND_COMMENT)), "")
        units.append(ExchangeUnit(id=uid, source=source, target=target, state=state, note=note, kind=kind))
    raise_problems(problems, filename)

    return ExchangeDocument(
        guide=values[HEADER_GUIDE],
        source_language=languages[HEADER_SOURCE_LANGUAGE],
        target_language=languages["Language"],
        source_version=version,
        source_hash=source_hash,
        units=tuple(units),
        notices=tuple(notices),
        base=headers.get(HEADER_BASE.lower(), ""),
    )
