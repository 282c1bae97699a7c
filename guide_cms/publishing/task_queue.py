"""The task queue as the code below tasks.py sees it: whether one is configured, and tasks sent by name.

Sending by name (Celery's send_task) keeps the exporting and publishing code
from importing tasks.py, which imports them: the task modules stay at the top
of publishing's one-way imports. tasks.py registers a task under each name.
"""
from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings

RENDER = "guide_cms.publishing.render"
EXPORT = "guide_cms.publishing.export"
PUBLISH_JOB = "guide_cms.publishing.publish_job"


# True while a task runs its work itself (tasks.py): nothing it does is sent back to the queue it runs on, where it
# could wait for a worker that is itself (a deadlock with one worker) or for work put behind it.
_on_a_worker = contextvars.ContextVar("guide_cms_task_runs_here", default=False)


def queue_configured() -> bool:
    """Whether exports and renders go to the task queue (settings.GUIDE_CMS_TASK_QUEUE = "celery"), outside a task
    that runs its work itself (working_here)."""
    return (getattr(settings, "GUIDE_CMS_TASK_QUEUE", "") or "") == "celery" and not _on_a_worker.get()


@contextlib.contextmanager
def working_here():
    """Within: queue_configured() is False in this thread, whatever the settings (a task renders and indexes on its
    own worker). Settings are left alone: other threads of the worker see them as configured."""
    token = _on_a_worker.set(True)
    try:
        yield
    finally:
        _on_a_worker.reset(token)


def send(name: str, *args):
    """Put the task `name` (one of this module's names) with args (JSON-ready) on the queue; Celery's
    AsyncResult, whose .get() is the task's answer. Raises whatever Celery raises when the broker cannot
    be reached, and ImportError without Celery installed."""
    from .celery_app import app

    return app.send_task(name, args=list(args))
