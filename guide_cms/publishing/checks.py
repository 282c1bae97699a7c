"""Signed text is rendered text: the checks a version must pass before it can be submitted.

Connected to review.signals.submission_checks (publishing.reactions) and called by review.services for
every submission (and by the submit page), so that a reviewer never signs
text that a channel would drop, cut off or fail to print:

1. the size and nesting limits of guides.text_limits, for text stored before
   they existed (nothing past them is rendered);
2. lines with words that the Markdown renderer shows nowhere;
3. for every configured channel, a trial render of the snapshot, as far as
   layout for the handout: every character against the handout fonts, and
   every paragraph, list item and callout looked for in what the channel shows.

Each problem is an error finding that names the section and the construct.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from guide_cms.guides.markdown import dropped_lines
from guide_cms.guides.models import Guide, Version
from guide_cms.guides.text_limits import guide_size_problem, markdown_limit_problems, snapshot_length
from guide_cms.localization.qa import ERROR, Finding

from . import export
from .entries import provisional_entry
from .trial_reuse import start_section_trials

# RenderProblem.code -> the finding's code (those not listed keep their own).
RENDER_PROBLEM_CODES = {"dropped": "render-dropped", "overflow": "render-overflow", "unprintable": "unprintable", "render-failed": "render-failed"}
# What each code of submission_findings means, and what to do (the documentation's reference of finding codes
# is built from it; a test checks that every code given here is listed). Every one is an error.
SUBMISSION_CODES: dict[str, tuple[str, str]] = {
    "render-limit": ("A section, or the whole guide in one language, is over the size or nesting limits "
                     "(text stored before the limits existed).",
                     "Shorten the text or flatten the nested lists, quotes or emphasis the message names."),
    "render-dropped": ("A paragraph, list item or callout would not appear on the site page or in the handout "
                       "(a line the Markdown renderer drops, such as a link reference definition \"[1]: …\").",
                       "Rewrite the line the message quotes as a paragraph or a list item."),
    "render-overflow": ("Text would be laid out beyond the handout's margins (a very long word or address).",
                        "Break the long word or address, or shorten it."),
    "unprintable": ("A character has no glyph in the handout fonts of the language (an emoji such as 💊, Chinese in a "
                    "Vietnamese title).",
                    "Remove or replace the characters the message names."),
    "render-failed": ("The site page or the handout could not be rendered at all.",
                      "Report it to your administrator with the message: it is a fault of the product or its fonts."),
}


def _shown_line(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def submission_findings(*, snapshot: dict, guide: Guide, source_version: Version | None) -> list[Finding]:
    """Errors for everything of the snapshot that would not reach readers as signed."""
    return start_submission_findings(snapshot=snapshot, guide=guide, source_version=source_version)()


def start_submission_findings(*, snapshot: dict, guide: Guide, source_version: Version | None):
    """submission_findings, started: the quick checks run now and the trial layouts are sent to the render
    workers; the function returned waits for them and gives the findings (call it once). The submission
    runs its QA checks meanwhile (review.services.submit_findings)."""
    if too_large := guide_size_problem(snapshot_length(snapshot)):
        # Nothing is rendered: that is what the limit protects.
        return lambda: [Finding("render-limit", ERROR, "", too_large)]
    findings, renderable = _markdown_findings(snapshot["sections"])
    entry = provisional_entry(snapshot, guide=guide, source_version=source_version, sections=renderable)
    started = start_section_trials([export.get_channel(name) for name in export.channel_names()], entry)

    def finish() -> list[Finding]:
        return findings + [
            Finding(RENDER_PROBLEM_CODES.get(problem.code, problem.code), ERROR, problem.section, problem.message)
            for problems in started() for problem in problems
        ]

    return finish


def _markdown_findings(sections: list[dict]) -> tuple[list[Finding], list[dict]]:
    """The size, nesting and dropped-line errors of a snapshot's sections, and the sections fit to render."""
    findings: list[Finding] = []
    renderable = []
    for section in sections:
        key, body = section["key"], section["body"]
        limits = markdown_limit_problems(body)
        for line, _column, _code, message in limits:
            findings.append(Finding("render-limit", ERROR, key, _("Line %(line)d: %(message)s") % {"line": line, "message": message}))
        dropped = [] if limits else dropped_lines(body)
        for line, text in dropped:
            findings.append(Finding("render-dropped", ERROR, key, _(
                "Line %(line)d “%(text)s” is shown nowhere: the Markdown renderer drops it (a link reference "
                "definition such as “[1]: …” does that). Rewrite it as a paragraph or a list item."
            ) % {"line": line, "text": _shown_line(text)}))
        if not limits:  # past a limit, a renderer might fail or take minutes: not tried
            renderable.append(section)
    return findings, renderable
