"""Exports: only the signed text, atomic, reproducible, incremental, verifiable."""
import json
import re
from collections import Counter

import pytest

from guide_cms.guides.models import ChangeClass, Section
from guide_cms.publishing.channels.site import SiteChannel
from guide_cms.publishing.entries import ExportRefused, build_entries
from guide_cms.publishing.export import export_channel, verify_exports
from guide_cms.publishing.services import export_channels
from tests.tamper import as_table_owner



@pytest.fixture
def wf(workflow):
    wf = workflow
    wf.publish(wf.approve("en"))
    wf.publish(wf.approve("es"))
    return wf


def site_files(root):
    folder = (root / "site").resolve()
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_export_writes_pages_json_index_sitemap_and_manifest(wf, tmp_path):
    export_channels(channels=["site"], output_dir=tmp_path)
    files = site_files(tmp_path)
    assert {"index.html", "sitemap.xml", "manifest.json", "en/baclofen/index.html", "es/baclofen/index.html", "es/baclofen.json"} <= set(files)
    manifest = json.loads(files["manifest.json"])
    assert manifest["entries"]["es/baclofen"]["version"] == 1
    assert manifest["entries"]["es/baclofen"]["signatures"][0]["printed_name"] == wf.reviewer.staff_profile.printed_name
    # Everything else is in the manifest; the checkpoint that signed it is published beside it.
    assert set(manifest["files"]) == set(files) - {"manifest.json", "checkpoint.json"}
    record = json.loads(files["checkpoint.json"])
    assert (record["format"], record["sequence"]) == ("guide-cms-checkpoint-record/1", 1)
    assert verify_exports(tmp_path) == []


def test_drafts_never_reach_the_site(wf, tmp_path):
    Section.objects.filter(key="dosing").update(body_en="<script>alert(1)</script> Take 500 mg.", body_es="[x](javascript:alert(1)) Tome 500 mg.")
    export_channels(channels=["site"], output_dir=tmp_path)
    text = b"".join(site_files(tmp_path).values())
    assert b"500 mg" not in text and b"<script>alert" not in text and b"javascript:" not in text
    assert b"Tome 5 mg." in text


def test_exporting_twice_gives_identical_files_and_changes_nothing(wf, tmp_path):
    export_channels(channels=["site"], output_dir=tmp_path)
    first = site_files(tmp_path)
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert not report.changed and report.rendered == [] and sorted(report.reused) == ["en/baclofen", "es/baclofen"]
    assert site_files(tmp_path) == first


def test_only_the_changed_guide_language_is_rendered_again(wf, tmp_path):
    export_channels(channels=["site"], output_dir=tmp_path)
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    wf.publish(wf.approve("es"))
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert report.rendered == ["es/baclofen"]
    assert report.reused == ["en/baclofen"]
    assert "Tome 5 mg por la noche." in site_files(tmp_path)["es/baclofen/index.html"].decode()


def _tamper_spanish_snapshot():
    from guide_cms.guides.models import Version

    version = Version.objects.get(language="es")
    snapshot = version.snapshot
    snapshot["sections"][0]["body"] = "Tome 50 mg."
    with as_table_owner():
        Version.objects.filter(pk=version.pk).update(snapshot=snapshot)


def test_a_tampered_snapshot_is_refused_when_it_must_be_rendered_and_the_previous_output_kept(wf, tmp_path):
    from guide_cms.publishing.entries import forget_verified_texts

    export_channels(channels=["site"], output_dir=tmp_path)
    before = site_files(tmp_path)
    _tamper_spanish_snapshot()
    forget_verified_texts()  # as in a new process: no text of that content hash checked yet
    (tmp_path / "site" / "es" / "baclofen.json").unlink()  # its files must be rendered again
    with pytest.raises(ExportRefused, match="no longer matches its content hash"):
        export_channels(channels=["site"], output_dir=tmp_path)
    assert {path: data for path, data in site_files(tmp_path).items() if path != "es/baclofen.json"} == {
        path: data for path, data in before.items() if path != "es/baclofen.json"}


def test_a_tampered_snapshot_never_reaches_the_files_and_verify_integrity_reports_it(wf, tmp_path):
    """Deciding what changed reads keys only: the unchanged entry keeps the files rendered from
    the checked text; an entry rendered again in this process takes the checked text of its content hash."""
    import io

    from django.core.management import CommandError, call_command

    export_channels(channels=["site"], output_dir=tmp_path)
    before = site_files(tmp_path)
    _tamper_spanish_snapshot()
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert not report.changed and report.rendered == []
    assert site_files(tmp_path) == before
    with pytest.raises(CommandError, match="Integrity check failed"):
        call_command("verify_integrity", output=str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())


class CrashingSite(SiteChannel):
    """The real site channel, killed after its first page."""

    def __init__(self):
        self.calls = 0

    def render_entry(self, entry):
        self.calls += 1
        if self.calls > 1:
            raise KeyboardInterrupt("killed mid-export")
        return super().render_entry(entry)


def test_a_crash_mid_export_leaves_the_previous_output_complete(wf, tmp_path):
    export_channels(channels=["site"], output_dir=tmp_path)
    before = site_files(tmp_path)
    wf.edit("dosing", "en", "Take 5 mg at night.")
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    wf.publish(wf.approve("en", ChangeClass.CLINICAL))
    wf.publish(wf.approve("es"))
    with pytest.raises(KeyboardInterrupt):
        export_channel(CrashingSite(), build_entries("site"), tmp_path)
    assert site_files(tmp_path) == before
    assert verify_exports(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site-")] == [(tmp_path / "site").resolve().name]


def test_verify_catches_an_edited_or_added_file(wf, tmp_path):
    export_channels(channels=["site"], output_dir=tmp_path)
    page = tmp_path / "site" / "es" / "baclofen" / "index.html"
    page.write_text(page.read_text().replace("5 mg", "50 mg"))
    (tmp_path / "site" / "extra.html").write_text("<p>not signed</p>")
    problems = verify_exports(tmp_path)
    assert any("es/baclofen/index.html was changed after export" in p for p in problems)
    assert any("extra.html is not in the manifest" in p for p in problems)


def test_withdrawn_translation_becomes_a_notice(wf, tmp_path):
    wf.edit("warnings", "en", "> [!WARNING]\n> Do not drive or drink alcohol.")
    wf.approve("en", ChangeClass.SAFETY)
    export_channels(channels=["site"], output_dir=tmp_path)
    files = site_files(tmp_path)
    page = files["es/baclofen/index.html"].decode()
    assert "Tome 5 mg." not in page
    assert "../../en/baclofen/" in page
    assert json.loads(files["es/baclofen.json"])["withdrawn"] is True


def test_a_safety_approval_replaces_the_translation_on_the_channels_at_once(wf, export_dir, django_capture_on_commit_callbacks):
    export_channels(channels=["site"])
    assert "Tome 5 mg." in (export_dir / "site" / "es" / "baclofen" / "index.html").read_text()
    wf.edit("warnings", "en", "> [!WARNING]\n> Do not drive or drink alcohol.")
    with django_capture_on_commit_callbacks(execute=True):
        wf.approve("en", ChangeClass.SAFETY)
    page = (export_dir / "site" / "es" / "baclofen" / "index.html").read_text()
    assert "Tome 5 mg." not in page and "../../en/baclofen/" in page


def _second_guide(wf):
    """Another published guide, so that a change of one guide has others to leave alone."""
    from guide_cms.guides.models import Guide
    from tests.factories import SectionFactory
    import copy

    other = Guide.objects.create(slug="diazepam", title_en="Diazepam", title_es="Diazepam", summary_es="Un resumen.")
    SectionFactory(guide=other, key="dosing", position=1, title_en="Dosing", body_en="Take 2 mg.", title_es="Dosis", body_es="Tome 2 mg.")
    flow = copy.copy(wf)
    flow.guide = other
    flow.publish(flow.approve("en"))
    flow.publish(flow.approve("es"))
    return flow


@pytest.mark.parametrize("search", [False, True], ids=["without search", "with the search index"])
def test_an_unchanged_re_export_writes_no_file_and_reads_no_text(wf, tmp_path, settings, search):
    settings.GUIDE_CMS_SITE_SEARCH = search
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def unchanged_re_export() -> int:
        export_channels(channels=["site"], output_dir=tmp_path)
        folder = (tmp_path / "site").resolve()
        with CaptureQueriesContext(connection) as queries:
            (report,) = export_channels(channels=["site"], output_dir=tmp_path)
        assert not report.changed and report.written == [] and report.changed_files == [] and report.rendered == []
        assert (tmp_path / "site").resolve() == folder
        # No stored text is read (a title through a JSON path is a key).
        assert not any(re.search(r'"guides_version"\."snapshot"( AS "snapshot")?(, "| FROM)', q["sql"]) for q in queries)
        return len(queries)

    one_guide = unchanged_re_export()
    _second_guide(wf)
    # Keys only: the audit chain since the last checkpoint (and the checkpoint it records), the publications'
    # sealed facts, the guides' former slugs and the keys of the live versions, whatever the number of guides; on
    # PostgreSQL, 4 statements for each channel's advisory lock, which the checkpoint after the export takes too.
    assert unchanged_re_export() == one_guide <= 28 + (8 if connection.vendor == "postgresql" else 0)


def test_a_full_export_reads_the_texts_together_whatever_the_number_of_pages(wf, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guide_cms.publishing.entries import forget_verified_texts

    def full_export(folder) -> int:
        forget_verified_texts()  # as a new process: every text read and checked
        with CaptureQueriesContext(connection) as queries:
            (report,) = export_channels(channels=["site"], output_dir=tmp_path / folder)
        assert not report.failures and report.reused == []
        # The stored texts themselves (a title read through a JSON path is a key, not a text).
        return sum(bool(re.search(r'"guides_version"\."snapshot"( AS "snapshot")?(, "| FROM)', q["sql"])) for q in queries)

    two_pages = full_export("one-guide")
    _second_guide(wf)
    assert full_export("two-guides") == two_pages == 1


def test_a_change_of_one_guide_writes_its_files_index_sitemap_and_manifest_only(wf, tmp_path):
    _second_guide(wf)
    export_channels(channels=["site"], output_dir=tmp_path)
    old = (tmp_path / "site").resolve()
    inodes = {p.relative_to(old).as_posix(): p.stat().st_ino for p in old.rglob("*") if p.is_file()}
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    wf.publish(wf.approve("es"))
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert report.rendered == ["es/baclofen"] and sorted(report.reused) == ["en/baclofen", "en/diazepam", "es/diazepam"]
    new = (tmp_path / "site").resolve()
    # A new release beside the previous one, which is kept (GUIDE_CMS_RELEASES_KEPT) and left as it was.
    assert new != old and new.parent == old.parent and (old / "manifest.json").is_file()
    assert {p.name for p in tmp_path.glob(".site-*")} == {old.name, new.name}
    now = {p.relative_to(new).as_posix(): p.stat().st_ino for p in new.rglob("*") if p.is_file()}
    rewritten = sorted(path for path, inode in now.items() if inodes.get(path) != inode)
    # The other guide's files (and English, whose page did not change) are the same files: hard links.
    assert set(rewritten) <= {"es/baclofen/index.html", "es/baclofen.json", "index.html", "sitemap.xml", "manifest.json", "checkpoint.json"}
    assert {"es/baclofen/index.html", "es/baclofen.json", "manifest.json"} <= set(rewritten)
    assert verify_exports(tmp_path) == []


def test_a_page_edited_in_place_with_its_size_and_time_kept_is_found_and_rendered_again(wf, tmp_path):
    """A dose changed by hand in the live release (read-only, but not to root), the file's size and
    modification time put back: the next full export hashes it and repairs it."""
    import os

    export_channels(channels=["site"], output_dir=tmp_path)
    page = (tmp_path / "site").resolve() / "es/baclofen/index.html"
    signed, stat = page.read_bytes(), page.stat()
    assert b"Tome 5 mg." in signed
    page.write_bytes(signed.replace(b"Tome 5 mg.", b"Tome 9 mg."))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert report.repaired == ["es/baclofen/index.html"]
    assert ((tmp_path / "site").resolve() / "es/baclofen/index.html").read_bytes() == signed


def test_a_publication_reports_the_files_it_wrote(wf, tmp_path, settings):
    settings.GUIDE_CMS_EXPORT_DIR = tmp_path
    _second_guide(wf)
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    result = wf.publish(wf.approve("es"))
    (site,) = [r for r in result.reports if r.channel == "site"]
    assert site.rendered == ["es/baclofen"]
    assert set(site.written) <= {"es/baclofen/index.html", "es/baclofen.json", "index.html", "sitemap.xml", "manifest.json"}
    assert set(site.changed_files) == {"es/baclofen/index.html", "es/baclofen.json", "manifest.json"}


def test_a_file_altered_on_disk_is_found_and_rendered_again(wf, tmp_path):
    export_channels(channels=["site"], output_dir=tmp_path)
    export_channels(channels=["site"], output_dir=tmp_path)  # nothing changed: no new release
    page = tmp_path / "site" / "es" / "baclofen" / "index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"5 mg", b"9 mg"))  # same size: found by its hash
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert report.repaired == ["es/baclofen/index.html"] and report.rendered == ["es/baclofen"]
    assert page.read_bytes() == original


def test_a_guide_in_two_languages_is_published_as_one_outcome(wf, tmp_path, settings):
    from guide_cms.publishing.models import Publication
    from guide_cms.publishing.services import PublishRefused, publish_versions

    settings.GUIDE_CMS_EXPORT_DIR = tmp_path
    export_channels(channels=["site"], output_dir=tmp_path)
    wf.edit("dosing", "en", "Take 5 mg at night.")
    english = wf.approve("en", change_class="clinical")
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    spanish = wf.approve("es")
    with pytest.raises(PublishRefused):
        publish_versions(versions=[english, english], user=wf.publisher, channels=["site"])
    result = publish_versions(versions=[english, spanish], user=wf.publisher, channels=["site"])
    assert [v.pk for v in result.versions] == [english.pk, spanish.pk]
    (site,) = result.reports  # one export for both
    assert sorted(site.rendered) == ["en/baclofen", "es/baclofen"]
    live = Publication.objects.live().filter(guide=wf.guide, channel="site")
    assert sorted(p.version.number for p in live) == [english.number, spanish.number]
    assert "Tome 5 mg por la noche." in site_files(tmp_path)["es/baclofen/index.html"].decode()


def test_after_one_guide_changes_the_search_index_still_holds_every_guide(wf, tmp_path, settings):
    """Reused entries keep their words in the search index: the incremental export's
    index is the one a full export into an empty folder builds."""
    settings.GUIDE_CMS_SITE_SEARCH = True
    _second_guide(wf)
    export_channels(channels=["site"], output_dir=tmp_path / "incremental")
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    wf.publish(wf.approve("es"))
    (report,) = export_channels(channels=["site"], output_dir=tmp_path / "incremental")
    assert report.rendered == ["es/baclofen"]
    export_channels(channels=["site"], output_dir=tmp_path / "full")

    def index(root):
        # (when each shard was built, built.json, differs between two builds: left out)
        return {path: data for path, data in site_files(root).items() if path.startswith("pagefind/") and not path.endswith("/built.json")}

    assert index(tmp_path / "incremental") and index(tmp_path / "incremental") == index(tmp_path / "full")


def test_the_search_index_holds_the_live_guide_pages_and_no_withdrawal_notice(wf, tmp_path, settings):
    settings.GUIDE_CMS_SITE_SEARCH = True
    _second_guide(wf)
    wf.edit("warnings", "en", "> [!WARNING]\n> Do not drive or drink alcohol.")
    wf.publish(wf.approve("en", ChangeClass.SAFETY))  # the Spanish baclofen page becomes a withdrawal notice
    export_channels(channels=["site"], output_dir=tmp_path)
    files = site_files(tmp_path)
    counts = Counter()
    for path, data in files.items():
        if path.startswith("pagefind/") and path.endswith("/pagefind-entry.json"):
            counts.update({code: language["page_count"] for code, language in json.loads(data)["languages"].items()})
    assert counts == {"en": 2, "es": 1}
    shards = json.loads(files["manifest.json"])["index"]["shards"]
    assert sorted(p for shard in shards.values() for p in shard["pages"]) == [
        "en/baclofen/index.html", "en/diazepam/index.html", "es/diazepam/index.html"]
    assert {p for shard in shards.values() for p in shard["files"]} == {path for path in files if path.startswith("pagefind/")}


def test_a_change_to_one_guide_rebuilds_the_search_index_shard_of_that_guide_only(wf, tmp_path, settings):
    """The index is split by guide: publishing one guide rebuilds its shard, the others' files stay as they are."""
    from guide_cms.publishing.channels.search import shard_of

    settings.GUIDE_CMS_SITE_SEARCH = True
    settings.GUIDE_CMS_SEARCH_SHARDS = 8
    settings.GUIDE_CMS_EXPORT_DIR = tmp_path
    _second_guide(wf)
    assert shard_of("baclofen") != shard_of("diazepam")  # else this test proves nothing
    export_channels(channels=["site"], output_dir=tmp_path)
    before = site_files(tmp_path)
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    result = wf.publish(wf.approve("es"))
    after = site_files(tmp_path)
    changed = {p for p in set(before) | set(after) if p.startswith("pagefind/") and before.get(p) != after.get(p)}
    mine, other = f"pagefind/{shard_of('baclofen')}/", f"pagefind/{shard_of('diazepam')}/"
    assert changed and all(p.startswith(mine) for p in changed)
    assert {p for p in after if p.startswith(other)} == {p for p in before if p.startswith(other)}
    index_written = [p for r in result.index_reports for p in r.written if p.startswith("pagefind/")]
    assert index_written and all(p.startswith(mine) for p in index_written)
    # What it wrote is what a full export into an empty folder builds (but for when each shard was built).
    export_channels(channels=["site"], output_dir=tmp_path / "full")
    full = site_files(tmp_path / "full")

    def index(files):
        return {p: d for p, d in files.items() if p.startswith("pagefind/") and not p.endswith("/built.json")}

    assert index(after) == index(full) and f"{mine}built.json" in after


def test_a_publication_puts_its_pages_live_first_and_an_index_left_behind_is_reported_until_an_export(wf, tmp_path, settings, monkeypatch):
    from guide_cms.publishing import services
    from guide_cms.publishing.selectors import export_problems
    from guide_cms.publishing.services import publish_versions

    settings.GUIDE_CMS_SITE_SEARCH = True
    export_channels(channels=["site"], output_dir=tmp_path)
    before = {p: d for p, d in site_files(tmp_path).items() if p.startswith("pagefind/")}
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    spanish = wf.approve("es")
    monkeypatch.setattr(services, "export_channels", lambda **kwargs: [])  # the index after it never ran (a crash)
    result = publish_versions(versions=[spanish], user=wf.publisher, channels=["site"], output_dir=tmp_path)
    assert result.pages_live_after is not None and result.reports[0].index_deferred
    files = site_files(tmp_path)
    assert "Tome 5 mg por la noche." in files["es/baclofen/index.html"].decode()
    assert {p: d for p, d in files.items() if p.startswith("pagefind/")} == before  # the previous index, whole
    assert verify_exports(tmp_path) == []
    assert [str(p) for p in export_problems(output_dir=tmp_path)] == [
        "site: its home pages, sitemap and search index were built from earlier pages (the export that follows a "
        "publication did not finish). Run export_channels."
    ]
    monkeypatch.undo()
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert report.rendered == [] and any(p.startswith("pagefind/") for p in report.written)
    assert export_problems(output_dir=tmp_path) == []
