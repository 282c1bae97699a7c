"""Clinical facts, drug names: a drug by another of its names is the same drug, another drug is an error, ordinary
words that are also brand names are not drugs, a translated name is found declined."""

from guide_cms.localization.qa import check_translation

from .fact_findings import errors


def test_a_drug_by_another_of_its_names_is_the_same_drug():
    assert errors("es", "You may take Tylenol for the pain.", "Puede tomar paracetamol para el dolor.") == []
    assert errors("es", "Take Baclofen 5 mg.", "Tome baclofeno 5 mg.") == []
    [finding] = errors("es", "Take Baclofen 5 mg.", "Tome Tizanidina 5 mg.")
    assert "another drug" in finding.message and "“Baclofen”" in finding.message and "“Tizanidina”" in finding.message


def test_ordinary_words_that_are_also_brand_names_are_not_drugs():
    from guide_cms.localization.qa.drugs import read_drugs

    # "Siga" (keep on), "Cambia" (changes), "Rufen" (call): brand names elsewhere, words here.
    assert read_drugs("Siga tomándolo. Si el dolor cambia, llame. Rufen Sie an.") == ()
    assert [d.canonical for d in read_drugs("Take Tylenol or paracetamol.")] == ["acetaminophen", "acetaminophen"]


def test_a_translated_drug_name_is_found_declined():
    """Russian declines names: "Баклофена" (genitive) is the approved "Баклофен"; another drug is not."""
    from guide_cms.localization.qa import GlossaryEntry

    def glossary_errors(target):
        return [f for f in check_translation(
            [{"key": "d", "title": "Dosing", "body": "Do not stop taking Baclofen suddenly."}],
            [{"key": "d", "title": "Дозировка", "body": target}], language="ru",
            glossary=[GlossaryEntry("Baclofen", "Баклофен")]) if f.code == "glossary"]

    assert glossary_errors("Не прекращайте приём Баклофена резко.") == []
    assert glossary_errors("Лечение Баклофеном не прекращают резко.") == []
    assert glossary_errors("Не прекращайте приём Диазепама резко.")
