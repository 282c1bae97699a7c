"""Clinical facts in natural text: what a native writer writes (fractions of an hour in words, ranges, counters,
paraphrases) is read as a native reader reads it, and its mutation is still an error."""
import pytest

from .fact_findings import errors


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
