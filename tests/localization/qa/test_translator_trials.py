"""What a medical translator tried against the checks, kind by kind, each with the right answer.

Every row is a source sentence and a translation; `expected` is what the
translator must be told: a blocking error (and of what), a warning for the
reviewer, or nothing.
"""
import pytest

from guide_cms.localization.qa import check_translation

ERROR, WARNING, NONE = "error", "warning", "none"


def verdict(language, source, target, *, glossary=()):
    findings = [f for f in check_translation([{"key": "d", "title": "Dosing", "body": source}],
                                              [{"key": "d", "title": "Dosis", "body": target}], language=language, glossary=glossary)
                if f.code not in ("readability", "untranslated", "length-ratio")]
    if any(f.severity == "error" for f in findings):
        return ERROR, " ".join(f.message for f in findings if f.severity == "error")
    if findings:
        return WARNING, " ".join(f.message for f in findings)
    return NONE, ""


# --- a "one" may change its unit or period: once a week is not once a day ------------------------

ONE = [
    ("es", "Take methotrexate once a week.", "Tome metotrexato una vez al día.", "“once a week” in the source is “una vez al día”"),
    ("es", "Take it once a day.", "Tómelo una vez a la semana.", "“once a day” in the source is “una vez a la semana”"),
    ("ar", "Take it once a week.", "تناوله مرة واحدة يوميًا.", "“once a week” in the source is “مرة واحدة يوميًا”"),
    ("zh-hans", "Take 10 mg once a week.", "每天一次，每次10毫克。", "“once a week” in the source is “每天一次”"),
    ("vi", "Take it once a week.", "Uống một lần mỗi ngày.", "“once a week”"),
    ("fr", "Take 10 mg once a week.", "Prendre 10 mg une fois par jour.", "“once a week”"),
    ("es", "Take one tablet.", "Tome una cápsula.", "“one tablet” in the source is “una cápsula”"),
    ("zh-hans", "Take it once a day.", "每小时一次。", "“once a day” in the source is “每小时一次”"),
]


@pytest.mark.parametrize(("language", "source", "target", "named"), ONE)
def test_a_one_in_words_keeps_its_unit_and_period(language, source, target, named):
    result, message = verdict(language, source, target)
    assert result == ERROR and named in message


# --- a unit changed, disguised or dropped -------------------------------------------------------

UNITS = [
    ("es", "Take 5 mg.", "Tome 5 mcg.", "“5 mg” in the source is “5 mcg”"),
    ("es", "Take 5 mcg.", "Tome 5 mg.", "“5 mcg” in the source is “5 mg”"),
    ("es", "Take 5 mg.", "Tome 5 gr.", "“5 mg” in the source is “5 gr”"),
    ("ar", "Take 5 mg.", "تناول 5 جم.", "“5 mg” in the source is “5 جم”"),
    ("ar", "Take 5 mg.", "تناول 5 غ.", "“5 mg” in the source is “5 غ”"),
    ("zh-hans", "Take 5 mg.", "服用5公克。", "“5 mg” in the source is “5公克”"),
    ("es", "Take 5 mg.", "Tome 5.", "“5 mg” in the source is “5”"),
    ("es", "Take 20 mmol.", "Tome 20 mg.", "“20 mmol” in the source is “20 mg”"),
    ("es", "Wait 2 hrs.", "Espere 2 días.", "“2 hrs” in the source is “2 días”"),
    ("zh-hans", "Wait 3 days.", "等3个小时。", "“3 days” in the source is “3个小时”"),
    ("zh-hans", "Wait 3 hours.", "等三个星期。", "“3 hours” in the source is “三个星期”"),
]


@pytest.mark.parametrize(("language", "source", "target", "named"), UNITS)
def test_a_changed_or_dropped_unit_is_an_error(language, source, target, named):
    result, message = verdict(language, source, target)
    assert result == ERROR and named in message


def test_the_micro_sign_and_other_compatibility_letters_are_read_not_crashed_on():
    assert verdict("es", "Take 5 µg.", "Tome 5 μg.") == (NONE, "")  # micro sign, Greek mu
    assert verdict("en", "Take 5 µg.", "Take 5 µg.") == (NONE, "")
    assert verdict("es", "Wait 2 hours.", "Espere 2 horaſ.") == (NONE, "")  # long s
    assert verdict("es", "Take 5 mg.", "Tome 5 µg.")[0] == ERROR


# --- numbers read wrongly -------------------------------------------------------------------------

NUMBERS = [
    ("es", "Take .25 mg.", "Tome 25 mg.", "“.25 mg” in the source is “25 mg”"),
    ("es", "Take 50 mg.", "Tome ciento cincuenta mg.", "“50 mg” in the source is “ciento cincuenta mg”"),
    ("es", "Take 5 mg.", "Tome 5 mil mg.", "“5 mg” in the source is “5 mil mg”"),
    ("ar", "Use for 10 days.", "استخدمه لمدة أحد عشر يومًا.", "“10 days” in the source is “أحد عشر يومًا”"),
    ("ar", "Take 5 mg.", "تناول خمسة وعشرين ملغ.", "“5 mg” in the source is “خمسة وعشرين ملغ”"),
    ("zh-hans", "Take 5 mg.", "服用一千五毫克。", "cannot be read as one number for certain"),
    ("es", "Take 2 tablets of 500 mg.", "Tome 2 500 mg.", "“2 500” can be read as one number or as two"),
]


@pytest.mark.parametrize(("language", "source", "target", "named"), NUMBERS)
def test_a_number_is_read_as_the_patient_reads_it(language, source, target, named):
    result, message = verdict(language, source, target)
    assert result == ERROR and named in message


@pytest.mark.parametrize(
    ("language", "source", "target"),
    [
        ("es", "Take 150 mg.", "Tome ciento cincuenta mg."),
        ("es", "Take 0.25 mg.", "Tome ,25 mg."),
        ("es", "Take 1.5 tablets.", "Tome 1 y 1/2 comprimidos."),
        ("es", "Take ½ tablet.", "Tome 1⁄2 comprimido."),  # fraction slash U+2044
        ("ar", "Take 500 mg.", "تناول خمسمائة ملغ."),
        ("ar", "Use for 20 days.", "استخدمه لمدة عشرين يومًا."),
        ("ar", "Take 1 tablet 3 times a day.", "تناول قرصًا واحدًا ثلاث مرات يوميًا."),
        ("ar", "Use 5 mL.", "استخدم 5 سم مكعب."),
        ("zh-hans", "Take 250 mg.", "服用二百五十毫克。"),
        ("zh-hans", "Take 2 capsules.", "服用两粒胶囊。"),
        ("zh-hans", "Take it every 4 hours.", "每4个小时服用一次。"),
        ("zh-hans", "Rest for 1.5 hours.", "休息一个半小时。"),
        ("vi", "Take 1,000 mg.", "Uống một nghìn mg."),
        ("fr", "Take 1,000 mg.", "Prendre mille mg."),
        ("ru", "Take 1 tablet 3 times a day.", "Принимайте по одной таблетке 3 раза в день."),
        ("de", "Take it 3 times a day.", "Nehmen Sie es dreimal täglich."),
        ("de", "Rest for 1.5 hours.", "Ruhen Sie anderthalb Stunden."),
        ("es", "Wait 30 minutes.", "Espere media hora."),  # the same time: a warning for the reviewer, not an error
        ("es", "Take 500 mg.", "Tome 0,5 g."),
    ],
)
def test_correct_translations_are_not_blocked(language, source, target):
    assert verdict(language, source, target)[0] in (NONE, WARNING)


def test_the_same_amount_in_another_unit_is_shown_to_the_reviewer():
    result, message = verdict("es", "Wait 30 minutes.", "Espere media hora.")
    assert result == WARNING and "the same amount in another unit" in message


# --- frequencies and times of day -------------------------------------------------------------

FREQUENCY = [
    ("zh-hans", "Take it twice daily.", "每月两次。", "“twice daily” in the source is “每月两次”"),
    ("es", "Take 5 mg/day.", "Tome 5 mg/semana.", "“5 mg/day” in the source is “5 mg/semana”"),
    ("es", "Take it 3 times a day.", "Tómelo 3 veces/semana.", "“3 times a day” in the source is “3 veces/semana”"),
    ("es", "Take 5 mg twice a day.", "Tome 5 mg dos veces.", "“twice a day” in the source is “dos veces”"),
    ("es", "Take it at 8 pm.", "Tómelo a las 8 a. m.", "“at 8 pm” in the source is “a las 8 a. m.”"),
    ("es", "Take 2 tablets.", "Tome dos comprimidos y otros dos por la noche.", "“dos por la noche” is not in the source"),
]


@pytest.mark.parametrize(("language", "source", "target", "named"), FREQUENCY)
def test_a_changed_or_dropped_frequency_is_an_error(language, source, target, named):
    result, message = verdict(language, source, target)
    assert result == ERROR and named in message


@pytest.mark.parametrize(
    ("language", "source", "target"),
    [
        ("es", "Take it at 8 pm.", "Tómelo a las 20:00."),
        ("fr", "Take it at 8 pm.", "Prenez-le à 20h00."),
        ("zh-hans", "Take it at 8 pm.", "下午8点服用。"),
        ("es", "On day 1, take 2 tablets.", "El primer día, tome 2 comprimidos."),
        ("vi", "On day 1, take 2 tablets.", "Ngày đầu tiên, uống 2 viên."),
    ],
)
def test_times_of_day_and_numbered_days_read_as_a_patient_reads_them(language, source, target):
    assert verdict(language, source, target)[0] == NONE


# --- the same doses in another order, or moved out of a warning ----------------------------------


def test_doses_swapped_between_morning_and_night_are_an_error():
    result, message = verdict("es", "Take 10 mg in the morning and 5 mg at night.", "Tome 5 mg por la mañana y 10 mg por la noche.")
    assert result == ERROR and "“5 mg at night” in the source is “10 mg por la noche”" in message


def test_the_same_doses_in_another_order_are_shown_to_the_reviewer():
    result, message = verdict("es", "Take 10 mg for 3 days, then 5 mg for 4 days.", "Tome 5 mg durante 3 días y luego 10 mg durante 4 días.")
    assert result == WARNING and "comes in another order in the translation" in message


def test_a_dose_moved_out_of_its_warning_is_an_error():
    source = "Take 2 tablets in the morning.\n\n> [!WARNING]\n> Never take more than 8 tablets a day."
    target = "Tome 8 comprimidos por la mañana.\n\nNunca tome más de 2 comprimidos al día.\n\n> [!WARNING]\n> No lo olvide."
    result, message = verdict("es", source, target)
    assert result == ERROR and "“8 tablets a day” of the source is missing" in message


# --- hidden characters and lookalikes -----------------------------------------------------------

@pytest.mark.parametrize(
    "target",
    ["Tome &#x202E;15&#x202C; mg.", "Tome 1&#8203;5 mg.", "Tome 1&zwj;5 mg.", "Tome 5O mg."],
)
def test_a_number_disguised_by_a_reference_or_a_lookalike_letter_is_an_error(target):
    result, message = verdict("es", "Take 15 mg.", target)
    assert result == ERROR


# --- two drugs swapped between sentences ---------------------------------------------------------


def test_drug_names_swapped_between_sentences_are_an_error():
    from guide_cms.localization.qa import GlossaryEntry

    glossary = [GlossaryEntry("Diazepam", "Diazepam", True), GlossaryEntry("Baclofen", "Baclofen", True)]
    result, message = verdict(
        "es", "Take Baclofen 5 mg. Do not take Diazepam.", "Tome Diazepam 5 mg. No tome Baclofen.", glossary=glossary
    )
    assert result == ERROR and "paragraph 1, sentence 1" in message
    assert verdict("es", "Take Baclofen 5 mg. Do not take Diazepam.", "Tome Baclofen 5 mg. No tome Diazepam.", glossary=glossary)[0] == NONE


# --- a second translator's trials --------------------------------------------------------------

SECOND_ERRORS = [
    # A unit the source names is never guessed from the translation.
    ("es", "Inject 10 units of insulin.", "Inyecte 10 mL de insulina.", "“10 units” in the source is “10 mL”"),
    ("ar", "Inject 10 units of insulin.", "احقن 10 مل من الأنسولين.", "“10 units” in the source is “10 مل”"),
    ("es", "Take 10 mEq.", "Tome 10 mg.", "“10 mEq” in the source is “10 mg”"),
    ("es", "Apply 1 patch.", "Aplique 1 mg.", "“1 patch” in the source is “1 mg”"),
    ("es", "Take 5 mL.", "Tome 5 dosis.", "“5 mL” in the source is “5 dosis”"),
    # Latin units joined to Chinese text, Chinese multipliers and decimals.
    ("zh-hans", "Take 5 g after meals.", "饭后服用5mg药物。", "“5 g” in the source is “5mg”"),
    ("zh-hans", "Take it about 30 minutes before bedtime.", "睡前约30h服用。", "“30 minutes” in the source is “30h”"),
    ("zh-hans", "Take 10 IU.", "服用10万国际单位。", "“10 IU” in the source is “10万国际单位”"),
    ("zh-hans", "Take 5 mg.", "服用5千毫克。", "“5 mg” in the source is “5千毫克”"),
    ("zh-hans", "Take 5 mg.", "服用零点五毫克。", "“5 mg” in the source is “零点五毫克”"),
    # Periods said right after a dose, per kilogram, every other day, morning and night.
    ("es", "Give 5 mg/kg every 8 hours.", "Dé 5 mg cada 8 horas.", "“5 mg/kg” in the source is “5 mg”"),
    ("es", "Take no more than 30 mg/day.", "No tome más de 30 mg.", "“30 mg/day” in the source is “30 mg”"),
    ("es", "Take 1 tablet a day.", "Tome 1 comprimido.", "“1 tablet a day” in the source is “1 comprimido”"),
    ("es", "Take 1 tablet every other day.", "Tome 1 comprimido cada día.", "“1 tablet every other day” in the source is “1 comprimido cada día”"),
    ("es", "- 10 mg in the morning\n- 5 mg at night", "- 10 mg por la noche\n- 5 mg por la mañana", "in the source is"),
    # Days of a schedule, and a unit dropped in the middle of a sentence.
    ("es", "Day 1: take 10 mg.\n\nDay 7: stop.", "Día 1: tome 10 mg.\n\nDía 3: deje de tomarlo.", "“7” in the source is “3”"),
    ("es", "Take 5 mg every morning.", "Tome 5 cada mañana.", "“5 mg” in the source is “5”"),
    # Digits that print as others.
    ("es", "Take 4 tablets.", "Tome ৪ comprimidos.", "BENGALI DIGIT FOUR"),
    ("es", "Take 10 mg.", "Tome 1٠ mg.", "ARABIC-INDIC DIGIT ZERO"),
    ("es", "Take 5 mg.", "Tome 5օ mg.", "prints like a digit"),
    # A second paragraph of a warning moved out of it.
    ("es", "> [!WARNING]\n> Never drive.\n>\n> Never take more than 30 mg a day.",
     "> [!WARNING]\n> Nunca conduzca.\n\nNunca tome más de 30 mg al día.", "“30 mg a day” of the source is missing"),
]


@pytest.mark.parametrize(("language", "source", "target", "named"), SECOND_ERRORS)
def test_what_the_second_translator_slipped_through_is_an_error(language, source, target, named):
    result, message = verdict(language, source, target)
    assert result == ERROR and named in message


@pytest.mark.parametrize(
    ("language", "source", "target"),
    [
        ("es", "Take 10 mg at 8 pm.", "Tome 10 mg a las 8 de la noche."),
        ("es", "Take it at 8 am.", "Tómelo a las 8 de la mañana."),
        ("ar", "Take 10 mg at 8 pm.", "تناول 10 ملغ في الساعة 8 مساءً."),
        ("zh-hans", "Take it at 8 pm.", "晚上8点服用。"),
        ("vi", "Take it at 8 pm.", "Uống lúc 8 giờ tối."),
        ("fr", "Take it at 8 pm.", "Prenez-le à 20 h."),
        ("de", "Take it at 8 pm.", "Nehmen Sie es um 20 Uhr."),
        ("zh-hans", "Take 1 tablet 3 times a day.", "一天三次，一次一片。"),
        ("ar", "Take 1 tablet once a day.", "تناول قرصًا واحدًا مرة واحدة يوميًا."),
        ("zh-hans", "Take 10,000 IU.", "服用1万国际单位。"),
        ("zh-hans", "Take 250 mg.", "服用两百五十毫克。"),
        ("zh-hans", "Wait 15 minutes.", "等一刻钟。"),
        ("es", "Wait 1.5 hours.", "Espere hora y media."),
        ("es", "Take 1½ tablets.", "Tome comprimido y medio."),
        ("es", "Take ¼ tablet.", "Tome un cuarto de comprimido."),
        ("es", "Take 5 mg.", "Tome 5 mg (cinco miligramos)."),
        ("zh-hans", "Call us above 38 °C.", "体温超过38℃时请联系我们。"),
        ("es", "Take 10,000 IU.", "Tome 10 000 UI."),
        ("es", "Take 1 tablet every other day.", "Tome 1 comprimido cada dos días."),
    ],
)
def test_what_the_second_translator_wrote_correctly_passes(language, source, target):
    assert verdict(language, source, target)[0] in (NONE, WARNING)


def test_list_items_put_in_another_order_are_shown_to_the_reviewer():
    result, message = verdict("es", "- Take 10 mg in the morning.\n- Take 5 mg at night.", "- Tome 5 mg por la noche.\n- Tome 10 mg por la mañana.")
    assert result == WARNING and "comes in another order" in message


def test_many_ambiguous_groups_are_read_in_a_bounded_number_of_ways():
    from guide_cms.localization.qa import read_quantities

    text = "Use " + ", ".join(f"{n} 500 mg" for n in range(1, 7)) + "."
    # Every combination of six "N 500" groups was 64 readings a side, 4096 comparisons: about a minute.
    assert len(read_quantities(text, "es").readings()) <= 16


def test_an_hour_is_one_hour_unless_it_is_a_period():
    assert verdict("es", "Wait an hour before driving.", "Espere un día antes de conducir.")[0] == ERROR
    assert verdict("es", "Wait an hour before driving.", "Espere una hora antes de conducir.")[0] == NONE
    assert verdict("es", "Take it 3 times a day.", "Tómelo 3 veces al día.")[0] == NONE
