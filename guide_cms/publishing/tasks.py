"""Exports and handout rendering as tasks on a distributed queue: Celery with Redis.

Used only when a deployment sets GUIDE_CMS_TASK_QUEUE = "celery" (and
CELERY_BROKER_URL); by default everything runs in the exporting process and
its render pool, and Celery need not be installed (pip install
"guide-cms[queue]" to use it). Workers run on any machine with this code,
its fonts and its settings:

    celery -A guide_cms.publishing.tasks worker --pool solo -n render1@%h

Three kinds of task:

- render: one entry. The entry travels as JSON (render_data.entry_to_data)
  with the settings its rendering reads, and the files come back as base64:
  the task reads neither the database nor the export folder. (Every worker
  listens on the one queue and may take any task, so each still needs both.)
- export: a whole export_channels run (planning from keys, rendering,
  writing, the swap, the checkpoint), on a worker that has the database and
  the export folder. A publication hands the search index that follows it
  to this task, and `export_channels --queue` runs on it. Its handouts render
  on that worker's own cores (a task waiting for tasks could wait forever on
  a queue with one worker).
- publish_job: a publish job from the admin (publishing.jobs): the batch
  published, exported and its search index built on a worker that has the
  database and the export folder, as the export task.

The lock that serialises a channel's exports is a PostgreSQL advisory lock,
so exports started on several machines never interleave.
"""
from __future__ import annotations

import os

# As wsgi.py: a worker started without a settings module runs with the production settings (their checks refuse
# to start without the keys), never with the development ones and their keys under var/.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guide_cms.settings.production")

from celery import signals  # noqa: E402

from . import render_worker  # noqa: E402,F401 - sets Django up in a worker process
from .celery_app import app  # noqa: E402
from .task_queue import EXPORT, PUBLISH_JOB, RENDER, working_here  # noqa: E402


@signals.worker_process_init.connect
@signals.worker_init.connect
def _load_fonts(**_kwargs) -> None:
    render_worker.start()


@app.task(name=RENDER)
def render(path: str, entry: dict, values: dict) -> dict:
    """Render one entry with the channel at path; the answer carries the files or the failure."""
    from .render_data import entry_from_data

    answer = render_worker.render_answer(path, entry_from_data(entry), values)
    answer["worker"] = f"{render.request.hostname or ''}/{os.getpid()}"
    return answer


@app.task(name=EXPORT)
def export(channels: list[str] | None = None, output_dir: str | None = None, user_id: int | None = None, only: list[str] | None = None,
           ) -> dict:
    """export_channels on this worker (only: as export_channels'); the answer: {"worker", "reports": [summary, ...],
    "checkpoint"} (JSON)."""
    from django.contrib.auth import get_user_model

    from .services import export_channels, report_summary

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with working_here():  # render here: never wait on the queue from a task
        reports = export_channels(channels=channels, output_dir=output_dir, user=user, only=only)
    checkpoint = reports.checkpoint
    return {
        "worker": f"{export.request.hostname or ''}/{os.getpid()}",
        "reports": [report_summary(report) for report in reports],
        "checkpoint": checkpoint.checkpoint.sequence if checkpoint and checkpoint.written else None,
    }


@app.task(name=PUBLISH_JOB)
def publish_job(job_id: int) -> dict:
    """A publish job (publishing.jobs.run_publish_job) on this worker, which has the database and the export
    folder; the answer: {"worker", "state"}. Handed out again after its worker died, it finds the job not
    queued and leaves it (marked interrupted): a publication is never run twice."""
    from .jobs import run_publish_job

    with working_here():  # render and index here: never wait on the queue from a task
        job = run_publish_job(job_id)
    return {"worker": f"{publish_job.request.hostname or ''}/{os.getpid()}", "state": job.state if job else None}
