"""The safe Markdown subset of section bodies: rendering, linting and conversion.

The subset is paragraphs, *em*, **strong**, `code`, bullet and numbered lists,
http/https/mailto links, hard line breaks, and two callouts written in the
GitHub alert syntax (``> [!WARNING]`` and ``> [!TIP]``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import nh3
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = [
    "MarkupProblem",
    "TextUnit",
    "callout_kinds",
    "convert_labelled_callouts",
    "dropped_lines",
    "find_problems",
    "parse_subset",
    "render_markdown",
    "text_units",
]

CALLOUT_LABELS = {
    "warning": pgettext_lazy("callout", "Warning"),
    "tip": pgettext_lazy("callout", "Tip"),
}

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SAFE_HREF = re.compile(r"(?:https?|mailto):", re.IGNORECASE)
_HTTP_HREF = re.compile(r"https?:", re.IGNORECASE)
# A "[!KIND]" that markdown-it did not turn into an alert: unknown kind, or
# text after the marker on the same line.
_MARKER = re.compile(r"\[!([A-Za-z]+)\](?=\s|$)")
_LABELLED = re.compile(r"\*\*(warning|tip)(?::\*\*|\*\*:)[ \t]*", re.IGNORECASE)
# Split after each line ending the way markdown-it counts lines (\r\n, \n, \r),
# not str.splitlines(), which also splits on \f, \x1c, U+2028 and friends.
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")

_ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "br", "blockquote", "aside", "code"}
_cleaner = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes={
        "*": {"dir"},
        "a": {"href", "title", "rel"},
        "aside": {"class", "role", "aria-label"},
        "p": {"class"},
    },
    url_schemes=set(SAFE_SCHEMES),
    url_relative="deny",
    # nh3 refuses `rel` in `attributes` unless link_rel is None; the renderer
    # sets rel itself, and only on http(s) links.
    link_rel=None,
    strip_comments=True,
)


@dataclass(frozen=True)
class MarkupProblem:
    """Something in a section body that the subset does not allow."""

    line: int
    code: str
    message: str


def _callouts_rule(state: StateCore) -> None:
    """Turn markdown-it's GitHub alerts into callout tokens (WARNING, TIP) or plain blockquotes."""
    tokens: list[Token] = []
    kinds: list[str | None] = []  # per open alert: its kind if it is a callout
    in_title = False
    for token in state.tokens:
        # Drop markdown-it's English title paragraph; callouts render a translated label.
        if token.type in ("alert_title_open", "alert_title_close"):
            in_title = token.type == "alert_title_open"
            continue
        if in_title:
            continue
        if token.type == "alert_open":
            kind = token.meta["kind"].lower()
            known = kind in CALLOUT_LABELS
            kinds.append(kind if known else None)
            token.type = "callout_open" if known else "blockquote_open"
            token.tag = "aside" if known else "blockquote"
            token.attrs = {}
            token.meta = {"kind": kind}
        elif token.type == "alert_close":
            known = kinds.pop() is not None
            token.type = "callout_close" if known else "blockquote_close"
            token.tag = "aside" if known else "blockquote"
        tokens.append(token)
    state.tokens = tokens


def _render_callout_open(self, tokens, idx, options, env) -> str:
    kind = tokens[idx].meta["kind"]
    with translation.override(env.get("language", "en")):
        label = escapeHtml(str(CALLOUT_LABELS[kind]))
    return (
        f'<aside class="callout callout-{kind}" role="note" aria-label="{label}">\n'
        f'<p class="callout-label"><strong>{label}</strong></p>\n'
    )


def _render_callout_close(self, tokens, idx, options, env) -> str:
    return "</aside>\n"


def _allow_every_link(url: str) -> bool:
    # markdown-it's own check turns rejected links into literal "[x](javascript:...)"
    # text; we want such links parsed so they can be reported and shown as text only.
    return True


def _build_subset_parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": False, "typographer": False, "linkify": False, "alerts": True},
    )
    md.disable(["heading", "lheading", "image", "code", "fence", "hr", "table", "html_block", "html_inline"])
    md.validateLink = _allow_every_link
    md.core.ruler.after("block", "callouts", _callouts_rule)
    md.add_render_rule("callout_open", _render_callout_open)
    md.add_render_rule("callout_close", _render_callout_close)
    return md


def _build_full_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = _allow_every_link
    return md


_subset = _build_subset_parser()
_full = _build_full_parser()


def _is_safe_href(href: str | None) -> bool:
    return bool(href) and bool(_SAFE_HREF.match(href))


def _safe_links(tokens) -> list[Token]:
    """tokens with links whose target is not http/https/mailto unwrapped (and links nested in links),
    as new tokens where something changes: the parsed tokens are shared (_read_tokens) and stay as parsed."""
    out: list[Token] = []
    for token in tokens:
        if not token.children:
            out.append(token)
            continue
        kept: list[Token] = []
        open_links: list[bool] = []  # per open link: was it kept?
        for child in token.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                keep = _is_safe_href(href) and not any(open_links)
                open_links.append(keep)
                if not keep:
                    continue
                if _HTTP_HREF.match(href):
                    child = child.copy(attrs={**child.attrs, "rel": "noopener noreferrer"})
            elif child.type == "link_close" and open_links and not open_links.pop():
                continue
            kept.append(child)
        out.append(token.copy(children=kept))
    return out


def sanitize_html(html: str) -> str:
    """HTML through the renderer's allow-list: for HTML that crosses a boundary
    (a channel re-checks what it embeds)."""
    return _cleaner.clean(html)


def render_markdown(text: str, *, language: str = "en") -> str:
    """Render a section body to sanitised HTML, labelling callouts in `language`."""
    env = {"language": language}
    tokens = _safe_links(_read_tokens(text))  # parsing needs no language: only the callouts' labels do, when rendered
    html = _subset.renderer.render(tokens, _subset.options, env)
    return sanitize_html(html)


# The renderer's parser keeps markdown-it's nesting cap (20 levels, past which it
# drops text); measuring how deep text goes needs to see further.
MEASURING_NESTING = 100
_measuring = _build_subset_parser()
_measuring.options["maxNesting"] = MEASURING_NESTING
# Text that stays this far below the renderer's cap (in blocks, inline markup and link
# brackets) parses to the same tokens with either parser: it is parsed once, for both.
_SAME_PARSE_BELOW = _subset.options["maxNesting"] - 2


@lru_cache(maxsize=512)
def _measured_tokens(text: str) -> tuple[Token, ...]:
    return tuple(_measuring.parse(text))


def _deepest(tokens) -> int:
    return max((max([token.level, *(child.level for child in token.children or ())]) for token in tokens), default=0)


@lru_cache(maxsize=512)
def _read_tokens(text: str, full: bool = False) -> tuple[Token, ...]:
    """The tokens of text as the renderer sees them, parsed once for every function below and for
    render_markdown (an import, a submission or an export asks about the same body several times:
    its callouts, its units, its problems, its HTML). Shared: read them, do not change them."""
    if full:
        return tuple(_full.parse(text))
    measured = _measured_tokens(text)
    if text.count("[") < _SAME_PARSE_BELOW and _deepest(measured) < _SAME_PARSE_BELOW:
        return measured
    return tuple(_subset.parse(text))


def parse_subset(text: str, *, measuring: bool = False) -> list[Token]:
    """The block tokens of a section body as the renderer sees them (callouts included).

    measuring: parse up to MEASURING_NESTING levels deep instead of the
    renderer's 20, to tell how deep text is nested (text_limits).
    """
    return list(_measured_tokens(text) if measuring else _read_tokens(text))


@dataclass(frozen=True)
class TextUnit:
    """One thing a reader must get from a section body: a paragraph, a list item's
    text, a quote's text, or a callout (whose own text is in the units after it)."""

    line: int  # 1-based, in the body
    construct: str  # "paragraph" | "list item" | "quote" | "callout" (a callout, or text directly in one)
    text: str  # the words a reader must see ("" for a callout itself)
    callout: str = ""  # "warning" | "tip": the callout this unit is, or is in


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def text_units(text: str) -> list[TextUnit]:
    """Every paragraph, list item, quote and callout of a body, in order, with its text."""
    units: list[TextUnit] = []
    containers: list[tuple[str, str]] = []  # (construct, callout kind)
    for token in _read_tokens(text):
        line = token.map[0] + 1 if token.map else 0
        if token.type == "callout_open":
            units.append(TextUnit(line, "callout", "", token.meta["kind"]))
            containers.append(("callout", token.meta["kind"]))
        elif token.type in ("list_item_open", "blockquote_open"):
            kind = containers[-1][1] if containers else ""
            containers.append(("list item" if token.type == "list_item_open" else "quote", kind))
        elif token.type in ("callout_close", "list_item_close", "blockquote_close"):
            containers.pop()
        elif token.type == "inline" and (words := _inline_text(token)).strip():
            construct, kind = containers[-1] if containers else ("paragraph", "")
            units.append(TextUnit(line, construct, words, kind))
    return units


def dropped_lines(text: str) -> list[tuple[int, str]]:
    """Lines of a body with words on them that the renderer shows nowhere: (line, text).

    Every line with a letter or digit must belong to a paragraph (or be a
    callout's marker line); markdown-it silently skips, for example, text
    nested deeper than its nesting cap and link reference definitions.
    """
    lines = text.split("\n")
    shown: set[int] = set()
    for token in _read_tokens(text):
        if not token.map:
            continue
        if token.type == "paragraph_open":
            shown.update(range(*token.map))
        elif token.type == "callout_open" or (token.type == "blockquote_open" and "kind" in token.meta):
            shown.add(token.map[0])
    return [
        (number + 1, line.strip())
        for number, line in enumerate(lines)
        if number not in shown and any(char.isalnum() for char in line)
    ]


def callout_kinds(text: str) -> list[str]:
    """The kinds of the callouts in `text`, in document order ("warning", "tip")."""
    return [t.meta["kind"] for t in _read_tokens(text) if t.type == "callout_open"]


def _shorten(value: str, limit: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _with_lines(tokens: list[Token]) -> Iterator[tuple[int, Token]]:
    """Every token, block and inline, with its 1-based source line."""
    line = 1
    for token in tokens:
        if token.map:
            line = token.map[0] + 1
        yield line, token
        offset = 0
        for child in token.children or ():
            yield line + offset, child
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            else:
                offset += child.content.count("\n")


def _unsupported_message(token_type: str) -> str | None:
    if token_type == "heading_open":
        return gettext(
            "Headings are not allowed in section text: the section title is the heading. "
            "Remove the # marks or the underline, or start a new section."
        )
    if token_type == "image":
        return gettext(
            "Images are not part of guide text. Remove the image, or link to it with [text](https://…)."
        )
    if token_type == "table_open":
        return gettext("Tables are not supported. Rewrite the table as a list.")
    if token_type in ("fence", "code_block"):
        return gettext(
            "Code blocks are not supported. Remove the ``` fence or the indentation "
            "of four spaces so the text becomes a normal paragraph."
        )
    if token_type == "hr":
        return gettext(
            "Horizontal rules are not supported. Remove the line of dashes, stars or "
            "underscores, or start a new section."
        )
    return None


def _problems_in_full_syntax(text: str) -> Iterator[MarkupProblem]:
    html_lines: set[int] = set()
    for line, token in _with_lines(_read_tokens(text, full=True)):
        if token.type in ("html_block", "html_inline"):
            if line not in html_lines:  # one report per line, not one per tag
                html_lines.add(line)
                message = gettext(
                    "HTML is not allowed in guide text (found %(html)s). "
                    "Remove it and use the Markdown formatting instead."
                ) % {"html": _shorten(token.content)}
                yield MarkupProblem(line, "raw-html", message)
        elif message := _unsupported_message(token.type):
            yield MarkupProblem(line, "unsupported-markup", message)


def _problems_in_subset(text: str) -> Iterator[MarkupProblem]:
    tokens = _read_tokens(text)
    for line, token in _with_lines(tokens):
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if not _is_safe_href(href):
                message = gettext(
                    'The link to "%(target)s" will be shown as plain text: only http, https '
                    "and mailto links are allowed. Use a full https:// address."
                ) % {"target": _shorten(href) or "(empty)"}
                yield MarkupProblem(line, "unsafe-link", message)
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 0
        if token.type == "callout_open" and tokens[index + 1].type == "callout_close":
            message = gettext(
                "The %(marker)s callout is empty. Write its text on the lines after the marker, "
                "each starting with >."
            ) % {"marker": f"[!{token.meta['kind'].upper()}]"}
            yield MarkupProblem(line, "empty-callout", message)
        elif token.type == "blockquote_open":
            yield from _marker_problems(token, tokens[index + 1 : index + 3], line)


def _marker_problems(quote: Token, following: list[Token], line: int) -> Iterator[MarkupProblem]:
    if "kind" in quote.meta:  # an alert markdown-it knows, e.g. [!NOTE]
        marker = quote.meta["kind"].upper()
    elif (
        len(following) == 2
        and following[0].type == "paragraph_open"
        and (match := _MARKER.match(following[1].content))
    ):
        marker = match.group(1).upper()
        if marker.lower() in CALLOUT_LABELS:
            message = gettext(
                "The callout marker [!%(marker)s] must be on a line of its own. "
                "Move the text after it to the next line, starting with >."
            ) % {"marker": marker}
            yield MarkupProblem(line, "unknown-callout", message)
            return
    else:
        return
    message = gettext(
        "The marker [!%(marker)s] is not a callout that guides support. Use [!WARNING] or [!TIP], "
        "or remove the marker to make an ordinary quote."
    ) % {"marker": marker}
    yield MarkupProblem(line, "unknown-callout", message)


def find_problems(text: str) -> list[MarkupProblem]:
    """Everything in `text` outside the subset, ordered by line."""
    problems = [*_problems_in_full_syntax(text), *_problems_in_subset(text)]
    return sorted(problems, key=lambda problem: problem.line)


def convert_labelled_callouts(text: str) -> str:
    """Rewrite `> **Warning:** …` / `> **Tip:** …` quotes as `> [!WARNING]` / `> [!TIP]` callouts."""
    lines = _LINE_END.split(text)
    tokens = _read_tokens(text)
    for index, token in enumerate(tokens):
        if not (
            token.type == "blockquote_open"
            and tokens[index + 1].type == "paragraph_open"
            and _LABELLED.match(tokens[index + 2].content)
        ):
            continue
        number = tokens[index + 1].map[0]
        body = lines[number].rstrip("\r\n")
        ending = lines[number][len(body) :]
        label = _LABELLED.search(body)
        prefix, rest = body[: label.start()], body[label.end() :]
        converted = f"{prefix}[!{label.group(1).upper()}]"
        if rest.strip():
            newline = ending or ("\r\n" if "\r\n" in text else "\n")
            # List markers in the prefix become spaces so the next line continues
            # the same quote instead of starting a new list item.
            converted += newline + re.sub(r"[^>\s]", " ", prefix) + rest
        lines[number] = converted + ending
    return "".join(lines)


def subset_tokens(text: str) -> list[Token]:
    """The tokens of `text` as the subset parses it (callouts as callout_open/close), for code that walks its structure."""
    return _subset.parse(text)
