"""An editorial source change leaves translations current and live, so it may not alter a quantity.

Found by a newcomer: "about 30 minutes before bedtime" changed to 60 and
classed editorial reached English patients only; the Spanish, Arabic and
Chinese pages kept 30 with no notice, and every status said all was well.
"""
import pytest

from guide_cms.guides.models import ChangeClass, Section, Version, VersionStatus
from guide_cms.guides.services import guide_update_drafts, section_update_drafts
from guide_cms.localization.source_changes import quantity_changes
from guide_cms.review.services import SubmissionRefused, version_submit
from tests.review.test_submit import approved_source

pytestmark = pytest.mark.django_db


def edit(guide, editor, body, key="dosing"):
    section_update_drafts(section=Section.objects.get(guide=guide, key=key), user=editor, values={"body_en": body})


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("Take 10 mg.", "“5 mg” becomes “10 mg”"),  # the dose
        ("Take 5 g.", "“5 mg” becomes “5 g”"),  # its unit
        ("Take 5 mg twice a day.", "“twice a day” is added"),  # a frequency added
        ("Take it.", "“5 mg” is removed"),  # the dose dropped
    ],
)
def test_an_editorial_change_that_alters_a_quantity_is_refused_naming_it(guide, editor, reviewer, body, named):
    approved_source(guide, editor, reviewer)
    edit(guide, editor, body)

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    (section, message), = refused.value.problems
    assert section == "dosing" and named in message and "clinical" in message
    assert not Version.objects.filter(guide=guide, language="en", status=VersionStatus.IN_REVIEW).exists()


def test_the_same_change_classed_clinical_is_submitted(guide, editor, reviewer):
    approved_source(guide, editor, reviewer)
    edit(guide, editor, "Take 10 mg.")

    version = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)

    assert version.status == VersionStatus.IN_REVIEW and version.change_class == ChangeClass.CLINICAL


@pytest.mark.parametrize("body", ["Swallow 5 mg.", "Take five mg.", "Take 5 mg.\n\nAsk your pharmacist if unsure."])
def test_rewording_that_keeps_every_quantity_stays_editorial(guide, editor, reviewer, body):
    approved_source(guide, editor, reviewer)
    edit(guide, editor, body)

    version = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    assert version.change_class == ChangeClass.EDITORIAL


def test_removing_a_section_with_a_dose_is_not_editorial(guide, editor, reviewer):
    before = {"title": "Baclofen", "summary": "", "sections": [
        {"key": "dosing", "title": "Dosing", "body": "Take 5 mg at night."},
        {"key": "warnings", "title": "Warnings", "body": "Do not drive."},
    ]}
    after = {**before, "sections": before["sections"][1:]}

    assert [(c.section, c.before, c.after) for c in quantity_changes(before, after, "en")] == [("dosing", "5 mg at night", "")]


def test_a_quantity_changed_in_the_summary_is_not_editorial(guide, editor, reviewer):
    guide_update_drafts(guide=guide, user=editor, values={"summary_en": "Take it for 2 weeks."})
    approved_source(guide, editor, reviewer)
    guide_update_drafts(guide=guide, user=editor, values={"summary_en": "Take it for 3 weeks."})

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    (section, message), = refused.value.problems
    assert section == "" and "“2 weeks” becomes “3 weeks”" in message


# --- clinical facts besides quantities ------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "named"),
    [
        ("Take 5 mg. Do not drink alcohol.", "Take 5 mg. Drink alcohol.", "“Do not” is removed"),
        ("Take 5 mg before meals.", "Take 5 mg after meals.", "“before” becomes “after”"),
        ("Take 5 mg. Call us if your temperature is above 38 °C.", "Take 5 mg. Call us if your temperature is below 38 °C.",
         "“above” becomes “below”"),
        ("Take 5 mg. Move gently every hour.", "Take 5 mg. Move gently every day.", "“every hour” becomes “every day”"),
        ("Take 5 mg. Stop taking it if you get a rash.", "Take 5 mg. Keep taking it if you get a rash.", "“Stop” becomes “Keep taking”"),
        ("Take 5 mg. Apply a warm compress.", "Take 5 mg. Apply a cold compress.", "“warm” becomes “cold”"),
        # A drug replaced by another, in or out of the glossary, brand or generic name.
        ("Take 5 mg of Baclofen.", "Take 5 mg of Tizanidine.", "“Baclofen” becomes “Tizanidine”"),
        ("Take 5 mg. Do not take it with ibuprofen.", "Take 5 mg. Do not take it with paracetamol.",
         "“ibuprofen” becomes “paracetamol”"),
        ("Take 5 mg. You may take Tylenol for pain.", "Take 5 mg. You may take Advil for pain.", "“Tylenol” becomes “Advil”"),
        # "not" added.
        ("Take 5 mg. You can drive.", "Take 5 mg. You cannot drive.", "“cannot” is added"),
        # The opposite words of one sentence traded places.
        ("Take 5 mg before meals, not after.", "Take 5 mg after meals, not before.", "“before” becomes “after”"),
    ],
)
def test_an_editorial_change_that_alters_a_clinical_fact_is_refused_naming_it(guide, editor, reviewer, before, after, named):
    edit(guide, editor, before)
    approved_source(guide, editor, reviewer)
    edit(guide, editor, after)

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    (section, message), = refused.value.problems
    assert section == "dosing" and named in message and "what the patient is told to do" in message


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Take 5 mg. Do not drink alcohol.", "Take 5 mg. Never drink alcohol."),
        ("Take 5 mg. Take no more than 4 g a day.", "Take 5 mg. Do not take more than 4 g a day."),
        ("Take 5 mg before meals.", "Swallow 5 mg before you eat."),
        # The same drug by another of its names, or in another case.
        ("Take 5 mg of paracetamol.", "Take 5 mg of acetaminophen."),
        ("Take 5 mg of baclofen.", "Take 5 mg of Baclofen."),
        # A step reworded in place.
        ("1. Wash your hands.\n2. Take 5 mg.", "1. Wash your hands well.\n2. Take 5 mg."),
    ],
)
def test_rewording_that_keeps_every_fact_stays_editorial(guide, editor, reviewer, before, after):
    edit(guide, editor, before)
    approved_source(guide, editor, reviewer)
    edit(guide, editor, after)

    version = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    assert version.change_class == ChangeClass.EDITORIAL


@pytest.mark.parametrize(
    ("before", "after", "named"),
    [
        # Numbered steps reversed: each step says what it said, in another order.
        ("1. Stop taking 5 mg.\n2. Call your doctor.\n3. Rest.", "1. Call your doctor.\n2. Stop taking 5 mg.\n3. Rest.",
         "the numbered steps come in another order"),
        ("1. Wash your hands.\n2. Open the pack.\n3. Apply 5 mg of the cream.",
         "1. Apply 5 mg of the cream.\n2. Open the pack.\n3. Wash your hands.", "the numbered steps come in another order"),
        # A warning turned into a tip, or dropped.
        ("Take 5 mg.\n\n> [!WARNING]\n> Do not drive.", "Take 5 mg.\n\n> [!TIP]\n> Do not drive.", "(warning, now tip)"),
        ("Take 5 mg.\n\n> [!WARNING]\n> Do not drive.", "Take 5 mg.\n\nDo not drive.", "(warning, now —)"),
    ],
)
def test_an_editorial_change_to_the_order_of_steps_or_the_kind_of_a_warning_is_refused(
        guide, editor, reviewer, before, after, named):
    edit(guide, editor, before)
    approved_source(guide, editor, reviewer)
    edit(guide, editor, after)

    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    assert any(section == "dosing" and named in message for section, message in refused.value.problems), refused.value.problems


def test_bullets_in_another_order_stay_editorial(guide, editor, reviewer):
    edit(guide, editor, "Take 5 mg.\n\n- Rest.\n- Drink water.")
    approved_source(guide, editor, reviewer)
    edit(guide, editor, "Take 5 mg.\n\n- Drink water.\n- Rest.")

    assert version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL).change_class == "editorial"
