"""What the translation checks say about a sentence's clinical facts, for the tests of each kind of fact."""
from guide_cms.localization.qa import check_translation

SKIPPED = ("readability", "untranslated", "length-ratio")


def findings(language, source, target):
    return [
        f
        for f in check_translation(
            [{"key": "d", "title": "Dosing", "body": source}], [{"key": "d", "title": "Dosis", "body": target}], language=language
        )
        if f.code not in SKIPPED and f.section == "d" and f.field == "body"
    ]


def errors(language, source, target):
    return [f for f in findings(language, source, target) if f.severity == "error"]


def assert_natural_passes_and_mutation_fails(kind, language, source, correct, mutated):
    """A table row of a kind of fact: the natural translation raises no error, the mutated one at least one."""
    assert errors(language, source, correct) == [], f"a natural {language} translation is refused: {correct}"
    assert errors(language, source, mutated), f"{kind} mutation passed in {language}: {mutated}"
