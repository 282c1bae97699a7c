"""The site's index: every guide in every language it is available in, withdrawn translations named apart;
and the shared files the channel writes besides the guides."""
from __future__ import annotations

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import SLUG, parse_html, whole_site


def test_index_lists_each_guide_with_native_language_names_and_lang_attributes():
    files = whole_site(sample.demo_entries())
    doc = parse_html(files["index.html"])
    guide = doc.find("section", id=SLUG)
    links = guide.find("ul", class_="available").find_all("a")
    assert [a.attrs["href"] for a in links] == [f"{code}/{SLUG}/index.html" for code in sample.DEMO_LANGUAGES]
    for link, code in zip(links, sample.DEMO_LANGUAGES, strict=True):
        language = get_language(code)
        assert link.find("span", class_="language-name").text() == language.native_name
        assert link.attrs["lang"] == language.bcp47 and link.attrs["hreflang"] == language.bcp47
        assert link.attrs["dir"] == language.direction
    assert {"العربية", "español", "Tiếng Việt"} <= {a.find(class_="language-name").text() for a in links}


def test_index_does_not_offer_withdrawn_translations_as_available():
    doc = parse_html(whole_site(sample.demo_entries(withdrawn=("vi",)))["index.html"])
    guide = doc.find("section", id=SLUG)
    available = [a.attrs["href"] for a in guide.find("ul", class_="available").find_all("a")]
    assert f"vi/{SLUG}/index.html" not in available
    (notice,) = guide.find("ul", class_="withdrawn").find_all("a")
    assert notice.attrs["href"] == f"vi/{SLUG}/index.html" and notice.attrs["lang"] == "vi"
    assert "hreflang" not in notice.attrs


def test_shared_files_are_the_index_the_sitemap_and_a_home_and_search_page_per_language():
    paths = [f.path for f in SiteChannel().render_shared(sample.demo_entries())]
    assert paths == ["index.html", "sitemap.xml", *(f"{code}/{page}" for code in sample.DEMO_LANGUAGES for page in ("index.html", "search.html"))]
