"""The task queue as the code below tasks.py sees it: whether one is configured, and tasks sent by name.

Sending by name (Celery's send_task) keeps the exporting and publishing code
from importing tasks.py, which imports them: the task modules stay at the top
of publishing's one-way imports. tasks.py registers a task under each name.
"""
from __future__ import annotations

from django.conf import settings

RENDER = "guide_cms.publishing.render"
EXPORT = "guide_cms.publishing.export"
PUBLISH_JOB = "guide_cms.publishing.publish_job"


def queue_configured() -> bool:
    """Whether exports and renders go to the task queue (settings.GUIDE_CMS_TASK_QUEUE = "celery")."""
    return (getattr(settings, "GUIDE_CMS_TASK_QUEUE", "") or "") == "celery"


def send(name: str, *args):
    """Put the task `name` (one of this module's names) with args (JSON-ready) on the queue; Celery's
    AsyncResult, whose .get() is the task's answer. Raises whatever Celery raises when the broker cannot
    be reached, and ImportError without Celery installed."""
    from .celery_app import app

    return app.send_task(name, args=list(args))
