"""Clinical facts, thresholds (above / below, no more than / at least, under / over an age): one reversed is an error.

Each row: a source sentence, a translation as a medical translator would write
it (must pass with no error), and a mutation of that translation (must be an
error that names the sentence)."""
import pytest

from guide_cms.localization.qa.facts import compare_facts, read_facts

from .fact_findings import assert_natural_passes_and_mutation_fails

# (language, source, correct translation, mutated translation)
THRESHOLDS = [
    # --- thresholds --------------------------------------------------------------------------------
    (
        "es",
        "Call us if your temperature is above 38 °C.",
        "Llámenos si su temperatura supera los 38 °C.",
        "Llámenos si su temperatura está por debajo de 38 °C.",
    ),
    (
        "es",
        "Take no more than 8 tablets a day.",
        "No tome más de 8 comprimidos al día.",
        "Tome al menos 8 comprimidos al día.",
    ),
    ("es", "Not for children under 12.", "No apto para menores de 12 años.", "No apto para mayores de 12 años."),
    (
        "ar",
        "Call us if your temperature is above 38 °C.",
        "اتصل بنا إذا كانت حرارتك أعلى من 38 °C.",
        "اتصل بنا إذا كانت حرارتك أقل من 38 °C.",
    ),
    ("ar", "Take no more than 8 tablets a day.", "لا تتناول أكثر من 8 أقراص يوميًا.", "تناول على الأقل 8 أقراص يوميًا."),
    (
        "zh-hans",
        "Call us if your temperature is above 38 °C.",
        "如果体温超过38 °C，请给我们打电话。",
        "如果体温低于38 °C，请给我们打电话。",
    ),
    ("zh-hans", "Take no more than 8 tablets a day.", "每天不超过8片。", "每天至少8片。"),
    (
        "vi",
        "Call us if your temperature is above 38 °C.",
        "Hãy gọi cho chúng tôi nếu nhiệt độ trên 38 °C.",
        "Hãy gọi cho chúng tôi nếu nhiệt độ dưới 38 °C.",
    ),
    ("vi", "Not for children under 12.", "Không dùng cho trẻ dưới 12 tuổi.", "Không dùng cho trẻ trên 12 tuổi."),
    (
        "fr",
        "Take no more than 8 tablets a day.",
        "Ne prenez pas plus de 8 comprimés par jour.",
        "Prenez au moins 8 comprimés par jour.",
    ),
    (
        "de",
        "Call us if your temperature is above 38 °C.",
        "Rufen Sie uns an, wenn Ihre Temperatur über 38 °C liegt.",
        "Rufen Sie uns an, wenn Ihre Temperatur unter 38 °C liegt.",
    ),
    ("zh-hans", "Store below 25 °C.", "请在25 °C以下保存。", "请在25 °C以上保存。"),
    (
        "ar",
        "Not for children under 12.",
        "لا يُعطى للأطفال الذين تقل أعمارهم عن 12 عامًا.",
        "لا يُعطى للأطفال الأكبر من 12 عامًا.",
    ),
    ("zh-hans", "Not for children under 12.", "不满12岁的儿童禁用。", "12岁以上的儿童禁用。"),
    (
        "ru",
        "Children under 12 should not take it.",
        "Детям младше 12 лет принимать нельзя.",
        "Детям старше 12 лет принимать нельзя.",
    ),
    (
        "pt",
        "Call us if your temperature is above 38 °C.",
        "Ligue-nos se a temperatura estiver acima de 38 °C.",
        "Ligue-nos se a temperatura estiver abaixo de 38 °C.",
    ),
    (
        "ja",
        "Call us if your temperature is above 38 °C.",
        "体温が38 °C以上の場合はご連絡ください。",
        "体温が38 °C未満の場合はご連絡ください。",
    ),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutated"), THRESHOLDS)
def test_a_natural_translation_passes_and_its_mutation_is_an_error(language, source, correct, mutated):
    assert_natural_passes_and_mutation_fails("comparator", language, source, correct, mutated)


def test_a_negation_with_its_comparator_is_read_as_the_opposite_threshold():
    # "do not take more than" is "no more than"; "do not stop" is "continue".
    assert compare_facts(read_facts("Take no more than 4 g a day.", "en"), read_facts("No tome más de 4 g al día.", "es")) == []
    assert compare_facts(read_facts("Do not stop taking it.", "en"), read_facts("Siga tomándolo.", "es")) == []
    assert compare_facts(read_facts("Keep taking it.", "en"), read_facts("No deje de tomarlo.", "es")) == []
