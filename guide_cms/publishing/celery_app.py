"""The Celery application, configured from Django's settings (CELERY_*); its tasks are in tasks.py.

Kept apart from the tasks so that the code which only sends them (task_queue.py)
need not import them.
"""
from __future__ import annotations

from celery import Celery

app = Celery("guide_cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json", result_serializer="json", accept_content=["json"],
    # One render at a time per worker process, acknowledged when done: a worker that dies
    # hands its render to another instead of losing it.
    worker_prefetch_multiplier=1, task_acks_late=True, task_reject_on_worker_lost=True,
    broker_connection_retry_on_startup=True,
)
