"""Properties of the number reader (guide_cms.localization.qa.numbers) on generated input (Hypothesis):
a number reads back as itself whatever digits, words around it, range or fraction it is written with,
and no text makes it crash."""
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide_cms.localization.qa.numbers import format_value, read_numbers

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LANGUAGES = ["en", "es", "ar", "zh-hans", "vi", "fr", "ru", "de", "pl", "fa"]
# The zero of each script the reader accepts (unicodedata.decimal): ASCII, Arabic-Indic, Eastern
# Arabic-Indic (Persian, Urdu), full-width (CJK input methods), Devanagari, Bengali.
ZEROS = ["0", "\u0660", "\u06f0", "\uff10", "\u0966", "\u09e6"]
WORDS = ["Take", "Tome", "خذ", "服用", "Uống", "mg", "tablets", "comprimidos", "ملغ", "毫克", "viên", "hours", "(", "—", ":"]


def written_in(number: int, zero: str) -> str:
    return "".join(chr(ord(zero) + int(d)) for d in str(number))


# Whole numbers a guide writes without grouping (below 1000 none of the languages groups them).
whole = st.integers(min_value=0, max_value=999)


@SETTINGS
@given(number=whole, zero=st.sampled_from(ZEROS), before=st.sampled_from(WORDS), after=st.sampled_from(WORDS),
       language=st.sampled_from(LANGUAGES))
def test_a_whole_number_reads_as_itself_in_any_digits_between_any_words(number, zero, before, after, language):
    text = f"{before} {written_in(number, zero)} {after}"
    assert read_numbers(text, language) == [str(number)], text


@SETTINGS
@given(low=st.integers(1, 99), span=st.integers(1, 99), dash=st.sampled_from(["-", "–", " to ", " a ", "至", " - "]),
       zero=st.sampled_from(ZEROS), language=st.sampled_from(LANGUAGES))
def test_a_range_is_its_two_numbers(low, span, dash, zero, language):
    high = low + span
    text = f"every {written_in(low, zero)}{dash}{written_in(high, zero)} hours"
    assert read_numbers(text, language) == [str(low), str(high)], text


@SETTINGS
@given(whole_part=st.integers(1, 20), fraction=st.sampled_from([("½", Fraction(1, 2)), ("¼", Fraction(1, 4)), ("¾", Fraction(3, 4)),
                                                                ("1/2", Fraction(1, 2)), ("1/4", Fraction(1, 4))]),
       joiner=st.sampled_from(["", " "]), language=st.sampled_from(LANGUAGES))
def test_a_whole_number_with_a_fraction_is_one_number(whole_part, fraction, joiner, language):
    written, value = fraction
    if not joiner and "/" in written:
        joiner = " "  # "11/2" is eleven halves, not 1½
    text = f"Take {whole_part}{joiner}{written} tablets"
    assert read_numbers(text, language) == [format_value(whole_part + value)], text


@SETTINGS
@given(units=st.integers(0, 999), hundredths=st.integers(1, 99), mark=st.sampled_from([".", ",", "٫"]))
def test_a_decimal_reads_the_same_with_any_decimal_mark_where_the_mark_is_not_a_thousands_separator(units, hundredths, mark):
    text = f"{units}{mark}{hundredths:02d} mg"
    language = {".": "en", ",": "es", "٫": "ar"}[mark]
    assert read_numbers(text, language) == [format_value(units + Fraction(hundredths, 100))], text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200), language=st.sampled_from(LANGUAGES + ["xx", "zz-yy"]))
def test_no_text_makes_the_reader_crash_and_every_number_it_reads_is_well_formed(text, language):
    for value in read_numbers(text, language):
        Fraction(value)  # "30", "0.5", "1/3": a number, never an empty or partial reading
