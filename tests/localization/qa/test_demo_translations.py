"""The translation checks against the real demo guide: correct translations pass, real mistakes are caught."""
import pytest

from guide_cms.localization.qa import (
    ERROR,
    INFO,
    WARNING,
    Finding,
    GlossaryEntry,
    check_section,
    check_source,
    check_translation,
    has_errors,
)

from .demo_texts import EXPECT, GLOSSARY, OPTIONS, SELF_CARE, TRANSLATIONS, edit, section, sections


def run(language: str, target: list[dict], glossary=GLOSSARY) -> list[Finding]:
    return check_translation(sections("en"), target, source_language="en", language=language, glossary=glossary)


def errors(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.section) for f in findings if f.severity == ERROR]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


# --- the correct demo translations are never blocked --------------------------


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_correct_demo_translations_have_no_errors(language):
    findings = run(language, sections(language))

    assert not has_errors(findings), findings
    # Nothing to warn about but readability (the Spanish text is long-winded in places).
    assert {f.code for f in findings if f.severity != ERROR} <= {"readability"}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_correct_demo_sections_pass_one_by_one(language):
    for source, target in zip(sections("en"), sections(language), strict=True):
        findings = check_section(source, target, source_language="en", language=language, glossary=GLOSSARY)
        assert not has_errors(findings), findings


def test_english_source_passes_source_checks_with_readability_warnings_only():
    findings = check_source(sections("en"), language="en")

    assert not has_errors(findings)
    assert {f.code for f in findings} == {"readability"}
    assert all(f.severity == WARNING and "grade" in f.message for f in findings)


# --- numbers -------------------------------------------------------------------


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


# --- glossary --------------------------------------------------------------------


def test_dropped_drug_name_in_vietnamese_is_a_glossary_error():
    # The translator wrote "this medicine" instead of the drug name, twice.
    target = edit(sections("vi"), OPTIONS, "Baclofen", "thuốc này", count=2)

    findings = run("vi", target)

    assert errors(findings) == [("glossary", OPTIONS)]
    message = only(findings, "glossary")[0].message
    assert '"Baclofen"' in message and "unchanged" in message


def test_do_not_translate_drug_name_adapted_to_spanish_is_a_glossary_error():
    target = edit(sections("es"), OPTIONS, "Baclofen", "baclofeno", count=2)

    assert errors(run("es", target)) == [("glossary", OPTIONS)]


def test_do_not_translate_term_matches_in_any_case():
    # A drug name in lower case is the same drug (issue: a lowercase drug name was reported missing).
    target = edit(sections("vi"), OPTIONS, "Diazepam", "diazepam")

    assert not has_errors(run("vi", target))
    swapped = edit(sections("vi"), OPTIONS, "Diazepam", "baclofen")
    # Named twice: the do-not-translate term is missing, and the sentence names another drug.
    assert sorted(errors(run("vi", swapped))) == [("facts-mismatch", OPTIONS), ("glossary", OPTIONS)]


def test_drug_name_glued_to_chinese_text_still_counts():
    target = edit(sections("zh-hans"), OPTIONS, "短期使用 Diazepam。", "短期使用Diazepam。")

    assert not has_errors(run("zh-hans", target))


@pytest.mark.parametrize(
    ("language", "approved"),
    [("es", "espasticidad"), ("zh-hans", "痉挛状态"), ("ar", "التيبّس العضلي التشنجي"), ("vi", "co cứng cơ")],
)
def test_approved_glossary_translation_passes(language, approved):
    glossary = [*GLOSSARY, GlossaryEntry("spasticity", approved)]

    assert not has_errors(run(language, sections(language), glossary))


def test_unapproved_translation_of_a_glossary_term_is_an_error():
    glossary = [*GLOSSARY, GlossaryEntry("spasticity", "espasticidad")]
    target = edit(sections("es"), OPTIONS, "causan espasticidad", "causan rigidez")

    findings = run("es", target, glossary)

    assert errors(findings) == [("glossary", OPTIONS)]
    assert '"spasticity"' in only(findings, "glossary")[0].message
    assert '"espasticidad"' in only(findings, "glossary")[0].message


def test_glossary_term_absent_from_the_source_section_is_not_required():
    glossary = [*GLOSSARY, GlossaryEntry("spasticity", "espasticidad")]
    target = sections("es")

    findings = run("es", target, glossary)

    assert not [f for f in findings if f.code == "glossary"]
    assert "espasticidad" not in section(target, SELF_CARE)["body"]


# --- callouts --------------------------------------------------------------------


def test_missing_warning_callout_in_arabic_is_an_error():
    # The warning became an ordinary paragraph.
    target = edit(sections("ar"), EXPECT, "> [!WARNING]\n> لا تتناول", "لا تتناول")

    findings = run("ar", target)

    assert errors(findings) == [("callouts-missing", EXPECT)]
    assert "[!WARNING]" in only(findings, "callouts-missing")[0].message


def test_warning_translated_as_a_tip_is_an_error():
    target = edit(sections("es"), EXPECT, "> [!WARNING]", "> [!TIP]")

    findings = run("es", target)

    assert errors(findings) == [("callouts-missing", EXPECT), ("callouts-missing", EXPECT)]
    messages = " ".join(f.message for f in findings if f.code == "callouts-missing")
    assert "[!WARNING] callout is missing" in messages and "extra [!TIP]" in messages


def test_marker_translated_by_mistake_is_a_markup_and_callout_error():
    target = edit(sections("es"), SELF_CARE, "> [!TIP]", "> [!CONSEJO]")

    assert set(errors(run("es", target))) == {("markup", SELF_CARE), ("callouts-missing", SELF_CARE)}


def test_callouts_swapped_within_a_section_are_an_error():
    source = sections("en")
    source[1]["body"] += "\n\n> [!TIP]\n> Set an alarm."
    target = sections("es")
    target[1]["body"] = target[1]["body"].replace("> [!WARNING]", "> [!TIP]", 1) + "\n\n> [!WARNING]\n> Ponga una alarma."

    findings = check_translation(source, target, language="es", glossary=GLOSSARY)

    assert errors(findings) == [("callouts-missing", EXPECT)]
    assert "different order" in only(findings, "callouts-missing")[0].message


# --- untranslated, empty, missing ----------------------------------------------------


def test_english_sentence_left_untranslated_inside_spanish_is_an_error():
    target = edit(
        sections("es"),
        EXPECT,
        "Le obliga a descansar.",
        "It forces you to rest. For this reason, I strongly advise taking your first dose about 30 minutes before bedtime.",
    )
    edit(target, EXPECT, "Por eso, le recomiendo encarecidamente tomar la primera dosis unos 30 minutos antes de acostarse.", "")

    findings = run("es", target)

    # One finding per English sentence, each quoting it (and the English "30 minutes" is no Spanish quantity).
    assert [e for e in errors(findings) if e[0] == "untranslated"] == [("untranslated", EXPECT), ("untranslated", EXPECT)]
    first, second = [f.message for f in only(findings, "untranslated")]
    assert first == 'A sentence is still in the source language: "It forces you to rest."'
    assert second.startswith('A sentence is still in the source language: "For this reason, I strongly advise')


def test_section_left_in_english_is_an_error():
    target = sections("vi")
    target[2]["body"] = sections("en")[2]["body"]

    findings = run("vi", target)

    assert ("untranslated", SELF_CARE) in errors(findings)
    assert only(findings, "untranslated")[0].message.startswith("The section text is identical")


def test_section_of_only_names_and_numbers_may_stay_identical():
    source = [{"key": "contact", "title": "Contact", "body": "Dr Jane Smith, 020 7946 0000\n\nBaclofen 10 mg"}]
    target = [{"key": "contact", "title": "Contacto", "body": "Dr Jane Smith, 020 7946 0000\n\nBaclofen 10 mg"}]

    assert not has_errors(check_translation(source, target, language="es", glossary=GLOSSARY))


def test_empty_section_is_one_error_not_a_cascade():
    target = sections("vi")
    target[1]["body"] = "  \n"

    findings = run("vi", target)

    assert errors(findings) == [("empty", EXPECT)]


def test_empty_title_is_an_error():
    target = sections("ar")
    target[0]["title"] = " "

    assert errors(run("ar", target)) == [("empty", OPTIONS)]


def test_section_missing_from_the_translation_is_an_error():
    target = [s for s in sections("zh-hans") if s["key"] != SELF_CARE]

    assert errors(run("zh-hans", target)) == [("section-missing", SELF_CARE)]


def test_section_the_source_does_not_have_is_a_warning():
    target = [*sections("es"), {"key": "old-section", "title": "Antiguo", "body": "Texto antiguo."}]

    findings = run("es", target)

    assert not has_errors(findings)
    assert [(f.code, f.severity, f.section) for f in only(findings, "section-extra")] == [
        ("section-extra", WARNING, "old-section")
    ]


# --- markup ------------------------------------------------------------------------


def test_raw_html_in_chinese_is_a_markup_error_with_its_line():
    target = edit(sections("zh-hans"), EXPECT, "> [!WARNING]", '<span style="color:red">注意</span>\n\n> [!WARNING]')

    findings = run("zh-hans", target)

    assert errors(findings) == [("markup", EXPECT)]
    message = only(findings, "markup")[0].message
    assert message.startswith("Line 7 of the section text:") and "HTML" in message


def test_unsafe_link_is_a_markup_error():
    target = edit(sections("vi"), SELF_CARE, "chườm nóng mới là", "[chườm nóng](javascript:alert(1)) mới là")

    assert errors(run("vi", target)) == [("markup", SELF_CARE)]


def test_source_with_raw_html_is_a_markup_error():
    source = edit(sections("en"), OPTIONS, "Diazepam .", "<b>Diazepam</b>.")

    assert ("markup", OPTIONS) in errors(check_source(source))


# --- warnings never block ------------------------------------------------------------


def test_translation_summarised_instead_of_translated_is_an_error():
    # The translator summarised the section instead of translating it: text a patient needs is missing
    # (the issue: a translation with missing sentences cannot be submitted), so it is an error now, and the
    # reviewer still sees the length warning.
    target = sections("es")
    first = target[0]["body"].split("\n\n")[0]
    target[0]["body"] = first + "\n\nBaclofen es más adecuado para la espasticidad."

    findings = run("es", target)

    assert ("cut-short", OPTIONS) in errors(findings)
    [finding] = only(findings, "length-ratio")
    assert (finding.severity, finding.section) == (WARNING, OPTIONS)
    assert "much shorter" in finding.message


def test_translation_pasted_twice_is_only_a_length_warning():
    target = sections("es")
    target[0]["body"] = target[0]["body"] + "\n\n" + target[0]["body"]

    findings = run("es", target)

    assert not has_errors(findings)
    assert [(f.code, f.severity) for f in findings if f.code == "length-ratio"] == [("length-ratio", WARNING)]


def test_chinese_is_expected_to_be_shorter_than_english():
    findings = run("zh-hans", sections("zh-hans"))

    assert not only(findings, "length-ratio")


def test_readability_not_available_is_info_reported_once_for_the_guide():
    findings = run("vi", sections("vi"))

    assert [(f.severity, f.section, f.message) for f in only(findings, "readability")] == [
        (INFO, "", "readability: not available for Vietnamese")
    ]


def test_every_mistake_at_once_is_caught_with_its_code_and_section():
    target = sections("es")
    edit(target, OPTIONS, "Baclofen", "baclofeno", count=2)
    edit(target, EXPECT, "unos 30 minutos", "unos 45 minutos")
    edit(target, EXPECT, "> [!WARNING]\n> Nunca", "Nunca")
    edit(target, SELF_CARE, "durante 15 minutos", "durante <b>15</b> minutos")

    assert sorted(errors(run("es", target))) == sorted(
        [
            ("glossary", OPTIONS),
            ("numbers-mismatch", EXPECT),
            ("callouts-missing", EXPECT),
            ("markup", SELF_CARE),
        ]
    )
