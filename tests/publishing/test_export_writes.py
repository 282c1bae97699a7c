"""An export writes its rendered files on a thread of its own while the next entries render: every file is in the
release before its manifest, and a write that fails stops the export as it did, nothing of it left behind."""
import errno
import threading

import pytest

from guide_cms.publishing import store
from guide_cms.publishing.export import verify_exports
from guide_cms.publishing.services import export_channels
from tests.test_faults import staging_left, tree


@pytest.fixture
def wf(workflow):
    workflow.publish(workflow.approve("en"))
    workflow.publish(workflow.approve("es"))
    return workflow


def _writer_threads():
    return [t for t in threading.enumerate() if t.name.startswith("export-writes")]


def test_every_rendered_file_is_written_before_the_manifest(wf, tmp_path):
    (report,) = export_channels(channels=["site"], output_dir=tmp_path)
    assert "en/baclofen/index.html" in report.written and verify_exports(tmp_path) == []
    assert _writer_threads() == []


@pytest.mark.parametrize("failing", [1, 3])
def test_a_write_that_fails_on_the_thread_stops_the_export_and_leaves_nothing(wf, tmp_path, monkeypatch, failing):
    export_channels(channels=["site"], output_dir=tmp_path)
    (tmp_path / "site" / "es" / "baclofen.json").unlink()  # damage to repair: the export must write
    before = tree(tmp_path)
    real_write, calls = store.Release.write, []

    def write(self, path, content):
        calls.append(threading.current_thread().name)
        if len(calls) == failing:
            raise OSError(errno.ENOSPC, "No space left on device", path)
        real_write(self, path, content)

    monkeypatch.setattr(store.Release, "write", write)
    with pytest.raises(OSError, match="No space left"):
        export_channels(channels=["site"], output_dir=tmp_path)
    assert calls[0].startswith("export-writes")  # the rendered files: written on the export's writing thread
    assert tree(tmp_path) == before and staging_left(tmp_path) == []
    assert _writer_threads() == []
