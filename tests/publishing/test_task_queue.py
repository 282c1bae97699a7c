"""Handouts on a real task queue: Redis and two Celery worker processes, started by the test.

The export through the queue writes the same bytes as the export in this
process, and both workers render some of them. Skipped only where Redis is
not installed (`make test` installs it: scripts/ensure-system-packages.sh).
"""
import shutil

import pytest

from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.export import export_channel

from .entries import demo_entries

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


@pytest.fixture
def queue(settings):
    pytest.importorskip("celery")
    from guide_cms.publishing.local_queue import local_queue

    # The workers render with the settings each task carries, not their own: this one differs on purpose.
    with local_queue(2, env={"DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "GUIDE_CMS_SITE_URL": "https://elsewhere.example/"}) as app:
        settings.GUIDE_CMS_TASK_QUEUE = "celery"
        settings.GUIDE_CMS_TASK_TIMEOUT = 120
        settings.GUIDE_CMS_SITE_URL = "https://queue.example.net/"
        yield app


def _files(folder):
    folder = folder.resolve()  # the channel's folder is a link to its latest export
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_export_through_two_queue_workers_writes_the_same_bytes(db, queue, tmp_path, settings):  # db: the channel lock
    entries = demo_entries(withdrawn=("vi",))
    report = export_channel(HandoutChannel(), entries, tmp_path / "queued")
    assert report.rendered and not report.failures and not report.error
    stats = queue.control.inspect(timeout=2).stats() or {}
    took = {name: worker.get("total", {}).get("guide_cms.publishing.render", 0) for name, worker in stats.items()}
    assert len(took) == 2 and all(took.values()) and sum(took.values()) == len(entries), took

    settings.GUIDE_CMS_TASK_QUEUE = ""  # the same export in this process
    export_channel(HandoutChannel(), entries, tmp_path / "here")
    queued, here = _files(tmp_path / "queued" / "handouts"), _files(tmp_path / "here" / "handouts")
    assert queued.keys() == here.keys() and queued == here
