"""An incremental export patches the live folder in place: a failure or a crash mid-way leaves the previous files."""
import contextlib
import json
from io import StringIO
import os
import shutil
import signal

import pytest
from django.core.management import CommandError, call_command

from guide_cms.publishing import patching
from guide_cms.publishing.entries import ExportRefused
from guide_cms.publishing.export import verify_exports
from guide_cms.publishing.models import Publication
from guide_cms.publishing.services import export_channels, publish_versions
from tests.publishing.publishing_helpers import files


@pytest.fixture
def wf(workflow):
    workflow.publish(workflow.approve("en"))
    workflow.publish(workflow.approve("es"))
    return workflow


def live_files(root):
    return files(root, "site")


def leftovers(root):
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site-") and p != (root / "site").resolve()) + sorted(
        p.name for p in root.glob(".site.journal.json"))


class Crash(Exception):
    """The process dies here (os.replace never returns)."""


def replace_failing_after(monkeypatch, calls: int):
    """os.replace as used by patching, failing once: at its calls+1th call."""
    real = os.replace
    count = {"n": 0}

    def replace(src, dst, *args, **kwargs):
        count["n"] += 1
        if count["n"] == calls + 1:
            raise Crash(f"died at rename {count['n']}")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(patching.os, "replace", replace)


@pytest.mark.parametrize("renames_done", [0, 1, 2])
def test_a_publication_whose_files_fail_mid_way_leaves_the_previous_site_and_records_nothing(wf, settings, monkeypatch, renames_done):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    spanish = wf.approve("es")
    replace_failing_after(monkeypatch, renames_done + 1)  # the journal's own rename first
    with pytest.raises(Crash):
        publish_versions(versions=[spanish], user=wf.publisher, channels=["site"])
    monkeypatch.undo()
    assert live_files(exports) == before
    assert leftovers(exports) == []
    assert not Publication.objects.live().filter(version=spanish).exists()
    assert verify_exports(exports) == []


@pytest.mark.parametrize("renames_done", [1, 2, 3])
def test_an_export_that_died_while_it_replaced_files_is_rolled_back_and_redone_by_the_next(wf, settings, monkeypatch, renames_done):
    """Killed between two renames (no undo ran): the output is reported, and the next export puts
    the previous files back, then exports what is live."""
    exports = settings.GUIDE_CMS_EXPORT_DIR
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    wf.publish(wf.approve("es"))  # recorded and live
    published = live_files(exports)
    # The live folder is altered by hand, so that the next export has files to replace.
    page = (exports / "site").resolve() / "es/baclofen/index.html"
    page.write_bytes(page.read_bytes().replace(b"Tome 5 mg por la noche.", b"Tome 50 mg por la noche."))
    altered = live_files(exports)
    from guide_cms.publishing import export

    def die_without_undo(*args, **kwargs):
        staged = real_stage(*args, **kwargs)
        replace_failing_after(monkeypatch, renames_done)
        with contextlib.suppress(Crash):  # the process is gone: nothing else runs
            staged.swap()
        raise SystemExit("killed")

    real_stage = export.stage_channel
    monkeypatch.setattr(export, "stage_channel", die_without_undo)
    with pytest.raises(SystemExit):
        export_channels(channels=["site"])
    monkeypatch.undo()
    assert (exports / ".site.journal.json").exists()
    assert any("an export died while it replaced files" in p for p in verify_exports(exports))

    (report,) = export_channels(channels=["site"])
    assert report.repaired == ["es/baclofen/index.html"]  # the previous (altered) file was put back, then repaired
    assert live_files(exports) == published != altered
    assert leftovers(exports) == [] and verify_exports(exports) == []


def test_rolling_back_twice_puts_back_the_same_files(wf, settings, monkeypatch):
    """A roll back itself interrupted is finished by the next one."""
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    spanish = wf.approve("es")
    from guide_cms.publishing import export

    monkeypatch.setattr(export.StagedExport, "finish", lambda self: None)  # died right after the swap
    result = publish_versions(versions=[spanish], user=wf.publisher, channels=["site"])
    assert result.reports[0].changed and (exports / ".site.journal.json").exists()
    monkeypatch.undo()
    # The roll back dies after putting back one file.
    real_replace = os.replace
    calls = {"n": 0}

    def replace_once(src, dst):
        calls["n"] += 1
        if calls["n"] > 1:
            raise Crash("died while rolling back")
        return real_replace(src, dst)

    with monkeypatch.context() as m:
        m.setattr(patching.os, "replace", replace_once)
        with pytest.raises(Crash):
            patching.roll_back(exports, "site")
    assert patching.roll_back(exports, "site") is True
    assert live_files(exports) == before
    assert leftovers(exports) == []


@pytest.fixture
def victim(tmp_path):
    """A folder outside the export folder, which nothing an export does may touch."""
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "important.txt").write_text("precious")
    (folder / "other.txt").write_text("not the site's")
    return folder


def victim_intact(folder):
    return sorted(p.name for p in folder.iterdir()) == ["important.txt", "other.txt"] and (
        (folder / "important.txt").read_text(), (folder / "other.txt").read_text()) == ("precious", "not the site's")


def planted_journal(exports, **journal):
    (exports / ".site.journal.json").write_text(json.dumps(
        {"live": (exports / "site").resolve().name, "staging": ".site-st", "backup": ".site-bk", "moved": [], "removed": [],
         "existed": [], **journal}))


def rejected_journals(exports):
    return list(exports.glob(".site.journal.json.rejected-*"))


@pytest.mark.parametrize("journal", [
    {"live": "../../etc", "removed": ["passwd"]},
    {"live": "/etc", "removed": ["passwd"]},
    {"moved": ["../x"]},
    {"moved": [1]},
    {"moved": ["a\u0000b"]},
    "{garbage",
    "[" * 200_000,
    b"\xff\xfe\xfa\x00{",
    "folder",
], ids=["live outside", "live absolute", "a path with ..", "a path that is not text", "a NUL in a path", "not JSON",
        "nested too deeply", "not UTF-8", "a folder"])
def test_a_journal_that_cannot_be_trusted_is_set_aside_and_the_channel_rendered_again(wf, settings, journal):
    """Never followed, never blocking: the live folder is not trusted, every file is rendered into a new one."""
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    if journal == "folder":
        (exports / ".site.journal.json").mkdir()
    elif isinstance(journal, bytes):
        (exports / ".site.journal.json").write_bytes(journal)
    elif isinstance(journal, str):
        (exports / ".site.journal.json").write_text(journal)
    else:
        planted_journal(exports, **journal)
    (report,) = export_channels(channels=["site"])
    assert report.error == "" and len(report.rendered) == 2  # everything rendered again
    assert live_files(exports) == before
    assert rejected_journals(exports) and not os.path.lexists(exports / ".site.journal.json")
    assert verify_exports(exports) == []


def test_a_journal_whose_folders_are_links_to_elsewhere_touches_nothing_there(wf, settings, victim):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    (exports / ".site-evil").symlink_to(victim, target_is_directory=True)
    (exports / ".site-bk").mkdir()
    (exports / ".site-bk" / "other.txt").write_text("ATTACKER CONTENT")
    planted_journal(exports, live=".site-evil", moved=["important.txt", "other.txt"], existed=["other.txt"])
    export_channels(channels=["site"])
    assert victim_intact(victim)
    assert verify_exports(exports) == []


def test_a_journal_path_through_a_link_in_the_live_folder_touches_nothing_behind_it(wf, settings, victim):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    live = (exports / "site").resolve()
    (live / "zz").symlink_to(victim, target_is_directory=True)
    (exports / ".site-bk" / "zz").mkdir(parents=True)
    (exports / ".site-bk" / "zz" / "other.txt").write_text("ATTACKER CONTENT")
    planted_journal(exports, moved=["zz/important.txt", "zz/other.txt"], existed=["zz/other.txt"])
    (report,) = export_channels(channels=["site"])
    assert victim_intact(victim)
    assert not os.path.lexists(live / "zz") and verify_exports(exports) == []


@pytest.mark.parametrize("damage", ["a folder where a page belongs", "a file where a guide's folder belongs",
                                    "a link to elsewhere where a guide's folder belongs", "a pipe where a page belongs"])
def test_something_of_the_wrong_kind_at_an_exported_path_is_replaced_by_the_next_export_and_publication(wf, settings, victim, damage):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    live = (exports / "site").resolve()
    page = live / "en/baclofen/index.html"
    if damage == "a folder where a page belongs":
        page.unlink()
        page.mkdir()
    elif damage == "a file where a guide's folder belongs":
        shutil.rmtree(live / "es/baclofen")
        (live / "es/baclofen").write_text("x")
    elif damage == "a link to elsewhere where a guide's folder belongs":
        shutil.rmtree(live / "es/baclofen")
        (live / "es/baclofen").symlink_to(victim, target_is_directory=True)
    else:
        page.unlink()
        os.mkfifo(page)  # read, it would never end: nothing may read it
    signal.alarm(120)  # a hang fails the test instead of the suite
    try:
        assert verify_exports(exports)  # reported
        wf.edit("dosing", "es", "Tome 5 mg por la noche.")
        result = wf.publish(wf.approve("es"))
        assert "Tome 5 mg por la noche." in live_files(exports)["es/baclofen/index.html"].decode()
        assert result.index_reports and not result.index_reports[0].error
    finally:
        signal.alarm(0)
    assert victim_intact(victim)
    after = live_files(exports)
    assert after["en/baclofen/index.html"] == before["en/baclofen/index.html"]
    assert verify_exports(exports) == [] and leftovers(exports) == []


def test_a_link_planted_at_the_lock_files_name_is_not_followed(wf, settings, victim):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    (exports / ".site.lock").unlink(missing_ok=True)
    (exports / ".site.lock").symlink_to(victim / "important.txt")
    (exports / "checkpoints" / ".lock").unlink(missing_ok=True)
    (exports / "checkpoints" / ".lock").symlink_to(victim / "other.txt")
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    wf.publish(wf.approve("es"))
    assert victim_intact(victim)


def test_the_site_link_pointed_outside_the_export_folder_is_not_followed(wf, settings, victim):
    """Its target is neither patched nor emptied: a new folder is built and the link put back."""
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    shutil.copy((exports / "site").resolve() / "manifest.json", victim / "manifest.json")
    (exports / "site").unlink()
    (exports / "site").symlink_to(victim, target_is_directory=True)
    export_channels(channels=["site"])
    (victim / "manifest.json").unlink()
    assert victim_intact(victim)
    assert (exports / "site").resolve().parent == exports.resolve() and live_files(exports) == before
    assert verify_exports(exports) == []


def test_a_publication_killed_after_its_commit_is_exported_again_by_the_next_publication(wf, settings, monkeypatch):
    """Its files are put back by the next export (its journal was left), which then plans every guide,
    not only its own: the first publication's pages come back at once."""
    exports = settings.GUIDE_CMS_EXPORT_DIR
    from guide_cms.publishing import export

    wf.edit("dosing", "en", "Take 5 mg at night.")
    english = wf.approve("en", "clinical")
    with monkeypatch.context() as m:
        m.setattr(export.StagedExport, "finish", lambda self: (_ for _ in ()).throw(SystemExit("killed after the commit")))
        with pytest.raises(SystemExit):
            publish_versions(versions=[english], user=wf.publisher, channels=["site"])
    assert Publication.objects.live().filter(version=english).exists()
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    wf.publish(wf.approve("es"))
    files = live_files(exports)
    assert "Take 5 mg at night." in files["en/baclofen/index.html"].decode()
    assert "Tome 5 mg por la noche." in files["es/baclofen/index.html"].decode()
    assert verify_exports(exports) == [] and leftovers(exports) == []


def test_housekeeping_that_fails_after_the_commit_does_not_report_the_publication_as_refused(wf, settings, monkeypatch, caplog):
    from guide_cms.publishing import services

    def full_disk(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "export_channels", full_disk)
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    spanish = wf.approve("es")
    result = publish_versions(versions=[spanish], user=wf.publisher, channels=["site"])
    assert result.pages_live_after is not None and Publication.objects.live().filter(version=spanish).exists()
    assert "No space left on device" in caplog.text


def test_files_a_publication_writes_are_readable_by_the_web_server_whatever_the_umask(wf, settings):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    old = os.umask(0o077)
    try:
        wf.publish(wf.approve("es"))
    finally:
        os.umask(old)
    page = (exports / "site").resolve() / "es/baclofen/index.html"
    assert page.stat().st_mode & 0o777 == 0o644
    assert (page.parent.stat().st_mode & 0o777) == 0o755


def test_a_page_and_manifest_edited_with_the_checkpoints_deleted_are_caught_and_rendered_again(wf, settings):
    """The sealed audit trail records every manifest an export wrote: without checkpoints it is the reference."""
    import hashlib

    from tests.tamper import verify_integrity

    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    live = (exports / "site").resolve()
    page = live / "es/baclofen/index.html"
    page.write_bytes(page.read_bytes().replace(b"Tome 5 mg.", b"Tome 50 mg."))
    manifest = json.loads((live / "manifest.json").read_text())
    manifest["files"]["es/baclofen/index.html"] = hashlib.sha256(page.read_bytes()).hexdigest()
    (live / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(exports / "checkpoints")
    code, output = verify_integrity()
    assert code == 1 and "is not one an export recorded in the audit trail" in output
    assert "the audit trail records that checkpoint 2 was written" in output and "checkpoint history was deleted" in output
    with pytest.raises(ExportRefused, match="checkpoint history was deleted"):
        export_channels(channels=["site"])
    # The operator says the folder was lost (checkpoint --restart); the edited manifest is still refused as such.
    with pytest.raises(CommandError, match="No checkpoint was written"):
        call_command("checkpoint", restart="the checkpoints folder was lost", stdout=StringIO(), stderr=StringIO())
    (report,) = export_channels(channels=["site"])
    assert sorted(report.rendered) == ["en/baclofen", "es/baclofen"]
    assert live_files(exports) == before
    assert verify_integrity()[0] == 0


@pytest.mark.parametrize("damage", ["a file", "a link to elsewhere"])
def test_one_export_puts_back_a_guide_folder_replaced_by_something_else(wf, settings, victim, damage):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    live = (exports / "site").resolve()
    shutil.rmtree(live / "es/baclofen")
    if damage == "a file":
        (live / "es/baclofen").write_text("junk")
    else:
        (live / "es/baclofen").symlink_to(victim, target_is_directory=True)
    (report,) = export_channels(channels=["site"])
    assert "es/baclofen" in report.repaired
    assert live_files(exports) == before and verify_exports(exports) == []
    assert victim_intact(victim)


@pytest.mark.parametrize("stamps", ["a pipe", "not UTF-8", "a folder"])
def test_a_stamps_file_that_cannot_be_read_means_every_file_is_hashed(wf, settings, stamps):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    path = exports / ".site.stamps.json"
    path.unlink()
    if stamps == "a pipe":
        os.mkfifo(path)
    elif stamps == "a folder":
        path.mkdir()
    else:
        path.write_bytes(b"\xff\xfe{")
    signal.alarm(120)  # a hang fails the test instead of the suite
    try:
        (report,) = export_channels(channels=["site"])
    finally:
        signal.alarm(0)
    assert report.error == "" and report.rendered == [] and live_files(exports) == before


@pytest.mark.parametrize("manifest", [
    b"\xff\xfe{", b"[" * 5000 + b"]" * 5000, b'{"entries": ', b"[]\n", b'{"files": 5}', b'{"entries": {"en/baclofen": {"files": "x"}}}',
    b'{"failures": {"en/baclofen": []}}', b'{"files": {"en/baclofen.json": null}}',
])
def test_a_live_manifest_that_cannot_be_read_is_reported_and_the_next_export_renders_the_channel_again(wf, settings, manifest):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    (exports / "site/manifest.json").write_bytes(manifest)
    assert verify_exports(exports) != []
    (report,) = export_channels(channels=["site"])
    assert report.error == "" and sorted(report.rendered) == ["en/baclofen", "es/baclofen"]
    assert live_files(exports) == before and verify_exports(exports) == []
