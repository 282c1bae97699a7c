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
    edited = data.replace(b"Tome 5 mg.", b"Tome 5 mg con agua.")
    report = reimport(wf, edited, name)
    assert report.applied_ids == ["dosing.body.1.1"]
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg con agua."
    event = AuditEvent.objects.get(action="draft.edit")
    assert (event.actor, event.data["old"], event.data["new"]) == (wf.translator_es, "Tome 5 mg.", "Tome 5 mg con agua.")


def test_dry_run_writes_nothing(wf):
    data, name = export(wf)
    report = reimport(wf, data.replace(b"Tome 5 mg.", b"Tome 5 mg hoy."), name, dry_run=True)
    assert len(report.applied) == 1
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."
    assert not AuditEvent.objects.filter(action__in=["draft.edit", "translation.import"]).exists()


def test_units_whose_source_changed_since_export_are_not_applied(wf):
    data, name = export(wf)
    wf.edit("dosing", "en", "Take 5 mg at night.")
    wf.approve("en", ChangeClass.CLINICAL)
    edited = data.replace(b"Tome 5 mg.", b"Tome 5 mg hoy.").replace(b"No conduzca.", b"No conduzca nunca.")
    report = reimport(wf, edited, name)
    assert report.stale == ["dosing.body.1.1"]
    assert report.applied_ids == ["warnings.body.1.1"]
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."
    with pytest.raises(ImportRefused, match="--strict"):
        reimport(wf, edited, name, strict=True)


def test_import_reports_qa_errors_without_refusing(wf):
    data, name = export(wf)
    report = reimport(wf, data.replace(b"Tome 5 mg.", b"Tome 50 mg."), name)
    assert any(f.code == "numbers-mismatch" and f.section == "dosing" for f in report.findings)
    assert Section.objects.get(key="dosing").body_es == "Tome 50 mg."


def test_a_file_for_another_guide_or_unknown_units_is_refused_whole(wf):
    data, name = export(wf)
    with pytest.raises(ImportRefused, match="does not exist"):
        reimport(wf, data.replace(b'original="baclofen"', b'original="other-guide"'), name)
    bad = data.replace(b'id="dosing.body.1.1"', b'id="ghost.body.1.1"').replace(b"Tome 5 mg.", b"Tome 9 mg.")
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
    edited = data.replace(b'state="translated"', b'state="final" approved="yes"').replace(b"Tome 5 mg.", b"Tome 5 mg hoy.")
    reimport(wf, edited, name)
    assert not Version.objects.filter(language="es").exists()


def _without_units(data: bytes, fmt: str, ids: list[str]) -> bytes:
    """The exported file with the units of ids taken out, still well formed (as a tool that dropped them would write it)."""
    import re

    text = data.decode()
    for uid in ids:
        if fmt == "po":
            text = re.sub(rf'(?:#[^\n]*\n)*msgctxt "{re.escape(uid)}"\n(?:[^\n]+\n)*\n?', "", text)
        elif fmt == "xliff":
            text = re.sub(rf'<trans-unit id="{re.escape(uid)}".*?</trans-unit>\s*', "", text, flags=re.S)
        else:  # XLIFF 2: the group of the segment's field (one unit of one segment here)
            text = re.sub(rf'<group id="{re.escape(uid.rsplit(".", 2)[0])}".*?</group>\s*', "", text, flags=re.S)
    assert all(uid not in text for uid in ids)
    return text.encode()


def _without_end_marker(data: bytes) -> bytes:
    """A PO file as exported before files carried an end marker."""
    from guide_cms.localization.exchange.po import END_MARKER_LINES, HEADER_END_MARKER

    data = data[: data.index(END_MARKER_LINES[0].encode())]
    return data.replace(f'"{HEADER_END_MARKER}: guide_cms:end\\n"\n'.encode(), b"")


@pytest.mark.parametrize("marked", [True, False], ids=["exported now", "exported before the end marker"])
def test_a_po_file_cut_between_two_lines_of_a_msgstr_is_refused_whole(wf, marked):
    from guide_cms.localization.exchange import ExchangeError

    data, name = export(wf, "po")
    data = data if marked else _without_end_marker(data)
    two_lines = data.replace(b'msgstr "Tome 5 mg."', b'msgstr ""\n"Tome 5 mg por la noche, "\n"con un vaso de agua."')
    cut = two_lines[: two_lines.index(b'"con un vaso de agua."')]  # a transfer that stopped at a line end: still valid PO
    if marked:
        with pytest.raises(ExchangeError, match="does not end with the entry that ends every exported file"):
            reimport(wf, cut, name)
        return
    with pytest.raises(ImportRefused) as refused:
        reimport(wf, cut, name)
    assert str(refused.value) == (
        f"{name}: the file ends with segment dosing.body.1.1; the 2 segments after it (warnings.title.1.1 … warnings.body.1.1) "
        "are not in it. It looks cut off, and its last segment may be cut short too. Nothing was imported: send the whole "
        "file, or export the guide again."
    )
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."
    assert not AuditEvent.objects.filter(action__in=["draft.edit", "translation.import"]).exists()


@pytest.mark.parametrize("fmt", ["xliff", "xliff2", "po"])
def test_a_well_formed_file_without_its_last_segments_is_refused_and_one_without_any_too(wf, fmt):
    data, name = export(wf, fmt)
    edited = data.replace(b"Tome 5 mg.", b"Tome 5 mg hoy.")
    with pytest.raises(ImportRefused, match=r"ends with segment dosing\.body\.1\.1; the 2 segments after it"):
        reimport(wf, _without_units(edited, fmt, ["warnings.title.1.1", "warnings.body.1.1"]), name)
    everything = ["guide.title.1.1", "guide.summary.1.1", "dosing.title.1.1", "dosing.body.1.1", "warnings.title.1.1", "warnings.body.1.1"]
    with pytest.raises(ImportRefused, match="has none of the guide's 6 segments: it is empty or cut off"):
        reimport(wf, _without_units(edited, fmt, everything), name)
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."


def test_segments_a_file_leaves_out_before_its_end_are_kept_and_named_in_the_preview(wf, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, name = export(wf)
    edited = _without_units(data, "xliff", ["dosing.title.1.1"]).replace(b"Tome 5 mg.", b"Tome 5 mg hoy.")
    emptied = edited.replace(b"No conduzca.</target>", b"</target>")
    client.force_login(wf.translator_es)
    page = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile(name, emptied)}).content.decode()
    assert "Not in the file: kept as they are</h2><ul><li><code>dosing.title.1.1</code>" in page
    assert "Not applied: empty in the file (the draft is kept)</h2><ul><li><code>warnings.body.1.1</code>" in page
    report = reimport(wf, emptied, name)
    assert (report.applied_ids, report.absent, report.kept_empty) == (["dosing.body.1.1"], ["dosing.title.1.1"], ["warnings.body.1.1"])
    assert Section.objects.get(key="dosing").title_es == "Dosis" and Section.objects.get(key="warnings").body_es.endswith("> No conduzca.")


def test_a_file_whose_source_hash_was_changed_says_so_and_is_matched_by_its_source_text(wf):
    data, name = export(wf)
    real = wf.guide.versions.get(language="en", number=1).content_hash
    edited = data.replace(real.encode(), ("0" * 64).encode()).replace(b"Tome 5 mg.", b"Tome 5 mg hoy.")
    report = reimport(wf, edited, name)
    assert report.source_note.startswith("The file's source hash is not that of source version 1: its header was changed")
    assert report.applied_ids == ["dosing.body.1.1"]


def test_a_file_that_changes_nothing_offers_nothing_to_apply(wf, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, name = export(wf)
    client.force_login(wf.translator_es)
    unchanged = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile(name, data)}).content.decode()
    assert "there is nothing to apply" in unchanged and "Apply these changes" not in unchanged
    edited = data.replace(b"Tome 5 mg.", b"Tome 5 mg hoy.")
    changed = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile(name, edited)}).content.decode()
    assert "Apply these changes" in changed and "there is nothing to apply" not in changed


def test_the_preview_names_each_changed_block_by_its_kind(wf, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, name = export(wf)
    edited = data.replace(b"Tome 5 mg.", b"Tome 5 mg hoy.").replace(b"No conduzca.", b"No conduzca nunca.")
    client.force_login(wf.translator_es)
    page = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile(name, edited)}).content.decode()
    assert "<code>dosing.body</code> · paragraph 1" in page
    assert "<code>warnings.body</code> · the warning (block 1)" in page
