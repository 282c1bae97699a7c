"""A withdrawn translation becomes a notice in its language that points to the source, with none of the old text."""
from __future__ import annotations


from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import SLUG, files_of, gettext_in, json_of, parse_html


def test_withdrawn_translation_gets_a_notice_in_its_language_linking_to_the_source():
    entry = sample.withdrawn_guide("ar")
    files = files_of(entry)
    assert sorted(files) == [f"ar/{SLUG}.json", f"ar/{SLUG}/index.html"]
    doc = parse_html(files[f"ar/{SLUG}/index.html"])
    html = doc.find("html")
    assert html.attrs["lang"] == "ar" and html.attrs["dir"] == "rtl"
    link = doc.find("a", href=f"../../en/{SLUG}/index.html")
    assert link.text() == entry.source_title
    assert link.attrs["lang"] == "en"
    assert gettext_in("ar", "Translation withdrawn") in doc.find("h1").text()
    assert doc.find("meta", name="robots").attrs["content"] == "noindex"


def test_withdrawn_notice_contains_none_of_the_old_translated_text():
    old = sample.published_guide("vi")
    files = files_of(sample.withdrawn_guide("vi"))
    text = b"".join(files.values()).decode("utf-8")
    fragments = [old.title, old.summary, *(s.title for s in old.sections)]
    fragments += [p.strip() for s in old.sections for p in s.body_markdown.split("\n\n") if p.strip()]
    for fragment in fragments:
        assert fragment not in text
    assert old.content_hash not in text


def test_withdrawn_json_says_so_and_points_to_the_source():
    data = json_of(sample.withdrawn_guide("vi"))
    assert data["withdrawn"] is True
    assert data["slug"] == SLUG
    assert data["language"]["code"] == "vi"
    assert data["source"]["page"] == f"en/{SLUG}/"
    assert data["source"]["json"] == f"en/{SLUG}.json"
    assert data["source"]["title"] == sample.withdrawn_guide("vi").source_title
    assert "sections" not in data and "title" not in data
