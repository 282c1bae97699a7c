"""The patients' site: a home page per language, the language switcher on every page, links that work from disk."""
from __future__ import annotations

import json
import posixpath

from django.utils import translation

from guide_cms.core.languages import get_language
from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import SLUG, gettext_in, parse_html, whole_site


def test_each_language_has_a_home_page_listing_its_guides_with_summary_and_last_reviewed_date():
    files = whole_site(sample.demo_entries())
    for code in sample.DEMO_LANGUAGES:
        doc = parse_html(files[f"{code}/index.html"])
        language = get_language(code)
        html = doc.find("html")
        assert (html.attrs["lang"], html.attrs["dir"]) == (language.bcp47, language.direction)
        assert doc.find("h1").text() == gettext_in(code, "Patient guides")
        (guide,) = doc.find("ul", class_="guide-list").find_all("li", class_="guide")
        entry = sample.published_guide(code)
        link = guide.find("h2").find("a")
        assert link.text() == entry.title and link.attrs["href"] == f"{SLUG}/index.html"
        assert guide.find("p", class_="summary").text() == entry.summary
        reviewed = guide.find("p", class_="reviewed")
        assert reviewed.find("time").attrs["datetime"] == "2025-03-14"
        assert language.format_date(sample.APPROVED_ON) in reviewed.text()
        assert gettext_in(code, "Last reviewed:") in reviewed.text()


def test_the_spanish_home_page_is_in_spanish():
    doc = parse_html(whole_site(sample.demo_entries())["es/index.html"])
    text = " ".join(doc.text().split())
    assert "Guías para pacientes" in text and "Última revisión:" in text and "14 de marzo de 2025" in text


def test_every_page_carries_the_language_switcher_and_a_way_home():
    files = whole_site(sample.demo_entries(withdrawn=("vi",)))
    pages = [path for path in files if path.endswith(".html")]
    assert len(pages) == 1 + 2 * 5 + 5
    for path in pages:
        doc = parse_html(files[path])
        switcher = doc.find("nav", class_="languages")
        assert switcher is not None, path
        names = {a.text() for a in switcher.find_all("a")} | {s.text() for s in switcher.find_all("span")}
        assert "español" in names or path.startswith("vi/"), (path, names)
        if path != "index.html":
            assert doc.find("a", class_="home") is not None, path


def test_the_home_page_switcher_leads_to_the_other_languages_home_pages():
    doc = parse_html(whole_site(sample.demo_entries())["ar/index.html"])
    switcher = doc.find("nav", class_="languages")
    links = {a.attrs["hreflang"]: a.attrs["href"] for a in switcher.find_all("a") if "hreflang" in a.attrs}
    assert links == {"en": "../en/index.html", "es": "../es/index.html", "zh-Hans": "../zh-hans/index.html", "vi": "../vi/index.html"}
    assert switcher.find(aria_current="page").text() == "العربية"


def test_every_link_names_a_file_so_the_site_works_from_disk():
    files = whole_site(sample.demo_entries(withdrawn=("vi",)))
    for path, content in files.items():
        if not path.endswith(".html"):
            continue
        doc = parse_html(content)
        body_links = {id(a) for section in doc.find_all("section") for a in section.find_all("a")}
        for node in doc.iter():
            href = node.attrs.get("href") or node.attrs.get("action")
            if not href or href.startswith("#") or "://" in href or id(node) in body_links:
                continue
            assert not href.endswith("/"), f"{path}: {href} opens a directory listing from disk"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href.split("#")[0]))
            assert target in files, f"{path}: {href} -> {target}"


def test_a_guide_page_leads_to_its_language_home_and_search():
    doc = parse_html(whole_site(sample.demo_entries())[f"es/{SLUG}/index.html"])
    header = doc.find("header", class_="site-header")
    assert header.find("a", class_="home").attrs["href"] == "../index.html"
    assert header.find("a", class_="home").text() == gettext_in("es", "All guides")
    form = header.find("form", role="search")
    assert form.attrs["action"] == "../search.html" and form.find("input").attrs["name"] == "q"
    assert doc.find("a", class_="skip-link").attrs["href"] == "#main"


def test_withdrawn_translations_are_named_on_their_home_page_and_not_listed_as_guides():
    doc = parse_html(whole_site(sample.demo_entries(withdrawn=("vi",)))["vi/index.html"])
    assert doc.find_all("ul", class_="guide-list") == []
    (link,) = doc.find("ul", class_="withdrawn").find_all("a")
    assert link.attrs["href"] == f"{SLUG}/index.html"


def test_search_page_counts_results_with_the_languages_plural_forms():
    files = whole_site(sample.demo_entries())
    doc = parse_html(files["ar/search.html"])
    found = json.loads(doc.find(id="search-status").attrs["data-found"])
    assert len(found) == 21
    with translation.override("ar"):
        assert found[2] == translation.ngettext("%(count)d guide found.", "%(count)d guides found.", 2) % {"count": 2}
    assert found[1] != found[2] != found[3] != found[11]
