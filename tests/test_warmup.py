"""A server warms what its first submit needs at start-up, in the background; commands and tests do not."""
import importlib
import logging
import sys
import threading

import pytest

from guide_cms import warmup


@pytest.fixture
def fresh_warmup(monkeypatch):
    monkeypatch.setattr(warmup, "_started", threading.Event())
    monkeypatch.setattr(warmup, "_done", threading.Event())


def test_the_wsgi_module_starts_the_warm_up_in_the_background(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "start", lambda background=True: calls.append(background))
    if "guide_cms.wsgi" in sys.modules:
        importlib.reload(sys.modules["guide_cms.wsgi"])
    else:
        importlib.import_module("guide_cms.wsgi")
    assert calls == [True]


def test_commands_and_tests_do_not_warm_up():
    # Django is set up (as by every management command) without the WSGI module: no warm-up thread.
    assert not any(t.name == warmup.THREAD_NAME for t in threading.enumerate())


def test_each_step_is_logged_and_a_failing_step_does_not_stop_the_others(fresh_warmup, caplog):
    done = []

    def boom():
        raise OSError("no fonts here")

    with caplog.at_level(logging.INFO, logger="guide_cms.warmup"):
        times = warmup.run([("first", lambda: done.append(1)), ("fonts", boom), ("last", lambda: done.append(3))])
    assert done == [1, 3] and set(times) == {"first", "last"}
    assert "warm-up: fonts failed" in caplog.text and "warm-up: last ready in" in caplog.text
    assert warmup.wait(0)


def test_the_warm_up_runs_once_and_can_be_turned_off(fresh_warmup, settings, monkeypatch):
    runs = []
    monkeypatch.setattr(warmup, "run", lambda steps=None, freeze=False: runs.append(freeze))
    settings.GUIDE_CMS_WARM_UP = False
    assert warmup.start() is None and runs == []
    settings.GUIDE_CMS_WARM_UP = True
    thread = warmup.start()
    thread.join(5)
    assert thread.daemon and thread.name == warmup.THREAD_NAME
    assert warmup.start() is None and runs == [True]


def test_the_warm_up_loads_every_languages_word_lists():
    from guide_cms.core.languages import all_languages
    from guide_cms.localization.qa import lexicon

    lexicon.lexicon.cache_clear()
    warmup.warm_text_rules()
    warmup.warm_checks()
    assert lexicon.lexicon.cache_info().currsize >= len(all_languages())


def test_a_servers_warm_up_leaves_what_it_loaded_out_of_the_collectors_walks(fresh_warmup):
    import gc

    assert gc.get_freeze_count() == 0
    try:
        warmup.run([("nothing", lambda: None)])
        assert gc.get_freeze_count() == 0  # the steps alone, as the tests and commands may run them
        warmup.run([("nothing", lambda: None)], freeze=True)
        # Django and everything loaded so far: a full collection no longer walks it (50 ms at 130,000 objects).
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
