"""The search index's build: Pagefind reads the pages where an export staged them (one folder, a glob naming exactly
the shard's pages), or, for pages given from anywhere else, a folder of links to them; the bundle is the same."""
from __future__ import annotations

import shutil

import pytest

from guide_cms.publishing.channels import search
from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample

pytestmark = pytest.mark.usefixtures("site_search")


@pytest.fixture
def site_search(settings):
    settings.GUIDE_CMS_SITE_SEARCH = True


def _staged(folder, extra=()):
    """The site's files for the demo entries written under folder; {page: its file} of the indexed pages."""
    channel = SiteChannel()
    entries = sample.demo_entries()
    for rendered in [f for e in entries for f in channel.render_entry(e)] + channel.render_shared(entries):
        target = folder / rendered.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rendered.content)
    return {page: folder / page for e in entries for page in channel.indexed_files(e)}


def _bundle(files):
    return {f.path: f.content for f in files if not f.path.endswith(search.BUILT_FILE)}


def test_pages_of_one_folder_are_indexed_where_they_are(tmp_path):
    pages = _staged(tmp_path / "release")
    site, glob = search._in_place(pages)
    assert site == tmp_path / "release"
    assert glob == "{" + ",".join(sorted(pages)) + "}"


def test_pages_from_elsewhere_are_linked_into_a_folder_of_their_own(tmp_path):
    pages = _staged(tmp_path / "release")
    moved = dict(pages)
    first = sorted(pages)[0]
    moved[first] = tmp_path / "elsewhere.html"
    shutil.copyfile(pages[first], moved[first])
    assert search._in_place(moved) == (None, "")
    assert search._in_place({"es/a b/index.html": tmp_path / "es/a b/index.html"}) == (None, "")  # would read as a glob
    assert search._in_place({}) == (None, "")


def test_a_glob_too_long_for_one_argument_is_not_used(tmp_path, monkeypatch):
    pages = _staged(tmp_path / "release")
    monkeypatch.setattr(search, "MAX_GLOB", 10)
    assert search._in_place(pages) == (None, "")


def test_either_way_the_bundle_is_the_same(tmp_path):
    pages = _staged(tmp_path / "release")
    in_place = _bundle(search.build_index(pages, "0"))
    first = sorted(pages)[0]
    moved = {**pages, first: tmp_path / "elsewhere.html"}
    shutil.copyfile(pages[first], moved[first])
    assert search._in_place(moved) == (None, "")
    assert _bundle(search.build_index(moved, "0")) == in_place
    assert "pagefind/0/pagefind-entry.json" in in_place
    # Only the pages named are indexed: the home pages and search pages of the same folder are not.
    entry = search.json.loads(in_place["pagefind/0/pagefind-entry.json"])
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(pages)
