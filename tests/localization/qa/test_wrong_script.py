"""Text pasted from another language's file is found by its letters: the wrong-script check."""
import pytest

from guide_cms.localization.qa import check_translation

SOURCE = {"title": "Baclofen", "summary": "What to expect.", "sections": [
    {"key": "relief", "title": "Relief", "body": "Never take a new muscle relaxant before your morning commute."}]}


def wrong_script(body, language):
    target = {"title": "Baclofen", "summary": {"es": "Qué esperar.", "ar": "ما يمكن توقعه.", "zh-hans": "预期效果。"}[language],
              "sections": [{"key": "relief", "title": {"es": "Alivio", "ar": "الارتياح", "zh-hans": "缓解"}[language], "body": body}]}
    return [(f.section, f.severity, f.message) for f in check_translation(SOURCE, target, language=language) if f.code == "wrong-script"]


@pytest.mark.parametrize(("language", "body", "sample"), [
    ("es", "لا تتناول أبدًا مرخيًا عضليًا جديدًا قبل تنقلك الصباحي.", "لاتتناولأبدً"),
    ("es", "切勿在早上通勤前服用新的肌肉松弛剂。", "切勿在早上通勤前服用新的"),
    ("ar", "切勿在早上通勤前服用新的肌肉松弛剂。", "切勿在早上通勤前服用新的"),
])
def test_letters_of_another_languages_script_are_an_error(language, body, sample):
    ((section, severity, message),) = wrong_script(body, language)
    assert (section, severity) == ("relief", "error") and f"(“{sample}”)" in message and "another language's file" in message


def test_latin_words_alone_in_a_language_not_written_in_latin_letters_are_an_error():
    ((section, severity, message),) = wrong_script("Nunca tome un relajante muscular nuevo antes de ir al trabajo.", "ar")
    assert (section, severity) == ("relief", "error") and "only Latin ones" in message


@pytest.mark.parametrize(("language", "body"), [
    ("es", "Nunca tome un relajante muscular nuevo (p. ej., un β-bloqueante, 5 µg) antes de ir al trabajo."),
    ("ar", "لا تتناول أبدًا Diazepam أو Baclofen جديدًا قبل تنقلك الصباحي."),
    ("zh-hans", "切勿在早上通勤前服用新的 Cyclobenzaprine。"),
])
def test_drug_names_greek_letters_and_units_are_not_another_script(language, body):
    assert wrong_script(body, language) == []
