"""A shard of the search index: Pagefind (its service) given the shard's pages in page_order (by guide, then language)
however they come, as an export renders them (PagefindFeed.add), from their files (build_index), or both; the same
pages give the same bundle, from any folder, on any file system."""
from __future__ import annotations

import json
import shutil

import pytest

from guide_cms.publishing.channels import search
from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample
from tests.publishing.test_site_search_in_browser import other_guide

pytestmark = pytest.mark.usefixtures("site_search")


@pytest.fixture
def site_search(settings):
    settings.GUIDE_CMS_SITE_SEARCH = True


def _staged(folder):
    """The site's files for two guides written under folder; {page: its file} of the pages the index reads."""
    channel = SiteChannel()
    entries = [*sample.demo_entries(), other_guide("en"), other_guide("es")]
    for rendered in [f for e in entries for f in channel.render_entry(e)] + channel.render_shared(entries):
        target = folder / rendered.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rendered.content)
    return {page: folder / page for e in entries for page in channel.indexed_files(e)}


def _bundle(files):
    return {f.path: f.content for f in files if not f.path.endswith(search.BUILT_FILE)}


def test_pages_come_by_guide_then_language():
    pages = ["zh-hans/sleep/index.html", "en/muscle-relaxants/index.html", "ar/sleep/index.html", "en/sleep/index.html"]
    assert sorted(pages, key=search.page_order) == [
        "en/muscle-relaxants/index.html", "ar/sleep/index.html", "en/sleep/index.html", "zh-hans/sleep/index.html"]
    # A slug that begins another comes first, as an export renders them (not as "/" and "-" sort).
    assert sorted(["en/ab-c/index.html", "en/ab/index.html"], key=search.page_order) == ["en/ab/index.html", "en/ab-c/index.html"]


def test_the_same_pages_give_the_same_bundle_given_in_any_order_from_any_folder(tmp_path):
    pages = _staged(tmp_path / "site")
    first = _bundle(search.build_index(pages, "0"))
    scattered = {}
    for n, page in enumerate(sorted(pages, reverse=True)):  # each page on its own, the last first
        scattered[page] = tmp_path / f"page-{n}.html"
        shutil.copyfile(pages[page], scattered[page])
    assert _bundle(search.build_index(scattered, "0")) == first
    entry = json.loads(first["pagefind/0/pagefind-entry.json"])
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(pages)
    assert not any(path.startswith("pagefind/0/pagefind-ui") for path in first)


@pytest.mark.parametrize("fed", ["all", "the first", "another order", "another page"])
def test_pages_fed_as_they_come_give_the_bundle_of_their_files(tmp_path, fed):
    pages = _staged(tmp_path / "site")
    built = _bundle(search.build_index(pages, "0"))
    order = sorted(pages, key=search.page_order)
    given = {"all": order, "the first": order[:2], "another order": order[::-1], "another page": [order[0], "xx/gone/index.html"]}[fed]
    feed = search.PagefindFeed("0")
    try:
        for page in given:
            feed.add(page, pages.get(page, pages[order[0]]).read_bytes())
        assert _bundle(feed.build(pages)) == built
    finally:
        feed.close()


@pytest.mark.parametrize("added", ["every page", "some pages"])
def test_a_feed_given_every_page_starts_building_when_told_the_pages(tmp_path, added):
    pages = _staged(tmp_path / "site")
    built = _bundle(search.build_index(pages, "0"))
    order = sorted(pages, key=search.page_order)
    feed = search.PagefindFeed("0")
    try:
        for page in order if added == "every page" else order[:2]:
            feed.add(page, pages[page].read_bytes())
        feed.start(list(pages))
        assert (feed._asked is not None) == (added == "every page")  # the bundle asked for before build
        assert _bundle(feed.build(pages)) == built
    finally:
        feed.close()


def test_pages_larger_than_the_pipe_reach_pagefind_as_it_takes_them(tmp_path, monkeypatch):
    pages = _staged(tmp_path / "site")
    built = _bundle(search.build_index(pages, "0"))
    monkeypatch.setattr(search._Service, "PIPE_SIZE", 4096)  # a page is ten times that: written as Pagefind reads
    feed = search.PagefindFeed("0")
    try:
        for page in sorted(pages, key=search.page_order):
            feed.add(page, pages[page].read_bytes())
        assert feed._service._unsent  # what the pipe did not take yet, kept for later
        assert _bundle(feed.build(pages)) == built
    finally:
        feed.close()


def test_a_feed_let_go_unused_stops_its_pagefind(tmp_path):
    pages = _staged(tmp_path / "site")
    feed = search.PagefindFeed("0")
    page = next(iter(pages))
    feed.add(page, pages[page].read_bytes())
    process = feed._service.process
    feed.close()
    assert process.poll() is not None
    feed.close()  # twice: nothing left to stop


def test_pages_with_no_text_to_index_are_refused(tmp_path):
    empty = tmp_path / "en" / "nothing" / "index.html"
    empty.parent.mkdir(parents=True)
    empty.write_text("<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head><body></body></html>")
    with pytest.raises(search.SearchIndexError, match="no text to index"):
        search.build_index({"en/nothing/index.html": empty}, "0")


def test_a_pagefind_that_stops_says_so(tmp_path, monkeypatch):
    import pagefind.service

    pages = _staged(tmp_path / "site")
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: shutil.which("false"))
    with pytest.raises(search.SearchIndexError, match="Pagefind stopped before it gave the index"):
        search.build_index(pages, "0")
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    with pytest.raises(search.SearchIndexError, match="not installed"):
        search.build_index(pages, "0")
