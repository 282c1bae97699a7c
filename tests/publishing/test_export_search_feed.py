"""An export feeds the search index the pages it renders, as it renders them (Channel.index_feed), so that Pagefind
reads them alongside; the shard it builds so is the one built from the files, and a feed that fails costs nothing
but time."""
import pytest

from guide_cms.publishing.channels import search
from guide_cms.publishing.channels.site import SiteChannel
from guide_cms.publishing.services import export_channels, publish_versions


@pytest.fixture
def wf(workflow, settings):
    settings.GUIDE_CMS_SITE_SEARCH = True
    workflow.publish(workflow.approve("en"))
    workflow.publish(workflow.approve("es"))
    return workflow


class SpyFeed(search.PagefindFeed):
    made: list = []

    def __init__(self, shard):
        super().__init__(shard)
        self.added, self.started, self.built = [], None, None
        SpyFeed.made.append(self)

    def start(self, pages):
        self.started = sorted(pages)
        super().start(pages)

    def add(self, path, content):
        self.added.append(path)
        super().add(path, content)

    def build(self, pages):
        self.built = sorted(pages)
        return super().build(pages)


@pytest.fixture
def feeds(monkeypatch):
    SpyFeed.made = []
    monkeypatch.setattr(SiteChannel, "index_feed", lambda self, shard: SpyFeed(shard))
    return SpyFeed.made


def _index(root):
    folder = (root / "site").resolve()
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).as_posix().startswith("pagefind/") and p.name != search.BUILT_FILE}


def test_a_full_export_feeds_each_page_as_it_renders_it_and_builds_the_shard_with_it(wf, tmp_path, feeds, monkeypatch):
    (report,) = export_channels(channels=["site"], output_dir=tmp_path / "fed")
    (feed,) = feeds
    assert feed.added == ["en/baclofen/index.html", "es/baclofen/index.html"] == feed.started == feed.built
    assert feed._service is None  # its Pagefind stopped once the shard was built
    monkeypatch.undo()
    export_channels(channels=["site"], output_dir=tmp_path / "from-files")
    assert _index(tmp_path / "fed") and _index(tmp_path / "fed") == _index(tmp_path / "from-files")


def test_a_publication_feeds_nothing_its_index_follows_it(wf, tmp_path, feeds, monkeypatch):
    from guide_cms.publishing import services

    export_channels(channels=["site"], output_dir=tmp_path)
    feeds.clear()
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    spanish = wf.approve("es")
    monkeypatch.setattr(services, "export_channels", lambda **kwargs: [])  # the export after it
    result = publish_versions(versions=[spanish], user=wf.publisher, channels=["site"], output_dir=tmp_path)
    assert result.reports[0].rendered == ["es/baclofen"] and result.reports[0].index_deferred
    assert feeds == []


def test_a_feed_that_fails_leaves_the_shard_to_be_built_from_the_files(wf, tmp_path, monkeypatch, caplog):
    def broken(self, path, content):
        raise search.SearchIndexError("no pipe")

    monkeypatch.setattr(search.PagefindFeed, "add", broken)
    (report,) = export_channels(channels=["site"], output_dir=tmp_path / "fed")
    assert not report.error and "could not be fed" in caplog.text
    monkeypatch.undo()
    export_channels(channels=["site"], output_dir=tmp_path / "from-files")
    assert _index(tmp_path / "fed") and _index(tmp_path / "fed") == _index(tmp_path / "from-files")
