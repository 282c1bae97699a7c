"""Text rules from Unicode's own data (ICU): every default-ignorable character and every letter that prints like a
digit, at every entry point, printed names and credentials included."""
import pytest
from django.core.exceptions import ValidationError

from guide_cms.core.services import staff_profile_update
from guide_cms.core.unicode_data import default_ignorable, plain_line_problems
from guide_cms.guides.models import Section
from guide_cms.guides.services import section_update_drafts
from guide_cms.guides.text_rules import TextRefused, clean_text, text_problems

REFUSED = {
    "Greek omicron after a digit": ("Take 5\u039f mg at night.", "lookalike"),
    "Cyrillic o after a digit": ("Take 5\u043e mg at night.", "lookalike"),
    "Armenian oh inside a number": ("Take 1\u05555 mg.", "lookalike"),
    "invisible separator": ("Take 5\u2063 mg.", "invisible"),
    "invisible times between words": ("Take it\u2062 now.", "invisible"),
    "tag characters": ("Take it\U000E0041\U000E0042 now.", "invisible"),
    "combining grapheme joiner": ("Bac\u034floflen", "invisible"),
    "Hangul filler": ("Take\u3164 it.", "invisible"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_characters_unicode_says_are_invisible_or_digit_lookalikes_are_refused(case):
    text, code = REFUSED[case]
    assert code in [problem.code for problem in text_problems(text)]
    with pytest.raises(TextRefused):
        clean_text(text)


ACCEPTED = {
    "a formula": "Drink H2O, not CO2.",
    "litres": "Drink 2l of water.",
    "Persian joiner inside a word": "می\u200cخواهم",
    "a CJK variation selector": "葛\U000E0100根",
    "an emoji presentation selector": "Call 911 \u260e\ufe0f now.",
}


@pytest.mark.parametrize("case", ACCEPTED, ids=list(ACCEPTED))
def test_what_scripts_need_is_kept(case):
    assert text_problems(ACCEPTED[case]) == []


def test_the_property_comes_from_unicode_data_not_a_hand_list():
    ignorable = default_ignorable()
    assert {"\u2063", "\U000E0041", "\u200b", "\u180e", "\U0001BCA0"} <= ignorable and len(ignorable) > 4000


def test_a_dose_written_with_a_greek_omicron_is_refused_through_the_admins_service(editor):
    from tests.factories import SectionFactory

    section = SectionFactory(body_en="Take 5 mg.")
    with pytest.raises(TextRefused, match="prints like a digit"):
        section_update_drafts(section=section, user=editor, values={"body_en": "Take 5\u039f mg."})
    assert Section.objects.get(pk=section.pk).body_en == "Take 5 mg."


SPOOFED_NAMES = {
    "right-to-left override": "Dr Ana \u202eziuR",
    "zero-width space": "Dr Ana\u200b Ruiz",
    "line break": "Dr Ana Ruiz\nDr Someone Else",
    "emoji": "Dr Ana Ruiz \U0001F489\U0001F3FD",
    "invisible separator": "Dr Ana\u2063Ruiz",
}


@pytest.mark.parametrize("case", SPOOFED_NAMES, ids=list(SPOOFED_NAMES))
def test_a_printed_name_or_credentials_must_be_one_line_of_plain_text(reviewer, case):
    value = SPOOFED_NAMES[case]
    with pytest.raises(ValidationError):
        staff_profile_update(actor=None, user=reviewer, printed_name=value, credentials="MD")
    with pytest.raises(ValidationError):
        staff_profile_update(actor=None, user=reviewer, printed_name="Dr Ana Ruiz", credentials=f"MD {value}")
    assert reviewer.staff_profile.printed_name != value


def test_names_in_every_script_are_printed_names(reviewer):
    for name in ("Dr Ana García-López", "د. علي حسن", "阮文安 医生", "Bác sĩ Nguyễn Văn An", "Dr. Mehdi Rezâ'i", "مهدی\u200cزاده"):
        assert plain_line_problems(name) == [], name
        staff_profile_update(actor=None, user=reviewer, printed_name=name, credentials="MD, FRCP (Lond.), EN>ES")
