"""An incremental export patches the live folder in place: a failure or a crash mid-way leaves the previous files."""
import json
import os

import pytest

from guide_cms.publishing import patching
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
    page.write_bytes(page.read_bytes().replace("Tome 5 mg por la noche.".encode(), "Tome 50 mg por la noche.".encode()))
    altered = live_files(exports)
    from guide_cms.publishing import export

    def die_without_undo(*args, **kwargs):
        staged = real_stage(*args, **kwargs)
        replace_failing_after(monkeypatch, renames_done)
        try:
            staged.swap()
        except Crash:
            pass  # the process is gone: nothing else runs
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


def test_a_journal_naming_a_folder_outside_the_channel_is_refused(wf, settings):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    before = live_files(exports)
    (exports / ".site.journal.json").write_text(json.dumps(
        {"live": "../../etc", "staging": ".site-x", "backup": ".site-y", "moved": [], "removed": ["passwd"], "existed": []}))
    (report,) = export_channels(channels=["site"])
    assert "journal names a folder that is not the channel's" in report.error
    assert live_files(exports) == before
