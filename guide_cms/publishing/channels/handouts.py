"""The handouts channel: one printable A4 PDF per guide per language (WeasyPrint).

    <lang>/<slug>.pdf     the patient handout, or a one-page withdrawal notice

Large readable type (13pt body), right-to-left where the language is, each
language's fonts named explicitly (guide_cms.publishing.channels.fonts), a footer on
every page (title, version, page number) and a sign-off block at the end
(version, approval date, signers with their meanings, content hash, next
review date) in the handout's language.

Before anything is laid out, every character that will be printed is checked
against the language's fonts; a handout with a character no font can draw is
refused with a ChannelError and nothing is returned. After layout, and before
the PDF is written, the laid-out text is read back (printed_sections): every
paragraph, list item and callout of the signed text must be there, inside the
margins, or the handout is refused. A translation behind a live clinical
change to its source opens with a boxed notice in its language and the
address of the current source page.

Output is deterministic: no clock, no random identifiers, nothing fetched.
The PDF dates are the approval date, the PDF /ID derives from the entry.
WeasyPrint's warnings are passed on to the "guide_cms.publishing.handouts"
logger (WeasyPrint's own logger has only a NullHandler).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import logging
import re
import threading
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.template import Context
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy

from guide_cms.guides.markdown import sanitize_html

from . import fonts
from .base import (
    TEMPLATE_DIR,
    Channel,
    ChannelError,
    Entry,
    LanguageFacts,
    PrintedSection,
    PublishedGuide,
    RenderedFile,
    RenderProblem,
    SignatureFacts,
    WithdrawnGuide,
    localized_meaning,
    missing_from,
    outdated_notice_texts,
    problems_message,
    template_engine,
)

__all__ = ["HandoutChannel", "HANDOUT_TEMPLATE", "HANDOUT_CSS"]

HANDOUT_TEMPLATE = "publishing/handout.html"
HANDOUT_CSS = TEMPLATE_DIR / "publishing" / "handout.css"

logger = logging.getLogger("guide_cms.publishing.handouts")

# What a handout costs to lay out and write (render_cost: the render pool starts the costliest first), in Latin
# characters' worth, each about 16 µs of a render worker. Measured on the demo and benchmark texts (one to ten
# sections): a handout's fixed work (page, footer, sign-off) is about 0.035 s; an Arabic or Hebrew character
# 1.5 times a Latin one (joined and shaped), a CJK one 1.8 times; and a handout that prints CJK embeds a subset
# of a CJK font of thousands of glyphs, 0.13 s more (a one-section Chinese handout takes 0.19 s, an English 0.06 s).
_COST_FIXED = 2_000
_COST_CJK_FONT = 8_000
_WIDE = re.compile("[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

# Characters the page footer may print besides its labels and the title.
_FOOTER_CHARACTERS = "0123456789 / \u00b7"
# Left-to-right isolate: keeps "3 / 7" in that order on a right-to-left page.
_LRI, _PDI = "\u2066", "\u2069"


@cache
def _no_fetching():
    """A URL fetcher that refuses everything: handouts are self-contained, nothing is read from disk or network."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"handouts fetch nothing (asked for {url!r})")

    return NoFetching()


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(string=HANDOUT_CSS.read_text(encoding="utf-8"), url_fetcher=_no_fetching())


@cache
def _font_config():
    """One WeasyPrint font configuration for the life of the process: fonts are found and loaded
    once, not for every handout (a render worker keeps it from one export to the next)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def warm_fonts() -> None:
    """Load the fonts of every configured language now (a render worker does this when it starts)."""
    from guide_cms.core.languages import all_languages
    from weasyprint import HTML

    for language in all_languages():
        family = fonts.font_family_css(language.code)
        HTML(string=f"<p lang='{language.bcp47}' style='font-family: {family}'>Aa 1 ٣ 三 ệ</p>", url_fetcher=_no_fetching()).render(
            font_config=_font_config()
        )


@cache
def _renderer_fingerprint() -> dict:
    from importlib.metadata import version

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return {
        "weasyprint": version("weasyprint"),
        "pydyf": version("pydyf"),
        "template": digest(TEMPLATE_DIR / HANDOUT_TEMPLATE),
        "css": digest(HANDOUT_CSS),
    }


def _css_string(text: str) -> str:
    """A CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def _format_date(code: str, value: datetime.date) -> str:
    from guide_cms.core.languages import get_language

    return get_language(code).format_date(value)


class _VisibleText(HTMLParser):
    """The text a body prints: character data, plus the addresses printed after external links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith(("http://", "https://")):
            self.parts.append(f" ({href})")

    def handle_data(self, data):
        self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class _WarningCollector(logging.Handler):
    """Collects WeasyPrint's warnings raised by this thread while a handout renders."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.records.append(record)


@contextlib.contextmanager
def _weasyprint_warnings(path: str):
    collector = _WarningCollector()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        yield
    finally:
        weasy_logger.removeHandler(collector)
        for record in collector.records:
            logger.warning("WeasyPrint, printing %s: %s", path, record.getMessage())


def printed_sections(document) -> dict[str, PrintedSection]:
    """What a reader of a laid-out handout gets of each section (by key): every text
    box inside <section id="section-KEY">, the callouts, and text beyond the margins."""
    from weasyprint.formatting_structure import boxes

    sections: dict[str, dict] = {}
    for page in document.pages:
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        stack = [(page_box, None)]
        while stack:
            box, key = stack.pop()
            element = getattr(box, "element", None)
            if element is not None and getattr(box, "element_tag", "") == "section":
                ident = element.get("id") or ""
                if ident.startswith("section-"):
                    key = ident.removeprefix("section-")
                    sections.setdefault(key, {"text": [], "callouts": [], "seen": set(), "overflowing": []})
            if key is not None:
                found = sections[key]
                if element is not None and getattr(box, "element_tag", "") == "aside" and id(element) not in found["seen"]:
                    found["seen"].add(id(element))
                    kinds = [c.removeprefix("callout-") for c in (element.get("class") or "").split() if c.startswith("callout-")]
                    found["callouts"].append(kinds[0] if kinds else "")
                if isinstance(box, boxes.TextBox) and box.text.strip():
                    found["text"].append(box.text)
                    if box.position_x < left - 1 or box.position_x + box.width > right + 1:
                        found["overflowing"].append(box.text)
            for child in reversed(getattr(box, "children", None) or ()):
                stack.append((child, key))
    return {
        key: PrintedSection(text=" ".join(s["text"]), callouts=tuple(s["callouts"]), overflowing=tuple(s["overflowing"]))
        for key, s in sections.items()
    }


class HandoutChannel(Channel):
    name = "handouts"
    label = gettext_lazy("handouts")
    output_label = gettext_lazy("the handout")
    output_version = "1"
    parallel = True  # a PDF takes about a second: rendered on every core (rendering.py)

    def render_entry(self, entry: Entry) -> list[RenderedFile]:
        path = self.path(entry)
        html = self.html(entry)  # refuses undrawable text before any layout
        with _weasyprint_warnings(path):
            document = self._layout(html, entry)
            if isinstance(entry, PublishedGuide):
                problems = missing_from(entry, printed_sections(document), str(self.output_label))
                if problems:
                    raise ChannelError(problems_message(problems, entry, str(self.output_label)))
            pdf = document.write_pdf(
                uncompressed_pdf=False,
                pdf_tags=True,  # a tagged PDF: screen readers and reflow get headings, lists and reading order
                pdf_identifier=self.entry_key(entry)[:32].encode("ascii"),
            )
        return [RenderedFile(path, pdf)]

    def render_cost(self, entry: Entry) -> float:
        """About how long the handout takes to render, in Latin characters' worth (see _COST_FIXED), from its text."""
        if isinstance(entry, PublishedGuide):
            text = "".join([entry.title, entry.summary, *(s.title + s.body_markdown for s in entry.sections)])
        else:  # a one-page withdrawal notice
            text = entry.source_title
        wide = len(_WIDE.findall(text))
        cost = _COST_FIXED + len(text) + 0.8 * wide + 0.5 * len(_RIGHT_TO_LEFT.findall(text))
        return cost + (_COST_CJK_FONT if wide else 0)

    def entry_key(self, entry: Entry) -> str:
        """The entry, plus what else the PDF depends on: WeasyPrint, the template, the CSS and the font files."""
        from guide_cms.core.hashing import sha256_hex

        from .site import site_url

        codes = [entry.language.code]
        if isinstance(entry, WithdrawnGuide):
            codes.append(entry.source_language.code)
        else:
            if entry.outdated is not None:
                codes.append(entry.outdated.source_language.code)
            # A handout prints no links to other languages: publishing another
            # language must not print this one again.
            entry = dataclasses.replace(entry, alternates=())
        return sha256_hex(
            {
                "entry": super().entry_key(entry),
                "renderer": _renderer_fingerprint(),
                "fonts": fonts.fingerprint(codes),
                "site_url": site_url(),  # printed in the outdated-translation notice
            }
        )

    def check_rendering(self, entry: PublishedGuide) -> list[RenderProblem]:
        """Every printed character against the fonts, section by section; then, if all
        can be drawn, the layout (no PDF) against the snapshot."""
        problems = self.unprintable(entry)
        if problems:
            return problems
        return missing_from(entry, printed_sections(self.document(entry)), str(self.output_label))

    def quick_check(self, entry: PublishedGuide) -> list[RenderProblem]:
        return self.unprintable(entry)

    def unprintable(self, entry: PublishedGuide) -> list[RenderProblem]:
        """Characters no font of the handout's language can draw, per section (and title, summary, signers)."""
        code = entry.language.code
        signers = " ".join(f"{s.printed_name} {s.credentials}" for s in entry.signatures)
        parts = [("", gettext("the title"), entry.title), ("", gettext("the summary"), entry.summary)] + [
            (section.key, f"“{section.title}”", section.title + " " + _visible_text(sanitize_html(section.body_html)))
            for section in sorted(entry.sections, key=lambda s: (s.position, s.key))
        ] + [("", gettext("the signers' names"), signers)]
        problems = []
        for key, where, text in parts:
            missing = fonts.uncovered_characters(text, code, entry.language.english_name)
            if missing:
                problems.append(RenderProblem(key, "unprintable", fonts.unprintable_message(missing, code, where)))
        return problems

    @staticmethod
    def path(entry: Entry) -> str:
        return f"{entry.language.code}/{entry.slug}.pdf"

    # -- HTML ---------------------------------------------------------------

    def html(self, entry: Entry) -> str:
        """The handout as HTML, after checking every printed character against its fonts."""
        if isinstance(entry, PublishedGuide):
            context, printed = self._guide_context(entry)
        elif isinstance(entry, WithdrawnGuide):
            context, printed = self._withdrawn_context(entry)
        else:  # pragma: no cover - the Entry union is closed
            raise TypeError(f"HandoutChannel cannot render {type(entry).__name__}")
        language = entry.language
        for printed_in, parts in printed:
            fonts.check_printable(
                parts,
                code=printed_in.code,
                language_name=printed_in.english_name,
                slug=entry.slug,
                handout_language=language.english_name,
            )
        context.update(
            language=language,
            font_family=mark_safe(fonts.font_family_css(language.code)),  # noqa: S308 - from our own config
        )
        with translation.override(language.code):
            return template_engine().get_template(HANDOUT_TEMPLATE).render(Context(context, autoescape=True))

    def _footer_css(self, language: LanguageFacts, end_text: list[str]) -> str:
        """@page margin boxes: the title at the start side, version and page number at the end side."""
        start, end = ("left", "right") if language.direction == "ltr" else ("right", "left")
        page = f'{_css_string(gettext("Page") + " " + _LRI)} counter(page) " / " counter(pages) {_css_string(_PDI)}'
        end_content = " ".join([*(_css_string(text) for text in end_text), page])
        return (
            f"@page {{ @bottom-{start} {{ content: string(handout-title); text-align: {start}; }}\n"
            f"  @bottom-{end} {{ content: {end_content}; text-align: {end}; }} }}"
        )

    def _guide_context(self, entry: PublishedGuide):
        code = entry.language.code
        with translation.override(code):
            version_label = gettext("Version")
            page_label = gettext("Page")
            footer_end = [f"{version_label} {entry.version_number}  \u00b7  "]
            footer_css = self._footer_css(entry.language, footer_end)
            signers = [self._signer(signature, code) for signature in entry.signatures]
        sections = []
        printed = [("the title", entry.title), ("the summary", entry.summary)]
        outdated = self._outdated(entry)
        if outdated:
            printed.append(("the notice that the translation is being updated", " ".join(
                [outdated["heading"], outdated["explanation"], outdated["pointer"], outdated["source_url"]])))
        for section in sorted(entry.sections, key=lambda s: (s.position, s.key)):
            body = sanitize_html(section.body_html)
            sections.append({"key": section.key, "title": section.title, "body": mark_safe(body)})  # noqa: S308
            printed.append((f"section {section.position} “{section.title}”", section.title + " " + _visible_text(body)))
        context = {
            "withdrawn": False,
            "title": entry.title,
            "summary": entry.summary,
            "sections": sections,
            "footer_css": mark_safe(footer_css),  # noqa: S308 - CSS strings escaped by _css_string
            "version": entry.version_number,
            "approved_on": _format_date(code, entry.approved_on),
            "approved_on_iso": entry.approved_on.isoformat(),
            "signers": signers,
            "content_hash": entry.content_hash,
            "next_review_due": _format_date(code, entry.next_review_due) if entry.next_review_due else "",
            "next_review_due_iso": entry.next_review_due.isoformat() if entry.next_review_due else "",
            "review_overdue": bool(entry.review_overdue),
            "outdated": outdated,
        }
        # The sign-off block and the footer, with the labels exactly as the template translates them.
        with translation.override(code):
            labels = " ".join(
                gettext(msgid)
                for msgid in ("Version", "Approved on", "Signed by", "Next review due", "Content hash", "Review overdue")
            )
        signoff = " ".join(
            [
                labels,
                f"{version_label} {page_label} {_FOOTER_CHARACTERS}",
                str(entry.version_number),
                context["approved_on"],
                context["next_review_due"],
                entry.content_hash,
                *(" ".join(s.values()) for s in signers),
            ]
        )
        printed.append(("the sign-off and footer", signoff))
        if outdated:
            source = entry.outdated.source_language
            return context, [(entry.language, printed), (source, [("the source title in the notice", entry.outdated.source_title)])]
        return context, [(entry.language, printed)]

    @staticmethod
    def _outdated(entry: PublishedGuide) -> dict | None:
        """The notice on a translation that a live clinical change to the source is not in yet:
        the site's words, and the source page's full address (a printout cannot follow a link)."""
        if entry.outdated is None:
            return None
        from .site import site_url

        source = entry.outdated.source_language
        return {
            **outdated_notice_texts(entry),
            "source_language": source,
            "source_title": entry.outdated.source_title,
            "source_font_family": mark_safe(fonts.font_family_css(source.code)),  # noqa: S308 - from our own config
            "source_url": f"{site_url()}{source.code}/{entry.slug}/",
        }

    @staticmethod
    def _signer(signature: SignatureFacts, code: str) -> dict:
        return {
            "printed_name": signature.printed_name,
            "credentials": signature.credentials,
            "meaning": localized_meaning(signature, code),
        }

    def _withdrawn_context(self, entry: WithdrawnGuide):
        code = entry.language.code
        source = entry.source_language
        with translation.override(code):
            # The same messages as the site's withdrawal page, so one translation serves both.
            heading = gettext("Translation withdrawn")
            explanation = gettext(
                "This translation was withdrawn after a safety update to the original guide. "
                "It is being updated and will be published again once it has been checked."
            )
            pointer = gettext("Until then, please read the current guide in %(language)s:") % {
                "language": source.native_name
            }
            footer_css = self._footer_css(entry.language, [])
            page_label = gettext("Page")
        context = {
            "withdrawn": True,
            "title": heading,
            "heading": heading,
            "explanation": explanation,
            "pointer": pointer,
            "source_language": source,
            "source_title": entry.source_title,
            "source_font_family": mark_safe(fonts.font_family_css(source.code)),  # noqa: S308
            "footer_css": mark_safe(footer_css),  # noqa: S308
        }
        notice = [("the withdrawal notice", f"{heading} {explanation} {pointer} {page_label} {_FOOTER_CHARACTERS}")]
        title = [("the source title", entry.source_title)]
        return context, [(entry.language, notice), (source, title)]

    # -- PDF ----------------------------------------------------------------

    def document(self, entry: Entry):
        """The laid-out WeasyPrint document (pages and boxes), for inspection."""
        html = self.html(entry)
        with _weasyprint_warnings(self.path(entry)):
            return self._layout(html, entry)

    def _layout(self, html: str, entry: Entry):
        from weasyprint import HTML

        document = HTML(string=html, base_url=None, url_fetcher=_no_fetching()).render(
            stylesheets=[_stylesheet()], font_config=_font_config(),
        )
        approved_on = getattr(entry, "approved_on", None)
        if approved_on is not None:
            stamp = f"{approved_on.isoformat()}T00:00:00Z"
            document.metadata.created = stamp
            document.metadata.modified = stamp
        else:
            document.metadata.created = document.metadata.modified = None
        return document

