"""CAT-tool round trips through the real services: export, edit, import."""
import pytest
from django.core.exceptions import PermissionDenied

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import ChangeClass, Section
from guide_cms.localization.exchange import read_exchange_file
from guide_cms.localization.services import ImportRefused, translation_export, translation_import


@pytest.fixture
def wf(approved_workflow):
    return approved_workflow


def export(wf, fmt="xliff"):
    data, name = translation_export(guide=wf.guide, language="es", fmt=fmt, user=wf.translator_es)
    return data, name


def reimport(wf, data, name="file.xlf", **kwargs):
    return translation_import(document=read_exchange_file(data, name), user=wf.translator_es, filename=name, **kwargs)


@pytest.mark.parametrize("fmt", ["xliff", "po"])
def test_round_trip_without_edits_changes_nothing(wf, fmt):
    data, name = export(wf, fmt)
    events = AuditEvent.objects.count()
    report = reimport(wf, data, name)
    assert report.applied == [] and len(report.unchanged) >= 4
    assert AuditEvent.objects.filter(action="draft.edit").count() == 0
    assert AuditEvent.objects.count() == events + 1  # the import itself


def test_an_edited_unit_is_applied_and_audited_with_old_and_new(wf):
    data, name = export(wf)
    edited = data.replace("Tome 5 mg.".encode(), "Tome 5 mg con agua.".encode())
    report = reimport(wf, edited, name)
    assert report.applied_ids == ["dosing.body.1.1"]
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg con agua."
    event = AuditEvent.objects.get(action="draft.edit")
    assert (event.actor, event.data["old"], event.data["new"]) == (wf.translator_es, "Tome 5 mg.", "Tome 5 mg con agua.")


def test_dry_run_writes_nothing(wf):
    data, name = export(wf)
    report = reimport(wf, data.replace("Tome 5 mg.".encode(), "Tome 5 mg hoy.".encode()), name, dry_run=True)
    assert len(report.applied) == 1
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."
    assert not AuditEvent.objects.filter(action__in=["draft.edit", "translation.import"]).exists()


def test_units_whose_source_changed_since_export_are_not_applied(wf):
    data, name = export(wf)
    wf.edit("dosing", "en", "Take 5 mg at night.")
    wf.approve("en", ChangeClass.CLINICAL)
    edited = data.replace("Tome 5 mg.".encode(), "Tome 5 mg hoy.".encode()).replace("No conduzca.".encode(), "No conduzca nunca.".encode())
    report = reimport(wf, edited, name)
    assert report.stale == ["dosing.body.1.1"]
    assert report.applied_ids == ["warnings.body.1.1"]
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."
    with pytest.raises(ImportRefused, match="--strict"):
        reimport(wf, edited, name, strict=True)


def test_import_reports_qa_errors_without_refusing(wf):
    data, name = export(wf)
    report = reimport(wf, data.replace("Tome 5 mg.".encode(), "Tome 50 mg.".encode()), name)
    assert any(f.code == "numbers-mismatch" and f.section == "dosing" for f in report.findings)
    assert Section.objects.get(key="dosing").body_es == "Tome 50 mg."


def test_a_file_for_another_guide_or_unknown_units_is_refused_whole(wf):
    data, name = export(wf)
    with pytest.raises(ImportRefused, match="does not exist"):
        reimport(wf, data.replace(b'original="baclofen"', b'original="other-guide"'), name)
    bad = data.replace(b'id="dosing.body.1.1"', b'id="ghost.body.1.1"').replace("Tome 5 mg.".encode(), "Tome 9 mg.".encode())
    with pytest.raises(ImportRefused, match="ghost.body"):
        reimport(wf, bad, name)
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."


def test_another_languages_translator_cannot_import(wf, db):
    from guide_cms.core.roles import Role
    from tests.factories import make_user

    data, name = export(wf)
    with pytest.raises(PermissionDenied):
        translation_import(document=read_exchange_file(data, name), user=make_user(Role.TRANSLATOR, ("ar",)), filename=name)


def test_an_approved_state_in_the_file_is_not_a_sign_off(wf):
    from guide_cms.guides.models import Version

    data, name = export(wf)
    edited = data.replace(b'state="translated"', b'state="final" approved="yes"').replace("Tome 5 mg.".encode(), "Tome 5 mg hoy.".encode())
    reimport(wf, edited, name)
    assert not Version.objects.filter(language="es").exists()
