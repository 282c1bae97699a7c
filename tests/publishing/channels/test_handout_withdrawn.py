"""A withdrawn translation's handout is a one-page notice in its language pointing to the source."""
from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import SLUG, flat, pdf_pages


@pytest.mark.parametrize("code", ["es", "ar", "zh-hans", "vi"])
def test_withdrawn_translation_gives_a_one_page_notice_pointing_to_the_source(code):
    entry = sample.withdrawn_guide(code)
    [file] = HandoutChannel().render_entry(entry)
    assert file.path == f"{code}/{SLUG}.pdf"
    pages = pdf_pages(file.content)
    assert len(pages) == 1
    text = flat(pages[0])
    assert flat(entry.source_title) in text
    assert entry.source_language.native_name in text
    with translation.override(code):
        assert flat(gettext("Translation withdrawn")) in text
    assert "Diazepam" not in text


def test_withdrawn_notice_html_tags_the_source_title_with_its_language():
    html = HandoutChannel().html(sample.withdrawn_guide("ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert '<p class="source-title" lang="en" dir="ltr">Muscle relaxants: treatment guide</p>' in html
