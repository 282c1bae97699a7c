"""A CAT file is merged onto the drafts it was exported from: an older file never reverts a sentence saved since."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Section
from guide_cms.localization.exchange import read_exchange_file
from guide_cms.localization.services import ImportRefused, segment_editor_page, segments_edit, translation_export, translation_import

FORMATS = [("xliff", "f.xlf"), ("xliff2", "f.xlf"), ("po", "f.po")]


def export(wf, fmt, language="es"):
    data, _name = translation_export(guide=wf.guide, language=language, fmt=fmt, user=wf.translator_es)
    return data


def reimport(wf, data, name, user=None, **kwargs):
    return translation_import(document=read_exchange_file(data, name), user=user or wf.translator_es, filename=name, **kwargs)


def bodies():
    return {s.key: s.body_es for s in Section.objects.filter(key__in=["dosing", "warnings"])}


def correct_in_the_editor(wf, item_id, text):
    """A colleague saves one sentence in the sentence editor, on a page opened now."""
    page = segment_editor_page(guide=wf.guide, language="es", user=wf.translator_es)
    segments_edit(guide=wf.guide, language="es", user=wf.translator_es, values={item_id: text}, base=page.base)


@pytest.mark.parametrize(("fmt", "name"), FORMATS)
def test_an_older_file_that_leaves_a_corrected_sentence_alone_does_not_revert_it(approved_workflow, fmt, name):
    wf = approved_workflow
    data = export(wf, fmt)
    correct_in_the_editor(wf, "warnings.body.1.1", "No conduzca ni maneje máquinas.")
    # The file changes another sentence only.
    edited = data.replace(b"Tome 5 mg.", b"Tome 5 mg con agua.")
    report = reimport(wf, edited, name)
    assert report.applied_ids == ["dosing.body.1.1"]
    assert report.kept == ["warnings.body.1.1"] and report.conflicts == []
    assert bodies() == {"dosing": "Tome 5 mg con agua.", "warnings": "> [!WARNING]\n> No conduzca ni maneje máquinas."}


@pytest.mark.parametrize(("fmt", "name"), FORMATS)
def test_a_sentence_changed_in_the_file_and_here_is_a_conflict_listed_with_both_texts_and_the_rest_applies(approved_workflow, fmt, name):
    wf = approved_workflow
    data = export(wf, fmt)
    correct_in_the_editor(wf, "warnings.body.1.1", "No conduzca ni maneje máquinas.")
    edited = data.replace(b"No conduzca.", b"Nunca conduzca.").replace(b"Tome 5 mg.", b"Tome 5 mg con agua.")
    report = reimport(wf, edited, name)
    assert [(c.unit, c.theirs, c.mine) for c in report.conflicts] == [
        ("warnings.body.1.1", "No conduzca ni maneje máquinas.", "Nunca conduzca.")]
    assert "warnings" in report.conflicts[0].label
    assert report.applied_ids == ["dosing.body.1.1"]
    assert bodies()["warnings"] == "> [!WARNING]\n> No conduzca ni maneje máquinas."
    event = AuditEvent.objects.filter(action="translation.import").latest("pk")
    assert event.data["conflicts"] == ["warnings.body.1.1"]


def test_a_correction_made_in_the_admin_text_field_is_not_reverted_either(approved_workflow):
    wf = approved_workflow
    data = export(wf, "po")
    wf.edit("warnings", "es", "> [!WARNING]\n> No conduzca nunca.")  # through the admin's service
    report = reimport(wf, data.replace(b"Tome 5 mg.", b"Tome 5 mg con agua."), "f.po")
    assert report.kept == ["warnings.body.1.1"]
    assert bodies() == {"dosing": "Tome 5 mg con agua.", "warnings": "> [!WARNING]\n> No conduzca nunca."}


def _strip_base(data: bytes, fmt: str) -> bytes:
    if fmt == "po":  # the header field and the lines a PO writer wrapped its value onto
        lines, out, skipping = data.split(b"\n"), [], False
        for line in lines:
            if line.startswith(b'"X-Guide-CMS-Base:'):
                skipping = True
            if not skipping:
                out.append(line)
            elif line.endswith(b'\\n"'):
                skipping = False
        return b"\n".join(out)
    return re.sub(rb' gc:base="[^"]*"', b"", data)


def _alter_base(data: bytes, fmt: str) -> bytes:
    # Flip one character of the signed token: the signature no longer matches.
    marker = b"X-Guide-CMS-Base: " if fmt == "po" else b'gc:base="'
    at = data.index(marker) + len(marker) + 5
    return data[:at] + (b"A" if data[at:at + 1] != b"A" else b"B") + data[at + 1:]


@pytest.mark.parametrize(("fmt", "name"), FORMATS)
def test_a_file_without_its_base_or_with_an_altered_one_is_refused_whole(approved_workflow, fmt, name):
    wf = approved_workflow
    data = export(wf, fmt).replace(b"Tome 5 mg.", b"Tome 5 mg con agua.")
    stripped = _strip_base(data, fmt)
    assert b"X-Guide-CMS-Base" not in stripped and b"gc:base" not in stripped
    with pytest.raises(ImportRefused, match="does not say which revision"):
        reimport(wf, stripped, name)
    with pytest.raises(ImportRefused, match="damaged or was altered"):
        reimport(wf, _alter_base(data, fmt), name)
    assert bodies()["dosing"] == "Tome 5 mg."


def test_a_base_made_for_another_language_is_refused(approved_workflow):
    from guide_cms.core.roles import Role
    from tests.factories import make_user

    wf = approved_workflow
    es = export(wf, "xliff")
    ar_translator = make_user(Role.TRANSLATOR, ("es", "ar"))
    ar = translation_export(guide=wf.guide, language="ar", fmt="xliff", user=ar_translator)[0]
    token = re.search(rb'gc:base="([^"]*)"', ar).group(1)
    forged = re.sub(rb'gc:base="[^"]*"', b'gc:base="' + token + b'"', es).replace(b"Tome 5 mg.", b"Tome 6 mg.")
    with pytest.raises(ImportRefused, match="another guide or language"):
        reimport(wf, forged, "f.xlf", user=ar_translator)
    assert bodies()["dosing"] == "Tome 5 mg."


def test_a_memory_proposal_left_as_exported_never_overwrites_a_translation_saved_since(approved_workflow):
    """The file pre-fills an untranslated sentence from the memory; someone translates it before the file comes back."""
    from guide_cms.localization.models import MemoryEntry
    from guide_cms.localization.services import memory_add_version

    wf = approved_workflow
    es_version = wf.approve("es")
    memory_add_version(version=es_version)
    assert MemoryEntry.objects.filter(language="es").exists()
    Section.objects.filter(key="dosing").update(body_es="")  # empty again: the export offers the memory's "Tome 5 mg."
    data = export(wf, "xliff")
    assert b"Tome 5 mg." in data
    correct_in_the_editor(wf, "dosing.body.1.1", "Tome 5 mg por la mañana.")
    report = reimport(wf, data, "f.xlf")
    assert "dosing.body.1.1" in report.kept
    assert bodies()["dosing"] == "Tome 5 mg por la mañana."


def test_the_upload_preview_shows_a_conflict_with_both_texts(approved_workflow, client):
    wf = approved_workflow
    data = export(wf, "xliff")
    correct_in_the_editor(wf, "warnings.body.1.1", "No conduzca ni maneje máquinas.")
    edited = data.replace(b"No conduzca.", b"Nunca conduzca.")
    client.force_login(wf.translator_es)
    response = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile("f.xlf", edited)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not applied: changed in the file and here since the export" in page
    assert "No conduzca ni maneje máquinas." in page and "Nunca conduzca." in page
    assert bodies()["warnings"] == "> [!WARNING]\n> No conduzca ni maneje máquinas."
