"""The translation checks against the real demo guide, callouts: a warning dropped, turned into a tip, translated
or moved is an error."""

from guide_cms.localization.qa import check_translation

from .demo_texts import EXPECT, GLOSSARY, SELF_CARE, edit, errors, only, run, sections


def test_missing_warning_callout_in_arabic_is_an_error():
    # The warning became an ordinary paragraph.
    target = edit(sections("ar"), EXPECT, "> [!WARNING]\n> لا تتناول", "لا تتناول")

    findings = run("ar", target)

    assert errors(findings) == [("callouts-missing", EXPECT)]
    assert "[!WARNING]" in only(findings, "callouts-missing")[0].message


def test_warning_translated_as_a_tip_is_an_error():
    target = edit(sections("es"), EXPECT, "> [!WARNING]", "> [!TIP]")

    findings = run("es", target)

    assert errors(findings) == [("callouts-missing", EXPECT), ("callouts-missing", EXPECT)]
    messages = " ".join(f.message for f in findings if f.code == "callouts-missing")
    assert "[!WARNING] callout is missing" in messages and "extra [!TIP]" in messages


def test_marker_translated_by_mistake_is_a_markup_and_callout_error():
    target = edit(sections("es"), SELF_CARE, "> [!TIP]", "> [!CONSEJO]")

    assert set(errors(run("es", target))) == {("markup", SELF_CARE), ("callouts-missing", SELF_CARE)}


def test_callouts_swapped_within_a_section_are_an_error():
    source = sections("en")
    source[1]["body"] += "\n\n> [!TIP]\n> Set an alarm."
    target = sections("es")
    target[1]["body"] = target[1]["body"].replace("> [!WARNING]", "> [!TIP]", 1) + "\n\n> [!WARNING]\n> Ponga una alarma."

    findings = check_translation(source, target, language="es", glossary=GLOSSARY)

    assert errors(findings) == [("callouts-missing", EXPECT)]
    assert "different order" in only(findings, "callouts-missing")[0].message
