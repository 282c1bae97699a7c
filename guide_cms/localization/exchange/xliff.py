"""XLIFF 1.2 files for CAT tools: one <file> per guide and language.

Written by hand (not by ElementTree) so the bytes are stable: fixed
attribute order, two-space indentation, UTF-8. Read with defusedxml: no DTD,
no entities, no external references, ever.

States: ours -> XLIFF "new" / "translated" / "needs-review-translation".
Back: "final", "signed-off" and approved="yes" become "translated" at most
(an import is never a sign-off); the file's own claim is available from
read_xliff_detailed() for the importer to report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from .base import (
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
    language_from_tag,
    language_tag,
    parse_source_hash,
    parse_source_version,
    raise_problems,
)

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
GC_NS = "urn:guide-cms:xliff"
NOTE_FROM = "guide_cms"  # <note from="guide_cms">: ours; notes a CAT tool adds are not
_X = "{%s}" % XLIFF_NS
_GC = "{%s}" % GC_NS
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_TO_XLIFF_STATE = {NEW: "new", TRANSLATED: "translated", NEEDS_REVIEW: "needs-review-translation"}
# Every XLIFF 1.2 state value, mapped to ours. Nothing maps to "approved".
_FROM_XLIFF_STATE = {
    "new": NEW,
    "needs-translation": NEW,
    "translated": TRANSLATED,
    "final": TRANSLATED,
    "signed-off": TRANSLATED,
    "needs-review-translation": NEEDS_REVIEW,
    "needs-review-adaptation": NEEDS_REVIEW,
    "needs-review-l10n": NEEDS_REVIEW,
    "needs-adaptation": NEEDS_REVIEW,
    "needs-l10n": NEEDS_REVIEW,
}
_APPROVING_STATES = frozenset({"final", "signed-off"})


@dataclass(frozen=True)
class FileUnitState:
    """What the file itself claimed for a unit, before we mapped it."""

    state: str | None  # the <target state="..."> value, None if absent
    approved: bool  # approved="yes" on the trans-unit

    @property
    def claims_approval(self) -> bool:
        return self.approved or self.state in _APPROVING_STATES


@dataclass(frozen=True)
class XliffReadResult:
    document: ExchangeDocument
    file_states: dict[str, FileUnitState]  # unit id -> the file's raw claim

    @property
    def ignored_approvals(self) -> list[str]:
        """Ids of units the file marked approved/final/signed-off (imported as drafts only)."""
        return [uid for uid, claim in self.file_states.items() if claim.claims_approval]


# Writing ------------------------------------------------------------------------

def _escape_text(value: str) -> str:
    # \r would be turned into \n by any XML parser; keep it as a character reference.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(value: str) -> str:
    return (
        _escape_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    )


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return "".join(f' {name}="{_escape_attr(value)}"' for name, value in pairs)


def write_xliff(doc: ExchangeDocument) -> bytes:
    """The document as XLIFF 1.2: same document, same bytes."""
    check_document(doc)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<xliff xmlns="{XLIFF_NS}" xmlns:gc="{GC_NS}" version="1.2">',
        "  <file"
        + _attrs(
            [
                ("original", doc.guide),
                ("source-language", language_tag(doc.source_language)),
                ("target-language", language_tag(doc.target_language)),
                ("datatype", "plaintext"),
                ("gc:source-version", str(doc.source_version)),
                ("gc:source-hash", doc.source_hash),
            ]
        )
        + ">",
        "    <header>",
        f'      <note from="{NOTE_FROM}">'
        + _escape_text(
            f"guide_cms guide '{doc.guide}', source version {doc.source_version} "
            f"(SHA-256 {doc.source_hash}). Translate the targets as plain text; "
            "keep unit ids and the gc: attributes."
        )
        + "</note>",
        "    </header>",
        "    <body>",
    ]
    for unit in doc.units:
        out.append(f"      <trans-unit{_attrs([('id', unit.id), ('resname', unit.id)])}>")
        out.append(f'        <source xml:space="preserve">{_escape_text(unit.source)}</source>')
        state = _TO_XLIFF_STATE[effective_state(unit)]
        out.append(f'        <target state="{state}" xml:space="preserve">{_escape_text(unit.target)}</target>')
        if unit.note:
            out.append(f'        <note from="{NOTE_FROM}">{_escape_text(unit.note)}</note>')
        out.append("      </trans-unit>")
    out += ["    </body>", "  </file>", "</xliff>", ""]
    return "\n".join(out).encode("utf-8")


# Reading ------------------------------------------------------------------------

class _LineRecorder:
    """TreeBuilder target that remembers the line each element starts on."""

    def __init__(self):
        self._builder = TreeBuilder()
        self.lines: dict[object, int] = {}
        self.expat = None  # the pyexpat parser, set once the XMLParser exists

    def start(self, tag, attrs):
        element = self._builder.start(tag, attrs)
        self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag):
        return self._builder.end(tag)

    def data(self, data):
        self._builder.data(data)

    def close(self):
        return self._builder.close()


_XML_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _check_encoding(data: bytes, filename: str) -> None:
    """Name a wrong encoding plainly instead of expat's "not well-formed (invalid token)"."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a byte-order mark: expat reads it
    declared = _XML_DECLARED_ENCODING.match(data)
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding in ("utf-8", "utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ExchangeError(describe_undecodable(data, error, "UTF-8"), filename=filename) from None


def _parse(data: bytes, filename: str):
    _check_encoding(data, filename)
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    recorder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as error:
        line, column = error.position
        raise ExchangeError(
            _("the file is not well-formed XML (%(detail)s, column %(column)d).")
            % {"detail": str(error).split(":")[0], "column": column + 1},
            filename=filename,
            line=line,
        ) from None
    except DefusedXmlException as error:
        if isinstance(error, DTDForbidden):
            reason = _("the file declares a DTD (<!DOCTYPE>); exchange files must not, and it was not read.")
        elif isinstance(error, EntitiesForbidden):
            reason = _("the file declares entities; they were not expanded and the file was not read.")
        elif isinstance(error, ExternalReferenceForbidden):
            reason = _("the file refers to an external resource; it was not fetched and the file was not read.")
        else:  # pragma: no cover - defusedxml has no other kinds today
            reason = _("the file uses XML features that are not allowed; it was not read.")
        raise ExchangeError(reason, filename=filename, line=parser.parser.CurrentLineNumber) from None
    return root, recorder.lines


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _plain_text(element) -> tuple[str, list[str]]:
    """(text, names of inline tags found). <mrk mtype="seg"> segment wrappers holding text only are not markup."""
    markup = set()
    for child in element:
        is_segment = child.tag == _X + "mrk" and child.get("mtype") == "seg" and len(child) == 0
        if not is_segment:
            markup.update(_local(node.tag) for node in child.iter())
    return "".join(element.itertext()), sorted(markup)


def _map_state(raw: str | None, has_text: bool) -> str | None:
    if not has_text:
        return NEW
    if raw is None:
        return TRANSLATED  # a draft with no state (approved="yes" adds nothing)
    if raw.startswith("x-"):
        return NEEDS_REVIEW  # a tool's own state: a person must look at it
    state = _FROM_XLIFF_STATE.get(raw)
    # Text left "new" (tools that do not update the state): a draft someone must check.
    return NEEDS_REVIEW if state == NEW else state


def read_xliff_detailed(data: bytes, filename: str) -> XliffReadResult:
    """Parse an XLIFF 1.2 exchange file; raise ExchangeError naming the file and line or unit."""
    root, lines = _parse(data, filename)

    def fail(reason, element=None, unit=None):
        raise ExchangeError(reason, filename=filename, line=lines.get(element), unit=unit)

    if root.tag != _X + "xliff":
        if _local(root.tag) == "xliff" and root.tag.startswith("{urn:oasis:names:tc:xliff:document:2"):
            fail(_("this is an XLIFF 2 file; export and import use XLIFF 1.2 (choose XLIFF 1.2 in the CAT tool)."), root)
        if _local(root.tag) == "xliff":
            namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else _("no namespace")
            fail(
                _("the <xliff> element is in %(ns)s, not the XLIFF 1.2 namespace %(xliff)s.")
                % {"ns": namespace, "xliff": XLIFF_NS},
                root,
            )
        fail(_("this is not an XLIFF file (its root element is <%(tag)s>).") % {"tag": _local(root.tag)}, root)

    files = root.findall(_X + "file")
    if len(files) != 1:
        fail(_("an exchange file holds exactly one <file>; this one has %(count)d.") % {"count": len(files)}, root)
    file = files[0]

    guide = (file.get("original") or "").strip()
    if not guide:
        fail(_("the <file> has no original= attribute (the guide)."), file)
    languages = {}
    for attribute in ("source-language", "target-language"):
        tag = file.get(attribute)
        if not tag:
            fail(_("the <file> has no %(attribute)s= attribute.") % {"attribute": attribute}, file)
        code = language_from_tag(tag)
        if code is None:
            fail(
                _("%(attribute)s=%(tag)r is not a configured language (configured: %(known)s).")
                % {"attribute": attribute, "tag": tag, "known": configured_tags()},
                file,
            )
        languages[attribute] = code
    if languages["source-language"] == languages["target-language"]:
        fail(_("the target language is the source language."), file)
    version = parse_source_version(file.get(_GC + "source-version"))
    source_hash = parse_source_hash(file.get(_GC + "source-hash"))
    if version is None or source_hash is None:
        missing = "gc:source-version" if version is None else "gc:source-hash"
        fail(
            _("the <file> lacks a valid %(attribute)s attribute; the CAT tool dropped it or the file was not "
              "exported by guide_cms. Export the guide again.") % {"attribute": missing},
            file,
        )
    body = file.find(_X + "body")
    if body is None:
        fail(_("the <file> has no <body>."), file)

    units: list[ExchangeUnit] = []
    states: dict[str, FileUnitState] = {}
    problems: list[ExchangeError] = []
    first_line: dict[str, int | None] = {}
    for element in body.iter(_X + "trans-unit"):
        line = lines.get(element)
        uid = (element.get("id") or "").strip()
        if not uid:
            problems.append(ExchangeError(_("a <trans-unit> has no id."), filename=filename, line=line))
            continue
        if uid in first_line:
            problems.append(
                ExchangeError(
                    _("the id is used twice (first at line %(line)s).") % {"line": first_line[uid]},
                    filename=filename, line=line, unit=uid,
                )
            )
            continue
        first_line[uid] = line
        source_element = element.find(_X + "source")
        if source_element is None:
            problems.append(ExchangeError(_("the unit has no <source>."), filename=filename, line=line, unit=uid))
            continue
        source, source_markup = _plain_text(source_element)
        target_element = element.find(_X + "target")
        if target_element is None:
            target, target_markup, raw_state = "", [], None
        else:
            target, target_markup = _plain_text(target_element)
            raw_state = target_element.get("state")
        if source_markup or target_markup:
            where = "<source>" if source_markup else "<target>"
            bad = source_element if source_markup else target_element
            tags = ", ".join(f"<{name}>" for name in source_markup or target_markup)
            problems.append(
                ExchangeError(
                    _("the %(where)s contains inline tags (%(tags)s); patient text must come back as plain text. "
                      "Remove the tags in the CAT tool and export again.") % {"where": where, "tags": tags},
                    filename=filename, line=lines.get(bad, line), unit=uid,
                )
            )
            continue
        if not source:
            problems.append(ExchangeError(_("the <source> is empty."), filename=filename, line=line, unit=uid))
            continue
        approved = (element.get("approved") or "").strip().lower() == "yes"
        state = _map_state(raw_state, bool(target))
        if state is None:
            problems.append(
                ExchangeError(
                    _("unknown XLIFF 1.2 state %(state)r.") % {"state": raw_state},
                    filename=filename, line=lines.get(target_element, line), unit=uid,
                )
            )
            continue
        notes = [
            "".join(note.itertext())
            for note in element.findall(_X + "note")
            if note.get("from") == NOTE_FROM
        ]
        units.append(ExchangeUnit(id=uid, source=source, target=target, state=state, note="\n".join(notes)))
        states[uid] = FileUnitState(state=raw_state, approved=approved)
    raise_problems(problems, filename)

    document = ExchangeDocument(
        guide=guide,
        source_language=languages["source-language"],
        target_language=languages["target-language"],
        source_version=version,
        source_hash=source_hash,
        units=tuple(units),
    )
    return XliffReadResult(document=document, file_states=states)


def read_xliff(data: bytes, filename: str) -> ExchangeDocument:
    """Parse an XLIFF 1.2 exchange file into an ExchangeDocument (see read_xliff_detailed)."""
    return read_xliff_detailed(data, filename).document
