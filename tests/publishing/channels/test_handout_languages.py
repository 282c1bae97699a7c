"""A handout is in its language: declared with its direction, set in that language's fonts, right to left in Arabic."""
from __future__ import annotations

import pytest

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import LANGUAGES, rendered, text_runs

A4_WIDTH_PT = 595.28


@pytest.mark.parametrize("code", LANGUAGES)
def test_html_declares_the_language_and_its_direction(code):
    language = get_language(code)
    html = HandoutChannel().html(sample.published_guide(code))
    assert f'<html lang="{language.bcp47}" dir="{language.direction}">' in html
    assert ("dir=\"rtl\"" in html) == (code == "ar")


def test_fonts_are_named_per_language():
    html = {code: HandoutChannel().html(sample.published_guide(code)) for code in ("ar", "zh-hans", "vi")}
    assert 'font-family: "Noto Sans Arabic", "Noto Sans", "DejaVu Sans";' in html["ar"]
    assert 'font-family: "Noto Sans CJK SC", "Noto Sans", "DejaVu Sans";' in html["zh-hans"]
    assert 'font-family: "Noto Sans", "DejaVu Sans";' in html["vi"]


def test_arabic_handout_runs_right_to_left():
    """Section headings start at the right margin in Arabic, at the left margin in English."""
    def heading_x(code):
        title = sample.published_guide(code).sections[0].title
        return next(x for _page, x, _size, text in text_runs(rendered(code)) if text == title)

    assert heading_x("en") < 80  # the 20 mm left margin is 56.7 pt
    assert heading_x("ar") > A4_WIDTH_PT / 2
