"""A throwaway task queue on this machine: Redis and Celery worker processes, for the test suite and
the benchmark's --queue (a deployment runs its own broker and workers, see guide_cms/publishing/tasks.py).

Not part of the product: it lives beside the benchmark and is never installed."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time

from django.conf import settings


class QueueUnavailable(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def local_queue(workers: int = 2, *, env: dict | None = None, timeout: float = 90):
    """Start redis-server and `workers` Celery worker processes (one render at a time each); yield the Celery app
    pointed at them; stop them all on exit. Raises QueueUnavailable if they do not answer within timeout seconds."""
    from guide_cms.publishing.tasks import app

    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    processes = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            processes.append(subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
            worker_env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "guide_cms.settings.dev"),
                          "CELERY_BROKER_URL": url, **(env or {})}
            for n in range(1, workers + 1):
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "guide_cms.publishing.tasks", "worker", "--pool", "solo",
                     "-n", f"render{n}@%h", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
                    cwd=settings.BASE_DIR, env=worker_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                ))
            _forget_connections(app)
            app.conf.broker_url = app.conf.result_backend = url
            deadline = time.monotonic() + timeout
            while len(app.control.ping(timeout=0.5) or []) < workers:
                if time.monotonic() > deadline:
                    raise QueueUnavailable(f"{workers} Celery workers did not answer within {timeout:.0f} s")
                time.sleep(0.3)
            yield app
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            app.pool.force_close_all()
            app.conf.broker_url = app.conf.result_backend = ""
            _forget_connections(app)


def _forget_connections(app) -> None:
    """Drop the app's broker pools and its result backend (Celery keeps both once made, for the URLs
    they were made with), so that the next local queue, on other ports, gets its own: what Celery
    itself does in a forked child (Celery._after_fork)."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)
