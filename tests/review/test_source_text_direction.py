"""English source text inside the right-to-left (Arabic) admin is marked lang="en" dir="ltr", so its full stops stay at
the end of its lines; text of no known language (a glossary note) gets dir="auto". On the demo's library."""
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from guide_cms.guides.models import Guide, Section
from guide_cms.localization.models import GlossaryTerm, MemoryEntry

ENGLISH = 'lang="en" dir="ltr"'


@pytest.fixture
def demo(db):
    call_command("demo", stdout=StringIO())


def arabic_page(client, username, url):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    return html


def marked(html, text, attributes=ENGLISH) -> bool:
    """Whether text sits in an element whose opening tag carries attributes (text may be cut by diff marks)."""
    return re.search(rf'<(bdi|div|span)[^>]*{re.escape(attributes)}[^>]*>[^<]*{re.escape(escape(text))}', html) is not None


def test_the_source_beside_an_arabic_translation_reads_left_to_right(demo, client):
    guide = Guide.objects.get(slug="muscle-relaxants")
    html = arabic_page(client, "translator_ar", reverse("admin:guides_guide_change", args=[guide.pk]))

    # The English title, summary and section texts are read-only to an Arabic translator.
    assert marked(html, guide.title_en)
    assert marked(html, guide.summary_en.splitlines()[0])
    section = Section.objects.filter(guide=guide).order_by("position").first()
    assert marked(html, section.title_en)
    # The Arabic boxes keep their own direction.
    assert 'lang="ar" dir="rtl"' in html


def test_the_source_diff_of_an_outdated_translation_reads_left_to_right(demo, client):
    # The demo's Spanish "gentle stretches" is outdated: the dashboard and the guide page show what changed in the source.
    dashboard = arabic_page(client, "translator_es", reverse("review:translate"))
    assert re.search(rf'<div class="gc-text" {ENGLISH}>', dashboard)
    guide = Guide.objects.get(slug="gentle-stretches")
    page = arabic_page(client, "reviewer1", reverse("admin:guides_guide_change", args=[guide.pk]))
    assert re.search(rf'<div class="gc-pair"><div><code>[^<]*</code><div class="gc-text" {ENGLISH}>', page)


def test_memory_and_glossary_lists_mark_each_text_with_its_language(demo, client):
    entry = MemoryEntry.objects.filter(source_language="en", language="ar").order_by("pk").first()
    memory = arabic_page(client, "admin", reverse("admin:localization_memoryentry_changelist") + "?language=ar")
    assert marked(memory, entry.source_text)
    assert marked(memory, entry.target.split()[0], 'lang="ar" dir="rtl"')
    entry_page = arabic_page(client, "admin", reverse("admin:localization_memoryentry_change", args=[entry.pk]))
    assert marked(entry_page, entry.source_text)

    term = GlossaryTerm.objects.exclude(note="").order_by("pk").first()
    glossary = arabic_page(client, "editor", reverse("admin:localization_glossaryterm_changelist"))
    assert marked(glossary, term.term)
    assert marked(glossary, term.note, 'dir="auto"')
    read_only = arabic_page(client, "editor", reverse("admin:localization_glossaryterm_change", args=[term.pk]))
    assert marked(read_only, term.term) and marked(read_only, term.note, 'dir="auto"')
