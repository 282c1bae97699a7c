"""Clinical facts, opposite words (stop / keep taking, warm / cool, before / after, lowest / highest, morning /
night, acute / chronic): one turned into its opposite is an error; one left out is a warning.

Each row: a source sentence, a translation as a medical translator would write
it (must pass with no error), and a mutation of that translation (must be an
error that names the sentence)."""
import pytest

from .fact_findings import assert_natural_passes_and_mutation_fails, findings

# (language, source, correct translation, mutated translation)
OPPOSITE_WORDS = [
    # --- stop / keep taking -----------------------------------------------------------------------
    (
        "es",
        "Stop taking it if you get a rash.",
        "Deje de tomarlo si le aparece un sarpullido.",
        "Siga tomándolo si le aparece un sarpullido.",
    ),
    ("es", "Do not stop taking it suddenly.", "No deje de tomarlo de golpe.", "Deje de tomarlo de golpe."),
    (
        "ar",
        "Stop taking it if you get a rash.",
        "توقف عن تناوله إذا ظهر لديك طفح جلدي.",
        "استمر في تناوله إذا ظهر لديك طفح جلدي.",
    ),
    ("zh-hans", "Stop taking it if you get a rash.", "如果出现皮疹，请停止服用。", "如果出现皮疹，请继续服用。"),
    (
        "vi",
        "Stop taking it if you get a rash.",
        "Ngừng dùng thuốc nếu bạn bị phát ban.",
        "Tiếp tục dùng thuốc nếu bạn bị phát ban.",
    ),
    (
        "fr",
        "Stop taking it if you get a rash.",
        "Arrêtez de le prendre si une éruption apparaît.",
        "Continuez de le prendre si une éruption apparaît.",
    ),
    # --- warm / cool --------------------------------------------------------------------------------
    (
        "es",
        "Apply a warm compress for 10 minutes.",
        "Aplique una compresa tibia durante 10 minutos.",
        "Aplique una compresa fría durante 10 minutos.",
    ),
    ("ar", "Apply a warm compress for 10 minutes.", "ضع كمادة دافئة لمدة 10 دقائق.", "ضع كمادة باردة لمدة 10 دقائق."),
    ("zh-hans", "Apply a warm compress for 10 minutes.", "用温热的毛巾敷10分钟。", "用冰冷的毛巾敷10分钟。"),
    ("vi", "Apply a warm compress for 10 minutes.", "Chườm ấm trong 10 phút.", "Chườm lạnh trong 10 phút."),
    (
        "de",
        "Apply a warm compress for 10 minutes.",
        "Legen Sie 10 Minuten lang eine warme Kompresse auf.",
        "Legen Sie 10 Minuten lang eine kalte Kompresse auf.",
    ),
    # --- before / after -----------------------------------------------------------------------------
    (
        "es",
        "Take it 30 minutes before breakfast.",
        "Tómelo 30 minutos antes del desayuno.",
        "Tómelo 30 minutos después del desayuno.",
    ),
    ("ar", "Take it 30 minutes before breakfast.", "تناوله قبل الإفطار بـ 30 دقيقة.", "تناوله بعد الإفطار بـ 30 دقيقة."),
    ("zh-hans", "Take it 30 minutes before breakfast.", "早餐前30分钟服用。", "早餐后30分钟服用。"),
    ("vi", "Take it 30 minutes before breakfast.", "Uống thuốc 30 phút trước bữa sáng.", "Uống thuốc 30 phút sau bữa sáng."),
    (
        "fr",
        "Take it 30 minutes before breakfast.",
        "Prenez-le 30 minutes avant le petit-déjeuner.",
        "Prenez-le 30 minutes après le petit-déjeuner.",
    ),
    # --- lowest / highest, increase / decrease ------------------------------------------------------
    ("es", "Start with the lowest dose.", "Empiece con la dosis más baja.", "Empiece con la dosis más alta."),
    ("ar", "Start with the lowest dose.", "ابدأ بأقل جرعة.", "ابدأ بأعلى جرعة."),
    ("zh-hans", "Start with the lowest dose.", "从最低剂量开始。", "从最高剂量开始。"),
    ("vi", "Start with the lowest dose.", "Bắt đầu với liều thấp nhất.", "Bắt đầu với liều cao nhất."),
    ("es", "Your doctor may reduce the dose.", "Su médico puede reducir la dosis.", "Su médico puede aumentar la dosis."),
    ("zh-hans", "Your doctor may reduce the dose.", "医生可能会减少剂量。", "医生可能会增加剂量。"),
    # --- morning / night, acute / chronic -----------------------------------------------------------
    ("es", "Take it in the morning.", "Tómelo por la mañana.", "Tómelo por la noche."),
    ("ar", "Take it in the morning.", "تناوله في الصباح.", "تناوله في المساء."),
    ("zh-hans", "Take it in the morning.", "早上服用。", "晚上服用。"),
    ("vi", "Take it in the morning.", "Uống thuốc vào buổi sáng.", "Uống thuốc vào buổi tối."),
    ("es", "It is used for acute pain.", "Se usa para el dolor agudo.", "Se usa para el dolor crónico."),
    ("zh-hans", "It is used for acute pain.", "用于急性疼痛。", "用于慢性疼痛。"),
    ("vi", "It is used for acute pain.", "Thuốc dùng cho đau cấp tính.", "Thuốc dùng cho đau mạn tính."),
    ("ar", "It is used for acute pain.", "يستخدم للألم الحاد.", "يستخدم للألم المزمن."),
    (
        "es",
        "Do not lie down for 30 minutes after taking them.",
        "No se acueste durante los 30 minutos siguientes a tomarlos.",
        "No se acueste durante los 30 minutos anteriores a tomarlos.",
    ),
    ("es", "Stop if the skin turns red.", "Deténgase si la piel se enrojece.", "Continúe si la piel se enrojece."),
    ("ar", "You should not stop taking it suddenly.", "لا ينبغي أن تتوقف عن تناوله فجأة.", "ينبغي أن تتوقف عن تناوله فجأة."),
    ("zh-hans", "Take it at night.", "晚间服用。", "早晨服用。"),
    ("ru", "Keep the medicine in a cool place.", "Храните препарат в прохладном месте.", "Храните препарат в тёплом месте."),
    (
        "pt",
        "Take the tablet after breakfast.",
        "Tome o comprimido depois do pequeno-almoço.",
        "Tome o comprimido antes do pequeno-almoço.",
    ),
    ("de", "Take it in the morning.", "Nehmen Sie es morgens ein.", "Nehmen Sie es abends ein."),
    ("ja", "Take the tablet after breakfast.", "朝食後に錠剤を服用してください。", "朝食前に錠剤を服用してください。"),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutated"), OPPOSITE_WORDS)
def test_a_natural_translation_passes_and_its_mutation_is_an_error(language, source, correct, mutated):
    assert_natural_passes_and_mutation_fails("polarity", language, source, correct, mutated)


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
