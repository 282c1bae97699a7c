"""The translation checks against the real demo guide, numbers: a changed or dropped number is an error; the same
number written another way (digits of another script, ranges, separators, words) is not."""
import pytest

from guide_cms.localization.qa import check_translation, has_errors

from .demo_texts import EXPECT, GLOSSARY, OPTIONS, SELF_CARE, edit, errors, only, run, sections


def test_changed_dose_in_spanish_is_a_numbers_error():
    target = edit(sections("es"), EXPECT, "unos 30 minutos", "unos 45 minutos")

    findings = run("es", target)

    assert errors(findings) == [("numbers-mismatch", EXPECT)]
    assert only(findings, "numbers-mismatch")[0].message == (
        "Quantities differ from the source in paragraph 3: “30 minutes” in the source is “45 minutos” in the translation. "
        "Write every dose, time and number as the source has it, with the same unit."
    )


def test_dropped_duration_in_chinese_names_only_the_missing_number():
    target = edit(sections("zh-hans"), SELF_CARE, "敷在该部位 15 分钟", "敷在该部位一会儿")

    findings = run("zh-hans", target)

    assert errors(findings) == [("numbers-mismatch", SELF_CARE)]
    assert "“15 minutes” of the source is missing" in only(findings, "numbers-mismatch")[0].message


def test_arabic_indic_digits_are_the_same_numbers():
    target = sections("ar")
    edit(target, EXPECT, "بنحو 30 دقيقة", "بنحو ٣٠ دقيقة")
    edit(target, EXPECT, "من 4 إلى 8 ساعات", "من ٤ إلى ٨ ساعات")
    edit(target, SELF_CARE, "لمدة 15 دقيقة", "لمدة ١٥ دقيقة")

    assert not has_errors(run("ar", target))


def test_eastern_arabic_indic_digits_are_the_same_numbers():
    target = edit(sections("ar"), EXPECT, "بنحو 30 دقيقة", "بنحو ۳۰ دقيقة")

    assert not has_errors(run("ar", target))


def test_arabic_indic_digits_still_catch_a_wrong_dose():
    target = edit(sections("ar"), EXPECT, "بنحو 30 دقيقة", "بنحو ٤٥ دقيقة")

    findings = run("ar", target)

    assert errors(findings) == [("numbers-mismatch", EXPECT)]
    assert "“30 minutes” in the source is “٤٥ دقيقة” in the translation" in only(findings, "numbers-mismatch")[0].message


def test_full_width_digits_in_chinese_are_the_same_numbers():
    target = sections("zh-hans")
    edit(target, EXPECT, "睡前约 30 分钟", "睡前约３０分钟")
    edit(target, EXPECT, "持续 4 到 8 小时", "持续４到８小时")
    edit(target, SELF_CARE, "敷在该部位 15 分钟", "敷在该部位１５分钟")

    assert not has_errors(run("zh-hans", target))


@pytest.mark.parametrize(
    ("language", "old", "new"),
    [
        ("es", "de 4 a 8 horas", "4-8 horas"),
        ("es", "de 4 a 8 horas", "4–8 horas"),
        ("es", "de 4 a 8 horas", "entre 4 y 8 horas"),
        ("zh-hans", "4 到 8 小时", "4至8小时"),
        ("zh-hans", "4 到 8 小时", "4-8小时"),
        ("vi", "từ 4 đến 8 giờ", "4–8 giờ"),
        ("ar", "من 4 إلى 8 ساعات", "٤-٨ ساعات"),
    ],
)
def test_ranges_written_any_way_are_the_same_numbers(language, old, new):
    target = edit(sections(language), EXPECT, old, new)

    assert not has_errors(run(language, target))


@pytest.mark.parametrize(
    ("language", "written"),
    [("es", "0,5 mg"), ("vi", "0,5 mg"), ("zh-hans", "0.5 毫克"), ("ar", "٠٫٥ ملغ"), ("ar", "0.5 ملغ")],
)
def test_decimal_comma_point_or_arabic_separator_are_the_same_number(language, written):
    source = edit(sections("en"), OPTIONS, "the lowest possible dose,", "the lowest possible dose, 0.5 mg,")
    target = sections(language)
    target[0]["body"] += f"\n\n{written}"

    findings = check_translation(source, target, language=language, glossary=GLOSSARY)

    assert not has_errors(findings), findings


TIP_15_MINUTES = {"es": "durante 15 minutos", "vi": "trong 15 phút", "zh-hans": "15 分钟", "ar": "لمدة 15 دقيقة"}


def in_the_tip(target, language, written):
    """The tip's "15 minutes" followed by `written` in brackets, as the source's tip has its bottle."""
    return edit(target, SELF_CARE, TIP_15_MINUTES[language], f"{TIP_15_MINUTES[language]} ({written})")


@pytest.mark.parametrize(
    ("language", "written"),
    [("es", "1.000 ml"), ("vi", "1.000 ml"), ("zh-hans", "1,000 毫升"), ("ar", "١٬٠٠٠ مل"), ("es", "1\u00a0000 ml")],
)
def test_thousands_written_the_language_way_are_the_same_number(language, written):
    source = edit(sections("en"), SELF_CARE, "for 15 minutes", "for 15 minutes (1,000 ml bottle)")
    target = in_the_tip(sections(language), language, written)

    assert not has_errors(check_translation(source, target, language=language, glossary=GLOSSARY))


def test_english_thousands_comma_copied_into_spanish_is_a_numbers_error():
    # In Spanish "1,000 ml" reads as one millilitre.
    source = edit(sections("en"), SELF_CARE, "for 15 minutes", "for 15 minutes (1,000 ml bottle)")
    target = in_the_tip(sections("es"), "es", "bolsa de 1,000 ml")

    findings = check_translation(source, target, language="es", glossary=GLOSSARY)

    assert errors(findings) == [("numbers-mismatch", SELF_CARE)]
    assert (
        "“1,000 ml” in the source is “1,000 ml” in the translation (read as 1 in Spanish, where 1000 is written 1.000)"
        in only(findings, "numbers-mismatch")[0].message
    )


def test_number_in_the_title_must_match_too():
    source = edit(sections("en"), SELF_CARE, "Self-care", "10 self-care", field="title")
    target = sections("vi")

    findings = check_translation(source, target, language="vi", glossary=GLOSSARY)

    assert errors(findings) == [("numbers-mismatch", SELF_CARE)]


def test_numbers_written_as_words_are_the_numbers_they_say():
    assert not has_errors(run("zh-hans", edit(sections("zh-hans"), EXPECT, "睡前约 30 分钟", "睡前约三十分钟")))
    findings = run("zh-hans", edit(sections("zh-hans"), EXPECT, "睡前约 30 分钟", "睡前约四十分钟"))
    assert errors(findings) == [("numbers-mismatch", EXPECT)]
    assert "“30 minutes” in the source is “四十分钟” in the translation (read as 40)" in only(findings, "numbers-mismatch")[0].message
