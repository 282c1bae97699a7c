"""Where entries are rendered: in this process, in a pool of worker processes, or on a task queue.

A channel whose pages are slow to render (Channel.parallel: the handouts, a
PDF takes about a second) renders them in a pool of worker processes, one per
core by default (settings.GUIDE_CMS_RENDER_WORKERS; 0 or 1: in this process).
The pool lives as long as this process, so each worker keeps its fonts (and
WeasyPrint's font configuration) from one export to the next. When a
deployment configures a task queue (settings.GUIDE_CMS_TASK_QUEUE = "celery"),
the renders are tasks on it instead, taken by workers on any machine
(tasks.py, sent by name: task_queue.py). The output is the same bytes wherever it is rendered: a channel
is deterministic and the worker is given the settings its rendering reads.

Results come back in the order entries were given; a failure to render one
entry is returned as its exception (the exporter keeps that entry's previous
files), never raised. The pool starts the costliest of the entries it has read
ahead first (Channel.render_cost), so that an export does not end with one
long render while the other workers have nothing left to do.
"""
from __future__ import annotations

import atexit
import os
import threading
from collections import deque

from django.conf import settings

from .channels.base import Channel
from .render_data import RenderFailed, entry_to_data, from_answer, render_one, render_settings
from .task_queue import RENDER, queue_configured, send


def worker_count() -> int:
    """The render pool's size: settings.GUIDE_CMS_RENDER_WORKERS, or the cores this process may use."""
    configured = getattr(settings, "GUIDE_CMS_RENDER_WORKERS", None)
    if configured is not None:
        return max(int(configured), 0)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def channel_path(channel: Channel) -> str | None:
    """The dotted path another process imports the channel's class from (None: defined where no worker can import it)."""
    cls = type(channel)
    if cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
        return None
    return f"{cls.__module__}.{cls.__qualname__}"


def render_stream(channel: Channel, items):
    """Render each (entry, context) of items; yield (entry, context, files or the exception), in order."""
    path = channel_path(channel) if channel.parallel else None
    if path and queue_configured():
        values = render_settings(channel)
        yield from _pipelined(items, lambda entry: send(RENDER, path, entry_to_data(entry), values), window=64)
    elif path and worker_count() > 1:
        executor = render_pool(worker_count())
        values = render_settings(channel)

        def submit(entry):
            from .render_worker import render

            return executor.submit(render, path, entry, values)

        workers = worker_count()
        yield from _costliest_first(items, submit, channel.render_cost, window=2 * workers, lookahead=LOOKAHEAD_PER_WORKER * workers)
    else:
        for entry, context in items:
            try:
                outcome = render_one(channel, entry)
            except Exception as exc:  # noqa: BLE001 - one entry never blocks the others
                outcome = exc
            yield entry, context, outcome


def start_trials(channels: list[Channel], entry, entries: list | None = None) -> PendingTrials:
    """Start each channel's Channel.trial(entry); PendingTrials.result() gives them (a list of RenderProblem per
    channel, in order).

    A slow channel's (Channel.parallel: the handout's layout) is sent to a render worker when there is a
    pool, and the others run here at once: a submission waits for the slowest trial, not for their sum, the
    caller may do its own work (the QA checks) before asking for the result, and the web process never holds
    a layout's fonts and boxes (a Chinese handout's take some 100 MB). A worker that fails (the pool broken,
    or a worker killed) leaves that trial to this process. With entries (one per channel), each channel
    tries its own (trial_reuse: the sections not kept).
    """
    from concurrent.futures.process import BrokenProcessPool

    from django.utils import translation

    entries = entries if entries is not None else [entry] * len(channels)
    pending = {}
    if worker_count() > 1:
        from .render_worker import trial

        for n, channel in enumerate(channels):
            path = channel_path(channel) if channel.parallel else None
            if path:
                try:
                    pending[n] = render_pool(worker_count()).submit(
                        trial, path, entries[n], render_settings(channel), translation.get_language() or settings.LANGUAGE_CODE)
                except (BrokenProcessPool, RuntimeError, OSError):  # RuntimeError: a pool shut down meanwhile
                    shutdown_pool()
    found = [None if n in pending else channel.trial(entries[n]) for n, channel in enumerate(channels)]
    return PendingTrials(channels, entries, found, pending)


class PendingTrials:
    """Trials started by start_trials: those done here, and the render workers' futures for the others."""

    def __init__(self, channels: list[Channel], entries: list, found: list, pending: dict):
        self._channels, self._entries, self._found, self._pending = channels, entries, found, pending

    def result(self) -> list[list]:
        """Each channel's problems, in order; waits for the workers (a broken one's trial is done here)."""
        from concurrent.futures.process import BrokenProcessPool

        found = list(self._found)
        for n, future in self._pending.items():
            try:
                found[n] = future.result()
            except BrokenProcessPool:
                shutdown_pool()
                found[n] = self._channels[n].trial(self._entries[n])
            except Exception:  # noqa: BLE001 - whatever went wrong in the worker, the trial itself is done here
                found[n] = self._channels[n].trial(self._entries[n])
        return found


def _pipelined(items, submit, window: int):
    """Keep up to `window` renders in flight; yield them in the order they were submitted."""
    pending: deque = deque()
    try:
        for entry, context in items:
            pending.append((entry, context, submit(entry)))
            while len(pending) >= window:
                entry_, context_, handle = pending.popleft()
                yield entry_, context_, outcome_of(handle)
        while pending:
            entry_, context_, handle = pending.popleft()
            yield entry_, context_, outcome_of(handle)
    finally:
        for _entry, _context, handle in pending:  # an export that stops (ExportRefused, a crash) cancels the rest
            cancel = getattr(handle, "cancel", None) or getattr(handle, "revoke", None)
            if cancel:
                cancel()


# Entries a pool reads ahead of the one it yields next, per worker: the renders it may reorder, and the
# rendered files it may hold (a handout's PDF is 40 to 400 KB) until their turn to be yielded.
LOOKAHEAD_PER_WORKER = 8


class _Schedule:
    """What _costliest_first has read, submitted and yielded, by position in the order given."""

    def __init__(self, items, cost):
        self.source, self.cost = iter(items), cost
        self.read: dict[int, tuple] = {}  # position: (entry, context, cost), read and not submitted
        self.submitted: dict[int, tuple] = {}  # position: (entry, context, future), not yet yielded
        self.head = self.ahead = 0  # the position yielded next; the next to read

    def read_ahead(self, lookahead: int) -> None:
        while self.ahead < self.head + lookahead and (item := next(self.source, None)) is not None:
            entry, context = item
            self.read[self.ahead] = (entry, context, self.cost(entry))
            self.ahead += 1

    def submit(self, position: int, submit) -> None:
        entry, context, _cost = self.read.pop(position)
        self.submitted[position] = (entry, context, submit(entry))

    def submit_costliest(self, submit, window: int) -> list:
        """Submit the costliest entries read (the head first, if it waits) while fewer than window renders are
        unfinished; the unfinished futures."""
        if self.head in self.read:
            self.submit(self.head, submit)
        running = [future for _entry, _context, future in self.submitted.values() if not future.done()]
        while self.read and len(running) < window:
            position = max(self.read, key=lambda n: (self.read[n][2], -n))  # equal costs: in the order given
            self.submit(position, submit)
            running.append(self.submitted[position][2])
        return running


def _costliest_first(items, submit, cost, window: int, lookahead: int):
    """Render (entry, context) items through submit (entry -> a concurrent.futures.Future); yield (entry,
    context, outcome) in the order given.

    Up to `lookahead` items are read ahead of the one yielded next; of those, the costliest (cost(entry))
    is submitted first, while fewer than `window` renders are unfinished, and the one to yield next
    whatever its cost. At the end of an export, then, the renders left are the short ones: a long one last
    would keep one worker busy while the others have nothing left to do. A render that finishes submits
    the next at once, whichever it is (the pool's futures are waited for together).
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    schedule = _Schedule(items, cost)
    try:
        while True:
            schedule.read_ahead(lookahead)
            if schedule.head == schedule.ahead:
                return
            running = schedule.submit_costliest(submit, window)
            if not schedule.submitted[schedule.head][2].done():
                wait(running, return_when=FIRST_COMPLETED)
            while schedule.head in schedule.submitted and schedule.submitted[schedule.head][2].done():
                entry, context, future = schedule.submitted.pop(schedule.head)
                schedule.head += 1
                yield entry, context, outcome_of(future)
    finally:
        for _entry, _context, future in schedule.submitted.values():  # an export that stops cancels the rest
            future.cancel()


def outcome_of(handle):
    """A worker's answer as files, or as the exception the exporter records."""
    from concurrent.futures.process import BrokenProcessPool

    if not hasattr(handle, "done"):  # a task on the queue: no answer in time is that entry's failure
        try:
            answer = handle.get(timeout=getattr(settings, "GUIDE_CMS_TASK_TIMEOUT", 600))
        except Exception as exc:  # noqa: BLE001 - one entry never blocks the others
            return RenderFailed(f"the task queue gave no answer: {type(exc).__name__}: {exc}")
        return from_answer(answer)
    try:
        answer = handle.result()
    except BrokenProcessPool:
        shutdown_pool()
        raise
    return from_answer(answer)


# --- the pool ------------------------------------------------------------------

_POOL = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()


def worker_processes(size: int):
    """A new ProcessPoolExecutor of size render workers (Django set up, fonts loaded); the caller shuts it down.

    forkserver: workers are forked from a fresh, single-threaded process that has imported Django and
    WeasyPrint once, never from this (threaded) one.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .render_worker import start

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["guide_cms.publishing.render_worker"])
    return ProcessPoolExecutor(max_workers=size, mp_context=context, initializer=start, initargs=(os.getpid(),))


def render_pool(size: int):
    """The process's pool of render workers (started once, kept warm)."""
    global _POOL, _POOL_SIZE

    with _POOL_LOCK:
        if _POOL is None or size != _POOL_SIZE:
            if _POOL is not None:
                _POOL.shutdown(wait=False, cancel_futures=True)
            _POOL = worker_processes(size)
            _POOL_SIZE = size
            global _EXIT_REGISTERED
            if not _EXIT_REGISTERED:
                # Stopped while the interpreter is whole: left to the end, the pool's thread reports
                # "Exception ignored … 'NoneType' object has no attribute 'util'" as a command exits.
                atexit.register(shutdown_pool, wait=True)
                _EXIT_REGISTERED = True
        return _POOL


_EXIT_REGISTERED = False


def render_worker_pids() -> list[int]:
    """The process ids of this process's render workers (none without a pool)."""
    with _POOL_LOCK:
        return list(getattr(_POOL, "_processes", None) or {})


def warm_pool() -> None:
    """Start the render workers now and let each load its fonts (otherwise the first export pays for it)."""
    size = worker_count()
    if size > 1:
        from .render_worker import ping

        executor = render_pool(size)
        for future in [executor.submit(ping, 0.2) for _ in range(size)]:
            future.result()


def shutdown_pool(wait: bool = False) -> None:
    """Stop the render workers (wait: until they have exited)."""
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=wait, cancel_futures=True)
        _POOL, _POOL_SIZE = None, 0
