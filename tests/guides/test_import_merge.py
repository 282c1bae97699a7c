"""A Markdown document re-imported is merged onto what its last import wrote: an edit made in the admin since is kept."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guide_cms.core.models import AuditEvent
from guide_cms.guides.importer import parse_guide_document
from guide_cms.guides.models import Guide, Section
from guide_cms.guides.services import ImportConflict, guide_create, guide_import, guide_update_drafts, section_update_drafts

DOC = "# Baclofen\n\nSummary.\n\n## Dosing\n\nTake 5 mg.\n\n## Stopping\n\nDo not stop suddenly.\n"


def body(key):
    return Section.objects.get(key=key).body_en


def imported(editor, text=DOC, **kwargs):
    return guide_import(document=parse_guide_document(text), slug="baclofen", user=editor, **kwargs)


def test_an_older_document_does_not_revert_a_correction_made_in_the_admin(editor):
    imported(editor)
    section_update_drafts(section=Section.objects.get(key="stopping"), user=editor, values={"body_en": "Do not stop taking it suddenly."})
    report = imported(editor, DOC.replace("Take 5 mg.", "Take 5 mg at night."))
    assert report.kept == ["stopping.body_en"] and report.sections_changed == ["dosing"]
    assert (body("dosing"), body("stopping")) == ("Take 5 mg at night.", "Do not stop taking it suddenly.")


def test_a_text_changed_in_the_admin_and_in_the_document_is_refused_whole(editor):
    imported(editor)
    guide_update_drafts(guide=Guide.objects.get(slug="baclofen"), user=editor, values={"summary_en": "How to take it."})
    section_update_drafts(section=Section.objects.get(key="stopping"), user=editor, values={"body_en": "Do not stop taking it suddenly."})
    events = AuditEvent.objects.count()
    changed = DOC.replace("Do not stop suddenly.", "Never stop suddenly.").replace("Take 5 mg.", "Take 5 mg at night.")
    with pytest.raises(ImportConflict, match=r"section 'stopping', text \(English\)") as refused:
        imported(editor, changed)
    assert "--replace" in str(refused.value)
    assert (body("dosing"), body("stopping")) == ("Take 5 mg.", "Do not stop taking it suddenly.")
    assert AuditEvent.objects.count() == events
    # The editor chooses the document's text deliberately.
    imported(editor, changed, replace=True)
    assert (body("dosing"), body("stopping")) == ("Take 5 mg at night.", "Never stop suddenly.")
    assert Guide.objects.get(slug="baclofen").summary_en == "Summary."


def test_a_guide_written_in_the_admin_is_not_overwritten_by_a_first_import_without_replace(editor):
    guide = guide_create(user=editor, slug="baclofen", title="Baclofen", summary="Summary.")
    from guide_cms.guides.services import section_create

    section_create(guide=guide, user=editor, key="dosing", title="Dosing", body="Take 10 mg.")
    with pytest.raises(ImportConflict, match=r"section 'dosing', text \(English\)"):
        imported(editor)
    assert body("dosing") == "Take 10 mg."
    # The same text as the document's is no conflict; a section the document adds is added.
    section_update_drafts(section=Section.objects.get(key="dosing"), user=editor, values={"body_en": "Take 5 mg."})
    report = imported(editor)
    assert report.sections_added == ["stopping"]


def test_the_command_says_what_was_kept_and_refuses_a_conflict_naming_the_text(editor, tmp_path):
    path = tmp_path / "guide.md"
    path.write_text(DOC)
    call_command("import_guide", str(path), slug="baclofen", user=editor.username, stdout=StringIO())
    section_update_drafts(section=Section.objects.get(key="stopping"), user=editor, values={"body_en": "Do not stop taking it suddenly."})
    path.write_text(DOC.replace("Take 5 mg.", "Take 5 mg at night."))
    out = StringIO()
    call_command("import_guide", str(path), slug="baclofen", user=editor.username, stdout=out)
    assert "kept: stopping.body_en was changed here since the last import" in out.getvalue()
    path.write_text(DOC.replace("Do not stop suddenly.", "Never stop suddenly."))
    with pytest.raises(CommandError, match=r"section 'stopping', text \(English\)"):
        call_command("import_guide", str(path), slug="baclofen", user=editor.username, stdout=StringIO())
    assert body("stopping") == "Do not stop taking it suddenly."


def test_a_section_removed_in_the_admin_is_not_added_back_by_an_older_document(editor):
    from guide_cms.guides.services import section_delete

    imported(editor)
    section_delete(section=Section.objects.get(key="stopping"), user=editor)
    report = imported(editor, DOC.replace("Take 5 mg.", "Take 5 mg at night."))
    assert "stopping" in report.kept and report.sections_added == []
    assert list(Section.objects.values_list("key", "body_en")) == [("dosing", "Take 5 mg at night.")]
    # A document that changes the removed section is refused: it must say whether the section comes back.
    with pytest.raises(ImportConflict, match="'stopping' .* was removed here since"):
        imported(editor, DOC.replace("Do not stop suddenly.", "Never stop suddenly."))


def test_sections_reordered_in_the_admin_stay_in_their_order(editor):
    from guide_cms.guides.services import section_move

    imported(editor)
    section_move(section=Section.objects.get(key="dosing"), user=editor, position=3)
    report = imported(editor, DOC.replace("Take 5 mg.", "Take 5 mg at night."))
    assert report.sections_moved == [] and "dosing.position" in report.kept
    assert list(Section.objects.order_by("position").values_list("key", flat=True)) == ["stopping", "dosing"]


def test_a_section_added_in_the_admin_is_kept_by_an_older_document(editor):
    from guide_cms.guides.services import section_create

    imported(editor)
    section_create(guide=Guide.objects.get(slug="baclofen"), user=editor, key="storage", title="Storage", body="Keep it dry.")
    imported(editor, DOC.replace("Take 5 mg.", "Take 5 mg at night."))
    assert list(Section.objects.order_by("position").values_list("key", flat=True)) == ["dosing", "stopping", "storage"]
