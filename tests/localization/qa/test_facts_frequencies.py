"""Clinical facts, frequencies in words (every hour, once a day) and doses told from times of day: a changed
frequency is an error.

Each row: a source sentence, a translation as a medical translator would write
it (must pass with no error), and a mutation of that translation (must be an
error that names the sentence)."""
import pytest

from .fact_findings import assert_natural_passes_and_mutation_fails, errors

# (language, source, correct translation, mutated translation)
FREQUENCIES = [
    # --- frequencies in words ------------------------------------------------------------------------
    ("es", "Do the exercises every hour.", "Haga los ejercicios cada hora.", "Haga los ejercicios cada día."),
    ("ar", "Do the exercises every hour.", "قم بالتمارين كل ساعة.", "قم بالتمارين كل يوم."),
    ("zh-hans", "Do the exercises every hour.", "每小时做一次练习。", "每天做一次练习。"),
    ("vi", "Do the exercises every hour.", "Tập các bài tập mỗi giờ.", "Tập các bài tập mỗi ngày."),
    ("fr", "Do the exercises every hour.", "Faites les exercices toutes les heures.", "Faites les exercices tous les jours."),
    ("de", "Do the exercises every hour.", "Machen Sie die Übungen jede Stunde.", "Machen Sie die Übungen jeden Tag."),
    ("es", "Take it once a day.", "Tómelo una vez al día.", "Tómelo dos veces al día."),
    ("vi", "Take it once a day.", "Uống một lần mỗi ngày.", "Uống hai lần mỗi ngày."),
    (
        "es",
        "Take it every day unless your doctor tells you otherwise.",
        "Tómelo todos los días, a menos que su médico le indique lo contrario.",
        "Tómelo todas las semanas, a menos que su médico le indique lo contrario.",
    ),
    ("ru", "Do the exercises every hour.", "Выполняйте упражнения каждый час.", "Выполняйте упражнения каждый день."),
    ("it", "Do the exercises every hour.", "Faccia gli esercizi ogni ora.", "Faccia gli esercizi ogni giorno."),
    ("ja", "You must take it every day.", "毎日服用しなければなりません。", "毎週服用しなければなりません。"),
]


@pytest.mark.parametrize(("language", "source", "correct", "mutated"), FREQUENCIES)
def test_a_natural_translation_passes_and_its_mutation_is_an_error(language, source, correct, mutated):
    assert_natural_passes_and_mutation_fails("frequency", language, source, correct, mutated)


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
