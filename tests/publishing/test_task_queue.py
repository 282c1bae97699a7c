"""Handouts on a real task queue: Redis and two Celery worker processes, started by the test.

The export through the queue writes the same bytes as the export in this
process, and both workers render some of them. Skipped only where Redis is
not installed (`make test` installs it: scripts/ensure-system-packages.sh).
"""
import os
import shutil

import pytest

from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.export import export_channel

from .entries import demo_entries

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


@pytest.fixture
def queue(settings):
    pytest.importorskip("celery")
    from benchmarks.task_queue import local_queue

    # The workers render with the settings each task carries, not their own: this one differs on purpose.
    with local_queue(2, env={"DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "GUIDE_CMS_SITE_URL": "https://elsewhere.example/"}) as app:
        settings.GUIDE_CMS_TASK_QUEUE = "celery"
        settings.GUIDE_CMS_TASK_TIMEOUT = 120
        settings.GUIDE_CMS_SITE_URL = "https://queue.example.net/"
        yield app


def _files(folder):
    """The channel's exported files (the checkpoint record beside the manifest, numbered per export folder, left out)."""
    folder = folder.resolve()  # the channel's folder is a link to its latest export
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "checkpoint.json"}


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


def _worker_database_url():
    """The test database, for worker processes: only a server database is shared with them."""
    from django.db import connection

    d = connection.settings_dict
    return f"postgres://{d['USER']}:{d['PASSWORD']}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def _workers_disconnected(wait: float = 20.0) -> None:
    """Wait until the stopped workers' database sessions are gone (PostgreSQL ends a session a moment
    after its client exits), so that the test database can be dropped at the end of the run."""
    import time

    from django.db import connection

    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="export workers share the test database on PostgreSQL only (make test runs this suite on it too)")
# Committed rows, for the workers; serialized like the other transactional tests, so that the next one restores cleanly.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_exports_run_as_tasks_on_two_queue_workers_and_write_what_an_export_here_writes(workflow, tmp_path, settings):
    """Whole exports on the queue: a worker with the database plans, renders, writes and swaps;
    export_channels --queue waits for it; the bytes are those of an export in this process."""
    pytest.importorskip("celery")
    from io import StringIO

    from django.core.management import call_command

    from benchmarks.task_queue import local_queue
    from guide_cms.publishing.services import export_channels, queue_export

    workflow.publish(workflow.approve("en"), channels=("site", "handouts"))
    workflow.publish(workflow.approve("es"), channels=("site", "handouts"))
    env = {"DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "DATABASE_URL": _worker_database_url()}
    with local_queue(2, env=env):
        settings.GUIDE_CMS_TASK_QUEUE = "celery"
        # Two exports at once, one a channel each: both workers take one.
        tasks = [queue_export(channels=[name], output_dir=tmp_path / "queued") for name in ("handouts", "site")]
        answers = [task.get(timeout=180) for task in tasks]
        out = StringIO()
        call_command("export_channels", "--queue", "--channel", "site", "--output", str(tmp_path / "queued"), stdout=out)
    _workers_disconnected()
    assert [[r["channel"] for r in a["reports"]] for a in answers] == [["handouts"], ["site"]]
    assert all(not r["error"] and r["changed"] and sorted(r["rendered"]) == ["en/baclofen", "es/baclofen"]
               for a in answers for r in a["reports"])
    assert all(a["worker"].startswith("render") for a in answers)
    assert "site: unchanged; 0 rendered, 2 reused" in out.getvalue()  # the queued re-export found nothing to do

    settings.GUIDE_CMS_TASK_QUEUE = ""
    export_channels(output_dir=tmp_path / "here")
    for name in ("site", "handouts"):
        assert _files(tmp_path / "queued" / name) == _files(tmp_path / "here" / name), name


def test_export_channels_queue_without_a_queue_says_what_to_set(db, settings):
    from django.core.management import CommandError, call_command

    settings.GUIDE_CMS_TASK_QUEUE = ""
    with pytest.raises(CommandError, match="GUIDE_CMS_TASK_QUEUE=celery"):
        call_command("export_channels", "--queue")


def test_export_channels_queue_without_a_broker_names_the_setting(db, settings):
    pytest.importorskip("celery")
    from django.core.management import CommandError, call_command

    from guide_cms.publishing.tasks import app

    settings.GUIDE_CMS_TASK_QUEUE = "celery"
    assert not app.conf.broker_url
    with pytest.raises(CommandError, match="CELERY_BROKER_URL is not set"):
        call_command("export_channels", "--queue")


def test_export_channels_output_that_is_a_file_says_so(db, tmp_path):
    from django.core.management import CommandError, call_command

    target = tmp_path / "notes.txt"
    target.write_text("x")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        call_command("export_channels", "--output", str(target))


def test_a_task_does_its_work_itself_without_touching_the_settings_other_threads_read(settings):
    import threading

    from guide_cms.publishing.task_queue import queue_configured, working_here

    settings.GUIDE_CMS_TASK_QUEUE = "celery"
    seen_elsewhere = []
    with working_here():
        assert not queue_configured()  # an export task renders on its own worker, never back onto the queue
        other = threading.Thread(target=lambda: seen_elsewhere.append(queue_configured()))
        other.start()
        other.join()
    assert seen_elsewhere == [True]  # the worker's other threads still send to the queue
    assert queue_configured()
