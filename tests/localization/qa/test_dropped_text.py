"""Text dropped from one block of a translation: a sentence deleted in a text box, a warning cut to half.

The whole-field length check cannot see it among many blocks; each block is measured against the
translation's own ratio to its source (what every other block of it shows), so a language that is
shorter or longer than English is not suspected for being so.
"""

import pytest

from guide_cms.localization.qa import check_translation, has_errors

from .demo_texts import EXPECT, GLOSSARY, OPTIONS, SELF_CARE, edit, sections

# (language, section, a sentence of a paragraph with several, and (what the warning says, its first half))
DROPS = {
    "es": (
        OPTIONS,
        "Al comparar estos tratamientos, siempre doy prioridad a la honestidad. ",
        (
            "Nunca tome un relajante muscular nuevo antes de su trayecto de la mañana al trabajo ni antes de utilizar maquinaria pesada.",
            "Nunca tome un relajante muscular nuevo antes de salir.",
        ),
    ),
    "ar": (
        OPTIONS,
        "وأحرص دائمًا على الصراحة عند المقارنة بين هذه العلاجات. ",
        (
            "لا تتناول أبدًا مرخيًا عضليًا جديدًا قبل توجّهك إلى العمل صباحًا أو قبل تشغيل الآلات الثقيلة.",
            "لا تتناول أبدًا مرخيًا عضليًا جديدًا صباحًا.",
        ),
    ),
    "zh-hans": (
        OPTIONS,
        "在比较这些治疗方法时，我始终坚持实话实说。",
        ("绝对不要在早上通勤前或操作重型机械前服用新的肌肉松弛剂。", "绝对不要在早上服用新药。"),
    ),
    "vi": (
        OPTIONS,
        "Tôi luôn đặt sự trung thực lên hàng đầu khi so sánh các phương pháp điều trị này. ",
        (
            "Không bao giờ được dùng một loại thuốc giãn cơ mới trước khi đi làm vào buổi sáng hoặc trước khi vận hành máy móc hạng nặng.",
            "Không bao giờ được dùng một loại thuốc giãn cơ mới buổi sáng.",
        ),
    ),
}


def cut_short(language, target):
    return [
        f
        for f in check_translation(sections("en"), target, language=language, glossary=GLOSSARY)
        if f.code == "cut-short" and f.severity == "error"
    ]


@pytest.mark.parametrize("language", sorted(DROPS))
def test_a_sentence_deleted_from_a_paragraph_is_an_error_naming_it(language):
    key, sentence, _half = DROPS[language]
    [finding] = cut_short(language, edit(sections(language), key, sentence, ""))
    assert finding.section == key and "paragraph 1" in finding.message.lower()


@pytest.mark.parametrize("language", sorted(DROPS))
def test_a_warning_cut_to_half_its_length_is_an_error(language):
    _key, _sentence, (warning, half) = DROPS[language]
    [finding] = cut_short(language, edit(sections(language), EXPECT, warning, half))
    assert finding.section == EXPECT and "warning" in finding.message.lower()


@pytest.mark.parametrize("language", sorted(DROPS))
def test_the_demo_translations_lose_nothing(language):
    assert not has_errors(check_translation(sections("en"), sections(language), language=language, glossary=GLOSSARY))
    assert cut_short(language, sections(language)) == []


def test_two_sentences_joined_into_one_are_not_text_lost():
    # A translator may join two short sentences: fewer sentences, but the text is all there.
    target = edit(sections("es"), EXPECT, "Le obliga a descansar. Por eso, le recomiendo", "Le obliga a descansar, así que le recomiendo")
    assert cut_short("es", target) == []
    target = edit(sections("zh-hans"), SELF_CARE, "药物治疗只是成功的一半。在我多年", "药物治疗只是成功的一半；在我多年")
    assert cut_short("zh-hans", target) == []
