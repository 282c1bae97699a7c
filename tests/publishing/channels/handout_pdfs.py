"""What a handout prints, read back from its PDF: pages, text, text runs with their position and size,
and the interface's labels in the handout's language (tests/publishing/channels/test_handout_*.py)."""
from __future__ import annotations

import io
import re
from functools import cache
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample

LANGUAGES = sample.DEMO_LANGUAGES
SLUG = sample.DEMO_SLUG


@cache
def rendered(code: str) -> bytes:
    """The demo guide's handout in `code`, rendered once per process."""
    [file] = HandoutChannel().render_entry(sample.published_guide(code))
    return file.content


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return "\n".join(pdf_pages(content))


def flat(text: str) -> str:
    return " ".join(text.split())


def has_phrase(text: str, phrase: str, code: str) -> bool:
    """Phrase printed in text. PDF extraction returns right-to-left lines in
    visual order, which moves numbers within Arabic phrases, so there every
    word must be present instead."""
    if code != "ar":
        return flat(phrase) in text

    def words(value):
        return re.sub(r"(\d+)", r" \1 ", value).split()

    printed = words(text)
    return all(word in printed for word in words(phrase))


def text_runs(content: bytes) -> list[tuple[int, float, float, str]]:
    """(page, x in pt from the left edge, font size in pt, text) for every text run the PDF draws."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages, start=1):

        def visit(text, cm, tm, font_dict, font_size, number=number):
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                size = font_size * abs(cm[3] * tm[3])
                runs.append((number, round(x, 1), round(size, 2), text.strip()))

        page.extract_text(visitor_text=visit)
    return runs


class _Text(HTMLParser):
    """The character data of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return flat("".join(parser.parts))


def on_one_line(expected: str, content: bytes) -> bool:
    """Every word of `expected` on one printed line, in any order (text extraction does not undo
    the visual reordering of numbers and words on a right-to-left line)."""
    words = expected.split()
    return any(all(word in line for word in words) for line in pdf_text(content).splitlines())


def labels(code: str, *msgids: str) -> list[str]:
    """The interface's labels as the real catalogue of `code` translates them (locale/, `make messages`)."""
    with translation.override(code):
        return [gettext(msgid) for msgid in msgids]
