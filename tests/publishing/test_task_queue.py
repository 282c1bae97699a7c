"""Handouts on a real task queue: Redis and two Celery worker processes, started by the test.

The export through the queue writes the same bytes as the export in this
process, and both workers render some of them. Skipped only where Redis is
not installed (`make test` installs it: scripts/ensure-system-packages.sh).
"""
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings

from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.export import export_channel

from .entries import demo_entries

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, what, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def queue(tmp_path, settings):
    pytest.importorskip("celery")
    from guide_cms.publishing.tasks import app

    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    broker = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "CELERY_BROKER_URL": url,
           "GUIDE_CMS_SITE_URL": "https://queue.example.net/"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "guide_cms.publishing.tasks", "worker", "--pool", "solo", "-n", f"render{n}@%h",
             "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
            cwd=django_settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for n in (1, 2)
    ]
    app.conf.broker_url = app.conf.result_backend = url
    try:
        _wait(lambda: len(app.control.ping(timeout=0.5) or []) == 2, "two Celery workers")
        settings.GUIDE_CMS_TASK_QUEUE = "celery"
        settings.GUIDE_CMS_TASK_TIMEOUT = 120
        settings.GUIDE_CMS_SITE_URL = "https://queue.example.net/"  # a render setting the workers are given with each task
        yield app
    finally:
        for process in [*workers, broker]:
            process.terminate()
        for process in [*workers, broker]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        app.pool.force_close_all()
        app.conf.broker_url = app.conf.result_backend = ""


def _files(folder):
    folder = folder.resolve()  # the channel's folder is a link to its latest export
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_export_through_two_queue_workers_writes_the_same_bytes(queue, tmp_path, settings):
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
