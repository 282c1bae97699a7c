"""What a server process loads once, loaded when it starts rather than on its first submit.

A submit runs every check: the QA checks read CLDR's unit names and number
words for the language (Babel and ICU data, about a second a language), the
text rules build Unicode's look-alike tables, and the trial handout layout
imports WeasyPrint and loads each script's fonts (or starts the render
workers, which load them). Without this, the first submit after a start
waited for all of it (7.7 s reported; 3.9 s against 0.2 s for the next one
on the demo library, scripts/measure-first-submit.py).

guide_cms/wsgi.py starts it in a background thread, so a WSGI server and
``manage.py runserver`` (which serves through that module) warm up while
they wait for their first request; other management commands and the
tests never import that module and pay nothing. Each step is logged (the
``guide_cms`` logger prints to the console). settings.GUIDE_CMS_WARM_UP =
False turns it off. A request that comes before the warm-up is done loads
what it needs itself, as before: nothing waits for the warm-up.
"""
from __future__ import annotations

import gc
import logging
import threading
import time

logger = logging.getLogger(__name__)

THREAD_NAME = "guide_cms-warm-up"

# A short guide in the shape of a snapshot: every check runs on it (units, sentences, quantities, facts, glossary).
_SAMPLE = {
    "title": "Muscle relaxants",
    "summary": "How to take them safely.",
    "sections": [
        {"key": "dosing", "position": 1, "title": "Dosing",
         "body": "Take 5 mg twice a day, before meals, for 7 days.\n\n- Do not drive.\n- Call us if the pain gets worse."},
    ],
}


def warm_text_rules() -> None:
    """Unicode's tables behind the text rules, the sentence and word breakers (ICU)."""
    from guide_cms.core.diffs import diff_words
    from guide_cms.guides.text_rules import clean_text
    from guide_cms.localization.segmentation import split_sentences

    clean_text("Take 5 mg twice a day.")
    split_sentences("Take 5 mg. Then rest.", "en")
    diff_words("每天服用5毫克", "每周服用10毫克")


def warm_checks() -> None:
    """The QA checks of every configured language (their word lists: CLDR units, number words, facts)."""
    from guide_cms.core.languages import source_language, target_languages
    from guide_cms.localization.qa.checks import check_source, check_translation

    source = source_language().code
    check_source(_SAMPLE, language=source)
    for language in target_languages():
        check_translation(_SAMPLE, _SAMPLE, source_language=source, language=language.code)


def warm_handouts() -> None:
    """The trial handout layout's fonts: the render workers started (each loads them), or loaded here without a pool."""
    from guide_cms.publishing import rendering, task_queue

    if task_queue.queue_configured():
        return  # the task queue's workers load their own fonts
    if rendering.worker_count() > 1:
        rendering.warm_pool()
    else:
        from guide_cms.publishing.channels.handouts import warm_fonts

        warm_fonts()


STEPS = [
    ("text rules and ICU", warm_text_rules),
    ("QA checks of every language", warm_checks),
    ("handout fonts", warm_handouts),
]

_started = threading.Event()
_done = threading.Event()


def run(steps=None, *, freeze: bool = False) -> dict[str, float]:
    """Run each step, logging its time; a step that fails is logged and skipped (its work is done on first use).

    freeze (a server's warm-up): then move every object alive into the collector's permanent generation
    (gc.freeze). What Django and the warm-up loaded lives as long as the process; in the collector's
    generations, every full collection walked it again (some 130,000 objects, 50 ms, paid by whichever
    request the collection fell in). Objects freed later by their count of references are freed as ever."""
    times = {}
    began = time.perf_counter()
    for name, step in steps or STEPS:
        start = time.perf_counter()
        try:
            step()
        except Exception:  # noqa: BLE001 - warming is an optimisation: the first request does it instead
            logger.exception("warm-up: %s failed; the first request that needs it loads it instead", name)
            continue
        times[name] = time.perf_counter() - start
        logger.info("warm-up: %s ready in %.1f s", name, times[name])
    if freeze:
        from guide_cms.core.heap import release_free_memory

        release_free_memory()  # what loading the word lists made and dropped
        gc.freeze()
    logger.info("warm-up: done in %.1f s; the first submit is as fast as the next", time.perf_counter() - began)
    _done.set()
    return times


def start(background: bool = True) -> threading.Thread | None:
    """Warm up once per process: in a daemon thread (background), or here. Off with settings.GUIDE_CMS_WARM_UP = False."""
    from django.conf import settings

    if not getattr(settings, "GUIDE_CMS_WARM_UP", True) or _started.is_set():
        return None
    _started.set()
    if not background:
        run(freeze=True)
        return None
    logger.info("warm-up: loading what the first submit needs, in the background")
    thread = threading.Thread(target=run, kwargs={"freeze": True}, name=THREAD_NAME, daemon=True)
    thread.start()
    return thread


def wait(timeout: float | None = None) -> bool:
    """Whether the warm-up finished (waiting up to timeout seconds)."""
    return _done.wait(timeout)
