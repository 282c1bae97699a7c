"""A page of translation overviews makes the same queries whatever its guides, even when the process keeps fewer
drafts' segments than the page shows (a translator of many languages, a page of many guides) or another
request's drafts push them out meanwhile."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guide_cms.localization import selectors
from guide_cms.localization.models import SegmentDraft
from guide_cms.localization.selectors import translation_overviews
from tests.factories import GuideFactory, SectionFactory


def _guides(count: int) -> list:
    guides = []
    for n in range(count):
        guide = GuideFactory(slug=f"guide-{n}")
        SectionFactory(guide=guide, key="dosing", position=1, body_en="Take 5 mg. Rest.", body_es="Tome 5 mg. Descanse.")
        SegmentDraft.objects.create(guide=guide, language="es", segments={}, unit_hashes={})
        guides.append(guide)
    return guides


def _queries_of_a_second_view(guides) -> int:
    translation_overviews(guides, "es")
    with CaptureQueriesContext(connection) as again:
        translation_overviews(guides, "es")
    return len(again.captured_queries)


@pytest.mark.django_db
def test_a_page_of_more_drafts_than_the_process_keeps_makes_the_same_queries(monkeypatch):
    guides, counts = _guides(12), []
    for size in (3, 12):
        selectors._SEGMENTS.clear()
        monkeypatch.setattr(selectors, "_SEGMENTS_KEPT", size - 1)  # one short of the page, as 256 of a larger one
        counts.append(_queries_of_a_second_view(guides[:size]))
    assert counts[0] == counts[1] <= 6


@pytest.mark.django_db
def test_drafts_pushed_out_by_another_request_meanwhile_cost_no_query_each(monkeypatch):
    guides = _guides(4)
    selectors._SEGMENTS.clear()
    first = translation_overviews(guides, "es")
    read_texts = selectors._load_texts

    def read_then_pushed_out(basics, stored):
        held = read_texts(basics, stored)
        selectors._SEGMENTS.clear()  # another request thread filled the cache meanwhile
        return held

    monkeypatch.setattr(selectors, "_load_texts", read_then_pushed_out)
    with CaptureQueriesContext(connection) as view:
        shown = translation_overviews(guides, "es")
    assert [[s.id for s in o.segments] for o in shown] == [[s.id for s in o.segments] for o in first]
    assert not [q["sql"] for q in view.captured_queries if "segmentdraft" in q["sql"] and "LIMIT" in q["sql"]]
