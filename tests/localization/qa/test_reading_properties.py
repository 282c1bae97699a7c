"""Properties of the number and quantity readers, on arbitrary input (Hypothesis).

Whatever CLDR writes for a number or a quantity in a language, through Babel,
reads back as that number or quantity; and no text makes the readers or the
checks crash.
"""
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_decimal
from babel.units import format_unit
from django.utils.translation import to_locale
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from guide_cms.localization.qa import check_translation, compare_quantities, read_numbers, read_quantities
from guide_cms.localization.qa.lexicon import CLDR_UNITS
from guide_cms.localization.qa.numbers import format_value

DEMO = ["en", "es", "ar", "zh-hans", "vi"]
ADDED = ["fr", "ru", "pl", "de", "pt", "it", "cs", "sv", "nb", "uk"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(value=values, language=st.sampled_from(DEMO + ADDED))
def test_a_number_as_cldr_writes_it_reads_back(value, language):
    text = format_decimal(value, locale=to_locale(language))  # "1.234,5", "١٬٢٣٤٫٥", "1 234,5"…
    assert read_numbers(text, language) == [format_value(Fraction(value))], text


UNITS = list(CLDR_UNITS)


@SETTINGS
@given(value=st.sampled_from([1, 2, 3, 5, 11, 21, 100, Decimal("0.5"), Decimal("2.5")]), unit=st.sampled_from(UNITS),
       language=st.sampled_from(DEMO + ADDED))
def test_a_quantity_as_cldr_writes_it_reads_back_with_its_unit(value, unit, language):
    assume(not (language == "zh-hans" and "-per-" in unit))  # written around the number: "每升1毫摩尔"
    text = format_unit(value, unit, length="long", locale=to_locale(language))
    assume(any(ch.isdigit() for ch in text))  # CLDR writes some units' one and two with no number (Arabic mg/dL)
    [quantity] = read_quantities(text, language).quantities
    assert (quantity.value, quantity.unit) == (Fraction(Decimal(value)), unit), text


@SETTINGS
@given(text=st.text(max_size=300), language=st.sampled_from(DEMO + ADDED + ["xx", ""]))
def test_no_text_makes_the_readers_crash_and_a_text_matches_itself(text, language):
    reading = read_quantities(text, language or "en")
    assert compare_quantities(reading, read_quantities(text, language or "en")) == []
    read_numbers(text, language or "en")


@SETTINGS
@given(title=st.text(max_size=80), summary=st.text(max_size=120), body=st.text(max_size=400), language=st.sampled_from(DEMO))
def test_no_translation_makes_the_checks_crash(title, summary, body, language):
    source = {"title": "Baclofen 5 mg", "summary": "Take 5 mg three times a day.",
              "sections": [{"key": "dosing", "title": "Dosing", "body": "Take 5 mg.\n\n> [!WARNING]\n> Do not drive."}]}
    target = {"title": title, "summary": summary, "sections": [{"key": "dosing", "title": title, "body": body}]}
    for finding in check_translation(source, target, language=language):
        assert finding.severity in {"error", "warning", "info"} and finding.message
