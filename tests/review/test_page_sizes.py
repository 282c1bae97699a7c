"""The guide list, the review queue and the translator dashboard show a page of rows and compute
states for those rows only: the same queries for a library of any size."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guide_cms.core.roles import Role
from guide_cms.guides.models import Version
from guide_cms.guides.snapshots import build_snapshot, content_hash
from tests.factories import GuideFactory, SectionFactory, make_user

PAGE = 3


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.GUIDE_CMS_PAGE_SIZE = PAGE


def add_guides(n, editor):
    """n guides with two sections, their English in review and their Spanish drafted."""
    for _ in range(n):
        guide = GuideFactory(title_es="Guía", summary_es="Un resumen breve.")
        SectionFactory(guide=guide, title_es="Dosis", body_es="Tome 5 mg de Baclofeno tres veces al día.")
        SectionFactory(guide=guide)
        snapshot = build_snapshot(guide, "en", list(guide.sections.all()))
        Version.objects.create(guide=guide, language="en", number=1, snapshot=snapshot, content_hash=content_hash(snapshot),
                               author=editor, author_label=editor.username, created_at=timezone.now(), approvals_required=1)


def queries(client, url):
    client.get(url)  # caches warmed (permissions, catalogues)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


PAGES = [
    ("admin:guides_guide_changelist", Role.EDITOR, (), lambda r: list(r.context["cl"].result_list), "p"),
    ("review:queue", Role.REVIEWER, ("en",), lambda r: r.context["rows"], "page"),
    ("review:translate", Role.TRANSLATOR, ("es",), lambda r: r.context["blocks"][0]["rows"], "page"),
]


@pytest.mark.parametrize("name, role, languages, rows, page", PAGES, ids=[p[0] for p in PAGES])
def test_a_page_costs_the_same_queries_at_any_library_size(client, db, editor, django_assert_max_num_queries, name, role, languages, rows, page):
    client.force_login(make_user(role, languages))
    url = reverse(name)
    add_guides(PAGE + 1, editor)
    small, response = queries(client, url)
    assert len(rows(response)) == PAGE
    add_guides(4 * PAGE, editor)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert len(rows(response)) == PAGE
    last, response = queries(client, f"{url}?{page}=6")
    assert len(rows(response)) == 1 and last <= small
    assert 'class="this-page">6<' in response.content.decode()
