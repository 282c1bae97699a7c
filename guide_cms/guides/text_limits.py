"""How large and how deeply nested guide text may be (pure: no database).

The renderers give way on text far smaller than a patient guide needs, and
they do it silently or slowly (measured on this stack, see docs/explanation/quality-checks.md):

- markdown-it drops the innermost text of lists nested 10 levels deep and of
  quotes nested 20 levels deep (its token nesting stops at 20);
- WeasyPrint fails with a RecursionError at about 235 nested inline elements
  (some 470 ``*`` around one word), 68 nested lists or 134 nested quotes;
- a handout takes about 0.6 s to print per 10,000 characters (Chinese about
  twice that), so a 2 MB body takes minutes.

The limits below sit far under those points and far over what patient text
uses. They are checked wherever text enters (text_rules.clean_text, the
Markdown importer) and again at submission, so nothing past them reaches a
signature or a renderer:

- MAX_BODY_CHARS characters in a section body, MAX_TITLE_CHARS in a title,
  MAX_LINE_CHARS in a summary, MAX_GUIDE_CHARS in a whole guide in one language;
- lists, quotes and callouts nested at most MAX_BLOCK_NESTING levels;
- emphasis, strong text, links and code inside one another at most
  MAX_INLINE_NESTING levels;
- at most MAX_MARKER_RUN ``*`` or ``_`` in a row where they mark up text.

Each problem is (line, column, code, message), positions 1-based.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

__all__ = [
    "MAX_BLOCK_NESTING",
    "MAX_BODY_CHARS",
    "MAX_GUIDE_CHARS",
    "MAX_INLINE_NESTING",
    "MAX_LINE_CHARS",
    "MAX_MARKER_RUN",
    "MAX_TITLE_CHARS",
    "guide_size_problem",
    "snapshot_length",
    "markdown_limit_problems",
    "size_problem",
]

MAX_BODY_CHARS = 10_000  # about 5 printed pages; a demo section is under 1,500
MAX_TITLE_CHARS = 200  # the database column's length
MAX_LINE_CHARS = 500  # the summary: one line of plain text
MAX_GUIDE_CHARS = 50_000  # titles, summary and bodies of one language together
MAX_BLOCK_NESTING = 4  # markdown-it loses text at 10 (lists), WeasyPrint fails at 68
MAX_INLINE_NESTING = 4  # WeasyPrint fails at about 235
MAX_MARKER_RUN = 3  # ***bold italic*** is the most emphasis needs

# Containers markdown-it opens, and how a message names each.
_CONTAINERS = {
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "blockquote_open": "quote",
    "callout_open": "callout",
}
_CLOSERS = {"bullet_list_close", "ordered_list_close", "blockquote_close", "callout_close"}
_INLINE_OPEN = {"em_open", "strong_open", "link_open", "s_open"}
_INLINE_CLOSE = {"em_close", "strong_close", "link_close", "s_close"}
_RUN = re.compile(r"\*+|_+")


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def size_problem(text: str, max_chars: int) -> tuple[int, int, str, str] | None:
    """The text is longer than max_chars: where it crosses the limit, and what to do."""
    if len(text) <= max_chars:
        return None
    line, column = _position(text, max_chars)
    message = _(
        "the text is %(length)s characters long; at most %(limit)s are allowed here, so that every "
        "channel can print it. Shorten it or split it into several sections."
    ) % {"length": f"{len(text):,}", "limit": f"{max_chars:,}"}
    return line, column, "too-long", message


def snapshot_length(snapshot: dict) -> int:
    """Characters of a guide's text in one language (a version's snapshot): titles, summary, bodies."""
    return len(snapshot["title"]) + len(snapshot["summary"]) + sum(len(s["title"]) + len(s["body"]) for s in snapshot["sections"])


def guide_size_problem(length: int) -> str | None:
    """A whole guide over MAX_GUIDE_CHARS in one language: the message, or None."""
    if length <= MAX_GUIDE_CHARS:
        return None
    return _(
        "The guide's text (titles, summary and sections) is %(length)s characters long; a guide may have at "
        "most %(limit)s characters in one language, so that its handout prints in seconds. Split it into "
        "several guides."
    ) % {"length": f"{length:,}", "limit": f"{MAX_GUIDE_CHARS:,}"}


def _block_nesting(tokens) -> tuple[int, int, str] | None:
    """(line, depth, innermost container) of the deepest nesting past the limit, or None."""
    depth, stack, worst = 0, [], None
    for token in tokens:
        if token.type in _CONTAINERS:
            depth += 1
            stack.append(_CONTAINERS[token.type])
            if depth > MAX_BLOCK_NESTING and (worst is None or depth > worst[1]):
                worst = ((token.map[0] + 1) if token.map else 1, depth, stack[-1])
        elif token.type in _CLOSERS:
            depth -= 1
            stack.pop()
    return worst


def _inline_nesting(tokens) -> tuple[int, int] | None:
    """(line, depth) of the deepest inline nesting past the limit, or None."""
    worst = None
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = (token.map[0] + 1) if token.map else 1
        depth, offset = 0, 0
        for child in token.children:
            if child.type in _INLINE_OPEN:
                depth += 1
            elif child.type in _INLINE_CLOSE:
                depth -= 1
            level = depth + (1 if child.type == "code_inline" else 0)
            if level > MAX_INLINE_NESTING and (worst is None or level > worst[1]):
                worst = (line + offset, level)
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
    return worst


def _marker_runs(text: str) -> list[tuple[int, int, str]]:
    """(line, column, run) of every run of * or _ longer than the limit that touches text."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "**" not in line and "__" not in line:
            continue
        for match in _RUN.finditer(line):
            start, end = match.span()
            run = match.group()
            escaped = 0
            while start - escaped - 1 >= 0 and line[start - escaped - 1] == "\\":
                escaped += 1
            if escaped % 2:
                start += 1  # the first marker is escaped: it prints as itself
            if end - start <= MAX_MARKER_RUN or line[:start].count("`") % 2:
                continue  # short enough, or inside a code span
            before = line[start - 1] if start > 0 else " "
            after = line[end] if end < len(line) else " "
            if before.isspace() and after.isspace():
                continue  # a row of stars on its own marks nothing up
            if run[0] == "_" and before.isalnum() and after.isalnum():
                continue  # inside a word: never emphasis
            found.append((number, start + 1, line[start:end]))
    return found


def markdown_limit_problems(text: str, *, max_chars: int = MAX_BODY_CHARS) -> list[tuple[int, int, str, str]]:
    """Everything in a section body past the limits, as (line, column, code, message)."""
    too_long = size_problem(text, max_chars)
    if too_long:
        return [too_long]  # not parsed: the other measures would cost time for nothing
    from .markdown import MEASURING_NESTING, parse_subset

    problems = []
    tokens = parse_subset(text, measuring=True)
    if nesting := _block_nesting(tokens):
        line, depth, construct = nesting
        names = {"list": _("a list"), "quote": _("a quote"), "callout": _("a callout")}
        if max(token.level for token in tokens) >= MEASURING_NESTING - 1:
            template = _(
                "%(construct)s nested at least %(depth)d levels deep in lists, quotes and callouts; at most "
                "%(limit)d levels are allowed, because deeper text is dropped or cannot be printed. "
                "Flatten the list or quote."
            )
        else:
            template = _(
                "%(construct)s nested %(depth)d levels deep in lists, quotes and callouts; at most "
                "%(limit)d levels are allowed, because deeper text is dropped or cannot be printed. "
                "Flatten the list or quote."
            )
        message = template % {"construct": names[construct], "depth": depth, "limit": MAX_BLOCK_NESTING}
        problems.append((line, 1, "nesting", message))
    if nesting := _inline_nesting(tokens):
        line, depth = nesting
        message = _(
            "emphasis, bold text, links and code nested %(depth)d levels deep here; at most "
            "%(limit)d levels are allowed, because deeper markup cannot be printed. Remove the extra * or _ marks."
        ) % {"depth": depth, "limit": MAX_INLINE_NESTING}
        problems.append((line, 1, "inline-nesting", message))
    for line, column, run in _marker_runs(text):
        message = _(
            "%(count)d %(marker)s in a row: emphasis uses at most %(limit)d (***bold italic***), and longer "
            "runs of markup cannot be printed. Remove the extra marks, or write \\%(marker)s to print the character."
        ) % {"count": len(run), "marker": run[0], "limit": MAX_MARKER_RUN}
        problems.append((line, column, "markup-run", message))
    return sorted(problems)
