"""Clinical facts, languages: every configured language has a word list for every kind of fact, one without is
warned about, units are read as every region of the language writes them."""
import pytest
from django.conf import settings

from guide_cms.localization.qa import check_translation
from guide_cms.localization.qa.facts import FACT_KINDS, missing_fact_kinds

from .fact_findings import errors, findings


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


def test_a_word_list_is_read_once_per_process():
    """Timing lives in the benchmark (QA checks of the demo guide's 10-section sample), not in a test."""
    from guide_cms.localization.qa.facts import fact_lexicon

    assert fact_lexicon("es") is fact_lexicon("es")
