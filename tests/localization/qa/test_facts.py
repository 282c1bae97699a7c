"""Clinical facts besides quantities, kind by kind and language by language.

Each row: a source sentence, a translation as a medical translator would write
it (must pass with no error), and a mutation of that translation (must be an
error that names the sentence).
"""

import pytest
from django.conf import settings

from guide_cms.localization.qa import check_translation
from guide_cms.localization.qa.facts import FACT_KINDS, compare_facts, missing_fact_kinds, read_facts

SKIPPED = ("readability", "untranslated", "length-ratio")


def findings(language, source, target):
    return [
        f
        for f in check_translation(
            [{"key": "d", "title": "Dosing", "body": source}], [{"key": "d", "title": "Dosis", "body": target}], language=language
        )
        if f.code not in SKIPPED and f.section == "d" and f.field == "body"
    ]


def errors(language, source, target):
    return [f for f in findings(language, source, target) if f.severity == "error"]


# (kind, language, source, correct translation, mutated translation)
CASES = [
    # --- prohibitions and negations dropped or added ---------------------------------------------
    (
        "negation",
        "es",
        "Do not drink alcohol while you take this medicine.",
        "No beba alcohol mientras tome este medicamento.",
        "Beba alcohol mientras tome este medicamento.",
    ),
    ("negation", "es", "Take it with a glass of water.", "Tómelo con un vaso de agua.", "No lo tome con un vaso de agua."),
    ("negation", "es", "Never give aspirin to children.", "No dé nunca aspirina a los niños.", "Dé aspirina a los niños."),
    (
        "negation",
        "ar",
        "Do not drink alcohol while you take this medicine.",
        "لا تشرب الكحول أثناء تناول هذا الدواء.",
        "اشرب الكحول أثناء تناول هذا الدواء.",
    ),
    ("negation", "ar", "Avoid driving after the first dose.", "تجنب القيادة بعد الجرعة الأولى.", "يمكنك القيادة بعد الجرعة الأولى."),
    ("negation", "zh-hans", "Do not drink alcohol while you take this medicine.", "服用本药期间不要饮酒。", "服用本药期间要饮酒。"),
    ("negation", "zh-hans", "Never give aspirin to children.", "切勿给儿童服用阿司匹林。", "给儿童服用阿司匹林。"),
    (
        "negation",
        "vi",
        "Do not drink alcohol while you take this medicine.",
        "Không uống rượu trong thời gian dùng thuốc này.",
        "Uống rượu trong thời gian dùng thuốc này.",
    ),
    ("negation", "vi", "Take it with a glass of water.", "Uống thuốc với một cốc nước.", "Đừng uống thuốc với một cốc nước."),
    (
        "negation",
        "fr",
        "Do not drink alcohol while you take this medicine.",
        "Ne buvez pas d'alcool pendant le traitement.",
        "Buvez de l'alcool pendant le traitement.",
    ),
    (
        "negation",
        "de",
        "Do not drink alcohol while you take this medicine.",
        "Trinken Sie keinen Alkohol, solange Sie dieses Arzneimittel einnehmen.",
        "Trinken Sie Alkohol, solange Sie dieses Arzneimittel einnehmen.",
    ),
    # --- stop / keep taking -----------------------------------------------------------------------
    (
        "polarity",
        "es",
        "Stop taking it if you get a rash.",
        "Deje de tomarlo si le aparece un sarpullido.",
        "Siga tomándolo si le aparece un sarpullido.",
    ),
    ("polarity", "es", "Do not stop taking it suddenly.", "No deje de tomarlo de golpe.", "Deje de tomarlo de golpe."),
    (
        "polarity",
        "ar",
        "Stop taking it if you get a rash.",
        "توقف عن تناوله إذا ظهر لديك طفح جلدي.",
        "استمر في تناوله إذا ظهر لديك طفح جلدي.",
    ),
    ("polarity", "zh-hans", "Stop taking it if you get a rash.", "如果出现皮疹，请停止服用。", "如果出现皮疹，请继续服用。"),
    (
        "polarity",
        "vi",
        "Stop taking it if you get a rash.",
        "Ngừng dùng thuốc nếu bạn bị phát ban.",
        "Tiếp tục dùng thuốc nếu bạn bị phát ban.",
    ),
    (
        "polarity",
        "fr",
        "Stop taking it if you get a rash.",
        "Arrêtez de le prendre si une éruption apparaît.",
        "Continuez de le prendre si une éruption apparaît.",
    ),
    # --- warm / cool --------------------------------------------------------------------------------
    (
        "polarity",
        "es",
        "Apply a warm compress for 10 minutes.",
        "Aplique una compresa tibia durante 10 minutos.",
        "Aplique una compresa fría durante 10 minutos.",
    ),
    ("polarity", "ar", "Apply a warm compress for 10 minutes.", "ضع كمادة دافئة لمدة 10 دقائق.", "ضع كمادة باردة لمدة 10 دقائق."),
    ("polarity", "zh-hans", "Apply a warm compress for 10 minutes.", "用温热的毛巾敷10分钟。", "用冰冷的毛巾敷10分钟。"),
    ("polarity", "vi", "Apply a warm compress for 10 minutes.", "Chườm ấm trong 10 phút.", "Chườm lạnh trong 10 phút."),
    (
        "polarity",
        "de",
        "Apply a warm compress for 10 minutes.",
        "Legen Sie 10 Minuten lang eine warme Kompresse auf.",
        "Legen Sie 10 Minuten lang eine kalte Kompresse auf.",
    ),
    # --- before / after -----------------------------------------------------------------------------
    (
        "polarity",
        "es",
        "Take it 30 minutes before breakfast.",
        "Tómelo 30 minutos antes del desayuno.",
        "Tómelo 30 minutos después del desayuno.",
    ),
    ("polarity", "ar", "Take it 30 minutes before breakfast.", "تناوله قبل الإفطار بـ 30 دقيقة.", "تناوله بعد الإفطار بـ 30 دقيقة."),
    ("polarity", "zh-hans", "Take it 30 minutes before breakfast.", "早餐前30分钟服用。", "早餐后30分钟服用。"),
    ("polarity", "vi", "Take it 30 minutes before breakfast.", "Uống thuốc 30 phút trước bữa sáng.", "Uống thuốc 30 phút sau bữa sáng."),
    (
        "polarity",
        "fr",
        "Take it 30 minutes before breakfast.",
        "Prenez-le 30 minutes avant le petit-déjeuner.",
        "Prenez-le 30 minutes après le petit-déjeuner.",
    ),
    # --- lowest / highest, increase / decrease ------------------------------------------------------
    ("polarity", "es", "Start with the lowest dose.", "Empiece con la dosis más baja.", "Empiece con la dosis más alta."),
    ("polarity", "ar", "Start with the lowest dose.", "ابدأ بأقل جرعة.", "ابدأ بأعلى جرعة."),
    ("polarity", "zh-hans", "Start with the lowest dose.", "从最低剂量开始。", "从最高剂量开始。"),
    ("polarity", "vi", "Start with the lowest dose.", "Bắt đầu với liều thấp nhất.", "Bắt đầu với liều cao nhất."),
    ("polarity", "es", "Your doctor may reduce the dose.", "Su médico puede reducir la dosis.", "Su médico puede aumentar la dosis."),
    ("polarity", "zh-hans", "Your doctor may reduce the dose.", "医生可能会减少剂量。", "医生可能会增加剂量。"),
    # --- morning / night, acute / chronic -----------------------------------------------------------
    ("polarity", "es", "Take it in the morning.", "Tómelo por la mañana.", "Tómelo por la noche."),
    ("polarity", "ar", "Take it in the morning.", "تناوله في الصباح.", "تناوله في المساء."),
    ("polarity", "zh-hans", "Take it in the morning.", "早上服用。", "晚上服用。"),
    ("polarity", "vi", "Take it in the morning.", "Uống thuốc vào buổi sáng.", "Uống thuốc vào buổi tối."),
    ("polarity", "es", "It is used for acute pain.", "Se usa para el dolor agudo.", "Se usa para el dolor crónico."),
    ("polarity", "zh-hans", "It is used for acute pain.", "用于急性疼痛。", "用于慢性疼痛。"),
    ("polarity", "vi", "It is used for acute pain.", "Thuốc dùng cho đau cấp tính.", "Thuốc dùng cho đau mạn tính."),
    ("polarity", "ar", "It is used for acute pain.", "يستخدم للألم الحاد.", "يستخدم للألم المزمن."),
    # --- thresholds --------------------------------------------------------------------------------
    (
        "comparator",
        "es",
        "Call us if your temperature is above 38 °C.",
        "Llámenos si su temperatura supera los 38 °C.",
        "Llámenos si su temperatura está por debajo de 38 °C.",
    ),
    (
        "comparator",
        "es",
        "Take no more than 8 tablets a day.",
        "No tome más de 8 comprimidos al día.",
        "Tome al menos 8 comprimidos al día.",
    ),
    ("comparator", "es", "Not for children under 12.", "No apto para menores de 12 años.", "No apto para mayores de 12 años."),
    (
        "comparator",
        "ar",
        "Call us if your temperature is above 38 °C.",
        "اتصل بنا إذا كانت حرارتك أعلى من 38 °C.",
        "اتصل بنا إذا كانت حرارتك أقل من 38 °C.",
    ),
    ("comparator", "ar", "Take no more than 8 tablets a day.", "لا تتناول أكثر من 8 أقراص يوميًا.", "تناول على الأقل 8 أقراص يوميًا."),
    (
        "comparator",
        "zh-hans",
        "Call us if your temperature is above 38 °C.",
        "如果体温超过38 °C，请给我们打电话。",
        "如果体温低于38 °C，请给我们打电话。",
    ),
    ("comparator", "zh-hans", "Take no more than 8 tablets a day.", "每天不超过8片。", "每天至少8片。"),
    (
        "comparator",
        "vi",
        "Call us if your temperature is above 38 °C.",
        "Hãy gọi cho chúng tôi nếu nhiệt độ trên 38 °C.",
        "Hãy gọi cho chúng tôi nếu nhiệt độ dưới 38 °C.",
    ),
    ("comparator", "vi", "Not for children under 12.", "Không dùng cho trẻ dưới 12 tuổi.", "Không dùng cho trẻ trên 12 tuổi."),
    (
        "comparator",
        "fr",
        "Take no more than 8 tablets a day.",
        "Ne prenez pas plus de 8 comprimés par jour.",
        "Prenez au moins 8 comprimés par jour.",
    ),
    (
        "comparator",
        "de",
        "Call us if your temperature is above 38 °C.",
        "Rufen Sie uns an, wenn Ihre Temperatur über 38 °C liegt.",
        "Rufen Sie uns an, wenn Ihre Temperatur unter 38 °C liegt.",
    ),
    # --- frequencies in words ------------------------------------------------------------------------
    ("frequency", "es", "Do the exercises every hour.", "Haga los ejercicios cada hora.", "Haga los ejercicios cada día."),
    ("frequency", "ar", "Do the exercises every hour.", "قم بالتمارين كل ساعة.", "قم بالتمارين كل يوم."),
    ("frequency", "zh-hans", "Do the exercises every hour.", "每小时做一次练习。", "每天做一次练习。"),
    ("frequency", "vi", "Do the exercises every hour.", "Tập các bài tập mỗi giờ.", "Tập các bài tập mỗi ngày."),
    ("frequency", "fr", "Do the exercises every hour.", "Faites les exercices toutes les heures.", "Faites les exercices tous les jours."),
    ("frequency", "de", "Do the exercises every hour.", "Machen Sie die Übungen jede Stunde.", "Machen Sie die Übungen jeden Tag."),
    ("frequency", "es", "Take it once a day.", "Tómelo una vez al día.", "Tómelo dos veces al día."),
    ("frequency", "vi", "Take it once a day.", "Uống một lần mỗi ngày.", "Uống hai lần mỗi ngày."),
    (
        "frequency",
        "es",
        "Take it every day unless your doctor tells you otherwise.",
        "Tómelo todos los días, a menos que su médico le indique lo contrario.",
        "Tómelo todas las semanas, a menos que su médico le indique lo contrario.",
    ),
    (
        "negation",
        "fr",
        "Only use it on the affected skin.",
        "Ne l'utilisez que sur la peau atteinte.",
        "Ne l'utilisez pas sur la peau atteinte.",
    ),
    ("negation", "zh-hans", "This medicine is contraindicated in pregnancy.", "孕妇禁用本药。", "孕妇可用本药。"),
    (
        "negation",
        "vi",
        "This medicine is contraindicated in pregnancy.",
        "Thuốc này chống chỉ định cho phụ nữ có thai.",
        "Thuốc này dùng được cho phụ nữ có thai.",
    ),
    (
        "polarity",
        "es",
        "Do not lie down for 30 minutes after taking them.",
        "No se acueste durante los 30 minutos siguientes a tomarlos.",
        "No se acueste durante los 30 minutos anteriores a tomarlos.",
    ),
    ("polarity", "es", "Stop if the skin turns red.", "Deténgase si la piel se enrojece.", "Continúe si la piel se enrojece."),
    ("polarity", "ar", "You should not stop taking it suddenly.", "لا ينبغي أن تتوقف عن تناوله فجأة.", "ينبغي أن تتوقف عن تناوله فجأة."),
    ("comparator", "zh-hans", "Store below 25 °C.", "请在25 °C以下保存。", "请在25 °C以上保存。"),
    (
        "negation",
        "es",
        "Ask your pharmacist if you are not sure.",
        "Consulte a su farmacéutico si tiene dudas.",
        "No consulte a su farmacéutico si tiene dudas.",
    ),
    (
        "comparator",
        "ar",
        "Not for children under 12.",
        "لا يُعطى للأطفال الذين تقل أعمارهم عن 12 عامًا.",
        "لا يُعطى للأطفال الأكبر من 12 عامًا.",
    ),
    ("comparator", "zh-hans", "Not for children under 12.", "不满12岁的儿童禁用。", "12岁以上的儿童禁用。"),
    ("polarity", "zh-hans", "Take it at night.", "晚间服用。", "早晨服用。"),
    # --- languages added beyond the demo's ----------------------------------------------------------
    (
        "negation",
        "ru",
        "Do not drink alcohol while you take this medicine.",
        "Не употребляйте алкоголь во время приёма этого препарата.",
        "Употребляйте алкоголь во время приёма этого препарата.",
    ),
    ("polarity", "ru", "Keep the medicine in a cool place.", "Храните препарат в прохладном месте.", "Храните препарат в тёплом месте."),
    (
        "comparator",
        "ru",
        "Children under 12 should not take it.",
        "Детям младше 12 лет принимать нельзя.",
        "Детям старше 12 лет принимать нельзя.",
    ),
    ("frequency", "ru", "Do the exercises every hour.", "Выполняйте упражнения каждый час.", "Выполняйте упражнения каждый день."),
    (
        "polarity",
        "pt",
        "Take the tablet after breakfast.",
        "Tome o comprimido depois do pequeno-almoço.",
        "Tome o comprimido antes do pequeno-almoço.",
    ),
    (
        "comparator",
        "pt",
        "Call us if your temperature is above 38 °C.",
        "Ligue-nos se a temperatura estiver acima de 38 °C.",
        "Ligue-nos se a temperatura estiver abaixo de 38 °C.",
    ),
    (
        "negation",
        "it",
        "Do not drink alcohol while you take this medicine.",
        "Non beva alcolici durante il trattamento.",
        "Beva alcolici durante il trattamento.",
    ),
    ("frequency", "it", "Do the exercises every hour.", "Faccia gli esercizi ogni ora.", "Faccia gli esercizi ogni giorno."),
    ("polarity", "de", "Take it in the morning.", "Nehmen Sie es morgens ein.", "Nehmen Sie es abends ein."),
    (
        "negation",
        "ja",
        "Do not drink alcohol while you take this medicine.",
        "この薬を服用している間は、お酒を飲まないでください。",
        "この薬を服用している間は、お酒を飲んでください。",
    ),
    ("polarity", "ja", "Take the tablet after breakfast.", "朝食後に錠剤を服用してください。", "朝食前に錠剤を服用してください。"),
    (
        "comparator",
        "ja",
        "Call us if your temperature is above 38 °C.",
        "体温が38 °C以上の場合はご連絡ください。",
        "体温が38 °C未満の場合はご連絡ください。",
    ),
    ("frequency", "ja", "You must take it every day.", "毎日服用しなければなりません。", "毎週服用しなければなりません。"),
]


@pytest.mark.parametrize(("kind", "language", "source", "correct", "mutated"), CASES)
def test_a_natural_translation_passes_and_its_mutation_is_an_error(kind, language, source, correct, mutated):
    assert errors(language, source, correct) == []
    found = errors(language, source, mutated)
    assert found, f"{kind} mutation passed in {language}: {mutated}"


def test_the_error_names_the_sentence_and_both_sides():
    source = "Rest well. Do not drink alcohol while you take this medicine."
    target = "Descanse bien. Beba alcohol mientras tome este medicamento."
    [finding] = [f for f in errors("es", source, target) if f.code == "facts-mismatch"]
    assert "sentence 2" in finding.message
    assert "“Do not”" in finding.message and "Beba alcohol mientras tome este medicamento." in finding.message


def test_a_negation_with_its_comparator_is_read_as_the_opposite_threshold():
    # "do not take more than" is "no more than"; "do not stop" is "continue".
    assert compare_facts(read_facts("Take no more than 4 g a day.", "en"), read_facts("No tome más de 4 g al día.", "es")) == []
    assert compare_facts(read_facts("Do not stop taking it.", "en"), read_facts("Siga tomándolo.", "es")) == []
    assert compare_facts(read_facts("Keep taking it.", "en"), read_facts("No deje de tomarlo.", "es")) == []


def test_paraphrases_a_translator_writes_are_not_errors():
    rows = [
        ("es", "Gentle, pain-free movements help.", "Los movimientos suaves y sin dolor ayudan."),
        ("vi", "Gentle, pain-free movements help.", "Các cử động nhẹ nhàng, không gây đau sẽ có ích."),
        ("zh-hans", "Gentle, pain-free movements help.", "轻柔、无痛的活动会有帮助。"),
        ("es", "It lowers muscle tone rather than shutting the system down.", "Baja el tono muscular en lugar de apagar el sistema."),
        ("ar", "Medication is only half the battle.", "الدواء ليس سوى نصف المعركة."),
        ("es", "Take it with or without food.", "Tómelo con o sin alimentos."),
        ("zh-hans", "Everyone metabolizes these medicines differently.", "每个人代谢这些药物的情况都不一样。"),
        ("es", "However, rest helps.", "Sin embargo, el descanso ayuda."),
        ("ar", "Take it every day unless your doctor tells you otherwise.", "تناوله كل يوم ما لم يخبرك طبيبك بغير ذلك."),
        ("zh-hans", "Take it every day unless your doctor tells you otherwise.", "除非医生另有指示，否则请每天服用。"),
        ("ar", "Babies under 6 months should not use this cream.", "يجب ألا يستخدم الرضع الذين تقل أعمارهم عن 6 أشهر هذا الكريم."),
        ("fr", "Only use it on the affected skin.", "Ne l'utilisez que sur la peau atteinte."),
        ("vi", "Do not take two doses at the same time.", "Không uống hai liều cùng một lúc."),
        ("ar", "Do not take two doses at the same time.", "لا تتناول جرعتين في الوقت نفسه."),
        ("zh-hans", "Keep out of the reach of children.", "请放在儿童接触不到的地方。"),
    ]
    for language, source, target in rows:
        assert errors(language, source, target) == [], (language, target)


def test_list_items_in_another_order_are_not_an_error_of_facts():
    source = "- Apply heat in the morning.\n- Apply ice at night."
    target = "- Aplique hielo por la noche.\n- Aplique calor por la mañana."
    assert not [f for f in errors("es", source, target) if f.code == "facts-mismatch"]
    swapped = "- Aplique calor por la noche.\n- Aplique hielo por la mañana."
    assert [f for f in errors("es", source, swapped) if f.code == "facts-mismatch"]


def test_every_configured_language_has_every_kind_of_fact():
    for language in settings.LANGUAGE_CODES:
        assert missing_fact_kinds(language) == (), language
    assert set(FACT_KINDS) == {"negation", "frequency", "comparator", "polarity"}


def test_a_language_without_a_word_list_is_warned_about_never_passed_in_silence():
    found = findings("ko", "Do not drink alcohol.", "술을 마시지 마세요.")
    [warning] = [
        f
        for f in check_translation(
            [{"key": "d", "title": "Dosing", "body": "Do not drink alcohol."}],
            [{"key": "d", "title": "용량", "body": "술을 마시지 마세요."}],
            language="ko",
        )
        if f.code == "facts-unchecked"
    ]
    assert warning.severity == "warning" and warning.section == ""  # said once, for the whole guide
    for kind in ("negation", "frequency", "threshold", "opposite words"):
        assert kind in warning.message
    assert not [f for f in found if f.severity == "error" and f.code == "facts-mismatch"]


# --- a dose is a dose wherever it stands; a time of day needs a clock form or a part of the day -----------

DOSE_NOT_CLOCK = [
    ("es", "Start at 5 mg a day.", "Empiece con 5 mg al día.", "Empiece a las 5 al día."),
    ("es", "Start at 10 mL.", "Empiece con 10 mL.", "Empiece a las 10 en punto."),
    ("es", "Start at 2 tablets.", "Empiece con 2 comprimidos.", "Empiece a las 2."),
    ("vi", "Start at 5 mg.", "Bắt đầu với 5 mg.", "Bắt đầu lúc 5 giờ."),
    ("en", "Start at 5 mg.", "Start with 5 mg.", "Start at 5 o'clock."),
    ("ar", "Start at 5 mg.", "ابدأ بجرعة 5 ملغ.", "ابدأ في الساعة 5."),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutated"), DOSE_NOT_CLOCK)
def test_a_number_followed_by_a_unit_is_a_dose_not_a_time_of_day(language, source, correct, mutated):
    assert errors(language, source, correct) == []
    assert errors(language, source, mutated)


def test_a_dose_swapped_with_its_frequency_is_an_error_in_grams_too():
    for unit, spanish in (("g", "g"), ("mg", "mg"), ("tablet", "comprimido")):
        found = errors(
            "es",
            f"Take 1 {unit} three times a day.",
            f"Tome 3 {spanish}s una vez al día." if unit == "tablet" else f"Tome 3 {spanish} una vez al día.",
        )
        assert found, unit
    assert errors("es", "Take 1 g three times a day.", "Tome 1 g tres veces al día.") == []


# --- natural text that was a false error (fractions of an hour in words, ranges, counters) -----------------

NATURAL = [
    ("es", "Rest for a quarter of an hour.", "Descanse un cuarto de hora.", "Descanse una hora."),
    ("fr", "Rest for a quarter of an hour.", "Reposez-vous un quart d’heure.", "Reposez-vous une heure."),
    ("ar", "Rest for a quarter of an hour.", "استرح ربع ساعة.", "استرح ساعة."),
    ("de", "Wait a quarter of an hour.", "Warten Sie eine Viertelstunde.", "Warten Sie eine Stunde."),
    ("ru", "Rest for 1.5 hours.", "Отдохните полтора часа.", "Отдохните два часа."),
    ("ru", "Take it for three days.", "Принимайте в течение трёх дней.", "Принимайте в течение четырёх дней."),
    ("fr", "The relief lasts 4 to 8 hours.", "Le soulagement dure de 4 à 8 heures.", "Le soulagement dure de 4 à 9 heures."),
    ("fr", "Take it at 8 pm.", "Prenez-le à 20 heures.", "Prenez-le à 8 heures."),
    ("de", "See a doctor if the pain lasts after 3 days.", "Gehen Sie zum Arzt, wenn die Schmerzen nach 3 Tagen anhalten.",
     "Gehen Sie zum Arzt, wenn die Schmerzen nach 3 Wochen anhalten."),
    ("de", "Avoid alcohol.", "Verzichten Sie auf Alkohol.", "Trinken Sie Alkohol."),
    ("zh-hans", "Take 1 to 2 tablets.", "服用1～2片。", "服用1～3片。"),
    ("ja", "Take 1 to 2 tablets.", "1～2錠を服用してください。", "1～3錠を服用してください。"),
    ("ar", "Take 1 to 2 tablets.", "تناول من قرص إلى قرصين.", "تناول من قرص إلى ثلاثة أقراص."),
    ("ja", "Take 1 tablet 3 times a day.", "1錠を1日3回服用してください。", "1錠を1日2回服用してください。"),
    ("ar", "Take 5 mg at night.", "تناول 5 ملغ ليلًا.", "تناول 5 ملغ صباحًا."),
    ("vi", "Take 5 mg in the evening.", "Uống 5 mg vào buổi tối.", "Uống 5 mg vào buổi sáng."),
    # A count per dose written with its counter word: "1回1錠" is one tablet at a time, "每次1片" too.
    ("ja", "Take 1 tablet 3 times a day.", "1回1錠を1日3回服用してください。", "1回2錠を1日3回服用してください。"),
    ("ja", "Take 1 tablet 3 times a day.", "1回1錠、1日3回服用してください。", "1回1錠、1日2回服用してください。"),
    ("ja", "Take 5 mg three times a day.", "1回5 mgを1日3回服用してください。", "1回5 mgを1日1回服用してください。"),
    ("zh-hans", "Take 2 tablets 3 times a day.", "每次2片，每日3次。", "每次3片，每日3次。"),
    # The opposite words of one sentence trading places, the negation staying where it was.
    ("es", "Take it before meals, not after.", "Tómelo antes de las comidas, no después.", "Tómelo después de las comidas, no antes."),
    ("ja", "Take it before meals, not after.", "食後ではなく食前に服用してください。", "食前ではなく食後に服用してください。"),
    ("vi", "Use ice, not heat, for the first 2 days.", "Hãy chườm đá, không chườm nóng, trong 2 ngày đầu.",
     "Hãy chườm nóng, không chườm đá, trong 2 ngày đầu."),
    # A drug replaced by another that no glossary lists, generic or brand.
    ("es", "Do not take it with ibuprofen.", "No lo tome con ibuprofeno.", "No lo tome con paracetamol."),
    ("vi", "You may take Tylenol for the pain.", "Bạn có thể dùng paracetamol để giảm đau.", "Bạn có thể dùng aspirin để giảm đau."),
    ("fr", "Do not take it with diazepam.", "Ne le prenez pas avec du diazépam.", "Ne le prenez pas avec du lorazépam."),
    ("de", "Take it with tizanidine.", "Nehmen Sie es mit Tizanidin ein.", "Nehmen Sie es mit Baclofen ein."),
    ("ar", "Do not take it with Diazepam.", "لا تتناوله مع Diazepam.", "لا تتناوله مع Lorazepam."),
    # A daily limit "in one day", said "a day" or "in one day" in the translation (a fresh translator's cases).
    ("es", "Do not take more than 30 mg in one day.", "No tome más de 30 mg al día.", "No tome más de 30 mg a la semana."),
    ("es", "Do not take more than 30 mg in one day.", "No tome más de 30 mg en un mismo día.", "No tome más de 40 mg en un mismo día."),
    ("fr", "Do not take more than 30 mg in one day.", "Ne prenez pas plus de 30\u00a0mg par jour.", "Ne prenez pas plus de 30\u00a0mg par semaine."),
    ("de", "Do not take more than 30 mg in one day.", "Nehmen Sie höchstens 30 mg pro Tag ein.", "Nehmen Sie höchstens 30 mg pro Woche ein."),
    ("pt", "Do not take more than 30 mg in one day.", "Não tome mais de 30 mg por dia.", "Não tome mais de 30 mg por semana."),
    ("vi", "Do not take more than 30 mg in one day.", "Không dùng quá 30 mg mỗi ngày.", "Không dùng quá 30 mg mỗi tuần."),
    ("vi", "Do not take more than 30 mg in one day.", "Không dùng quá 30 mg trong một ngày.", "Không dùng quá 50 mg trong một ngày."),
    ("ar", "Do not take more than 30 mg in one day.", "لا تتناول أكثر من 30 ملغ في اليوم.", "لا تتناول أكثر من 30 ملغ في الأسبوع."),
    # Half and quarter hours in words.
    ("it", "Take your first dose about 30 minutes before bedtime.", "Prenda la prima dose circa mezz'ora prima di coricarsi.",
     "Prenda la prima dose circa un'ora prima di coricarsi."),
    ("it", "Apply a warm compress for 15 minutes.", "Applichi un impacco caldo per un quarto d'ora.",
     "Applichi un impacco caldo per mezz'ora."),
    ("pt", "Take your first dose about 30 minutes before bedtime.", "Tome a primeira dose cerca de meia hora antes de deitar.",
     "Tome a primeira dose cerca de uma hora antes de deitar."),
    # Japanese periods and clock times, Russian "в сутки", and counts in languages without a word list.
    ("ja", "Do gentle movements every hour while you are awake.", "起きている間は1時間ごとに軽く体を動かしてください。",
     "起きている間は2時間ごとに軽く体を動かしてください。"),
    ("ja", "Take it at 8 pm.", "午後8時に服用してください。", "午前8時に服用してください。"),
    ("ru", "Take 1 tablet once a day.", "Принимайте по 1 таблетке 1 раз в сутки.", "Принимайте по 1 таблетке 2 раза в сутки."),
    ("tr", "Take 10 mg of Baclofen three times a day.", "Baclofen'i günde üç kez 10 mg alın.", "Baclofen'i günde iki kez 10 mg alın."),
    ("id", "Take 10 mg of Baclofen three times a day.", "Minum 10 mg Baclofen 3 kali sehari.", "Minum 10 mg Baclofen 2 kali sehari."),
    # Thresholds and doses in words the first word lists lacked.
    ("ja", "Call your doctor if your temperature is above 38 °C.", "体温が38℃を超えたら、医師に連絡してください。",
     "体温が38℃を下回ったら、医師に連絡してください。"),
    ("pt", "Baclofen is usually started at a low dose.", "O Baclofen geralmente é iniciado com uma dose baixa.",
     "O Baclofen geralmente é iniciado com uma dose alta."),
    ("it", "Baclofen is usually started at a low dose.", "Il Baclofen di solito si inizia a basso dosaggio.",
     "Il Baclofen di solito si inizia ad alto dosaggio."),
    ("de", "Baclofen is usually started at a low dose.", "Baclofen wird in der Regel niedrig dosiert begonnen.",
     "Baclofen wird in der Regel hoch dosiert begonnen."),
    # "finché non" (until) negates nothing: the prohibition dropped before it is seen.
    ("it", "Do not drive until you know how it affects you.", "Non guidi finché non sa come reagisce al farmaco.",
     "Guidi finché non sa come reagisce al farmaco."),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutated"), NATURAL)
def test_natural_text_is_read_as_a_native_reader_reads_it(language, source, correct, mutated):
    assert errors(language, source, correct) == []
    assert errors(language, source, mutated)


def test_adding_a_language_without_a_word_list_warns_at_start_up(settings):
    from guide_cms.localization.system_checks import check_fact_words

    assert check_fact_words() == []
    settings.LANGUAGES = [*settings.LANGUAGES, ("ko", "Korean")]
    [warning] = check_fact_words()
    assert warning.id == "localization.W001" and "'ko'" in warning.msg
    for kind in FACT_KINDS:
        assert kind in warning.msg


# --- units as every region writes them (CLDR through Babel, every regional locale of the language) --------


@pytest.mark.parametrize(
    ("language", "source", "correct", "mutated"),
    [
        ("es", "Use 5 millilitres.", "Use 5 ml.", "Use 5 l."),
        ("es", "Add 2 litres of water.", "Añada 2 litros de agua.", "Añada 2 mililitros de agua."),
        ("ar", "Use 5 millilitres.", "استخدم 5 مل.", "استخدم 5 لترات."),
        ("zh-hans", "Use 5 millilitres.", "使用5毫升。", "使用5升。"),
        ("vi", "Use 5 millilitres.", "Dùng 5 ml.", "Dùng 5 lít."),
    ],
)
def test_a_unit_spelt_as_another_region_spells_it_is_read(language, source, correct, mutated):
    assert errors(language, source, correct) == []
    assert errors(language, source, mutated)


def test_every_regional_locale_of_a_language_is_read():
    from guide_cms.localization.qa.lexicon import regional_locales

    assert {"en", "en_GB", "en_AU"} <= set(regional_locales("en"))
    assert "zh_Hans_SG" in regional_locales("zh-hans") and "zh_Hant" not in regional_locales("zh-hans")


def test_the_steps_of_a_numbered_list_in_another_order_are_an_error():
    source = "1. Warm the pack before use.\n2. Stop if the skin turns red.\n3. Apply it after the exercises."
    correct = "1. Caliente la compresa antes de usarla.\n2. Deténgase si la piel se enrojece.\n3. Aplíquela después de los ejercicios."
    swapped = "1. Aplíquela después de los ejercicios.\n2. Deténgase si la piel se enrojece.\n3. Caliente la compresa antes de usarla."
    assert errors("es", source, correct) == []
    [finding] = [f for f in errors("es", source, swapped) if f.code == "facts-mismatch"]
    assert "another order" in finding.message and "list item 1" in finding.message
    # A bulleted list may come in another order (the items say the same).
    bullets = source.replace("1. ", "- ").replace("2. ", "- ").replace("3. ", "- ")
    assert not [
        f
        for f in errors("es", bullets, swapped.replace("1. ", "- ").replace("2. ", "- ").replace("3. ", "- "))
        if f.code == "facts-mismatch"
    ]


def test_a_word_list_is_read_once_per_process():
    """Timing lives in the benchmark (QA checks of the demo guide's 10-section sample), not in a test."""
    from guide_cms.localization.qa.facts import fact_lexicon

    assert fact_lexicon("es") is fact_lexicon("es")


@pytest.mark.parametrize(
    ("language", "source", "target", "named"),
    [
        ("es", "Apply a warm compress for 10 minutes.", "Aplique una compresa durante 10 minutos.", "“warm”"),
        ("vi", "Take it before meals.", "Uống thuốc trong bữa ăn.", "“before”"),
        # A drug named in Latin letters, then not, in a Latin-script translation.
        ("es", "Do not take it with ibuprofen.", "No lo tome con otros analgésicos.", "“ibuprofen”"),
    ],
)
def test_an_opposite_word_or_a_drug_left_out_is_a_warning_for_the_reviewer(language, source, target, named):
    """Left out, not reversed: the translation may say it another way ("acute relief" is "alivio inmediato"),
    so the reviewer is told, the translator is not blocked."""
    found = [f for f in findings(language, source, target) if f.code == "facts-mismatch"]

    assert [f.severity for f in found] == ["warning"] and named in found[0].message


def test_acute_and_parts_of_the_day_left_out_are_not_reported():
    assert not [f for f in findings("es", "Take it at bedtime for acute pain.", "Tómelo al acostarse para el dolor.")
                if f.code == "facts-mismatch"]


def test_a_drug_by_another_of_its_names_is_the_same_drug():
    assert errors("es", "You may take Tylenol for the pain.", "Puede tomar paracetamol para el dolor.") == []
    assert errors("es", "Take Baclofen 5 mg.", "Tome baclofeno 5 mg.") == []
    [finding] = errors("es", "Take Baclofen 5 mg.", "Tome Tizanidina 5 mg.")
    assert "another drug" in finding.message and "“Baclofen”" in finding.message and "“Tizanidina”" in finding.message


def test_ordinary_words_that_are_also_brand_names_are_not_drugs():
    from guide_cms.localization.qa.drugs import read_drugs

    # "Siga" (keep on), "Cambia" (changes), "Rufen" (call): brand names elsewhere, words here.
    assert read_drugs("Siga tomándolo. Si el dolor cambia, llame. Rufen Sie an.") == ()
    assert [d.canonical for d in read_drugs("Take Tylenol or paracetamol.")] == ["acetaminophen", "acetaminophen"]


def test_a_translated_drug_name_is_found_declined():
    """Russian declines names: "Баклофена" (genitive) is the approved "Баклофен"; another drug is not."""
    from guide_cms.localization.qa import GlossaryEntry

    def glossary_errors(target):
        return [f for f in check_translation(
            [{"key": "d", "title": "Dosing", "body": "Do not stop taking Baclofen suddenly."}],
            [{"key": "d", "title": "Дозировка", "body": target}], language="ru",
            glossary=[GlossaryEntry("Baclofen", "Баклофен")]) if f.code == "glossary"]

    assert glossary_errors("Не прекращайте приём Баклофена резко.") == []
    assert glossary_errors("Лечение Баклофеном не прекращают резко.") == []
    assert glossary_errors("Не прекращайте приём Диазепама резко.")


def test_numbered_steps_with_doses_in_another_order_are_an_error():
    source = "1. Take 1 tablet with water.\n2. Wait 2 hours.\n3. If the pain is still severe, take 1 more tablet."
    correct = "1. Tome 1 comprimido con agua.\n2. Espere 2 horas.\n3. Si el dolor sigue siendo intenso, tome 1 comprimido más."
    swapped = "1. Espere 2 horas.\n2. Tome 1 comprimido con agua.\n3. Si el dolor sigue siendo intenso, tome 1 comprimido más."
    assert errors("es", source, correct) == []
    [finding] = errors("es", source, swapped)
    assert "another order" in finding.message and "list item 1" in finding.message
    # Bullets listed in another order say the same: the reviewer is told, the translator is not blocked.
    bullets = [text.replace("1. ", "- ").replace("2. ", "- ").replace("3. ", "- ") for text in (source, swapped)]
    assert errors("es", *bullets) == []
