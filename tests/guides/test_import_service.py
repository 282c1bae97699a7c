import pytest
from django.core.exceptions import PermissionDenied

from guide_cms.core.permissions import COMMAND_LINE
from guide_cms.guides.importer import parse_guide_document
from guide_cms.guides.models import Guide, Section
from guide_cms.guides.services import ImportConflict, guide_import

DOC = "# Baclofen\n\nSummary.\n\n## Dosing\n\nTake 5 mg.\n\n## Stopping\n\nDo not stop suddenly.\n"


def test_import_creates_guide_with_english_drafts(editor):
    report = guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    assert report.created
    guide = Guide.objects.get(slug="baclofen")
    assert (guide.title_en, guide.summary_en) == ("Baclofen", "Summary.")
    sections = list(guide.sections.order_by("position"))
    assert [(s.key, s.position, s.title_en, s.body_en) for s in sections] == [
        ("dosing", 1, "Dosing", "Take 5 mg."),
        ("stopping", 2, "Stopping", "Do not stop suddenly."),
    ]
    assert all(s.body_es is None and s.title_es is None for s in sections)


def test_reimporting_the_same_document_changes_nothing(editor):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    report = guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    assert not report.changed_anything


def test_reimport_updates_changed_sections_and_keeps_translations(editor, translator_es):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    Section.objects.filter(key="dosing").update(body_es="Tome 5 mg.")
    report = guide_import(document=parse_guide_document(DOC.replace("5 mg", "10 mg")), slug="baclofen", user=editor)
    assert report.sections_changed == ["dosing"]
    dosing = Section.objects.get(key="dosing")
    assert (dosing.body_en, dosing.body_es) == ("Take 10 mg.", "Tome 5 mg.")


def test_reimport_without_a_section_is_refused_and_writes_nothing(editor):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    shorter = "# Baclofen changed\n\n## Dosing\n\nTake 10 mg.\n"
    with pytest.raises(ImportConflict, match="stopping"):
        guide_import(document=parse_guide_document(shorter), slug="baclofen", user=editor)
    guide = Guide.objects.get(slug="baclofen")
    assert guide.title_en == "Baclofen"
    assert guide.sections.get(key="dosing").body_en == "Take 5 mg."


def test_only_editors_import(translator_es, reviewer):
    for user in (translator_es, reviewer):
        with pytest.raises(PermissionDenied):
            guide_import(document=parse_guide_document(DOC), slug="baclofen", user=user)
    assert not Guide.objects.exists()


def test_command_line_operator_imports_as_editor(db):
    assert guide_import(document=parse_guide_document(DOC), slug="baclofen", user=COMMAND_LINE).created


def test_a_renamed_heading_is_applied_as_a_rename_keeping_key_and_translations(editor):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    Section.objects.filter(key="stopping").update(title_es="Dejar el tratamiento", body_es="No lo deje de golpe.")
    renamed = DOC.replace("## Stopping", "## Stopping the medicine safely")
    report = guide_import(document=parse_guide_document(renamed), slug="baclofen", user=editor)
    assert report.sections_renamed == [("stopping", "Stopping", "Stopping the medicine safely")]
    assert report.sections_added == []
    section = Section.objects.get(key="stopping")
    assert (section.title_en, section.body_es) == ("Stopping the medicine safely", "No lo deje de golpe.")


def test_a_renamed_and_reworded_section_is_recognised_by_its_place(editor):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    changed = DOC.replace("## Stopping\n\nDo not stop suddenly.", "## When you want to stop\n\nDo not stop taking it suddenly.")
    report = guide_import(document=parse_guide_document(changed), slug="baclofen", user=editor)
    assert [key for key, _o, _n in report.sections_renamed] == ["stopping"]


def test_a_dry_run_shows_the_rename_and_writes_nothing(editor):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    report = guide_import(document=parse_guide_document(DOC.replace("## Dosing", "## Dosing and timing")), slug="baclofen", user=editor, dry_run=True)
    assert report.sections_renamed == [("dosing", "Dosing", "Dosing and timing")]
    assert Section.objects.get(key="dosing").title_en == "Dosing"


def test_an_explicit_key_keeps_the_section_whatever_its_heading(editor):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    moved = "# Baclofen\n\nSummary.\n\n## Something else entirely {#stopping}\n\nNew text.\n\n## Dosing\n\nTake 5 mg.\n"
    report = guide_import(document=parse_guide_document(moved), slug="baclofen", user=editor)
    assert report.sections_moved and Section.objects.get(key="stopping").title_en == "Something else entirely"


def test_a_different_section_in_place_of_a_dropped_one_is_still_refused(editor):
    guide_import(document=parse_guide_document(DOC), slug="baclofen", user=editor)
    other = DOC.replace("## Stopping\n\nDo not stop suddenly.", "## Storage\n\nKeep below 25 °C, away from children and pets.")
    with pytest.raises(ImportConflict, match="stopping"):
        guide_import(document=parse_guide_document(other), slug="baclofen", user=editor)
