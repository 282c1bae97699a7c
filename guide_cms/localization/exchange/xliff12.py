"""XLIFF 1.2 files for CAT tools: one <file> per guide and language.

Layout: a <group> per field unit ("dosing.body"), a <trans-unit> per
sentence segment ("dosing.body.2.1"), or per block when a translation's
sentences could not be paired with the source's. Inline markup travels as
codes: <g ctype="italic|bold|link"> for emphasis and links, <x/> for a line
break, inline code or a bare address; link addresses are in the notes, never
in the text.

States, ours -> XLIFF: new -> "new"; translated -> "translated"; needs
review -> "needs-review-translation"; from memory -> "translated" with
state-qualifier "leveraged-tm"; a fuzzy match -> "needs-review-translation"
with state-qualifier "fuzzy-match" and the match in <alt-trans>.
Back: "final", "signed-off" and approved="yes" become "translated" at most
(an import is never a sign-off). The states Trados (sdl:seg conf), memoQ
(mq:status) and Phrase (m:confirmed) keep beside XLIFF's are read too.

A CAT tool that segments a unit further (<seg-source> with <mrk mtype="seg">)
is read segment by segment: a missing or extra target segment refuses the
file, an empty one leaves the unit unapplied and reported; segments are
never joined around a gap.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..inline import BREAK, CLOSE, CODE, EM, LINK, OPEN, PH, STRONG, URL, Code, Content, code_problems, merge_text, plain, with_source_codes
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
    effective_state,
    language_from_tag,
    language_tag,
    parse_source_hash,
    parse_source_version,
    raise_problems,
)
from .code_notes import describe_codes
from .xml import attrs, escape_text, local, namespace, tidy

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
GC_NS = "urn:guide-cms:xliff"
NOTE_FROM = "guide_cms"  # <note from="guide_cms">: ours; notes a CAT tool adds are not
CODES_FROM = "guide_cms-codes"  # what each inline code is (written for translators, not read back)
_X = f"{{{XLIFF_NS}}}"
_GC = f"{{{GC_NS}}}"

_CTYPES = {EM: "italic", STRONG: "bold", LINK: "link", BREAK: "lb", CODE: "x-code", URL: "x-url"}
_TYPES = {value: key for key, value in _CTYPES.items()}
_TO_XLIFF_STATE = {
    NEW: ("new", None),
    TRANSLATED: ("translated", None),
    NEEDS_REVIEW: ("needs-review-translation", None),
    MEMORY: ("translated", "leveraged-tm"),
    FUZZY: ("needs-review-translation", "fuzzy-match"),
}
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
_MEMORY_QUALIFIERS = frozenset({"exact-match", "leveraged-tm", "id-match", "leveraged-inherited", "leveraged-repository"})
_FUZZY_QUALIFIERS = frozenset({"fuzzy-match", "leveraged-mt", "mt-suggestion", "leveraged-glossary"})
# Vendors' own segment states (Trados sdl:seg conf, memoQ mq:status).
_SDL_CONF = {
    "draft": NEEDS_REVIEW, "translated": TRANSLATED, "rejectedtranslation": NEEDS_REVIEW,
    "approvedtranslation": TRANSLATED, "rejectedsignoff": NEEDS_REVIEW, "approvedsignoff": TRANSLATED,
}
_SDL_APPROVING = frozenset({"approvedtranslation", "approvedsignoff"})
_MQ_STATUS = {
    "notstarted": NEW, "editorconfirmed": TRANSLATED, "manuallyconfirmed": TRANSLATED, "proofread": TRANSLATED,
    "reviewer1confirmed": TRANSLATED, "reviewer2confirmed": TRANSLATED, "partiallyedited": NEEDS_REVIEW,
    "pretranslated": NEEDS_REVIEW, "machinetranslated": FUZZY, "rejected": NEEDS_REVIEW, "assembledfromfragments": FUZZY,
}
_SEVERITY = {NEW: 0, TRANSLATED: 1, MEMORY: 1, FUZZY: 2, NEEDS_REVIEW: 3}


@dataclass(frozen=True)
class FileUnitState:
    """What the file itself claimed for a unit, before we mapped it."""

    state: str | None  # the <target state="..."> value, None if absent
    approved: bool  # approved="yes" on the trans-unit, or a vendor's approved/signed-off state

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

def content_xml(content: Content) -> str:
    """Content as XLIFF 1.2 inline markup."""
    out = []
    for item in content:
        if isinstance(item, str):
            out.append(escape_text(item))
        elif item.kind == OPEN:
            out.append(f"<g{attrs([('id', item.id), ('ctype', _CTYPES.get(item.type))])}>")
        elif item.kind == CLOSE:
            out.append("</g>")
        else:
            equiv = item.data if item.type in (CODE, URL) else None
            out.append(f"<x{attrs([('id', item.id), ('ctype', _CTYPES.get(item.type)), ('equiv-text', equiv)])}/>")
    return "".join(out)


def write_xliff(doc: ExchangeDocument) -> bytes:
    """The document as XLIFF 1.2: same document, same bytes."""
    check_document(doc)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<xliff xmlns="{XLIFF_NS}" xmlns:gc="{GC_NS}" version="1.2">',
        "  <file"
        + attrs(
            [
                ("original", doc.guide),
                ("source-language", language_tag(doc.source_language)),
                ("target-language", language_tag(doc.target_language)),
                ("datatype", "plaintext"),
                ("gc:source-version", str(doc.source_version)),
                ("gc:source-hash", doc.source_hash),
                ("gc:base", doc.base or None),
            ]
        )
        + ">",
        "    <header>",
        f'      <note from="{NOTE_FROM}">'
        + escape_text(
            f"guide_cms guide '{doc.guide}', source version {doc.source_version} "
            f"(SHA-256 {doc.source_hash}). One unit per sentence; keep every inline code "
            "(emphasis, links, line breaks), the unit ids and the gc: attributes."
        )
        + "</note>",
        "    </header>",
        "    <body>",
    ]
    group = None
    for unit in doc.units:
        if unit.unit != group:
            if group is not None:
                out.append("      </group>")
            group = unit.unit
            out.append(f"      <group{attrs([('id', group), ('resname', group)])}>")
        out.append(f"        <trans-unit{attrs([('id', unit.id), ('resname', unit.id), ('gc:kind', unit.kind or None)])}>")
        out.append(f'          <source xml:space="preserve">{content_xml(unit.source)}</source>')
        state, qualifier = _TO_XLIFF_STATE[effective_state(unit)]
        out.append(
            f"          <target{attrs([('state', state), ('state-qualifier', qualifier if unit.target else None)])}"
            f' xml:space="preserve">{content_xml(with_source_codes(unit.source, unit.target))}</target>'
        )
        if unit.match:
            origin = unit.match.origin or "guide_cms memory"
            out.append(f"          <alt-trans{attrs([('match-quality', str(min(unit.match.score, 100))), ('origin', origin)])}>")
            out.append(f"            <source>{content_xml(unit.match.source)}</source>")
            out.append(f"            <target>{content_xml(unit.match.target)}</target>")
            out.append("          </alt-trans>")
        if unit.note:
            out.append(f'          <note from="{NOTE_FROM}">{escape_text(unit.note)}</note>')
        if described := describe_codes(unit.source):
            out.append(f'          <note from="{CODES_FROM}">{escape_text(described)}</note>')
        out.append("        </trans-unit>")
    if group is not None:
        out.append("      </group>")
    out += ["    </body>", "  </file>", "</xliff>", ""]
    return "\n".join(out).encode("utf-8")


# Reading ------------------------------------------------------------------------

def _content(element, problems: list[str]) -> Content:
    """XLIFF 1.2 inline content: text and codes; segment and other markers are transparent."""
    items: list = [element.text or ""]
    for child in element:
        name, ns = local(child.tag), namespace(child.tag)
        code_id = child.get("id") or ""
        if ns != XLIFF_NS:
            items += list(_content(child, problems))  # a tool's own marker element: keep its text
        elif name == "g":
            code_type = _TYPES.get(child.get("ctype") or "", "")
            items += [Code(code_id, OPEN, code_type), *_content(child, problems), Code(code_id, CLOSE, code_type)]
        elif name == "x":
            items.append(Code(code_id, PH, _TYPES.get(child.get("ctype") or "", ""), child.get("equiv-text") or ""))
        elif name in ("bx", "bpt"):
            items.append(Code(child.get("rid") or code_id, OPEN, _TYPES.get(child.get("ctype") or "", "")))
        elif name in ("ex", "ept"):
            items.append(Code(child.get("rid") or code_id, CLOSE))
        elif name in ("ph", "it"):
            items.append(Code(code_id, PH))
        elif name == "mrk":
            items += list(_content(child, problems))
        elif name != "sub":
            problems.append(_("unknown inline element <%(tag)s>.") % {"tag": name})
        items.append(child.tail or "")
    return merge_text(items)


def _segment_markers(element) -> list:
    return [child for child in element if child.tag == _X + "mrk" and child.get("mtype") == "seg"]


def _vendor_state(element) -> tuple[str | None, bool]:
    """(our state, whether it claims approval) from Trados, memoQ or Phrase attributes, if any."""
    found: list[str] = []
    approved = False
    for node in element.iter():
        name = local(node.tag).lower()
        if name == "seg" and namespace(node.tag) != XLIFF_NS and node.get("conf"):
            conf = node.get("conf").lower()
            state = _SDL_CONF.get(conf, NEEDS_REVIEW)
            approved |= conf in _SDL_APPROVING
            percent = node.get("percent")
            if state == NEEDS_REVIEW and conf == "draft" and percent and percent.isdigit() and int(percent) < 100:
                state = FUZZY
            found.append(state)
    for name, value in element.attrib.items():
        if not name.startswith("{") or namespace(name) in (XLIFF_NS, GC_NS):
            continue
        key, value = local(name).lower(), value.strip().lower()
        if key == "status" and value in _MQ_STATUS:
            found.append(_MQ_STATUS[value])
        elif key == "confirmed" and value in ("0", "1"):
            found.append(TRANSLATED if value == "1" else NEEDS_REVIEW)
    if not found:
        return None, approved
    return max(found, key=_SEVERITY.__getitem__), approved


def map_state(raw: str | None, qualifier: str | None, has_text: bool) -> str | None:
    """Ours for an XLIFF 1.2 state and state-qualifier; None for an unknown state."""
    if not has_text:
        return NEW
    if raw is None:
        state = TRANSLATED  # a draft with no state (approved="yes" adds nothing)
    elif raw.startswith("x-"):
        state = NEEDS_REVIEW  # a tool's own state: a person must look at it
    else:
        state = _FROM_XLIFF_STATE.get(raw)
        if state is None:
            return None
        if state == NEW:
            state = NEEDS_REVIEW  # text left "new" (tools that do not update the state): someone must check it
    qualifier = (qualifier or "").strip()
    if state == NEEDS_REVIEW and qualifier in _FUZZY_QUALIFIERS:
        return FUZZY
    if state == TRANSLATED and qualifier in _MEMORY_QUALIFIERS:
        return MEMORY
    return state


def _language(tag, attribute, element, fail, notices):
    if not tag:
        fail(_("the <file> has no %(attribute)s= attribute.") % {"attribute": attribute}, element)
    code = language_from_tag(tag)
    if code is None:
        fail(
            _("%(attribute)s=%(tag)r is not a configured language (configured: %(known)s).")
            % {"attribute": attribute, "tag": tag, "known": configured_tags()},
            element,
        )
    if tag.replace("_", "-").lower() != language_tag(code).lower():
        notices.append(_("The file's %(attribute)s %(tag)s was read as %(code)s.") % {"attribute": attribute, "tag": tag, "code": language_tag(code)})
    return code


def read_xliff12_tree(root, lines, filename: str) -> XliffReadResult:  # noqa: C901 - one pass over the file, to split later
    """Read a parsed XLIFF 1.2 exchange file (guide_cms.localization.exchange.xliff reads either version); raise
    ExchangeError naming the file and line or unit."""

    def fail(reason, element=None, unit=None):
        raise ExchangeError(reason, filename=filename, line=lines.get(element), unit=unit)

    if root.tag != _X + "xliff":
        if local(root.tag) == "xliff":
            ns = namespace(root.tag) or _("no namespace")
            fail(_("the <xliff> element is in %(ns)s, not the XLIFF 1.2 namespace %(xliff)s.") % {"ns": ns, "xliff": XLIFF_NS}, root)
        fail(_("this is not an XLIFF file (its root element is <%(tag)s>).") % {"tag": local(root.tag)}, root)

    files = root.findall(_X + "file")
    if len(files) != 1:
        fail(_("an exchange file holds exactly one <file>; this one has %(count)d.") % {"count": len(files)}, root)
    file = files[0]
    guide = (file.get("original") or "").strip()
    if not guide:
        fail(_("the <file> has no original= attribute (the guide)."), file)
    notices: list[str] = []
    source_language = _language(file.get("source-language"), "source-language", file, fail, notices)
    target_language = _language(file.get("target-language"), "target-language", file, fail, notices)
    if source_language == target_language:
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

        def problem(reason, at=None, uid=None, line=line):  # bound now: a closure reads its loop variable late
            problems.append(ExchangeError(reason, filename=filename, line=lines.get(at, line), unit=uid))

        uid = (element.get("id") or "").strip()
        if not uid:
            problem(_("a <trans-unit> has no id."))
            continue
        if uid in first_line:
            problem(_("the id is used twice (first at line %(line)s).") % {"line": first_line[uid]}, uid=uid)
            continue
        first_line[uid] = line
        source_element = element.find(_X + "source")
        if source_element is None:
            problem(_("the unit has no <source>."), uid=uid)
            continue
        inline_problems: list[str] = []
        source = tidy(_content(source_element, inline_problems))
        if not plain(source).strip():
            problem(_("the <source> is empty."), uid=uid)
            continue
        target_element = element.find(_X + "target")
        incomplete: list[str] = []
        if target_element is None:
            target, raw_state, qualifier = (), None, None
        else:
            raw_state, qualifier = target_element.get("state"), target_element.get("state-qualifier")
            target = tidy(_content(target_element, inline_problems))
            segmented = element.find(_X + "seg-source")
            if segmented is not None or _segment_markers(target_element):
                structural = _check_segments(segmented, target_element, lines, incomplete)
                for reason, at in structural:
                    problem(reason, at, uid)
                if structural:
                    continue
        for reason in inline_problems:
            problem(reason, uid=uid)
        if inline_problems:
            continue
        bad_codes = code_problems(source, target) if target else []
        if bad_codes:
            problem(
                _("the target's inline codes do not match the source's: %(problems)s Keep every code of the source once, "
                  "in order of nesting.") % {"problems": " ".join(bad_codes)},
                target_element, uid,
            )
            continue
        approved = (element.get("approved") or "").strip().lower() == "yes"
        state = map_state(raw_state, qualifier, bool(target))
        if state is None:
            problem(_("unknown XLIFF 1.2 state %(state)r.") % {"state": raw_state}, target_element, uid)
            continue
        vendor, vendor_approved = _vendor_state(element)
        if vendor is not None and target:
            state = vendor if not (vendor == TRANSLATED and state == MEMORY) else MEMORY
        notes = ["".join(note.itertext()) for note in element.findall(_X + "note") if note.get("from") == NOTE_FROM]
        note = "\n".join(notes)
        units.append(
            ExchangeUnit(
                id=uid, source=source, target=with_source_codes(source, target), state=state, note=note, kind=element.get(_GC + "kind") or "",
                incomplete=tuple(incomplete),
            )
        )
        states[uid] = FileUnitState(state=raw_state, approved=approved or vendor_approved)
    raise_problems(problems, filename)

    document = ExchangeDocument(
        guide=guide, source_language=source_language, target_language=target_language, source_version=version,
        source_hash=source_hash, units=tuple(units), base=file.get(_GC + "base") or "",
        ignored_approvals=tuple(uid for uid, claim in states.items() if claim.claims_approval), notices=tuple(notices),
    )
    return XliffReadResult(document=document, file_states=states)


def _check_segments(seg_source, target, lines, incomplete: list[str]) -> list[tuple[str, object]]:
    """Compare a CAT tool's source segments with its target segments; structural problems, and empty ones in incomplete."""
    problems: list[tuple[str, object]] = []
    source_marks = _segment_markers(seg_source) if seg_source is not None else []
    target_marks = _segment_markers(target)
    if not source_marks:
        return problems  # a target wrapped in segment markers with nothing to compare: plain text
    wanted = {mark.get("mid"): mark for mark in source_marks}
    found = {mark.get("mid"): mark for mark in target_marks}
    if not target_marks and "".join(target.itertext()).strip():
        if len(source_marks) > 1:
            problems.append((_("the CAT tool cut this unit into %(count)d segments, but the target is not cut into segments.")
                             % {"count": len(source_marks)}, target))
        return problems
    for mid, mark in wanted.items():
        if mid not in found:
            if target_marks or "".join(target.itertext()).strip():
                problems.append((_("segment %(mid)s of the source has no segment in the target (it was lost).") % {"mid": mid}, target))
            else:
                incomplete.append(str(mid))
        elif not "".join(found[mid].itertext()).strip() and "".join(mark.itertext()).strip():
            incomplete.append(str(mid))
    for mid, mark in found.items():
        if mid not in wanted:
            problems.append((_("the target has a segment %(mid)s that the source does not have.") % {"mid": mid}, mark))
    return problems
