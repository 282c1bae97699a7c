"""The guide's title and summary (printed on every handout, sent in the app JSON) get every check,
at every place the checks run: submit, check_translation, the import preview, the review page."""
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guide_cms.guides.models import Guide, Section, Version
from guide_cms.localization.models import GlossaryTerm
from guide_cms.localization.qa import GlossaryEntry, check_translation
from guide_cms.review.services import SubmissionRefused, version_submit
from tests.tamper import as_table_owner

SOURCE = {
    "title": "Baclofen: 5 mg three times a day",
    "summary": "How to take 5 mg of Baclofen three times a day, and what to expect.",
    "sections": [{"key": "dosing", "title": "Dosing", "body": "Take 5 mg."}],
}
GOOD = {
    "title": "Baclofen: 5 mg tres veces al día",
    "summary": "Cómo tomar 5 mg de Baclofen tres veces al día y qué esperar.",
    "sections": [{"key": "dosing", "title": "Dosis", "body": "Tome 5 mg."}],
}
GLOSSARY = [GlossaryEntry("Baclofen", "Baclofen", do_not_translate=True)]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("summary", "Cómo tomar 50 mg de Baclofen tres veces al día y qué esperar.", "numbers-mismatch"),
        ("summary", "Cómo tomar 5 mg de Baclofen <b>tres veces</b> al día y qué esperar.", "markup"),
        ("summary", "How to take 5 mg of Baclofen three times a day, and what to expect.", "untranslated"),
        ("summary", "", "empty"),
        ("summary", "Cómo tomar 5 mg de baclofeno tres veces al día y qué esperar.", "glossary"),
        ("title", "Baclofen: 5 g tres veces al día", "numbers-mismatch"),
        ("title", "Baclofen: 5 mg dos veces al día", "numbers-mismatch"),
        ("title", "", "empty"),
        ("title", "Baclofen: 5 mg \u202etres veces\u202c al día", "invisible-characters"),
    ],
)
def test_each_check_reads_the_guide_title_and_summary(field, value, code):
    findings = check_translation(SOURCE, {**GOOD, field: value}, language="es", glossary=GLOSSARY)
    errors = [(f.code, f.unit) for f in findings if f.severity == "error"]

    assert (code, f"guide.{field}") in errors
    assert {unit for _code, unit in errors} == {f"guide.{field}"}


def test_the_correct_guide_fields_pass():
    assert not [f for f in check_translation(SOURCE, GOOD, language="es", glossary=GLOSSARY) if f.severity == "error"]


def test_an_empty_source_summary_asks_for_no_translation():
    findings = check_translation({**SOURCE, "summary": ""}, {**GOOD, "summary": ""}, language="es", glossary=GLOSSARY)
    assert not [f for f in findings if f.severity == "error"]


# --- through the product ------------------------------------------------------------


@pytest.fixture
def wf(approved_workflow):
    Guide.objects.filter(pk=approved_workflow.guide.pk).update(summary_en="Take 5 mg at night.", summary_es="Tome 5 mg por la noche.")
    approved_workflow.approve("en", "clinical")
    return approved_workflow


def test_a_summary_with_another_dose_blocks_submission_naming_the_field(wf):
    Guide.objects.filter(pk=wf.guide.pk).update(summary_es="Tome 50 mg por la noche.")
    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    assert any(message.startswith("Guide summary [numbers-mismatch]: ") and "“5 mg at night”" in message
               for _key, message in refused.value.problems)
    assert not Version.objects.filter(language="es").exists()


def test_check_translation_names_the_guide_field(wf):
    Guide.objects.filter(pk=wf.guide.pk).update(summary_es="Take 5 mg at night.")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_translation", "baclofen", "es", stdout=out)
    assert "guide.summary\terror\tuntranslated\t" in out.getvalue()


def test_the_import_preview_shows_a_finding_on_the_summary(wf, client):
    from guide_cms.localization.services import translation_export

    data, name = translation_export(guide=wf.guide, language="es", fmt="xliff", user=wf.translator_es)
    changed = data.replace(b"Tome 5 mg por la noche.", b"Tome 50 mg por la noche.")
    client.force_login(wf.translator_es)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile(name, changed)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Guide summary" in page and "numbers-mismatch" in page


def test_the_review_page_runs_the_checks_on_the_guide_fields(wf, client):
    # Long, and saying what the source says (no added prohibition: that would be an error of its own).
    long_summary = "Tome 5 mg por la noche, siempre con un vaso de agua lleno, sentado o de pie, y tómelo a la misma hora de siempre."
    Guide.objects.filter(pk=wf.guide.pk).update(summary_en="Take 5 mg at night with a glass of water.", summary_es=long_summary)
    wf.approve("en", "clinical")
    version = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    # The reviewer sees what the checks say of exactly this text now, not a copy from submission.
    with as_table_owner():  # stored findings are frozen with the version (on PostgreSQL by a trigger)
        Version.objects.filter(pk=version.pk).update(qa_findings=[])
    Guide.objects.filter(pk=wf.guide.pk).update(summary_es="")  # drafts moved on; the version did not
    client.force_login(wf.reviewer)
    page = client.get(f"/admin/review/versions/{version.pk}/").content.decode()
    assert "<strong>Guide summary</strong> · warning [length-ratio]" in page
    # In the reviewer's own language, the severity too.
    page = client.get(f"/admin/review/versions/{version.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "· advertencia [length-ratio]" in page and "· warning [" not in page


# --- normalisation: text in NFD is the same text ----------------------------------------


def test_a_glossary_term_in_decomposed_form_is_found():
    term = "Thuốc giãn cơ"
    glossary = [GlossaryEntry("muscle relaxant", term)]
    source = [{"key": "k", "title": "Muscle relaxants", "body": "A muscle relaxant helps."}]
    target = [{"key": "k", "title": "Thuốc", "body": unicodedata.normalize("NFD", f"{term} giúp ích.")}]
    findings = check_translation(source, target, language="vi", glossary=glossary)
    assert not [f for f in findings if f.code == "glossary"]


def test_a_legacy_draft_with_a_direction_override_cannot_be_submitted(wf):
    # Written before the entry-point rules (straight into the database): the checks still refuse it.
    Section.objects.filter(key="dosing").update(body_es="Tome \u202e51\u202c mg.")
    GlossaryTerm.objects.all().delete()
    with pytest.raises(SubmissionRefused, match=r"\[invisible-characters\]: line 1, character 6"):
        version_submit(guide=wf.guide, language="es", user=wf.translator_es)
