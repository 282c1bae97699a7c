"""Reading numbers the way each language writes them."""
import pytest

from guide_cms.localization.qa import compare_numbers, read_numbers


def numbers(text, language="en"):
    return list(read_numbers(text, language).numbers)


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
    ],
)
def test_numbers_are_read_whatever_the_script_separator_or_range(text, language, expected):
    assert numbers(text, language) == expected


def test_unknown_language_reads_numbers_the_english_way():
    assert numbers("1,000 and 0.5", "xx") == ["1000", "0.5"]


def test_space_grouped_thousands_match_either_reading():
    assert compare_numbers(read_numbers("1 000 ml", "en"), read_numbers("1.000 ml", "es")) == ([], [])
    assert compare_numbers(read_numbers("take 2 500 mg tablets", "en"), read_numbers("tome 2 comprimidos de 500 mg", "es")) == ([], [])


def test_mismatch_names_missing_and_added_numbers_in_order():
    missing, added = compare_numbers(read_numbers("30 min, 4 to 8 h, 15 min", "en"), read_numbers("45 min, 4-8 h, 10 min", "es"))

    assert (missing, added) == (["15", "30"], ["10", "45"])


def test_a_number_repeated_must_be_repeated():
    assert compare_numbers(read_numbers("5 mg, then 5 mg", "en"), read_numbers("5 mg", "es")) == (["5"], [])
