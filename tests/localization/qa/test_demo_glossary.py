"""The translation checks against the real demo guide, glossary: a drug name dropped, adapted or translated other
than as approved is an error."""
import pytest

from guide_cms.localization.qa import GlossaryEntry, has_errors

from .demo_texts import GLOSSARY, OPTIONS, SELF_CARE, edit, errors, only, run, section, sections


def test_dropped_drug_name_in_vietnamese_is_a_glossary_error():
    # The translator wrote "this medicine" instead of the drug name, twice.
    target = edit(sections("vi"), OPTIONS, "Baclofen", "thuốc này", count=2)

    findings = run("vi", target)

    assert errors(findings) == [("glossary", OPTIONS)]
    message = only(findings, "glossary")[0].message
    assert '"Baclofen"' in message and "unchanged" in message


def test_do_not_translate_drug_name_adapted_to_spanish_is_a_glossary_error():
    target = edit(sections("es"), OPTIONS, "Baclofen", "baclofeno", count=2)

    assert errors(run("es", target)) == [("glossary", OPTIONS)]


def test_do_not_translate_term_matches_in_any_case():
    # A drug name in lower case is the same drug (issue: a lowercase drug name was reported missing).
    target = edit(sections("vi"), OPTIONS, "Diazepam", "diazepam")

    assert not has_errors(run("vi", target))
    swapped = edit(sections("vi"), OPTIONS, "Diazepam", "baclofen")
    # Named twice: the do-not-translate term is missing, and the sentence names another drug.
    assert sorted(errors(run("vi", swapped))) == [("facts-mismatch", OPTIONS), ("glossary", OPTIONS)]


def test_drug_name_glued_to_chinese_text_still_counts():
    target = edit(sections("zh-hans"), OPTIONS, "短期使用 Diazepam。", "短期使用Diazepam。")

    assert not has_errors(run("zh-hans", target))


@pytest.mark.parametrize(
    ("language", "approved"),
    [("es", "espasticidad"), ("zh-hans", "痉挛状态"), ("ar", "التيبّس العضلي التشنجي"), ("vi", "co cứng cơ")],
)
def test_approved_glossary_translation_passes(language, approved):
    glossary = [*GLOSSARY, GlossaryEntry("spasticity", approved)]

    assert not has_errors(run(language, sections(language), glossary))


def test_unapproved_translation_of_a_glossary_term_is_an_error():
    glossary = [*GLOSSARY, GlossaryEntry("spasticity", "espasticidad")]
    target = edit(sections("es"), OPTIONS, "causan espasticidad", "causan rigidez")

    findings = run("es", target, glossary)

    assert errors(findings) == [("glossary", OPTIONS)]
    assert '"spasticity"' in only(findings, "glossary")[0].message
    assert '"espasticidad"' in only(findings, "glossary")[0].message


def test_glossary_term_absent_from_the_source_section_is_not_required():
    glossary = [*GLOSSARY, GlossaryEntry("spasticity", "espasticidad")]
    target = sections("es")

    findings = run("es", target, glossary)

    assert not [f for f in findings if f.code == "glossary"]
    assert "espasticidad" not in section(target, SELF_CARE)["body"]
