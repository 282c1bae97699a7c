"""The site's guide page: one HTML5 page and one JSON document per guide and language, its sections in order,
its callouts styled by the page itself (no database, no other file)."""
from __future__ import annotations

import dataclasses

from guide_cms.publishing.channels.base import Channel
from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import SLUG, files_of, page, parse_html


def test_channel_is_named_site_and_implements_the_channel_interface():
    channel = SiteChannel()
    assert isinstance(channel, Channel)
    assert channel.name == "site"
    entry = sample.published_guide("es")
    assert channel.entry_key(entry) == SiteChannel().entry_key(entry)


def test_published_guide_gives_a_page_and_a_json_document_per_language():
    for code in sample.DEMO_LANGUAGES:
        entry = sample.published_guide(code)
        assert sorted(files_of(entry)) == [f"{code}/{SLUG}.json", f"{code}/{SLUG}/index.html"]


def test_page_is_html5_with_charset_viewport_and_the_guide_title():
    entry = sample.published_guide("es")
    content = files_of(entry)[f"es/{SLUG}/index.html"]
    assert content.startswith(b"<!DOCTYPE html>\n")
    doc = page(entry)
    assert doc.doctype.lower() == "doctype html"
    assert doc.find("meta", charset="utf-8")
    assert "width=device-width" in doc.find("meta", name="viewport").attrs["content"]
    assert doc.find("title").text() == entry.title
    assert doc.find("h1").text() == entry.title
    assert doc.find("p", class_="summary").text() == entry.summary


def test_each_section_has_its_key_as_id_its_title_as_h2_and_its_body():
    entry = sample.published_guide("es")
    doc = page(entry)
    sections = doc.find("article").find_all("section")
    assert [s.attrs["id"] for s in sections] == [s.key for s in entry.sections]
    for node, section in zip(sections, entry.sections, strict=True):
        assert node.find("h2").text() == section.title
        assert parse_html(section.body_html.encode()).text().split() == node.text().split()[len(section.title.split()) :]


def test_sections_appear_in_position_order_whatever_the_tuple_order():
    entry = sample.published_guide("en")
    shuffled = dataclasses.replace(entry, sections=tuple(reversed(entry.sections)))
    keys = [s.attrs["id"] for s in page(shuffled).find("article").find_all("section")]
    assert keys == [s.key for s in entry.sections]


def test_callouts_keep_their_markup_in_the_page():
    doc = page(sample.published_guide("es"))
    warning = doc.find("aside", class_="callout callout-warning")
    assert warning.attrs["role"] == "note"
    assert warning.attrs["aria-label"] == "Advertencia"
    assert "maquinaria pesada" in warning.text()
    tip = doc.find("aside", class_="callout callout-tip")
    assert tip.attrs["role"] == "note"


def test_page_carries_its_own_css_for_callouts_and_needs_no_other_file():
    doc = page(sample.published_guide("ar"))
    assert not doc.find_all("link", rel="stylesheet")
    assert not doc.find_all("script")
    css = doc.find("head").find("style").text()
    for selector in (".callout", ".callout-warning", ".callout-tip"):
        assert selector in css
    # Logical properties, so the callout bar sits on the reading side in Arabic too.
    assert "border-inline-start" in css
