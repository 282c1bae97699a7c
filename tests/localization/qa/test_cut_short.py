"""Text cut short (a file cut off in transfer, a slip in a CAT tool) stops mid-sentence: the cut-short check says where."""
import pytest

from guide_cms.localization.qa import check_translation

SOURCE_BODY = (
    "You can expect quick relief to last 4 to 8 hours.\n\n"
    "> [!WARNING]\n> Do not drive or use machines after the first dose until you know how it affects you."
)
SOURCE = {"title": "Baclofen", "summary": "What to expect.", "sections": [{"key": "relief", "title": "Relief", "body": SOURCE_BODY}]}


def translation(body=None, summary="Qué esperar."):
    body = body if body is not None else (
        "Puede esperar que el alivio rápido dure de 4 a 8 horas.\n\n"
        "> [!WARNING]\n> No conduzca ni use máquinas después de la primera dosis hasta saber cómo le afecta."
    )
    return {"title": "Baclofeno", "summary": summary, "sections": [{"key": "relief", "title": "Alivio", "body": body}]}


def cut_short(target, language="es"):
    return [(f.section, f.field, f.severity, f.message) for f in check_translation(SOURCE, target, language=language) if f.code == "cut-short"]


def test_a_paragraph_cut_between_two_words_is_reported_where_it_stops():
    target = translation("Puede esperar que el alivio rápido dure de 4 a 8 horas, pero la \n\n> [!WARNING]\n> No conduzca ni use "
                         "máquinas después de la primera dosis hasta saber cómo le afecta.")
    assert cut_short(target) == [("relief", "body", "warning",
                                 "Paragraph 1 stops in the middle of a sentence (“…dure de 4 a 8 horas, pero la”), where the source "
                                 "ends with “.”: check that it was not cut short.")]


def test_a_cut_warning_and_a_cut_summary_are_reported_too():
    target = translation("Puede esperar que el alivio rápido dure de 4 a 8 horas.\n\n> [!WARNING]\n> No conduzca después de la", summary="Qué")
    # The warning lost more than half of its text too: an error, not a question.
    assert [(section, field, severity, message.split(" ")[:4]) for section, field, severity, message in cut_short(target)] == [
        ("", "summary", "warning", ["The", "text", "stops", "in"]),
        ("relief", "body", "error", ["The", "warning", "(block", "2)"])]


@pytest.mark.parametrize(("language", "body"), [
    ("es", "Puede esperar que el alivio rápido dure de 4 a 8 horas.\n\n> [!WARNING]\n> No conduzca ni use máquinas después de la "
           "primera dosis hasta saber cómo le afecta."),
    ("es", "¿Alivio? «Dura de 4 a 8 horas.»\n\n> [!WARNING]\n> ¡No conduzca ni use máquinas después de la primera dosis "
           "hasta saber cómo le afecta!"),
    ("zh-hans", "您可以期待快速缓解持续 4 到 8 小时。\n\n> [!WARNING]\n> 首次服药后，在了解药物对您的影响之前，请勿驾驶或操作机器。"),
    ("ar", "يمكنك أن تتوقع أن يستمر الارتياح السريع من 4 إلى 8 ساعات.\n\n> [!WARNING]\n> لا تقد السيارة ولا تستخدم الآلات بعد "
           "الجرعة الأولى حتى تعرف كيف يؤثر عليك."),
])
def test_sentences_ended_with_their_scripts_marks_and_closing_quotes_are_not_reported(language, body):
    assert cut_short(translation(body), language) == []


@pytest.mark.parametrize("warning", [".", "…", "**.**", "Nunca."])  # "-" under the marker reads as a heading: a markup error
def test_a_warning_reduced_to_punctuation_or_a_word_is_an_error(warning):
    body = f"Puede esperar que el alivio rápido dure de 4 a 8 horas.\n\n> [!WARNING]\n> {warning}"
    findings = [f for f in check_translation(SOURCE, translation(body), language="es") if f.code == "cut-short"]
    assert [(f.section, f.severity) for f in findings] == [("relief", "error")]
    assert findings[0].message.startswith("The warning (block 2) ")
    assert ("has no words" in findings[0].message) == (warning != "Nunca.")
    assert ("0.07 times the length of the source" in findings[0].message) == (warning == "Nunca.")


@pytest.mark.parametrize(("language", "cut"), [
    # Half of a warning dropped, in a text too short to have a length ratio of its own: measured against the
    # language pair's usual ratio.
    ("es", "> [!WARNING]\n> No conduzca después de la primera dosis."),
    ("vi", "> [!WARNING]\n> Không lái xe sau liều đầu tiên."),
])
def test_a_warning_cut_in_half_in_a_short_text_is_an_error(language, cut):
    source = {"title": "Baclofen", "summary": "", "sections": [{"key": "w", "title": "Warning", "body": (
        "> [!WARNING]\n> Do not drive or use machines after the first dose until you know how it affects you.")}]}
    target = {"title": "Baclofen", "summary": "", "sections": [{"key": "w", "title": "Advertencia", "body": cut}]}
    assert [f.severity for f in check_translation(source, target, language=language) if f.code == "cut-short"] == ["error"]
