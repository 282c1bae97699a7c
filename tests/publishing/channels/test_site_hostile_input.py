"""Hostile text and HTML in an entry reach the site escaped or removed: no script, handler, style or javascript: link."""
from __future__ import annotations

import dataclasses
import json

from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import (
    HOSTILE_TEXT,
    SLUG,
    files_of,
    hostile_section,
    json_of,
    page,
    parse_html,
    whole_site,
)


def test_json_html_is_the_sanitised_html_shown_in_the_page():
    entry = sample.published_guide("en", sections=(hostile_section(),))
    (section,) = json_of(entry)["sections"]
    for bad in ("<script", "onerror", "javascript:", "<img", "onclick", "<iframe", "<style"):
        assert bad not in section["html"]
    assert "Safe text." in section["html"]


def test_hostile_body_html_is_neutralised_in_the_page():
    entry = sample.published_guide("en", sections=(hostile_section(),))
    content = files_of(entry)[f"en/{SLUG}/index.html"]
    doc = parse_html(content)
    section = doc.find("section", id="hostile")
    assert "Safe text." in section.text()
    assert not doc.find_all("script") and not doc.find_all("img") and not doc.find_all("iframe")
    assert len(doc.find_all("style")) == 1  # the page's own, in <head>
    for node in doc.iter():
        assert not any(name.startswith("on") for name in node.attrs), node
        assert "style" not in node.attrs
        assert not (node.attrs.get("href") or "").lower().startswith("javascript")
    assert b"alert(1)" not in content


def test_hostile_titles_summaries_and_names_are_escaped():
    signature = sample.clinical_signature(printed_name=HOSTILE_TEXT, credentials=HOSTILE_TEXT)
    section = dataclasses.replace(sample.demo_sections("en")[0], title=HOSTILE_TEXT, key='x" onmouseover="alert(3)')
    entry = sample.published_guide(
        "en", title=HOSTILE_TEXT, summary=HOSTILE_TEXT, sections=(section,), signatures=(signature,),
    )
    files = whole_site([entry])
    for path in (f"en/{SLUG}/index.html", "index.html"):
        doc = parse_html(files[path])
        assert not doc.find_all("script") and not doc.find_all("img")
        for node in doc.iter():
            assert not any(name.startswith("on") for name in node.attrs), (path, node.tag, node.attrs)
    doc = parse_html(files[f"en/{SLUG}/index.html"])
    assert doc.find("h1").text() == HOSTILE_TEXT
    assert doc.find("title").text() == HOSTILE_TEXT
    assert doc.find("p", class_="summary").text() == HOSTILE_TEXT
    assert doc.find("section").attrs["id"] == 'x" onmouseover="alert(3)'
    assert HOSTILE_TEXT in doc.find("footer").text()
    assert json.loads(files[f"en/{SLUG}.json"])["title"] == HOSTILE_TEXT


def test_hostile_withdrawn_source_title_is_escaped():
    doc = page(sample.withdrawn_guide("es", source_title=HOSTILE_TEXT))
    assert not doc.find_all("script") and not doc.find_all("img")
    assert doc.find("a", href=f"../../en/{SLUG}/index.html").text() == HOSTILE_TEXT
