"""Parse a guide written as a Markdown document (pure: no database).

    # Guide title
    Optional summary paragraph(s).
    ## Section title
    Section body, in the safe Markdown subset; callouts as
    '> **Warning:** text' / '> **Tip:** text' or '> [!WARNING]'.

Everything wrong with a file is reported at once, each problem with its line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .markdown import convert_labelled_callouts, find_problems
from .models import RESERVED_SECTION_KEYS
from .text_limits import (
    MAX_BODY_CHARS,
    MAX_GUIDE_CHARS,
    MAX_LINE_CHARS,
    MAX_TITLE_CHARS,
    guide_size_problem,
    markdown_limit_problems,
    size_problem,
)
from .text_rules import LINE, normalise, text_problems

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# "## Dosing {#dosing}": a section's explicit key, kept whatever its heading says.
_EXPLICIT_KEY = re.compile(r"\s*\{#([a-z0-9][a-z0-9_-]*)\}$")
MAX_TITLE_LENGTH = MAX_TITLE_CHARS
# A document is refused unread above this: a guide's limit plus room for its headings and blank lines.
MAX_DOCUMENT_CHARS = MAX_GUIDE_CHARS + 10_000


class DocumentRefused(ValueError):
    """The document cannot be imported; .problems lists every reason with its line."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True)
class ParsedSection:
    key: str
    title: str
    body: str
    line: int


@dataclass(frozen=True)
class ParsedGuide:
    title: str
    summary: str
    sections: list[ParsedSection] = field(default_factory=list)


def _strip_block(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


def _unique_key(title: str, position: int, taken: set[str]) -> str:
    base = slugify(title)[:70] or f"section-{position}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def parse_guide_document(text: str, *, source: str = "document") -> ParsedGuide:  # noqa: C901 - one pass over the document's lines; to split later
    """Split a Markdown document into title, summary and sections, or raise DocumentRefused."""
    problems: list[str] = []
    if "\x00" in text:
        raise DocumentRefused(source, [_("the file is binary, not a Markdown text document.")])
    text = normalise(text.lstrip("\ufeff"))
    if too_long := size_problem(text, MAX_DOCUMENT_CHARS):
        raise DocumentRefused(source, [_("the document: %(message)s") % {"message": too_long[3]}])
    # Invisible controls and the like, with their line in the file (guides.text_rules);
    # size and nesting limits are measured per field below.
    for problem in text_problems(text):
        problems.append(problem.located())
    lines = text.split("\n")

    title = None
    title_line = 0
    preamble: list[str] = []
    sections: list[tuple[str, int, list[str]]] = []  # (title, line, body lines)
    in_fence = False
    for number, line in enumerate(lines, start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading and len(heading.group(1)) == 1:
            if title is not None:
                problems.append(
                    _("line %(line)d: a second top-level heading ('# …'); a document holds one guide.") % {"line": number}
                )
            elif sections:
                problems.append(_("line %(line)d: the '# title' must come before the sections.") % {"line": number})
            else:
                title, title_line = heading.group(2), number
            continue
        if heading and len(heading.group(1)) == 2:
            sections.append((heading.group(2), number, []))
            continue
        if sections:
            sections[-1][2].append(line)
        elif line.strip():
            if title is None:
                problems.append(
                    _("line %(line)d: text before the guide's '# title' heading.") % {"line": number}
                )
            else:
                preamble.append(line)
        elif title is not None:
            preamble.append(line)

    if title is None or not title.strip():
        problems.append(_("no guide title: the document must start with a '# Title' heading."))
    elif len(title) > MAX_TITLE_LENGTH:
        problems.append(_("line %(line)d: the title is longer than %(max)d characters.") % {"line": title_line, "max": MAX_TITLE_LENGTH})
    else:
        for problem in text_problems(title, kind=LINE):
            if problem.code == "html":
                problems.append(_("line %(line)d: %(message)s") % {"line": title_line, "message": problem.message})
    if not sections:
        problems.append(_("no sections: each section starts with a '## Section title' heading."))

    summary = _strip_block(preamble)
    for problem in find_problems(summary):
        problems.append(_("summary: %(message)s") % {"message": problem.message})
    # The summary is one line of plain text, however the document wraps it.
    summary = normalise(summary, kind=LINE)
    if too_long := size_problem(summary, MAX_LINE_CHARS):
        problems.append(_("summary: %(message)s") % {"message": too_long[3]})

    parsed: list[ParsedSection] = []
    taken: set[str] = set(RESERVED_SECTION_KEYS)
    for position, (section_title, line, body_lines) in enumerate(sections, start=1):
        raw_body = _strip_block(body_lines)
        body = convert_labelled_callouts(raw_body)
        for problem in text_problems(section_title, kind=LINE):
            if problem.code == "html":
                problems.append(_("line %(line)d: %(message)s") % {"line": line, "message": problem.message})
        if not section_title.strip():
            problems.append(_("line %(line)d: a section heading with no title.") % {"line": line})
        elif len(section_title) > MAX_TITLE_LENGTH:
            problems.append(_("line %(line)d: the section title is longer than %(max)d characters.") % {"line": line, "max": MAX_TITLE_LENGTH})
        if not body.strip():
            problems.append(_("line %(line)d: section '%(title)s' has no text.") % {"line": line, "title": section_title})
        # Body line 1 is the line after the heading; blank lines stripped
        # from the top shift it, so count them back in.
        offset = line + next((i for i, l in enumerate(body_lines) if l.strip()), 0)
        # Checked before conversion so that line numbers match the file.
        for problem in find_problems(raw_body):
            problems.append(
                _("line %(line)d: %(message)s") % {"line": offset + problem.line, "message": problem.message}
            )
        explicit = _EXPLICIT_KEY.search(section_title)
        if explicit:
            section_title = section_title[: explicit.start()]
            if explicit.group(1) in taken:
                problems.append(_("line %(line)d: the key {#%(key)s} is used twice or reserved.") % {"line": line, "key": explicit.group(1)})
            taken.add(explicit.group(1))
            key = explicit.group(1)
        else:
            key = _unique_key(section_title, position, taken)
        for line_number, _column, _code, message in markdown_limit_problems(raw_body, max_chars=MAX_BODY_CHARS):
            problems.append(
                _("line %(line)d: section '%(title)s': %(message)s")
                % {"line": offset + line_number, "title": section_title, "message": message}
            )
        parsed.append(ParsedSection(key=key, title=section_title, body=body, line=line))

    size = len(title or "") + len(summary) + sum(len(p.title) + len(p.body) for p in parsed)
    if too_large := guide_size_problem(size):
        problems.append(too_large)
    if problems:
        raise DocumentRefused(source, problems)
    return ParsedGuide(title=title.strip(), summary=summary, sections=parsed)
