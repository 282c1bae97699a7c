"""The site's read-back: what a reader's browser shows of each section of a guide page (printed_sections), and a
page that would not show the signed text refused before it is written."""
from __future__ import annotations

import dataclasses

import pytest

from guide_cms.publishing.channels import site
from guide_cms.publishing.channels.base import ChannelError
from guide_cms.publishing.channels.site import SiteChannel, printed_sections
from tests.publishing import entries as sample

PAGE = """<!DOCTYPE html><html lang="en"><head><style>section { color: red }</style></head><body>
<section id="dosing"><h2>Dosing</h2><p>Take 5&nbsp;mg &amp; rest.</p>
<aside class="callout callout-warning" role="note"><p>Do not drive.</p></aside>
<script>var hidden = "script text";</script><template><p>template text</p></template>
<section id="inner"><p>Inner text.</p><aside class="callout callout-tip"><p>A tip.</p></aside></section>
<section id=""><p>Unkeyed text.</p></section>
<aside class="callout"><p>No kind.</p></aside><aside class="note"><p>Not a callout.</p></aside>
</section>
<p>Outside every section.</p></body></html>"""


def test_each_section_shows_its_own_text_and_callouts_in_order():
    printed = printed_sections(PAGE)
    assert set(printed) == {"dosing", "inner"}
    dosing = printed["dosing"]
    assert dosing.text.split() == ["Dosing", "Take", "5", "mg", "&", "rest.", "Do", "not", "drive.", "Unkeyed", "text.",
                                   "No", "kind.", "Not", "a", "callout."]
    assert dosing.callouts == ("warning", "")
    assert printed["inner"].text.split() == ["Inner", "text.", "A", "tip."] and printed["inner"].callouts == ("tip",)


def test_text_a_browser_does_not_show_is_not_read():
    text = " ".join(section.text for section in printed_sections(PAGE).values())
    for hidden in ("red", "script text", "template text", "Outside"):
        assert hidden not in text


def test_the_page_may_be_given_as_its_utf8_bytes():
    page = PAGE.replace("Take", "خذ 中文 Tiếng")
    assert printed_sections(page.encode("utf-8")) == printed_sections(page)


def test_of_two_sections_with_one_key_the_last_counts():
    printed = printed_sections('<section id="a"><p>first</p></section><section id="a"><p>second</p></section>')
    assert printed["a"].text.split() == ["second"]


def _page_losing(monkeypatch, change):
    """Bodies put on the page changed by change(html) (a template or sanitiser that loses text)."""
    original = site.sanitize_body_html
    monkeypatch.setattr(site, "sanitize_body_html", lambda html: change(original(html)))


def test_a_page_that_drops_a_paragraph_is_refused(monkeypatch):
    entry = sample.published_guide("en")
    section = entry.sections[0]
    paragraph = section.body_html.split("</p>")[0] + "</p>"
    _page_losing(monkeypatch, lambda html: html.replace(paragraph, "") if html.startswith(paragraph) else html)
    with pytest.raises(ChannelError, match="this text is missing from the site page"):
        SiteChannel().render_entry(entry)
    problems = SiteChannel().check_rendering(entry)
    assert [p.section for p in problems] == [section.key] and problems[0].code == "dropped"


@pytest.mark.parametrize("wrapper", ["<template>{}</template>", "<script>{}</script>", "<style>{}</style>"])
def test_text_put_where_no_browser_shows_it_is_refused(monkeypatch, wrapper):
    entry = sample.published_guide("es")
    _page_losing(monkeypatch, lambda html: wrapper.format(html))
    problems = SiteChannel().check_rendering(entry)
    assert {p.section for p in problems} == {s.key for s in entry.sections if s.body_markdown.strip()}


def test_a_callout_shown_as_a_plain_quote_is_refused(monkeypatch):
    entry = sample.published_guide("es")
    assert any("callout-warning" in s.body_html for s in entry.sections)
    _page_losing(monkeypatch, lambda html: html.replace("<aside", "<blockquote").replace("</aside>", "</blockquote>"))
    with pytest.raises(ChannelError, match="it is not shown as a callout in the site page"):
        SiteChannel().render_entry(entry)


def test_a_whole_section_left_off_the_page_is_refused():
    entry = sample.published_guide("en")
    extra = dataclasses.replace(entry.sections[0], key="not-on-the-page")
    renamed = dataclasses.replace(entry, sections=(*entry.sections, extra))
    page = SiteChannel()._guide_page(entry)  # the page as it was, without the extra section
    problems = site.missing_from(renamed, printed_sections(page), "the site page")
    assert [(p.section, p.code) for p in problems] == [("not-on-the-page", "dropped")]
