"""The check registry and the public API's shape."""
import dataclasses

import pytest

from guide_cms.localization import qa
from guide_cms.localization.qa import (
    CHECKS,
    ERROR,
    WARNING,
    Finding,
    GlossaryEntry,
    check,
    check_section,
    check_source,
    has_errors,
)

STABLE_CODES = [
    "empty",
    "invisible-characters",
    "untranslated",
    "markup",
    "callouts-missing",
    "numbers-mismatch",
    "facts-mismatch",
    "glossary",
    "length-ratio",
    "cut-short",
    "wrong-script",
    "readability",
]


def test_every_check_has_a_stable_unique_code():
    assert [fn.code for fn in CHECKS] == STABLE_CODES


def test_findings_and_glossary_entries_are_frozen():
    finding = Finding("empty", ERROR, "k", "m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "x"  # type: ignore[misc]
    assert GlossaryEntry("Diazepam", "Diazepam").do_not_translate is False


def test_only_errors_block_submission():
    assert not has_errors([Finding("length-ratio", WARNING, "k", "m"), Finding("readability", "info", "", "m")])
    assert has_errors([Finding("readability", WARNING, "k", "m"), Finding("empty", ERROR, "k", "m")])
    assert not has_errors([])


def test_a_new_check_is_one_function_added_to_the_list(monkeypatch):
    @check("no-exclamation", fields=("body",))
    def no_exclamation(source, target, ctx):
        if "!" in target.text:
            yield Finding("no-exclamation", WARNING, target.section, "Avoid exclamation marks.", target.field)

    monkeypatch.setattr(qa.checks, "CHECKS", [*CHECKS, no_exclamation])
    source = {"key": "k", "title": "Rest", "body": "Rest well."}
    target = {"key": "k", "title": "Descanso", "body": "¡Descanse bien!"}

    findings = check_section(source, target, source_language="en", language="es", glossary=[])

    assert [(f.code, f.section, f.field) for f in findings] == [("no-exclamation", "k", "body")]


def test_source_checks_are_empty_characters_markup_and_readability_only():
    # Numbers, glossary and callouts compare with a source; a source has none.
    sections = [
        {"key": "a", "title": "", "body": "Take 30 mg."},
        {"key": "b", "title": "B", "body": "<i>x</i>"},
    ]

    findings = check_source(sections, language="en")

    assert [(f.code, f.section) for f in findings] == [("empty", "a"), ("markup", "b")]


def test_sections_without_title_or_body_keys_do_not_crash():
    findings = check_section({"key": "k"}, {"key": "k"}, source_language="en", language="es", glossary=[])

    assert [(f.code, f.section, f.field) for f in findings] == [("empty", "k", "title"), ("empty", "k", "body")]
