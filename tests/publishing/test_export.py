"""Exports: only the signed text, atomic, reproducible, incremental, verifiable."""
import json

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
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    assert verify_exports(tmp_path) == []


def test_drafts_never_reach_the_site(wf, tmp_path):
    Section.objects.filter(key="dosing").update(body_en="<script>alert(1)</script> Take 500 mg.", body_es="[x](javascript:alert(1)) Tome 500 mg.")
    export_channels(channels=["site"], output_dir=tmp_path)
    text = b"".join(site_files(tmp_path).values())
    assert b"500 mg" not in text and b"<script>alert" not in text and b"javascript:" not in text
    assert "Tome 5 mg.".encode() in text


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


def test_tampered_snapshot_is_refused_and_the_previous_output_kept(wf, tmp_path):
    from guide_cms.guides.models import Version

    export_channels(channels=["site"], output_dir=tmp_path)
    before = site_files(tmp_path)
    version = Version.objects.get(language="es")
    snapshot = version.snapshot
    snapshot["sections"][0]["body"] = "Tome 50 mg."
    with as_table_owner():
        Version.objects.filter(pk=version.pk).update(snapshot=snapshot)
    with pytest.raises(ExportRefused, match="no longer matches its content hash"):
        export_channels(channels=["site"], output_dir=tmp_path)
    assert site_files(tmp_path) == before


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
    wf.publish(wf.approve("en", ChangeClass.EDITORIAL))
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
