"""TMX 1.4 translation memory files, both ways (pure: no database).

One <tu> per pair, a <tuv> per language; inline codes as <bpt>/<ept> (paired,
matched by i=) and <ph> (standalone), each holding the Markdown it stands
for. Properties carry where a pair came from: x-guide, x-context (the unit,
"dosing.body"), x-version, x-signers, and x-clinically-signed, which an
import never believes (imported pairs are never counted as signed).
Read with defusedxml like every exchange file.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..inline import BREAK, CLOSE, CODE, EM, LINK, OPEN, PH, STRONG, URL, Code, Content, code_problems, merge_text, plain
from .base import ExchangeError, language_from_tag, language_tag, raise_problems
from .xml import XML_LANG, attrs, escape_text, local, parse_xml, tidy

_TYPES = {EM: "italic", STRONG: "bold", LINK: "link", BREAK: "lb", CODE: "x-code", URL: "x-url"}
_FROM_TYPES = {value: key for key, value in _TYPES.items()}
_NATIVE_OPEN = {EM: "*", STRONG: "**", LINK: "["}
_NATIVE_CLOSE = {EM: "*", STRONG: "**", LINK: "]()"}


@dataclass(frozen=True)
class TmxPair:
    source_language: str  # Django codes
    language: str
    source: Content
    target: Content
    props: dict = field(default_factory=dict, compare=False)  # x-guide, x-context, x-version, x-signers, x-clinically-signed
    line: int | None = field(default=None, compare=False)


def _seg(content: Content) -> str:
    out = []
    for item in content:
        if isinstance(item, str):
            out.append(escape_text(item))
        elif item.kind == OPEN:
            out.append(f"<bpt{attrs([('i', item.id), ('x', item.id), ('type', _TYPES.get(item.type))])}>"
                       f"{escape_text(_NATIVE_OPEN.get(item.type, ''))}</bpt>")
        elif item.kind == CLOSE:
            out.append(f"<ept{attrs([('i', item.id)])}>{escape_text(_NATIVE_CLOSE.get(item.type, ''))}</ept>")
        else:
            native = item.data if item.type in (CODE, URL) else "\\" if item.type == BREAK else ""
            out.append(f"<ph{attrs([('x', item.id), ('type', _TYPES.get(item.type))])}>{escape_text(native)}</ph>")
    return "".join(out)


def write_tmx(pairs: list[TmxPair], *, source_language: str, tool_version: str = "1") -> bytes:
    """The pairs as a TMX 1.4 document: same pairs, same bytes."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4">',
        "  <header" + attrs([
            ("creationtool", "guide_cms"), ("creationtoolversion", tool_version), ("segtype", "sentence"),
            ("o-tmf", "guide_cms"), ("adminlang", "en"), ("srclang", language_tag(source_language)), ("datatype", "plaintext"),
        ]) + "/>",
        "  <body>",
    ]
    for pair in pairs:
        out.append("    <tu>")
        for name in sorted(pair.props):
            out.append(f"      <prop{attrs([('type', name)])}>{escape_text(str(pair.props[name]))}</prop>")
        out.append(f'      <tuv xml:lang="{language_tag(pair.source_language)}"><seg>{_seg(pair.source)}</seg></tuv>')
        out.append(f'      <tuv xml:lang="{language_tag(pair.language)}"><seg>{_seg(pair.target)}</seg></tuv>')
        out.append("    </tu>")
    out += ["  </body>", "</tmx>", ""]
    return "\n".join(out).encode("utf-8")


def _content(element, problems: list[str]) -> Content:
    items: list = [element.text or ""]
    counter = 0
    for child in element:
        name = local(child.tag)
        if name == "bpt":
            code_id = child.get("x") or child.get("i") or ""
            items.append(Code(code_id, OPEN, _FROM_TYPES.get(child.get("type") or "", "")))
        elif name == "ept":
            items.append(Code(("i", child.get("i") or ""), CLOSE))
        elif name in ("ph", "it", "ut"):
            counter += 1
            code_type = _FROM_TYPES.get(child.get("type") or "", "")
            items.append(Code(child.get("x") or f"ph{counter}", PH, code_type, "".join(child.itertext()) if code_type in (CODE, URL) else ""))
        elif name == "hi":
            items += list(_content(child, problems))
        elif name != "sub":
            problems.append(_("unknown inline element <%(tag)s>.") % {"tag": name})
        items.append(child.tail or "")
    # <ept i="n"> closes the <bpt i="n">, whose id may be its x=.
    opened = {}
    for child in element:
        if local(child.tag) == "bpt":
            opened[child.get("i") or ""] = child.get("x") or child.get("i") or ""
    resolved = [Code(opened.get(i.id[1], i.id[1]), CLOSE) if isinstance(i, Code) and isinstance(i.id, tuple) else i for i in items]
    return merge_text(resolved)


def read_tmx(data: bytes, filename: str, *, source_language: str) -> tuple[list[TmxPair], list[str]]:
    """Pairs of a TMX file (from source_language, or the header's srclang, to every other configured language).

    Returns (pairs, notices): variants in languages that are not configured
    are left out and said. Raises ExchangeError naming the file and line.
    """
    root, lines = parse_xml(data, filename)
    if local(root.tag) != "tmx":
        raise ExchangeError(_("this is not a TMX file (its root element is <%(tag)s>).") % {"tag": local(root.tag)}, filename=filename, line=lines.get(root))
    header = root.find("header")
    declared = (header.get("srclang") if header is not None else "") or ""
    source = source_language if declared in ("", "*all*") else language_from_tag(declared)
    if source is None:
        raise ExchangeError(_("srclang=%(tag)r is not a configured language.") % {"tag": declared}, filename=filename, line=lines.get(header))
    body = root.find("body")
    if body is None:
        raise ExchangeError(_("the file has no <body>."), filename=filename, line=lines.get(root))
    pairs: list[TmxPair] = []
    problems: list[ExchangeError] = []
    skipped: dict[str, int] = {}
    for tu in body.iter("tu"):
        line = lines.get(tu)
        props = {p.get("type"): "".join(p.itertext()) for p in tu.findall("prop") if p.get("type")}
        variants = {}
        for tuv in tu.findall("tuv"):
            tag = tuv.get(XML_LANG) or tuv.get("lang") or ""
            code = language_from_tag(tag)
            if code is None:
                skipped[tag] = skipped.get(tag, 0) + 1
                continue
            seg = tuv.find("seg")
            inline_problems: list[str] = []
            content = tidy(_content(seg, inline_problems)) if seg is not None else ()
            for reason in inline_problems:
                problems.append(ExchangeError(reason, filename=filename, line=lines.get(tuv, line)))
            variants[code] = content
        if source not in variants:
            continue
        for code, content in variants.items():
            if code == source or not plain(content).strip() or not plain(variants[source]).strip():
                continue
            bad = code_problems(variants[source], content)
            if bad:
                problems.append(ExchangeError(" ".join(bad), filename=filename, line=line, unit=tu.get("tuid")))
                continue
            pairs.append(TmxPair(source, code, variants[source], content, props, line))
    raise_problems(problems, filename)
    notices = [_("%(count)d variant(s) in %(tag)s, a language not configured here, were left out.") % {"count": n, "tag": tag or "?"}
               for tag, n in sorted(skipped.items())]
    return pairs, notices
