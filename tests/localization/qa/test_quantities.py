"""Quantities: numbers compared with the unit, time or frequency they measure, in every language.

One table per kind of fault a translator or a CAT tool makes. Each row is a
source sentence, a correct translation written the way a native writer would
(numbers in words where natural), and a mutation; the expected value is what
the reviewer must be told.
"""
import pytest

from guide_cms.localization.qa import check_translation, compare_quantities, has_errors, read_quantities


def differences(source, target, language, source_language="en"):
    found = compare_quantities(read_quantities(source, source_language), read_quantities(target, language))
    return [(d.kind, d.source and d.source.text, d.target and d.target.text) for d in found]


# --- 1. numbers detached from their units ------------------------------------------

DETACHED = [
    # (language, source, correct translation, mutation, expected differences)
    ("es", "Take 2 tablets every 6 hours.", "Tome 2 comprimidos cada 6 horas.", "Tome 6 comprimidos cada 2 horas.",
     [("changed", "2 tablets", "6 comprimidos"), ("changed", "6 hours", "2 horas")]),
    ("vi", "Take 2 tablets every 6 hours.", "Uống 2 viên mỗi 6 giờ.", "Uống 6 viên mỗi 2 giờ.",
     [("changed", "2 tablets", "6 viên"), ("changed", "6 hours", "2 giờ")]),
    ("fr", "Take 2 tablets every 6 hours.", "Prenez 2 comprimés toutes les 6 heures.", "Prenez 6 comprimés toutes les 2 heures.",
     [("changed", "2 tablets", "6 comprimés"), ("changed", "6 hours", "2 heures")]),
    ("es", "Take 5 mg at night.", "Tome 5 mg por la noche.", "Tome 5 g por la noche.", [("changed", "5 mg at night", "5 g por la noche")]),
    ("ar", "Use 10 mL of the syrup.", "استخدم 10 مل من الشراب.", "استخدم 10 لترات من الشراب.", [("changed", "10 mL", "10 لترات")]),
    ("zh-hans", "Take 1 tablet every 8 hours.", "每 8 小时服用 1 片。", "每 8 天服用 1 片。", [("changed", "8 hours", "8 天")]),
    ("ru", "Take 2 tablets every 8 hours.", "Принимайте 2 таблетки каждые 8 часов.", "Принимайте 2 таблетки каждые 8 дней.",
     [("changed", "8 hours", "8 дней")]),
    ("es", "Take 2 tablets a day.", "Tome 2 comprimidos al día.", "Tome 2 comprimidos a la semana.",
     [("changed", "2 tablets a day", "2 comprimidos a la semana")]),
    ("ar", "Use 50% less.", "استخدم أقل بنسبة 50٪.", "استخدم أقل بنسبة 5٪.", [("changed", "50%", "5٪")]),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutation", "expected"), DETACHED)
def test_a_number_moved_to_another_unit_or_a_changed_unit_is_named(language, source, correct, mutation, expected):
    assert differences(source, correct, language) == []
    assert differences(source, mutation, language) == expected


# --- 2. numbers written in words ----------------------------------------------------

IN_WORDS = [
    ("ar", "Apply heat for 1 hour.", "ضع الحرارة لمدة ساعة واحدة.", "ضع الحرارة لمدة ساعتين.", [("changed", "1 hour", "ساعتين")]),
    ("ar", "Rest for 2 hours.", "استرح لمدة ساعتين.", "استرح لمدة ثلاث ساعات.", [("changed", "2 hours", "ثلاث ساعات")]),
    ("ar", "Wait half an hour.", "انتظر نصف ساعة.", "انتظر ساعة.", [("changed", "half an hour", "ساعة")]),
    ("ar", "Take 2 tablets twice a day.", "تناول قرصين مرتين يوميًا.", "تناول قرصين ثلاث مرات يوميًا.",
     [("changed", "twice a day", "ثلاث مرات يوميًا")]),
    # "once" is eleven in Spanish.
    ("es", "Take it once a day.", "Tómelo una vez al día.", "Tómelo once al día.", [("added", None, "once al día")]),
    ("es", "Take 3 tablets.", "Tome tres comprimidos.", "Tome dos comprimidos.", [("changed", "3 tablets", "dos comprimidos")]),
    ("es", "Wait half an hour.", "Espere media hora.", "Espere una hora.", [("changed", "half an hour", "una hora")]),
    ("zh-hans", "Take 2 tablets 3 times a day.", "每天三次，每次两片。", "每天两次，每次两片。", [("changed", "3 times a day", "每天两次")]),
    ("zh-hans", "Apply heat for 30 minutes.", "热敷三十分钟。", "热敷四十分钟。", [("changed", "30 minutes", "四十分钟")]),
    ("vi", "Take 2 tablets twice a day.", "Uống hai viên, mỗi ngày hai lần.", "Uống hai viên, mỗi ngày ba lần.",
     [("changed", "twice a day", "ngày ba lần")]),
    ("vi", "Rest for 5 years.", "Nghỉ ngơi trong năm năm.", "Nghỉ ngơi trong ba năm.", [("changed", "5 years", "ba năm")]),
    ("fr", "Take 3 tablets.", "Prenez trois comprimés.", "Prenez deux comprimés.", [("changed", "3 tablets", "deux comprimés")]),
    ("en", "Take 2 tablets 3 times a day.", "Take two tablets three times a day.", "Take two tablets three times a week.",
     [("changed", "3 times a day", "three times a week")]),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutation", "expected"), IN_WORDS)
def test_numbers_in_words_count_as_the_numbers_they_are(language, source, correct, mutation, expected):
    assert differences(source, correct, language) == []
    assert differences(source, mutation, language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Una varita mágica no existe; la mitad de la batalla es descansar."),  # "una" is "a", not 1
        ("vi", "Trong những năm hành nghề, không bao giờ tôi thấy điều đó."),  # "năm" is years, "không" is not
        ("zh-hans", "这是一种工具，第一剂要小心，一起努力。"),  # 一 in words that are not numbers
        ("ar", "الدواء ليس سوى نصف المعركة."),  # half the battle
    ],
)
def test_number_words_that_measure_nothing_are_never_errors(language, text):
    assert all(q.soft for q in read_quantities(text, language).quantities)
    assert differences("Rest well.", text, language) == []


# --- 3. fractions -------------------------------------------------------------------

FRACTIONS = [
    ("es", "Take 1½ tablets.", "Tome 1,5 comprimidos.", "Tome 1,25 comprimidos.", [("changed", "1½ tablets", "1,25 comprimidos")]),
    ("fr", "Take 1 1/2 tablets.", "Prenez 1,5 comprimé.", "Prenez 1 comprimé.", [("changed", "1 1/2 tablets", "1 comprimé")]),
    ("zh-hans", "Take 1 1/2 tablets.", "服用 1.5 片。", "服用 1 片。", [("changed", "1 1/2 tablets", "1 片")]),
    ("ar", "Take 1.5 tablets.", "تناول ١٫٥ قرص.", "تناول ١٥ قرص.", [("changed", "1.5 tablets", "١٥ قرص")]),
    ("es", "Take ½ tablet.", "Tome medio comprimido.", "Tome un comprimido y medio.", [("changed", "½ tablet", "un comprimido y medio")]),
    ("es", "Apply heat for 1.5 hours.", "Aplique calor durante una hora y media.", "Aplique calor durante una hora.",
     [("changed", "1.5 hours", "una hora")]),
    ("ar", "Apply heat for 1.5 hours.", "ضع الحرارة لمدة ساعة ونصف.", "ضع الحرارة لمدة ساعة.", [("changed", "1.5 hours", "ساعة")]),
    ("vi", "Apply heat for 1.5 hours.", "Chườm nóng trong một giờ rưỡi.", "Chườm nóng trong một giờ.", [("changed", "1.5 hours", "một giờ")]),
    ("vi", "Take 1.5 tablets.", "Uống 1½ viên.", "Uống 1 viên.", [("changed", "1.5 tablets", "1 viên")]),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutation", "expected"), FRACTIONS)
def test_fractions_however_written_are_one_quantity(language, source, correct, mutation, expected):
    assert differences(source, correct, language) == []
    assert differences(source, mutation, language) == expected


# --- 4. languages added later: CLDR and ICU give them their numbers and units ------

ADDED = [
    ("fr", "Use 0.5 mL every 8 hours.", "Utilisez 0,5 ml toutes les 8 heures.", "Utilisez 5 ml toutes les 8 heures.",
     [("changed", "0.5 mL", "5 ml")]),
    ("ru", "Use 0.5 mL.", "Используйте 0,5 мл.", "Используйте 5 мл.", [("changed", "0.5 mL", "5 мл")]),
    ("pl", "Take it every 8 hours.", "Przyjmuj co 8 godzin.", "Przyjmuj co 8 dni.", [("changed", "8 hours", "8 dni")]),
    ("cs", "Take 2.5 mg.", "Užívejte 2,5 mg.", "Užívejte 25 mg.", [("changed", "2.5 mg", "25 mg")]),
    ("sv", "Take 2.5 mg.", "Ta 2,5 mg.", "Ta 2,5 g.", [("changed", "2.5 mg", "2,5 g")]),
    ("nb", "Take 2.5 mg.", "Ta 2,5 mg.", "Ta 2 mg.", [("changed", "2.5 mg", "2 mg")]),
    ("uk", "Use 0.5 mL.", "Використовуйте 0,5 мл.", "Використовуйте 5 мл.", [("changed", "0.5 mL", "5 мл")]),
    ("fr", "A 1,000 mg dose.", "Une dose de 1 000 mg.", "Une dose de 1,000 mg.", [("changed", "1,000 mg", "1,000 mg")]),
    ("de", "Take 3 tablets.", "Nehmen Sie drei Tabletten.", "Nehmen Sie zwei Tabletten.", [("changed", "3 tablets", "zwei Tabletten")]),
    ("it", "Take 3 pills.", "Prenda tre pillole.", "Prenda due pillole.", [("changed", "3 pills", "due pillole")]),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutation", "expected"), ADDED)
def test_a_language_outside_the_demo_reads_its_own_decimals_and_units(language, source, correct, mutation, expected):
    assert differences(source, correct, language) == []
    assert differences(source, mutation, language) == expected


# --- through the check, with its message --------------------------------------------


def test_the_finding_names_the_section_block_and_both_quantities():
    source = [{"key": "dosing", "title": "Dosing", "body": "Rest first.\n\n- Take 2 tablets every 6 hours."}]
    target = [{"key": "dosing", "title": "Dosis", "body": "Descanse primero.\n\n- Tome 6 comprimidos cada 2 horas."}]

    [finding] = check_translation(source, target, language="es")

    assert (finding.code, finding.section, finding.field) == ("numbers-mismatch", "dosing", "body")
    assert finding.message.startswith(
        "Quantities differ from the source in list item 2: “2 tablets” in the source is “6 comprimidos” in the translation; "
        "“6 hours” in the source is “2 horas” in the translation."
    )


def test_the_finding_is_in_the_interface_language():
    from django.utils import translation

    source = [{"key": "dosing", "title": "Dosing", "body": "Take 5 mg."}]
    target = [{"key": "dosing", "title": "Dosis", "body": "Tome 5 g."}]
    with translation.override("es"):
        [finding] = check_translation(source, target, language="es")
    assert "en el texto original" in finding.message or "origen" in finding.message


def test_every_quantity_in_a_correct_natural_translation_passes_in_every_demo_language():
    source = {
        "title": "Baclofen: 3 doses a day",
        "summary": "Take 2 tablets 3 times a day for 5 days.",
        "sections": [{"key": "dosing", "title": "Dosing", "body": "Take 2 tablets 3 times a day.\n\n> [!WARNING]\n> Never take more than 6 tablets in 24 hours."}],
    }
    translations = {
        "es": ("Baclofen: tres dosis al día", "Tome dos comprimidos tres veces al día durante cinco días.",
               "Tome dos comprimidos tres veces al día.\n\n> [!WARNING]\n> Nunca tome más de seis comprimidos en 24 horas."),
        "ar": ("Baclofen: ثلاث جرعات يوميًا", "تناول قرصين ثلاث مرات يوميًا لمدة خمسة أيام.",
               "تناول قرصين ثلاث مرات يوميًا.\n\n> [!WARNING]\n> لا تتناول أبدًا أكثر من 6 أقراص خلال 24 ساعة."),
        "zh-hans": ("Baclofen：每天三剂", "每天三次，每次两片，连续五天。",
                    "每天三次，每次两片。\n\n> [!WARNING]\n> 24 小时内切勿服用超过 6 片。"),
        "vi": ("Baclofen: 3 liều mỗi ngày", "Uống hai viên, mỗi ngày ba lần, trong năm ngày.",
               "Uống hai viên, mỗi ngày ba lần.\n\n> [!WARNING]\n> Không bao giờ uống quá 6 viên trong 24 giờ."),
    }
    for language, (title, summary, body) in translations.items():
        target = {"title": title, "summary": summary, "sections": [{"key": "dosing", "title": "—", "body": body}]}
        findings = check_translation(source, target, language=language)
        assert not [f for f in findings if f.code == "numbers-mismatch"], (language, findings)
        assert not has_errors([f for f in findings if f.code != "untranslated"]), (language, findings)
