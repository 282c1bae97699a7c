"""A render worker process: Django set up once, fonts loaded once, channels kept.

Imported by the pool's fork server (rendering.render_pool) and by Celery
workers (tasks.py). Each worker renders one entry at a time with the channel
named by its dotted path, in the settings the exporting process rendered with.
"""
from __future__ import annotations

import django
from django.apps import apps

if not apps.ready:  # the fork server imports this module before anything else
    django.setup()

from django.conf import settings  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

_CHANNELS: dict = {}


def start(owner: int | None = None) -> None:
    """Pool initialiser: load every configured language's fonts before the first render, and exit when the
    process that owns the pool (`owner`, a pid) is gone: a server killed without its shutdown (SIGTERM to
    runserver) would otherwise leave its workers running. What is loaded then is kept out of the garbage
    collector's way (gc.freeze)."""
    if owner is not None:
        import threading

        threading.Thread(target=_exit_with, args=(owner,), daemon=True, name="render-worker-owner").start()
    from .channels import fonts
    from guide_cms.core.languages import all_languages

    for language in all_languages():
        for family in fonts.font_stack(language.code):
            fonts.resolve_family(family)
    from .channels.handouts import warm_fonts

    warm_fonts()
    _freeze_what_is_loaded()


def _freeze_what_is_loaded() -> None:
    """Move every object alive now (Django, the modules, fonts, templates: some 117,000) to the collector's
    permanent generation. A layout allocates boxes by the hundred thousand, so the collector runs a full
    collection every few handouts, and each walked all of these too: some 9% of a handout's CPU time, 4% once
    they are frozen. They live as long as the worker anyway; garbage of the start is collected first."""
    import gc

    gc.collect()
    gc.freeze()


def _exit_with(owner: int, interval: float = 2.0) -> None:
    import os
    import time

    while True:
        time.sleep(interval)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass  # alive, another user's


def ping(delay: float = 0.0) -> int:
    """This worker's process id, after delay seconds (long enough that every worker gets a ping)."""
    import os
    import time

    time.sleep(delay)
    return os.getpid()


def _apply(values: dict) -> None:
    for name, value in values.items():
        if getattr(settings, name, None) != value:
            setattr(settings, name, value)


def render_answer(path: str, entry, values: dict) -> dict:
    from .render_data import render_one, to_answer

    channel = _CHANNELS.get(path)
    if channel is None:
        channel = _CHANNELS[path] = import_string(path)()
    _apply(values)
    return to_answer(lambda: render_one(channel, entry))


def render(path: str, entry, values: dict) -> dict:
    """The pool's task: render entry with the channel at path."""
    return render_answer(path, entry, values)


def trial(path: str, entry, values: dict, language: str) -> list:
    """The pool's task for a submission: channel.trial(entry) (a list of RenderProblem), its messages in language."""
    from django.utils import translation

    channel = _CHANNELS.get(path)
    if channel is None:
        channel = _CHANNELS[path] = import_string(path)()
    _apply(values)
    with translation.override(language):
        return channel.trial(entry)
