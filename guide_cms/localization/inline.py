"""Inline markup as codes, not text (pure: no database).

A block of patient text (a paragraph, a list item, a callout's text) is a
sequence of text and codes. Emphasis and links are paired codes (an opening
and a closing code sharing an id); a line break, inline code and a bare
address are standalone placeholders. Translators move codes, never type
Markdown; the Markdown of a translation is written from the codes of its
source (so a link's address can never be changed in a translation).

The tagged form is the canonical string of a content: text with "&" and "<"
escaped, codes as <1>…</1> and <2/>. Drafts and the memory store it; PO files
show it to translators (with only a "<" that would read as a code escaped).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSE, PH = "open", "close", "ph"
# Types of code and what they are in Markdown.
EM, STRONG, LINK, CODE, BREAK, URL = "em", "strong", "link", "code", "br", "url"
PAIRED = (EM, STRONG, LINK)
CODE_NAMES = {EM: "emphasis", STRONG: "strong emphasis", LINK: "link", CODE: "inline code", BREAK: "line break", URL: "address"}


@dataclass(frozen=True)
class Code:
    id: str
    kind: str  # OPEN | CLOSE | PH
    type: str = ""  # EM, STRONG, LINK, CODE, BREAK, URL ("" in a target: its source's code says)
    data: str = ""  # em/strong: the Markdown marker; link: the address; code: its text; url: the address

    def tag(self) -> str:
        return {OPEN: f"<{self.id}>", CLOSE: f"</{self.id}>", PH: f"<{self.id}/>"}[self.kind]


Content = tuple  # of str | Code


def codes(content: Content) -> list[Code]:
    return [item for item in content if isinstance(item, Code)]


def plain(content: Content) -> str:
    """What a reader sees as text (inline code and addresses included, markup left out)."""
    parts = []
    for item in content:
        if isinstance(item, str):
            parts.append(item)
        elif item.type in (CODE, URL):
            parts.append(item.data)
        elif item.type == BREAK:
            parts.append("\n")
    return "".join(parts)


def merge_text(items) -> Content:
    """Adjacent strings joined, empty strings dropped."""
    out: list = []
    for item in items:
        if isinstance(item, str):
            if not item:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += item
                continue
        out.append(item)
    return tuple(out)


def strip_content(content: Content) -> tuple[str, Content, str]:
    """(leading whitespace, content without it at either end, trailing whitespace)."""
    items = list(content)
    lead = trail = ""
    if items and isinstance(items[0], str):
        stripped = items[0].lstrip()
        lead, items[0] = items[0][: len(items[0]) - len(stripped)], stripped
    if items and isinstance(items[-1], str):
        stripped = items[-1].rstrip()
        trail, items[-1] = items[-1][len(stripped):], stripped
    return lead, merge_text(items), trail


# Tagged form ---------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([0-9]+)(/?)>")


def to_tagged(content: Content, *, po: bool = False) -> str:
    """The canonical string: text escaped, codes as <1>, </1>, <2/>.

    po=True escapes only a "<" that would read as a code (as "<<"), so
    translators see the text as patients will.
    """
    out = []
    for item in content:
        if isinstance(item, Code):
            out.append(item.tag())
        elif po:
            out.append(_TAG.sub(lambda m: "<" + m.group(0), item))
        else:
            out.append(item.replace("&", "&amp;").replace("<", "&lt;"))
    return "".join(out)


class TaggedError(ValueError):
    pass


def from_tagged(text: str, *, po: bool = False) -> Content:
    """Parse a tagged string (see to_tagged); codes come back without type (their source knows it)."""
    items: list = []
    position = 0
    pattern = re.compile(r"<<(?=/?[0-9]+/?>)|<(/?)([0-9]+)(/?)>") if po else _TAG
    for match in pattern.finditer(text):
        chunk = text[position:match.start()]
        items.append(chunk if po else _unescape(chunk))
        position = match.end()
        if match.group(0) == "<<":
            items.append("<")
            continue
        closing, number, selfclosing = match.group(1), match.group(2), match.group(3)
        if closing and selfclosing:
            raise TaggedError(match.group(0))
        items.append(Code(number, CLOSE if closing else PH if selfclosing else OPEN))
    rest = text[position:]
    items.append(rest if po else _unescape(rest))
    return merge_text(items)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&amp;", "&")


def canonical(content: Content) -> Content:
    """The content with code ids renumbered 1, 2, … in order of appearance (ids depend on the block)."""
    numbers: dict[str, str] = {}
    out = []
    for item in content:
        if isinstance(item, Code):
            number = numbers.setdefault(item.id, str(len(numbers) + 1))
            out.append(Code(number, item.kind, item.type, item.data if item.type != LINK else ""))
        else:
            out.append(item)
    return tuple(out)


def match_key(content: Content) -> str:
    """The key exact memory matches compare: ids renumbered, code types kept, whitespace collapsed."""
    parts = []
    for item in canonical(content):
        if isinstance(item, Code):
            parts.append(f"{item.tag()[:-1]}:{item.type}>")
        else:
            parts.append(item.replace("&", "&amp;").replace("<", "&lt;"))
    return " ".join("".join(parts).split())


# Checking a target's codes against its source -------------------------------------

def code_problems(source: Content, target: Content) -> list[str]:
    """Why target's codes do not fit source's: lost, duplicated, unknown, misnested or of another kind.

    Codes may move and change order; each code of the source must be there
    exactly once, and paired codes must open before they close, properly nested.
    """
    from django.utils.translation import gettext as _

    expected = {(c.id, c.kind): c for c in codes(source)}
    seen: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    stack: list[str] = []
    for code in codes(target):
        key = (code.id, code.kind)
        if key not in expected:
            if any(k[0] == code.id for k in expected):
                problems.append(_("code %(code)s is not of the kind the source has at that number.") % {"code": code.tag()})
            else:
                problems.append(_("code %(code)s is not in the source.") % {"code": code.tag()})
            continue
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            problems.append(_("code %(code)s appears more than once.") % {"code": code.tag()})
        if code.kind == OPEN:
            stack.append(code.id)
        elif code.kind == CLOSE:
            if not stack or stack[-1] != code.id:
                problems.append(_("code %(code)s closes before the codes opened inside it (the codes are misnested).") % {"code": code.tag()})
                if code.id in stack:
                    stack.remove(code.id)
            else:
                stack.pop()
    for key, code in expected.items():
        if key not in seen:
            if code.type:
                problems.append(_("code %(code)s of the source is missing (%(what)s).") % {"code": code.tag(), "what": CODE_NAMES.get(code.type, code.type)})
            else:  # a code read from a PO placeholder: what it stands for is known only to the source in the database
                problems.append(_("code %(code)s of the source is missing.") % {"code": code.tag()})
    return problems


def with_source_codes(source: Content, target: Content) -> Content:
    """target with each code's type and data taken from the source code of the same id and kind."""
    known = {(c.id, c.kind): c for c in codes(source)}
    return tuple(known.get((i.id, i.kind), i) if isinstance(i, Code) else i for i in target)


# Markdown ------------------------------------------------------------------------

def from_tokens(children) -> Content:
    """Content of a markdown-it inline token's children (the Markdown subset)."""
    items: list = []
    counter = 0
    open_ids: list[tuple[str, str]] = []  # (type, id)
    skip_autolink = False
    for token in children or ():
        kind = token.type
        if skip_autolink:
            if kind == "link_close":
                skip_autolink = False
            continue
        if kind == "text":
            items.append(token.content)
        elif kind == "softbreak":
            items.append(" ")
        elif kind == "hardbreak":
            counter += 1
            items.append(Code(str(counter), PH, BREAK))
        elif kind == "code_inline":
            counter += 1
            items.append(Code(str(counter), PH, CODE, token.content))
        elif kind == "link_open" and token.markup == "autolink":
            counter += 1
            items.append(Code(str(counter), PH, URL, str(token.attrGet("href") or "")))
            skip_autolink = True
        elif kind in ("em_open", "strong_open", "link_open"):
            counter += 1
            code_type = kind[: -len("_open")]
            data = str(token.attrGet("href") or "") if code_type == LINK else token.markup
            open_ids.append((code_type, str(counter)))
            items.append(Code(str(counter), OPEN, code_type, data))
        elif kind in ("em_close", "strong_close", "link_close"):
            code_type = kind[: -len("_close")]
            index = max((i for i, (t, _n) in enumerate(open_ids) if t == code_type), default=None)
            if index is None:
                continue
            _t, number = open_ids.pop(index)
            items.append(Code(number, CLOSE, code_type, token.markup))
        elif token.content:
            items.append(token.content)
    return merge_text(items)


_ESCAPE_ANYWHERE = re.compile(r"([\\`*_\[\]<])|&(?=#?\w+;)")
_LINE_START = re.compile(r"^([#>+=|~-]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Text that reads as itself in Markdown: markup characters backslash-escaped."""
    text = _ESCAPE_ANYWHERE.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    return "\n".join(_LINE_START.sub(lambda m: "\\" + m.group(0) if not m.group(0)[0].isdigit() else m.group(0)[:-1] + "\\" + m.group(0)[-1], line) for line in text.split("\n"))


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _href(address: str) -> str:
    if re.search(r"[\s()<>]", address):
        return "<" + address.replace("<", "%3C").replace(">", "%3E") + ">"
    return address


def to_markdown(content: Content, continuation: str = "") -> str:
    """Markdown of a content whose codes carry their source's type and data.

    continuation: what starts each line after a line break (the block's
    indentation or "> " in a callout).
    """
    out = []
    links: dict[str, str] = {}
    at_line_start = True
    for item in content:
        if isinstance(item, str):
            # After a line break, leading spaces would indent the line (a code block in Markdown).
            text = escape_markdown(item.lstrip()) if at_line_start else escape_markdown("x" + item)[1:]
            out.append(text)
            at_line_start = False
            continue
        if item.type in (EM, STRONG):
            out.append(item.data or ("*" if item.type == EM else "**"))
        elif item.type == LINK:
            if item.kind == OPEN:
                links[item.id] = item.data
                out.append("[")
            else:
                out.append(f"]({_href(links.get(item.id, item.data))})")
        elif item.type == CODE:
            out.append(_code_span(item.data))
        elif item.type == URL:
            out.append(f"<{item.data}>")
        elif item.type == BREAK:
            out.append("\\\n" + continuation)
            at_line_start = True
            continue
        at_line_start = False
    return "".join(out)
