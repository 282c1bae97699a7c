from guide_cms.core.languages import all_languages, get_language, source_language, target_languages


def test_source_language_is_english_and_first():
    assert source_language().code == "en"
    assert all_languages()[0].code == "en"
    assert "en" not in {lang.code for lang in target_languages()}


def test_simplified_chinese_has_bcp47_tag_gettext_locale_and_column_suffix():
    zh = get_language("zh-hans")
    assert zh.bcp47 == "zh-Hans"
    assert zh.gettext_locale == "zh_Hans"
    assert zh.field("body") == "body_zh_hans"


def test_arabic_is_right_to_left_and_others_left_to_right():
    directions = {lang.code: lang.direction for lang in all_languages()}
    assert directions == {"en": "ltr", "es": "ltr", "ar": "rtl", "zh-hans": "ltr", "vi": "ltr"}


def test_scripts_come_from_cldr():
    """What the wrong-script check expects each language's letters to be written in."""
    assert {lang.code: lang.script for lang in all_languages()} == {"en": "Latn", "es": "Latn", "ar": "Arab", "zh-hans": "Hans", "vi": "Latn"}


def test_names_come_from_cldr_in_english_and_in_the_language_itself():
    assert get_language("es").english_name == "Spanish"
    assert get_language("es").native_name == "español"
    assert get_language("ar").native_name == "العربية"
    assert get_language("vi").native_name == "Tiếng Việt"
    assert get_language("zh-hans").native_name.startswith("中文")


def test_dates_are_formatted_in_the_language():
    import datetime

    day = datetime.date(2026, 3, 5)
    assert "marzo" in get_language("es").format_date(day)
    assert "2026" in get_language("zh-hans").format_date(day)


def test_unknown_language_names_the_configured_ones():
    import pytest

    from guide_cms.core.languages import UnknownLanguage

    with pytest.raises(UnknownLanguage, match="zh-hans"):
        get_language("fr")
