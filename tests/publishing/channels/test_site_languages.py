"""A site page declares its language and direction, and links to the guide in every other language it is live in."""
from __future__ import annotations

import pytest
from django.utils import translation

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import SLUG, files_of, page


@pytest.mark.parametrize(
    "code, bcp47, direction",
    [("en", "en", "ltr"), ("es", "es", "ltr"), ("ar", "ar", "rtl"), ("zh-hans", "zh-Hans", "ltr"), ("vi", "vi", "ltr")],
)
def test_page_declares_the_language_and_direction_of_its_text(code, bcp47, direction):
    html = page(sample.published_guide(code)).find("html")
    assert html.attrs["lang"] == bcp47
    assert html.attrs["dir"] == direction


def test_hreflang_alternates_name_every_published_language_and_x_default():
    for code in sample.DEMO_LANGUAGES:
        doc = page(sample.published_guide(code))
        links = {
            link.attrs["hreflang"]: link.attrs["href"]
            for link in doc.find("head").find_all("link", rel="alternate")
            if "hreflang" in link.attrs
        }
        assert links == {
            "en": f"../../en/{SLUG}/index.html",
            "es": f"../../es/{SLUG}/index.html",
            "ar": f"../../ar/{SLUG}/index.html",
            "zh-Hans": f"../../zh-hans/{SLUG}/index.html",
            "vi": f"../../vi/{SLUG}/index.html",
            "x-default": f"../../en/{SLUG}/index.html",
        }


def test_hreflang_alternates_list_only_the_languages_the_guide_is_live_in():
    entry = sample.published_guide("es", alternates=("en", "es"))
    doc = page(entry)
    hreflangs = [link.attrs["hreflang"] for link in doc.find_all("link", rel="alternate") if "hreflang" in link.attrs]
    assert hreflangs == ["en", "es", "x-default"]


def test_language_switcher_lists_alternates_by_native_name_with_lang_and_hreflang():
    doc = page(sample.published_guide("ar"))
    switcher = doc.find("nav", class_="languages")
    links = [a for a in switcher.find_all("a") if "hreflang" in a.attrs]
    assert [(a.text(), a.attrs["lang"], a.attrs["hreflang"], a.attrs["href"]) for a in links] == [
        ("English", "en", "en", f"../../en/{SLUG}/index.html"),
        ("español", "es", "es", f"../../es/{SLUG}/index.html"),
        (get_language("zh-hans").native_name, "zh-Hans", "zh-Hans", f"../../zh-hans/{SLUG}/index.html"),
        ("Tiếng Việt", "vi", "vi", f"../../vi/{SLUG}/index.html"),
    ]
    current = switcher.find(aria_current="page")
    assert current.text() == "العربية" and current.attrs["lang"] == "ar" and current.attrs["dir"] == "rtl"


def test_rendering_does_not_change_the_active_language():
    with translation.override("ar"):
        files_of(sample.published_guide("es"))
        SiteChannel().render_shared(sample.demo_entries())
        assert translation.get_language() == "ar"
