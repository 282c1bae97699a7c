"""Clinical facts, negations: a prohibition dropped or added is an error, in every language.

Each row: a source sentence, a translation as a medical translator would write
it (must pass with no error), and a mutation of that translation (must be an
error that names the sentence)."""
import pytest

from .fact_findings import assert_natural_passes_and_mutation_fails, errors

# (language, source, correct translation, mutated translation)
NEGATIONS = [
    # --- prohibitions and negations dropped or added ---------------------------------------------
    (
        "es",
        "Do not drink alcohol while you take this medicine.",
        "No beba alcohol mientras tome este medicamento.",
        "Beba alcohol mientras tome este medicamento.",
    ),
    ("es", "Take it with a glass of water.", "Tómelo con un vaso de agua.", "No lo tome con un vaso de agua."),
    ("es", "Never give aspirin to children.", "No dé nunca aspirina a los niños.", "Dé aspirina a los niños."),
    (
        "ar",
        "Do not drink alcohol while you take this medicine.",
        "لا تشرب الكحول أثناء تناول هذا الدواء.",
        "اشرب الكحول أثناء تناول هذا الدواء.",
    ),
    ("ar", "Avoid driving after the first dose.", "تجنب القيادة بعد الجرعة الأولى.", "يمكنك القيادة بعد الجرعة الأولى."),
    ("zh-hans", "Do not drink alcohol while you take this medicine.", "服用本药期间不要饮酒。", "服用本药期间要饮酒。"),
    ("zh-hans", "Never give aspirin to children.", "切勿给儿童服用阿司匹林。", "给儿童服用阿司匹林。"),
    (
        "vi",
        "Do not drink alcohol while you take this medicine.",
        "Không uống rượu trong thời gian dùng thuốc này.",
        "Uống rượu trong thời gian dùng thuốc này.",
    ),
    ("vi", "Take it with a glass of water.", "Uống thuốc với một cốc nước.", "Đừng uống thuốc với một cốc nước."),
    (
        "fr",
        "Do not drink alcohol while you take this medicine.",
        "Ne buvez pas d'alcool pendant le traitement.",
        "Buvez de l'alcool pendant le traitement.",
    ),
    (
        "de",
        "Do not drink alcohol while you take this medicine.",
        "Trinken Sie keinen Alkohol, solange Sie dieses Arzneimittel einnehmen.",
        "Trinken Sie Alkohol, solange Sie dieses Arzneimittel einnehmen.",
    ),
    (
        "fr",
        "Only use it on the affected skin.",
        "Ne l'utilisez que sur la peau atteinte.",
        "Ne l'utilisez pas sur la peau atteinte.",
    ),
    ("zh-hans", "This medicine is contraindicated in pregnancy.", "孕妇禁用本药。", "孕妇可用本药。"),
    (
        "vi",
        "This medicine is contraindicated in pregnancy.",
        "Thuốc này chống chỉ định cho phụ nữ có thai.",
        "Thuốc này dùng được cho phụ nữ có thai.",
    ),
    (
        "es",
        "Ask your pharmacist if you are not sure.",
        "Consulte a su farmacéutico si tiene dudas.",
        "No consulte a su farmacéutico si tiene dudas.",
    ),
    # --- languages added beyond the demo's ----------------------------------------------------------
    (
        "ru",
        "Do not drink alcohol while you take this medicine.",
        "Не употребляйте алкоголь во время приёма этого препарата.",
        "Употребляйте алкоголь во время приёма этого препарата.",
    ),
    (
        "it",
        "Do not drink alcohol while you take this medicine.",
        "Non beva alcolici durante il trattamento.",
        "Beva alcolici durante il trattamento.",
    ),
    (
        "ja",
        "Do not drink alcohol while you take this medicine.",
        "この薬を服用している間は、お酒を飲まないでください。",
        "この薬を服用している間は、お酒を飲んでください。",
    ),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutated"), NEGATIONS)
def test_a_natural_translation_passes_and_its_mutation_is_an_error(language, source, correct, mutated):
    assert_natural_passes_and_mutation_fails("negation", language, source, correct, mutated)


def test_the_error_names_the_sentence_and_both_sides():
    source = "Rest well. Do not drink alcohol while you take this medicine."
    target = "Descanse bien. Beba alcohol mientras tome este medicamento."
    [finding] = [f for f in errors("es", source, target) if f.code == "facts-mismatch"]
    assert "sentence 2" in finding.message
    assert "“Do not”" in finding.message and "Beba alcohol mientras tome este medicamento." in finding.message
