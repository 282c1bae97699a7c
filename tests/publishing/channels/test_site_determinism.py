"""The same entries give the same files, byte for byte, whatever their order."""
from __future__ import annotations

import dataclasses
import random

from guide_cms.publishing.channels.base import PublishedGuide
from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import whole_site


def test_same_entries_render_byte_identical_files():
    first = whole_site(sample.demo_entries(withdrawn=("ar",)))
    second = whole_site(sample.demo_entries(withdrawn=("ar",)))
    assert first == second


def test_entry_and_alternate_order_do_not_change_the_output():
    entries = sample.demo_entries(withdrawn=("ar",))
    expected = whole_site(entries)
    shuffled = list(entries)
    random.Random(4).shuffle(shuffled)
    shuffled = [
        dataclasses.replace(e, alternates=tuple(reversed(e.alternates))) if isinstance(e, PublishedGuide) else e
        for e in shuffled
    ]
    assert whole_site(shuffled) == expected
