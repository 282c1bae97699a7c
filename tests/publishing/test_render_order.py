"""The order a render pool takes entries in: the costliest first (so that the last renders are short), the results
in the order given, and never more renders unfinished than the window."""
import dataclasses
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.rendering import _costliest_first

from .entries import published_guide, withdrawn_guide

COSTS = {"a": 1, "b": 2, "c": 5, "d": 3, "e": 1, "f": 9, "g": 4}


def _done(value) -> Future:
    future = Future()
    future.set_result({"files": [[f"{value}.pdf", ""]]})
    return future


def test_the_costliest_entries_read_ahead_are_submitted_first_and_the_results_come_in_the_order_given():
    submitted, results = [], []

    def items():
        for n, name in enumerate("abcdefg"):
            assert n < len(results) + 3  # read no more than 3 ahead of the one yielded next
            yield name, n

    def submit(name):
        submitted.append(name)
        return _done(name)

    for result in _costliest_first(items(), submit, COSTS.get, window=2, lookahead=3):
        results.append(result)
    assert [(entry, context) for entry, context, _files in results] == [(name, n) for n, name in enumerate("abcdefg")]
    assert [files[0].path for _entry, _context, files in results] == [f"{name}.pdf" for name in "abcdefg"]
    # Of a, b, c read ahead: a, the one to yield next, at once; then c (5) before b (2). Of d, e, f: d, then f (9)
    # before e (1). Then g.
    assert submitted == ["a", "c", "b", "d", "f", "e", "g"]


def test_equal_costs_render_in_the_order_given():
    submitted = []

    def submit(name):
        submitted.append(name)
        return _done(name)

    list(_costliest_first(((name, None) for name in "abcdef"), submit, lambda name: 1.0, window=2, lookahead=4))
    assert submitted == list("abcdef")


def test_no_more_renders_are_unfinished_than_the_window():
    unfinished, most = set(), [0]
    lock = threading.Lock()

    with ThreadPoolExecutor(max_workers=1) as executor:
        def render(name):
            with lock:
                unfinished.discard(name)
            return {"files": []}

        def submit(name):
            with lock:
                unfinished.add(name)
                most[0] = max(most[0], len(unfinished))
            return executor.submit(render, name)

        names = [f"entry-{n}" for n in range(40)]
        results = list(_costliest_first(((name, None) for name in names), submit, lambda name: len(name), window=3, lookahead=8))
    assert [entry for entry, _context, _files in results] == names
    assert 1 <= most[0] <= 3


def test_an_export_that_stops_cancels_the_renders_not_started():
    futures = []

    def submit(name):
        futures.append(Future())  # never started: the worker is busy elsewhere
        if name == "a":
            futures[-1].set_result({"files": []})
        return futures[-1]

    stream = _costliest_first(((name, None) for name in "abcd"), submit, COSTS.get, window=3, lookahead=4)
    assert next(stream)[0] == "a"
    stream.close()
    assert [future.cancelled() for future in futures[1:]] == [True, True, True]


def test_a_handouts_cost_grows_with_its_text_and_a_chinese_handout_costs_more_than_its_english_original():
    channel = HandoutChannel()
    english, chinese = published_guide("en"), published_guide("zh-hans")
    shorter = dataclasses.replace(english, sections=english.sections[:1])
    # Fewer characters, but each wider, and a CJK font to embed: measured 0.21 s against 0.09 s.
    assert channel.render_cost(chinese) > channel.render_cost(english) > channel.render_cost(shorter)
    assert channel.render_cost(published_guide("ar")) > channel.render_cost(dataclasses.replace(
        published_guide("ar"), sections=published_guide("ar").sections[:1]))
    # A one-page withdrawal notice is the cheapest of all.
    assert channel.render_cost(withdrawn_guide("ar")) < channel.render_cost(shorter)
