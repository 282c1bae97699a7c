"""The translation checks against the real demo guide: the correct translations are never blocked, every mistake
made at once is caught with its code and section."""
import pytest

from guide_cms.localization.qa import ERROR, WARNING, check_section, check_source, has_errors

from .demo_texts import EXPECT, GLOSSARY, OPTIONS, SELF_CARE, TRANSLATIONS, edit, errors, run, sections


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_correct_demo_translations_have_no_errors(language):
    findings = run(language, sections(language))

    assert not has_errors(findings), findings
    # Nothing to warn about but readability (the Spanish text is long-winded in places).
    assert {f.code for f in findings if f.severity != ERROR} <= {"readability"}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_correct_demo_sections_pass_one_by_one(language):
    for source, target in zip(sections("en"), sections(language), strict=True):
        findings = check_section(source, target, source_language="en", language=language, glossary=GLOSSARY)
        assert not has_errors(findings), findings


def test_english_source_passes_source_checks_with_readability_warnings_only():
    findings = check_source(sections("en"), language="en")

    assert not has_errors(findings)
    assert {f.code for f in findings} == {"readability"}
    assert all(f.severity == WARNING and "grade" in f.message for f in findings)


def test_every_mistake_at_once_is_caught_with_its_code_and_section():
    target = sections("es")
    edit(target, OPTIONS, "Baclofen", "baclofeno", count=2)
    edit(target, EXPECT, "unos 30 minutos", "unos 45 minutos")
    edit(target, EXPECT, "> [!WARNING]\n> Nunca", "Nunca")
    edit(target, SELF_CARE, "durante 15 minutos", "durante <b>15</b> minutos")

    assert sorted(errors(run("es", target))) == sorted(
        [
            ("glossary", OPTIONS),
            ("numbers-mismatch", EXPECT),
            ("callouts-missing", EXPECT),
            ("markup", SELF_CARE),
        ]
    )
