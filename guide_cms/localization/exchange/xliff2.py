"""XLIFF 2.0 files for CAT tools.

Layout: a <group> per field unit ("dosing.body"), a <unit> per block
("dosing.body.2") holding one <segment> per sentence ("dosing.body.2.1"),
with the whitespace between sentences in <ignorable>. The file says
canResegment="no": a tool that cuts or joins our segments anyway is
reported. Inline codes: <pc type="fmt" subType="xlf:i|xlf:b"> for emphasis,
<pc type="link"> for links (their addresses in the notes), <ph> for a line
break (subType="xlf:lb"), inline code or a bare address (canDelete="no").

States, ours -> XLIFF 2.0: new -> initial (no target); translated ->
translated; needs review -> initial with subState "gc:needs-review"; from
memory -> translated with subState "gc:memory"; a fuzzy match -> initial with
subState "gc:fuzzy" and the match in <mtc:matches>. Back: "reviewed" and
"final" are "translated" at most (an import is never a sign-off); a target
left "initial" needs review.
"""
from __future__ import annotations

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
    unit_of,
)
from .code_notes import describe_codes
from .xml import attrs, escape_text, local, namespace, parse_xml, tidy

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
MTC_NS = "urn:oasis:names:tc:xliff:matches:2.0"
GC_NS = "urn:guide-cms:xliff"
NOTE_CATEGORY = "guide_cms"
_X = f"{{{XLIFF2_NS}}}"
_GC = f"{{{GC_NS}}}"

_PAIRED = {EM: ("fmt", "xlf:i"), STRONG: ("fmt", "xlf:b"), LINK: ("link", None)}
_SINGLE = {BREAK: ("fmt", "xlf:lb"), CODE: ("other", "gc:code"), URL: ("other", "gc:url")}
_TYPES = {("fmt", "xlf:i"): EM, ("fmt", "xlf:b"): STRONG, ("link", None): LINK, ("fmt", "xlf:lb"): BREAK,
          ("other", "gc:code"): CODE, ("other", "gc:url"): URL}
_TO_STATE = {
    NEW: ("initial", None),
    TRANSLATED: ("translated", None),
    NEEDS_REVIEW: ("initial", "gc:needs-review"),
    MEMORY: ("translated", "gc:memory"),
    FUZZY: ("initial", "gc:fuzzy"),
}


def _type_of(element) -> str:
    kind, sub = element.get("type"), element.get("subType")
    return _TYPES.get((kind, sub)) or _TYPES.get((kind, None)) or ""


# Writing ------------------------------------------------------------------------

def content_xml(content: Content) -> str:
    out = []
    for item in content:
        if isinstance(item, str):
            out.append(escape_text(item))
        elif item.kind == OPEN:
            kind, sub = _PAIRED.get(item.type, ("other", None))
            out.append(f"<pc{attrs([('id', item.id), ('type', kind), ('subType', sub), ('canDelete', 'no')])}>")
        elif item.kind == CLOSE:
            out.append("</pc>")
        else:
            kind, sub = _SINGLE.get(item.type, ("other", None))
            equiv = item.data if item.type in (CODE, URL) else None
            out.append(f"<ph{attrs([('id', item.id), ('type', kind), ('subType', sub), ('equiv', equiv), ('canDelete', 'no')])}/>")
    return "".join(out)


def _matches_xml(members: list[ExchangeUnit]) -> list[str]:
    """The <mtc:matches> lines of a unit's segments: the memory's proposals (none if no segment has one)."""
    matches = [m for m in members if m.match]
    if not matches:
        return []
    out = ["        <mtc:matches>"]
    for member in matches:
        match = member.match
        out.append(
            f"          <mtc:match{attrs([('ref', '#' + member.id), ('similarity', f'{min(match.score, 100)}.0'), ('origin', match.origin or 'guide_cms memory')])}>"
            f"<source>{content_xml(match.source)}</source><target>{content_xml(match.target)}</target></mtc:match>"
        )
    out.append("        </mtc:matches>")
    return out


def _notes_xml(members: list[ExchangeUnit]) -> list[str]:
    """The <notes> line of a unit's segments: each one's note and what its inline codes are (none if there are none)."""
    notes = []
    for member in members:
        if member.note:
            notes.append(f'<note{attrs([("category", NOTE_CATEGORY), ("id", "n-" + member.id)])}>{escape_text(member.note)}</note>')
        if described := describe_codes(member.source):
            notes.append(f'<note{attrs([("category", NOTE_CATEGORY + "-codes"), ("appliesTo", "source"), ("id", "c-" + member.id)])}>{escape_text(described)}</note>')
    return ["        <notes>" + "".join(notes) + "</notes>"] if notes else []


def write_xliff2(doc: ExchangeDocument) -> bytes:
    """The document as XLIFF 2.0: same document, same bytes."""
    check_document(doc)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<xliff xmlns="{XLIFF2_NS}" xmlns:mtc="{MTC_NS}" xmlns:gc="{GC_NS}" version="2.0"'
        f"{attrs([('srcLang', language_tag(doc.source_language)), ('trgLang', language_tag(doc.target_language))])}>",
        f"  <file{attrs([('id', 'f1'), ('original', doc.guide), ('canResegment', 'no'), ('gc:source-version', doc.source_version), ('gc:source-hash', doc.source_hash), ('gc:base', doc.base or None)])}>",
        f'    <notes><note category="{NOTE_CATEGORY}">'
        + escape_text(
            f"guide_cms guide '{doc.guide}', source version {doc.source_version} (SHA-256 {doc.source_hash}). "
            "One segment per sentence; keep every inline code, the ids and the gc: attributes."
        )
        + "</note></notes>",
    ]
    # Blocks: consecutive segments of one block ("dosing.body.2.1", "dosing.body.2.2") form one <unit>.
    blocks: list[tuple[str, list[ExchangeUnit]]] = []
    for unit in doc.units:
        block = unit.id if unit.id.count(".") == 2 else unit.id.rsplit(".", 1)[0]
        if blocks and blocks[-1][0] == block:
            blocks[-1][1].append(unit)
        else:
            blocks.append((block, [unit]))
    group = None
    for block, members in blocks:
        if unit_of(block) != group:
            if group is not None:
                out.append("    </group>")
            group = unit_of(block)
            out.append(f"    <group{attrs([('id', group), ('name', group)])}>")
        kind = members[0].kind or None
        out.append(f"      <unit{attrs([('id', block), ('name', block), ('gc:kind', kind)])}>")
        out += _matches_xml(members)
        out += _notes_xml(members)
        for n, member in enumerate(members):
            if n:
                out.append('        <ignorable><source xml:space="preserve"> </source></ignorable>')
            state, sub = _TO_STATE[effective_state(member)]
            out.append(f"        <segment{attrs([('id', member.id), ('state', state), ('subState', sub if member.target else None)])}>")
            out.append(f'          <source xml:space="preserve">{content_xml(member.source)}</source>')
            if member.target:
                out.append(f'          <target xml:space="preserve">{content_xml(with_source_codes(member.source, member.target))}</target>')
            out.append("        </segment>")
        out.append("      </unit>")
    if group is not None:
        out.append("    </group>")
    out += ["  </file>", "</xliff>", ""]
    return "\n".join(out).encode("utf-8")


# Reading ------------------------------------------------------------------------

def _content(element, problems: list[str]) -> Content:
    items: list = [element.text or ""]
    for child in element:
        name, ns = local(child.tag), namespace(child.tag)
        code_id = child.get("id") or ""
        if ns != XLIFF2_NS:
            items += list(_content(child, problems))
        elif name == "pc":
            code_type = _type_of(child)
            items += [Code(code_id, OPEN, code_type), *_content(child, problems), Code(code_id, CLOSE, code_type)]
        elif name == "ph":
            items.append(Code(code_id, PH, _type_of(child), child.get("equiv") or ""))
        elif name == "sc":
            items.append(Code(code_id, OPEN, _type_of(child)))
        elif name == "ec":
            items.append(Code(child.get("startRef") or code_id, CLOSE))
        elif name in ("mrk", "sm", "em"):
            items += list(_content(child, problems))
        else:
            problems.append(_("unknown inline element <%(tag)s>.") % {"tag": name})
        items.append(child.tail or "")
    return merge_text(items)


def _map_state(state: str | None, sub: str | None, has_text: bool) -> tuple[str | None, bool]:
    """(our state, whether the file claimed more than translated)."""
    if not has_text:
        return NEW, False
    state = (state or "initial").strip()
    sub = (sub or "").strip()
    if state == "initial":
        return (FUZZY if sub == "gc:fuzzy" else NEEDS_REVIEW), False
    if state == "translated":
        return (MEMORY if sub == "gc:memory" else TRANSLATED), False
    if state in ("reviewed", "final"):
        return TRANSLATED, True
    return None, False


def read_xliff2_tree(root, lines, filename: str) -> ExchangeDocument:  # noqa: C901 - one pass over the file, to split later
    def fail(reason, element=None, unit=None):
        raise ExchangeError(reason, filename=filename, line=lines.get(element), unit=unit)

    if root.tag != _X + "xliff":
        fail(_("the <xliff> element is in %(ns)s, not the XLIFF 2.0 namespace %(xliff)s.") % {"ns": namespace(root.tag), "xliff": XLIFF2_NS}, root)
    notices: list[str] = []
    languages = {}
    for attribute in ("srcLang", "trgLang"):
        tag = root.get(attribute)
        if not tag:
            fail(_("the <xliff> element has no %(attribute)s= attribute.") % {"attribute": attribute}, root)
        code = language_from_tag(tag)
        if code is None:
            fail(_("%(attribute)s=%(tag)r is not a configured language (configured: %(known)s).")
                 % {"attribute": attribute, "tag": tag, "known": configured_tags()}, root)
        if tag.replace("_", "-").lower() != language_tag(code).lower():
            notices.append(_("The file's %(attribute)s %(tag)s was read as %(code)s.") % {"attribute": attribute, "tag": tag, "code": language_tag(code)})
        languages[attribute] = code
    if languages["srcLang"] == languages["trgLang"]:
        fail(_("the target language is the source language."), root)
    files = root.findall(_X + "file")
    if len(files) != 1:
        fail(_("an exchange file holds exactly one <file>; this one has %(count)d.") % {"count": len(files)}, root)
    file = files[0]
    guide = (file.get("original") or "").strip()
    if not guide:
        fail(_("the <file> has no original= attribute (the guide)."), file)
    version = parse_source_version(file.get(_GC + "source-version"))
    source_hash = parse_source_hash(file.get(_GC + "source-hash"))
    if version is None or source_hash is None:
        missing = "gc:source-version" if version is None else "gc:source-hash"
        fail(_("the <file> lacks a valid %(attribute)s attribute; the CAT tool dropped it or the file was not "
               "exported by guide_cms. Export the guide again.") % {"attribute": missing}, file)

    units: list[ExchangeUnit] = []
    problems: list[ExchangeError] = []
    approvals: list[str] = []
    seen: dict[str, int | None] = {}
    for unit_element in file.iter(_X + "unit"):
        kind = unit_element.get(_GC + "kind") or ""
        notes = {
            (note.get("id") or "")[2:]: "".join(note.itertext())
            for note in unit_element.iter(_X + "note") if note.get("category") == NOTE_CATEGORY
        }
        for segment in unit_element.findall(_X + "segment"):
            line = lines.get(segment)

            def problem(reason, at=None, uid=None, line=line):  # bound now: a closure reads its loop variable late
                problems.append(ExchangeError(reason, filename=filename, line=lines.get(at, line), unit=uid))

            uid = (segment.get("id") or "").strip()
            if not uid:
                problem(_("a <segment> of unit %(unit)s has no id; the CAT tool cut or joined segments although the "
                          "file says canResegment=\"no\".") % {"unit": unit_element.get("id")})
                continue
            if uid in seen:
                problem(_("the id is used twice (first at line %(line)s).") % {"line": seen[uid]}, uid=uid)
                continue
            seen[uid] = line
            inline_problems: list[str] = []
            source_element = segment.find(_X + "source")
            if source_element is None:
                problem(_("the segment has no <source>."), uid=uid)
                continue
            source = tidy(_content(source_element, inline_problems))
            target_element = segment.find(_X + "target")
            target = tidy(_content(target_element, inline_problems)) if target_element is not None else ()
            for reason in inline_problems:
                problem(reason, uid=uid)
            if inline_problems:
                continue
            if not plain(source).strip():
                problem(_("the <source> is empty."), uid=uid)
                continue
            bad_codes = code_problems(source, target) if target else []
            if bad_codes:
                problem(
                    _("the target's inline codes do not match the source's: %(problems)s Keep every code of the source once, "
                      "in order of nesting.") % {"problems": " ".join(bad_codes)},
                    target_element, uid,
                )
                continue
            state, approved = _map_state(segment.get("state"), segment.get("subState"), bool(target))
            if state is None:
                problem(_("unknown XLIFF 2.0 state %(state)r.") % {"state": segment.get("state")}, segment, uid)
                continue
            if approved:
                approvals.append(uid)
            note = notes.get(uid, "")
            units.append(ExchangeUnit(id=uid, source=source, target=with_source_codes(source, target), state=state, note=note, kind=kind))
    raise_problems(problems, filename)
    return ExchangeDocument(
        guide=guide, source_language=languages["srcLang"], target_language=languages["trgLang"], source_version=version,
        source_hash=source_hash, units=tuple(units), base=file.get(_GC + "base") or "", ignored_approvals=tuple(approvals), notices=tuple(notices),
    )


def read_xliff2(data: bytes, filename: str) -> ExchangeDocument:
    """Parse an XLIFF 2.0 exchange file; raise ExchangeError naming the file and line or unit."""
    root, lines = parse_xml(data, filename)
    return read_xliff2_tree(root, lines, filename)
