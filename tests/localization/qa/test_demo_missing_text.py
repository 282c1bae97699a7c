"""The translation checks against the real demo guide, text left untranslated, empty or missing: an error for
each, once."""

from guide_cms.localization.qa import WARNING, check_translation, has_errors

from .demo_texts import EXPECT, GLOSSARY, OPTIONS, SELF_CARE, edit, errors, only, run, sections


def test_english_sentence_left_untranslated_inside_spanish_is_an_error():
    target = edit(
        sections("es"),
        EXPECT,
        "Le obliga a descansar.",
        "It forces you to rest. For this reason, I strongly advise taking your first dose about 30 minutes before bedtime.",
    )
    edit(target, EXPECT, "Por eso, le recomiendo encarecidamente tomar la primera dosis unos 30 minutos antes de acostarse.", "")

    findings = run("es", target)

    # One finding per English sentence, each quoting it (and the English "30 minutes" is no Spanish quantity).
    assert [e for e in errors(findings) if e[0] == "untranslated"] == [("untranslated", EXPECT), ("untranslated", EXPECT)]
    first, second = [f.message for f in only(findings, "untranslated")]
    assert first == 'A sentence is still in the source language: "It forces you to rest."'
    assert second.startswith('A sentence is still in the source language: "For this reason, I strongly advise')


def test_section_left_in_english_is_an_error():
    target = sections("vi")
    target[2]["body"] = sections("en")[2]["body"]

    findings = run("vi", target)

    assert ("untranslated", SELF_CARE) in errors(findings)
    assert only(findings, "untranslated")[0].message.startswith("The section text is identical")


def test_section_of_only_names_and_numbers_may_stay_identical():
    source = [{"key": "contact", "title": "Contact", "body": "Dr Jane Smith, 020 7946 0000\n\nBaclofen 10 mg"}]
    target = [{"key": "contact", "title": "Contacto", "body": "Dr Jane Smith, 020 7946 0000\n\nBaclofen 10 mg"}]

    assert not has_errors(check_translation(source, target, language="es", glossary=GLOSSARY))


def test_empty_section_is_one_error_not_a_cascade():
    target = sections("vi")
    target[1]["body"] = "  \n"

    findings = run("vi", target)

    assert errors(findings) == [("empty", EXPECT)]


def test_empty_title_is_an_error():
    target = sections("ar")
    target[0]["title"] = " "

    assert errors(run("ar", target)) == [("empty", OPTIONS)]


def test_section_missing_from_the_translation_is_an_error():
    target = [s for s in sections("zh-hans") if s["key"] != SELF_CARE]

    assert errors(run("zh-hans", target)) == [("section-missing", SELF_CARE)]


def test_section_the_source_does_not_have_is_a_warning():
    target = [*sections("es"), {"key": "old-section", "title": "Antiguo", "body": "Texto antiguo."}]

    findings = run("es", target)

    assert not has_errors(findings)
    assert [(f.code, f.severity, f.section) for f in only(findings, "section-extra")] == [
        ("section-extra", WARNING, "old-section")
    ]
