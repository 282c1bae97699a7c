"""Every page of a handout has a footer with the title, the version and the page number, in the right order right to left too."""
from __future__ import annotations

import pytest

from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import LANGUAGES, flat, has_phrase, labels, pdf_pages, rendered


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_has_a_footer_with_title_version_and_page_number(code):
    entry = sample.published_guide(code)
    pages = pdf_pages(rendered(code))
    page_label, version_label = labels(code, "Page", "Version")
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        text = flat(text)
        assert f"{number} / {len(pages)}" in text
        assert page_label in text and has_phrase(text, f"{version_label} {entry.version_number}", code)
        assert flat(entry.title) in text


def test_rtl_page_number_is_not_reversed():
    """With Arabic labels a bare "1 / 2" would display as "2 / 1"; the number is kept in a left-to-right isolate."""
    page_label, = labels("ar", "Page")
    assert page_label == "صفحة"  # the Arabic interface catalogue (locale/ar, compiled by `make messages`)
    pages = pdf_pages(rendered("ar"))
    assert len(pages) == 2
    first, second = flat(pages[0]), flat(pages[1])
    assert "1 / 2" in first and "2 / 1" not in first
    assert "2 / 2" in second and page_label in first
