"""Publishing as a background job: the versions selected together are one batch (services.publish_versions:
rows and files together, or neither), run outside the web request, with its progress and outcome on a page.

The public API:

- enqueue_publish(versions, user) -> PublishJob: records the job and, once the transaction that
  recorded it commits, starts it: on the task queue (tasks.publish_job) where
  GUIDE_CMS_TASK_QUEUE = "celery", else (or if the broker does not take it) on a thread of this
  process, which needs no other service (the demo, the embedded default, the tests).
- run_publish_job(job_id): runs a queued job here and now, to its end (what the thread and the task
  call; a test may call it to run a job synchronously). A job that is not queued is left alone.
- job_state(job) -> dict: what its page and its JSON endpoint show, in the viewer's language.
- wait_for_job(job, timeout): for tests and commands, waits for a job started in this process.

Jobs on one export folder run one at a time (a file lock on the folder and, on PostgreSQL, an
advisory lock): a second one waits, queued behind it. While a job runs, its runner writes a heartbeat
every few seconds; a job whose runner died (its process is gone, or no heartbeat for STALE_AFTER) is
shown as interrupted. publish_versions is atomic, so an interrupted job recorded nothing, unless its
runner died after the commit (while the search index followed): job_state looks at the publications
to say which.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guide_cms.core.permissions import can_publish
from guide_cms.guides.models import Version

from . import export, store
from .locks import database_lock
from .models import Publication, PublishJob, PublishJobState
from .services import PublishRefused, publish_blockers, publish_versions
from .task_queue import PUBLISH_JOB, queue_configured, send

logger = logging.getLogger("guide_cms.publishing")

HEARTBEAT_EVERY = 2.0  # seconds between a running job's heartbeats
STALE_AFTER = timedelta(seconds=60)  # no heartbeat for this long, and no live runner known: interrupted
FINISHED = (PublishJobState.DONE, PublishJobState.FAILED, PublishJobState.INTERRUPTED)
HOST = socket.gethostname()

# What a job is doing, for its page (PublishJob.phase).
WAITING, CHECKING, RENDERING, FOLLOWING = "waiting", "checking", "rendering", "following"


class _Live:
    """A job run by this process: its progress as it goes (written to the database by the heartbeat, which
    on SQLite cannot write while the publication's transaction holds the database's write lock)."""

    def __init__(self, channels: int):
        self.lock = threading.Lock()
        self.channels = channels
        self.phase = WAITING
        self.step = ""
        self.counts: dict[str, tuple[int, int]] = {}  # channel -> (entries done, entries planned)
        self.thread: threading.Thread | None = None

    def tick(self, channel: str, eid: str, done: int, total: int) -> None:
        with self.lock:
            self.counts[channel] = (done, total)
            self.phase, self.step = RENDERING, f"{channel} {eid}"
            if len(self.counts) == self.channels and all(d >= t for d, t in self.counts.values()):
                self.phase, self.step = FOLLOWING, ""

    def set(self, phase: str, step: str = "") -> None:
        with self.lock:
            self.phase, self.step = phase, step

    def snapshot(self) -> dict:
        """steps_done, steps_total, phase and step as PublishJob's fields. A channel not started yet
        counts as many entries as the first one (every channel plans the same guides)."""
        with self.lock:
            counts = list(self.counts.values())
            first = counts[0][1] if counts else 0
            total = sum(t for _d, t in counts) + first * (self.channels - len(counts))
            return {"steps_done": sum(d for d, _t in counts), "steps_total": total, "phase": self.phase, "step": self.step[:200]}


_ACTIVE: dict[int, _Live] = {}  # the jobs this process runs, or is about to run on a thread
_ACTIVE_LOCK = threading.Lock()


def _me() -> str:
    return f"{HOST}/{os.getpid()}"


# --- enqueueing -------------------------------------------------------------------------------------------


def enqueue_publish(versions, user) -> PublishJob:
    """Record a job that publishes versions as one batch for user, and start it once the current
    transaction commits (at once outside one). Nothing is rendered or published here."""
    if not can_publish(user):
        raise PermissionDenied(_("Only publishers may publish."))
    versions = list(versions)
    now = timezone.now()
    job = PublishJob.objects.create(
        requested_by=user if getattr(user, "pk", None) else None, requested_at=now, language=translation.get_language() or "",
        version_ids=[v.pk for v in versions],
        versions=[{"id": v.pk, "code": v.code, "label": str(v)} for v in versions],
        runner="" if queue_configured() else _me(), heartbeat=now,
    )
    transaction.on_commit(lambda: start_job(job.pk), robust=True)
    return job


def start_job(job_id: int) -> None:
    """Hand the job to the task queue, or (no queue, or the broker does not take it) to a thread here."""
    if queue_configured():
        try:
            send(PUBLISH_JOB, job_id)
            return
        except Exception as exc:  # noqa: BLE001 - a broker that is down must not leave the job waiting forever
            logger.error("The task queue did not take publish job %s (%s: %s); it runs in this process.", job_id, type(exc).__name__, exc)
            PublishJob.objects.filter(pk=job_id).update(runner=_me(), heartbeat=timezone.now())
    live = _Live(len(export.channel_names()))
    live.thread = threading.Thread(target=_run_on_thread, args=(job_id,), name=f"publish-job-{job_id}")
    with _ACTIVE_LOCK:
        _ACTIVE[job_id] = live
    live.thread.start()


def _run_on_thread(job_id: int) -> None:
    try:
        run_publish_job(job_id)
    except Exception:  # noqa: BLE001 - the thread must end; run_publish_job records what it can
        logger.exception("Publish job %s failed", job_id)
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.pop(job_id, None)
        connections.close_all()  # this thread's own connections


def wait_for_job(job: PublishJob | int, timeout: float = 120) -> PublishJob:
    """The job once it has finished: joins its thread if this process runs it, else polls the database.
    Raises TimeoutError if it has not finished within timeout seconds."""
    job_id = getattr(job, "pk", job)
    deadline = time.monotonic() + timeout
    with _ACTIVE_LOCK:
        live = _ACTIVE.get(job_id)
    if live is not None and live.thread is not None and live.thread is not threading.current_thread():
        live.thread.join(timeout)
    while True:
        job = PublishJob.objects.get(pk=job_id)
        if job.state in FINISHED:
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"publish job {job_id} is still {job.state} after {timeout:.0f} s")
        time.sleep(0.2)


# --- running ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def job_lock(root):
    """One publish job at a time on the export folder root: a file lock for this machine's processes and
    threads, and on PostgreSQL an advisory lock for every machine (locks.database_lock)."""
    root.mkdir(parents=True, exist_ok=True)
    with store.open_lock_file(root / ".publish-job.lock") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            with database_lock("guide_cms.publish-job"):
                yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _retrying(write, attempts: int = 30):
    """A write of the job's row, tried again while the database is busy (SQLite's write lock, held by a
    publication in another process): the job's state must not be lost to a busy database."""
    for attempt in range(attempts):
        try:
            return write()
        except DatabaseError:
            if attempt == attempts - 1 or connection.in_atomic_block:
                raise
            time.sleep(1)
    return None  # not reached: the last attempt returns or raises


def _beat(job_id: int, live: _Live, stop: threading.Event) -> None:
    """The heartbeat and the progress, written to the job's row every HEARTBEAT_EVERY seconds until stop."""
    try:
        if connection.vendor == "sqlite":  # a beat that cannot write now gives up at once: the next one tries
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 100")
        while not stop.wait(HEARTBEAT_EVERY):
            with contextlib.suppress(DatabaseError):  # a beat missed is taken by the next one
                PublishJob.objects.filter(pk=job_id, state=PublishJobState.RUNNING).update(heartbeat=timezone.now(), **live.snapshot())
    finally:
        connections.close_all()


def run_publish_job(job_id: int) -> PublishJob | None:
    """Run the queued job job_id to its end here, and return it; None if it was not queued (it ran, or
    runs, elsewhere: a task handed out again after its worker died finds it so, and marks it interrupted)."""
    now = timezone.now()
    claimed = _retrying(lambda: PublishJob.objects.filter(pk=job_id, state=PublishJobState.QUEUED).update(
        state=PublishJobState.RUNNING, runner=_me(), started_at=now, heartbeat=now, phase=WAITING))
    if not claimed:
        job = PublishJob.objects.filter(pk=job_id).first()
        if job is not None and effective_state(job) == PublishJobState.INTERRUPTED and job.state != PublishJobState.INTERRUPTED:
            PublishJob.objects.filter(pk=job_id, state=job.state).update(state=PublishJobState.INTERRUPTED, finished_at=timezone.now())
        return None
    job = PublishJob.objects.select_related("requested_by").get(pk=job_id)
    with _ACTIVE_LOCK:
        live = _ACTIVE.setdefault(job_id, _Live(len(export.channel_names())))
        owned = live.thread is None  # run directly (a task, a test): this call registered it
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(job_id, live, stop), name=f"publish-job-{job_id}-heartbeat", daemon=True)
    beat.start()
    # The export folder's job lock (taken by _run) is let go once the outcome is written: on SQLite, the
    # next job's publication would hold the database's write lock while this one waited to write it.
    with contextlib.ExitStack() as held:
        try:
            with translation.override(job.language or None):
                outcome = _run(job, live, held)
        finally:
            stop.set()
            beat.join()
            if owned:
                with _ACTIVE_LOCK:
                    _ACTIVE.pop(job_id, None)
        outcome.update(finished_at=timezone.now(), heartbeat=timezone.now())
        _retrying(lambda: PublishJob.objects.filter(pk=job_id).update(**outcome))
    return PublishJob.objects.get(pk=job_id)


def _run(job: PublishJob, live: _Live, held: contextlib.ExitStack) -> dict:
    """Publish the job's versions under the export folder's job lock (entered into held); the fields that
    record its outcome."""
    refused = []
    try:
        held.enter_context(job_lock(store.export_root()))
        live.set(CHECKING)  # the heartbeat writes it
        order = {pk: n for n, pk in enumerate(job.version_ids)}
        versions = sorted(Version.objects.filter(pk__in=job.version_ids).select_related("guide", "source_version"),
                          key=lambda v: order[v.pk])
        publishable = []
        for version in versions:
            blockers = publish_blockers(version)
            if blockers:
                refused.append({"id": version.pk, "code": version.code, "label": str(version), "reason": blockers[0],
                                "sections": blockers[1]})
            else:
                publishable.append(version)
        outcome = {"refused": refused, "state": PublishJobState.DONE, "phase": "", "step": ""}
        if not publishable:
            return outcome
        result = publish_versions(versions=publishable, user=job.requested_by, progress=live.tick)
    except (PublishRefused, PermissionDenied) as exc:
        return {**_failed(job, str(exc)), "refused": refused}
    except OSError as exc:  # the export folder: full, read-only, not allowed; rolled back, files untouched
        logger.exception("Publish job %s failed", job.pk)
        return {**_failed(job, _("The export folder could not be written. Tell whoever runs guide_cms: %(error)s") % {
            "error": f"{exc.strerror or exc}: {exc.filename or ''}"}), "refused": refused}
    except Exception as exc:  # noqa: BLE001 - the page must say so; the publication's transaction was rolled back
        logger.exception("Publish job %s failed", job.pk)
        return {**_failed(job, _("An unexpected error (%(error)s); see the server log.") % {"error": type(exc).__name__}),
                "refused": refused}
    failures = list(result.failures)
    for report in result.index_reports:
        if report.error:
            failures.append(_("The %(channel)s search index and shared files were not brought up to date (run export_channels): "
                              "%(error)s") % {"channel": export.get_channel(report.channel).label, "error": report.error})
    snapshot = live.snapshot()
    return {**outcome, "published": [v.code for v in result.versions], "failures": failures,
            "steps_done": snapshot["steps_total"], "steps_total": snapshot["steps_total"]}


def _failed(job: PublishJob, message: str) -> dict:
    """A failed job's fields. publish_versions is atomic: a failure before its commit recorded nothing;
    one after it (while the search index followed) leaves the versions published, and the job says so."""
    recorded = _recorded(job)
    if recorded:
        return {"state": PublishJobState.DONE, "published": recorded, "phase": "", "step": "",
                "failures": [_("Published, but what follows the publication failed (run export_channels): %(error)s") % {
                    "error": message}]}
    return {"state": PublishJobState.FAILED, "error": message, "phase": "", "step": ""}


def _recorded(job: PublishJob) -> list[str]:
    """The codes of the job's versions published since it started (one query)."""
    started = job.started_at or PublishJob.objects.filter(pk=job.pk).values_list("started_at", flat=True).first()
    if started is None:
        return []
    ids = set(Publication.objects.filter(version_id__in=job.version_ids, published_at__gte=started).values_list("version_id", flat=True))
    return [item["code"] for item in job.versions if item["id"] in ids]


# --- what the page shows ----------------------------------------------------------------------------------


def _runner_alive(job: PublishJob) -> bool | None:
    """Whether the job's runner is alive: True or False where this process can tell, else None."""
    with _ACTIVE_LOCK:
        if job.pk in _ACTIVE:
            return True
    host, sep, pid = job.runner.rpartition("/")
    if not sep or host != HOST or not pid.isdigit() or int(pid) == os.getpid():
        return None  # another machine (a queue worker): its heartbeat says; this process: not running it now
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def effective_state(job: PublishJob) -> str:
    """The job's state as stored, or interrupted if it has not finished and its runner is dead."""
    if job.state in FINISHED:
        return job.state
    alive = _runner_alive(job)
    if alive:
        return job.state
    if alive is None:
        if job.state == PublishJobState.QUEUED and not job.runner:
            return job.state  # on the task queue, waiting for a worker
        if job.heartbeat and timezone.now() - job.heartbeat < STALE_AFTER:
            return job.state
    return PublishJobState.INTERRUPTED


def _step_text(phase: str, step: str) -> str:
    if phase == WAITING:
        return _("Waiting for the publication before it to finish.")
    if phase == CHECKING:
        return _("Checking the versions and the audit trail.")
    if phase == RENDERING:
        channel, _sep, entry = step.partition(" ")
        try:
            label = export.get_channel(channel).label
        except export.ChannelError:
            label = channel
        return _("Rendering %(channel)s: %(entry)s") % {"channel": label, "entry": entry}
    if phase == FOLLOWING:
        return _("The new files are being switched in; the search index and the shared files follow.")
    return ""


def job_state(job: PublishJob) -> dict:
    """What the job's page and its JSON endpoint show (JSON-ready), in the current language: its state,
    its progress and its outcome. One query at most (the publications of an interrupted job)."""
    state = effective_state(job)
    progress = {"steps_done": job.steps_done, "steps_total": job.steps_total, "phase": job.phase, "step": job.step}
    with _ACTIVE_LOCK:
        live = _ACTIVE.get(job.pk)
    if live is not None and state == PublishJobState.RUNNING:
        progress = live.snapshot()  # fresher than the row (on SQLite the row waits for the commit)
    labels = {item["code"]: item["label"] for item in job.versions}
    published = list(job.published)
    recorded = bool(published)
    if state == PublishJobState.INTERRUPTED:
        published = _recorded(job)
        recorded = bool(published)
    refused = [{"code": r["code"], "label": r["label"], "reason": r["reason"], "sections": r["sections"]} for r in job.refused]
    if state == PublishJobState.DONE:
        summary = ngettext("%(done)d version published", "%(done)d versions published", len(published)) % {"done": len(published)}
        if refused:
            summary += ", " + ngettext("%(refused)d refused", "%(refused)d refused", len(refused)) % {"refused": len(refused)}
        summary += "."
    elif state == PublishJobState.FAILED:
        summary = _("Nothing was published and nothing was recorded: the previous files are still live.")
    elif state == PublishJobState.INTERRUPTED and recorded:
        summary = _("The job stopped before it finished, after its publications were recorded: their pages are live, "
                    "but the search index and the shared files may be behind. Run export_channels.")
    elif state == PublishJobState.INTERRUPTED:
        summary = _("The job stopped before it finished (its process ended). Nothing was recorded: the previous files "
                    "are still live. Publish the versions again.")
    elif state == PublishJobState.QUEUED and not job.runner:
        summary = _("Waiting for a worker of the task queue.")
    elif state == PublishJobState.QUEUED:
        summary = _("Waiting to start.")
    else:
        summary = _step_text(progress["phase"], progress["step"])
    return {
        "id": job.pk,
        "state": state,
        "state_label": str(PublishJobState(state).label),
        "finished": state in FINISHED,
        "summary": summary,
        "steps_done": progress["steps_done"],
        "steps_total": progress["steps_total"],
        "step": _step_text(progress["phase"], progress["step"]) if state == PublishJobState.RUNNING else "",
        "versions": [{"code": item["code"], "label": item["label"]} for item in job.versions],
        "published": [{"code": code, "label": labels.get(code, code)} for code in published],
        "refused": refused,
        "failures": list(job.failures),
        "error": job.error,
        "nothing_recorded": state in (PublishJobState.FAILED, PublishJobState.INTERRUPTED) and not recorded,
        "requested_at": job.requested_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "heartbeat": job.heartbeat.isoformat() if job.heartbeat else None,
    }
