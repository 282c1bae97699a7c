"""The quality checks gate submission; their warnings reach the reviewer."""
import pytest

from guide_cms.guides.models import Section, Version
from guide_cms.localization.models import GlossaryTerm
from guide_cms.review.services import SubmissionRefused, version_submit


@pytest.fixture
def wf(approved_workflow):
    return approved_workflow


def test_a_changed_dose_blocks_the_translation_naming_section_and_code(wf):
    Section.objects.filter(key="dosing").update(body_es="Tome 50 mg.")
    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    assert ("dosing", "numbers-mismatch") in {(key, msg.split("[")[1].split("]")[0]) for key, msg in refused.value.problems}
    assert not Version.objects.filter(language="es").exists()


def test_a_dropped_glossary_term_blocks_the_translation(wf):
    GlossaryTerm.objects.create(language="es", term="Baclofen", do_not_translate=True)
    Section.objects.filter(key="dosing").update(body_en="Take 5 mg of Baclofen.")
    wf.approve("en", "clinical")  # naming the drug changes what the patient is told: never editorial
    Section.objects.filter(key="dosing").update(body_es="Tome 5 mg de baclofeno.")
    with pytest.raises(SubmissionRefused, match=r"\[glossary\]"):
        version_submit(guide=wf.guide, language="es", user=wf.translator_es)


def test_a_missing_warning_blocks_the_translation(wf):
    Section.objects.filter(key="warnings").update(body_es="No conduzca.")
    with pytest.raises(SubmissionRefused, match=r"\[callouts-missing\]"):
        version_submit(guide=wf.guide, language="es", user=wf.translator_es)


def test_arabic_indic_digits_are_the_same_dose(wf, db):
    from guide_cms.core.roles import Role
    from tests.factories import make_user

    from guide_cms.guides.models import Guide

    Guide.objects.filter(pk=wf.guide.pk).update(title_ar="باكلوفين", summary_ar="ملخص قصير.")
    Section.objects.filter(key="dosing").update(title_ar="الجرعة", body_ar="تناول ٥ ملغ.")
    Section.objects.filter(key="warnings").update(title_ar="تحذيرات", body_ar="> [!WARNING]\n> لا تقد السيارة.")
    version = version_submit(guide=wf.guide, language="ar", user=make_user(Role.TRANSLATOR, ("ar",)))
    assert not [f for f in version.qa_findings if f["severity"] == "error"]


def test_warnings_are_recorded_on_the_version_for_the_reviewer(wf, client):
    wf.edit("dosing", "en", "Take 5 mg with a glass of water after your evening meal.")
    wf.approve("en", "clinical")  # "after your evening meal" is a new instruction: not an editorial change
    long_es = "Tome 5 mg con un vaso de agua. " + "Esta frase es una explicación adicional extraordinariamente larga y complicada. " * 8
    Section.objects.filter(key="dosing").update(body_es=long_es)
    version = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    codes = {f["code"] for f in version.qa_findings}
    assert "length-ratio" in codes
    client.force_login(wf.reviewer)
    assert b"length-ratio" in client.get(f"/admin/review/versions/{version.pk}/").content


def test_an_unchanged_translation_can_be_confirmed_against_a_newer_source(wf):
    from guide_cms.localization.staleness import SectionState

    spanish = wf.approve("es")
    wf.edit("dosing", "en", "Take 5 mg, as prescribed.")
    wf.approve("en", "clinical")
    again = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    assert again.number == spanish.number + 1 and again.source_version.number == 2
    with pytest.raises(SubmissionRefused, match="Nothing to submit"):
        version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    from guide_cms.localization.selectors import translation_overviews

    states = {s.key: s.state for s in translation_overviews([wf.guide], "es")[0].sections}
    assert SectionState.OUTDATED not in states.values()
