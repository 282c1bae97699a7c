"""Reading numbers written in digits the way each language writes them."""
import pytest

from guide_cms.localization.qa import compare_quantities, read_numbers, read_quantities


def numbers(text, language="en"):
    return read_numbers(text, language)


def differences(source, source_language, target, target_language):
    found = compare_quantities(read_quantities(source, source_language), read_quantities(target, target_language))
    return [(d.kind, d.source and d.source.text, d.target and d.target.text) for d in found]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("30 minutes", "en", ["30"]),
        ("٣٠ دقيقة", "ar", ["30"]),
        ("۳۰ دقیقه", "ar", ["30"]),
        ("３０分钟", "zh-hans", ["30"]),
        ("१५ मिनट", "en", ["15"]),
        ("０．５毫克", "zh-hans", ["0.5"]),
        ("٠٫٥ ملغ", "ar", ["0.5"]),
        ("0,5 mg", "es", ["0.5"]),
        ("0,5 mg", "en", ["0.5"]),
        ("0.5 mg", "es", ["0.5"]),
        ("0.50 mg", "en", ["0.5"]),
        ("1,000 ml", "en", ["1000"]),
        ("1.000 ml", "es", ["1000"]),
        ("1.000 ml", "vi", ["1000"]),
        ("1,000 ml", "es", ["1"]),
        ("1.000.000", "es", ["1000000"]),
        ("1,234.5", "en", ["1234.5"]),
        ("1.234,5", "es", ["1234.5"]),
        ("١٬٠٠٠", "ar", ["1000"]),
        ("1\u00a0000 ml", "es", ["1000"]),
        ("1\u202f000 ml", "en", ["1000"]),
        ("0.125 mg", "es", ["0.125"]),
        ("4 to 8", "en", ["4", "8"]),
        ("4-8", "en", ["4", "8"]),
        ("4–8", "es", ["4", "8"]),
        ("de 4 a 8", "es", ["4", "8"]),
        ("4 到 8", "zh-hans", ["4", "8"]),
        ("4至8", "zh-hans", ["4", "8"]),
        ("từ 4 đến 8", "vi", ["4", "8"]),
        ("من 4 إلى 8", "ar", ["4", "8"]),
        ("1,2,3", "en", ["1", "2", "3"]),
        ("½ tablet", "en", ["0.5"]),
        ("一个 三十 〇", "zh-hans", []),
        ("thirty", "en", []),
        # Fractions: one number, however it is written.
        ("1½ tablets", "en", ["1.5"]),
        ("1 ½ tablets", "en", ["1.5"]),
        ("1 1/2 tablets", "en", ["1.5"]),
        ("1/2 tablet", "en", ["0.5"]),
        ("⅓ cup", "en", ["1/3"]),
        ("24/7", "en", ["24", "7"]),
        ("1/2/2026", "en", ["1", "2", "2026"]),
        ("１／２", "zh-hans", ["0.5"]),
        # Languages that group digits with a space: the comma is their decimal mark.
        ("1,5 comprimé", "fr", ["1.5"]),
        ("1,500 mg", "fr", ["1.5"]),
        ("1\u202f000 mg", "fr", ["1000"]),
        ("0,5 мг", "ru", ["0.5"]),
        ("2,5 mg", "pl", ["2.5"]),
        ("2,5 mg", "cs", ["2.5"]),
        ("2,5 mg", "sv", ["2.5"]),
        ("2,5 mg", "nb", ["2.5"]),
        ("2,5 мг", "uk", ["2.5"]),
        ("1.000 mg", "de", ["1000"]),
    ],
)
def test_numbers_are_read_whatever_the_script_separator_or_range(text, language, expected):
    assert numbers(text, language) == expected


def test_unknown_language_reads_numbers_the_english_way():
    assert numbers("1,000 and 0.5", "xx") == ["1000", "0.5"]


def test_space_grouped_thousands_match_either_reading():
    assert differences("1 000 ml", "en", "1.000 ml", "es") == []
    assert differences("take 2 500 mg tablets", "en", "tome 2 comprimidos de 500 mg", "es") == []
    assert differences("1,000 mg", "en", "1 000 mg", "fr") == []


def test_mixed_fractions_are_one_quantity():
    assert differences("Take 1½ tablets.", "en", "Tome 1,5 comprimidos.", "es") == []
    assert differences("Take 1 1/2 tablets.", "en", "Prenez 1,5 comprimé.", "fr") == []
    assert differences("Take 1.5 tablets.", "en", "Tome 1½ comprimidos.", "es") == []


def test_a_number_repeated_must_be_repeated():
    assert differences("5 mg, then 5 mg", "en", "5 mg", "es") == [("missing", "5 mg", None)]
