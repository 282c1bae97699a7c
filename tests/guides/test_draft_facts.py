"""A draft's state facts (has text, content hash) are kept by a digest of its columns: always the snapshot's own."""
import pytest

from guide_cms.guides.models import Section
from guide_cms.guides.snapshots import build_snapshot, content_hash, draft_facts, has_any_text

pytestmark = pytest.mark.django_db


def facts_from_snapshot(guide, language):
    sections = list(Section.objects.filter(guide=guide))
    snapshot = build_snapshot(guide, language, sections)
    return has_any_text(snapshot), content_hash(snapshot)


def facts(guide, language):
    found = draft_facts(guide, language, list(Section.objects.filter(guide=guide)))
    return found.has_text, found.content_hash


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_the_facts_are_the_snapshots(guide, language):
    assert facts(guide, language) == facts_from_snapshot(guide, language)
    assert facts(guide, language) == facts_from_snapshot(guide, language)  # kept, and still the same


def test_every_column_the_snapshot_reads_changes_the_facts(guide):
    seen = {facts(guide, "es")}
    edits = [
        ("section", "body_es", "Tome 10 mg."),
        ("section", "title_es", "Dosis diaria"),
        ("section", "position", 3),
        ("section", "key", "dose"),
        ("guide", "title_es", "Baclofeno oral"),
        ("guide", "summary_es", ""),
        ("section", "body_es", None),
    ]
    for owner, column, value in edits:
        row = guide if owner == "guide" else Section.objects.get(guide=guide, position__in=[1, 3])
        setattr(row, column, value)
        row.save()
        guide.refresh_from_db()
        now = facts(guide, "es")
        assert now == facts_from_snapshot(guide, "es")
        assert now not in seen, f"{column} = {value!r} kept the facts of another draft"
        seen.add(now)


def test_a_language_without_text_has_none(guide):
    assert facts(guide, "ar")[0] is False
    Section.objects.filter(guide=guide, key="dosing").update(body_ar="خذ 5 ملغ.")
    assert facts(guide, "ar")[0] is True
