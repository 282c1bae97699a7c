"""Handouts on every core: a pool of real worker processes gives the same bytes as this process."""
import time

import pytest

from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.channels.site import SiteChannel
from guide_cms.publishing.render_data import entry_from_data, entry_to_data
from guide_cms.publishing.rendering import render_pool, render_stream, shutdown_pool, worker_processes

from .entries import demo_entries, published_guide, with_extra_section


@pytest.fixture
def pool(settings):
    settings.GUIDE_CMS_RENDER_WORKERS = 2
    yield
    shutdown_pool()


def test_handouts_rendered_by_two_worker_processes_are_byte_identical(pool, settings):
    settings.GUIDE_CMS_SITE_URL = "https://handouts.example.net/"  # the workers render with this process's settings
    from guide_cms.publishing.render_worker import ping

    channel = HandoutChannel()
    entries = demo_entries(withdrawn=("vi",))
    pooled = list(render_stream(channel, ((entry, n) for n, entry in enumerate(entries))))
    assert [context for _entry, context, _files in pooled] == list(range(len(entries)))  # in order
    for entry, _context, files in pooled:
        assert files == channel.render_entry(entry), entry.language.code
    # Two processes: pings that take a while are taken by both (as soon as the second has started).
    workers, deadline = set(), time.monotonic() + 120
    while len(workers) < 2 and time.monotonic() < deadline:
        workers |= {future.result() for future in [render_pool(2).submit(ping, 0.5) for _ in range(2)]}
    assert len(workers) == 2


def test_a_handout_the_pool_cannot_render_is_returned_as_its_failure(pool):
    entry = with_extra_section(published_guide("en"), "Take one 💊 daily.")
    ((_entry, _context, outcome),) = list(render_stream(HandoutChannel(), [(entry, None)]))
    assert isinstance(outcome, Exception) and "💊" in str(outcome)


def test_the_site_renders_in_this_process(pool, monkeypatch):
    monkeypatch.setattr("guide_cms.publishing.rendering.render_pool", lambda size: pytest.fail("the site needs no pool"))
    ((_entry, _context, files),) = list(render_stream(SiteChannel(), [(published_guide("es"), None)]))
    assert [f.path for f in files] == ["es/muscle-relaxants.json", "es/muscle-relaxants/index.html"]


def test_entries_travel_as_json_and_come_back_equal():
    import json

    for entry in demo_entries(withdrawn=("ar",)):
        assert entry_from_data(json.loads(json.dumps(entry_to_data(entry)))) == entry


def _trial_setup():
    from guide_cms.publishing.rendering import start_trials

    entry = with_extra_section(published_guide("vi"), "Uống 1 viên 💊 mỗi tối.")  # no handout font draws 💊
    return (lambda channels, entry: start_trials(channels, entry).result()), entry, [SiteChannel(), HandoutChannel()]


def test_a_submissions_handout_trial_is_laid_out_by_a_render_worker_in_the_users_language(pool, monkeypatch):
    from django.utils import translation

    trials, entry, channels = _trial_setup()
    with translation.override("en"):
        english = [channel.trial(entry) for channel in channels]
    with translation.override("es"):
        spanish = [channel.trial(entry) for channel in channels]
        monkeypatch.setattr(HandoutChannel, "trial", lambda self, entry: pytest.fail("laid out in the web process"))
        pooled = trials(channels, entry)
    assert pooled == spanish != english
    assert [problem.code for problem in pooled[1]] == ["unprintable"] and "💊" in pooled[1][0].message


def test_a_trial_whose_worker_died_is_done_in_this_process(pool):
    from guide_cms.publishing.render_worker import ping

    trials, entry, channels = _trial_setup()
    expected = [channel.trial(entry) for channel in channels]
    executor = render_pool(2)
    executor.submit(ping).result()
    for process in list(executor._processes.values()):  # killed, as the kernel's OOM killer would
        process.kill()
    assert trials(channels, entry) == expected


def test_a_render_worker_keeps_what_it_loaded_at_its_start_out_of_the_collectors_way():
    import gc

    with worker_processes(1) as executor:
        frozen = executor.submit(gc.get_freeze_count).result()
    assert frozen > 10_000  # Django, WeasyPrint and the fonts: a full collection no longer walks them
