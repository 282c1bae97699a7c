"""Translation quality checks (pure: no ORM, no database).

    findings = check_translation(source_snapshot, target_snapshot, language="es",
                                 glossary=[GlossaryEntry("Diazepam", "Diazepam", do_not_translate=True)])
    if has_errors(findings): ...  # errors block submission; warnings and info do not

Snapshots are dicts {"title", "summary", "sections": [{"key", "title", "body"}]}
(guide_cms.guides.snapshots); every unit of them is checked (guide title and
summary, section titles and bodies). Codes are stable: empty,
invisible-characters, untranslated, markup, callouts-missing,
numbers-mismatch (quantities: numbers with their units), facts-mismatch
(prohibitions, thresholds, opposite words and frequencies in words, sentence
by sentence: qa.facts), facts-unchecked (a language whose clinical word list
lacks a kind of fact: one guide-level warning), glossary,
length-ratio, cut-short, wrong-script, readability, and section-missing / section-extra from
check_translation.
"""
from .checks import (
    CHECKS,
    ERROR,
    INFO,
    WARNING,
    CheckContext,
    Finding,
    GlossaryEntry,
    check,
    check_section,
    check_source,
    check_translation,
    has_errors,
    length_band,
)
from .facts import Fact, FactDifference, Facts, compare_facts, read_facts
from .numbers import read_numbers
from .quantities import Difference, Quantity, compare_quantities, read_quantities
from .readability import GRADE_TARGET, Readability, measure_readability, readability_supported

__all__ = [
    "CHECKS",
    "ERROR",
    "GRADE_TARGET",
    "INFO",
    "WARNING",
    "CheckContext",
    "Difference",
    "Fact",
    "FactDifference",
    "Facts",
    "Finding",
    "GlossaryEntry",
    "Quantity",
    "Readability",
    "check",
    "check_section",
    "check_source",
    "check_translation",
    "compare_facts",
    "compare_quantities",
    "has_errors",
    "length_band",
    "measure_readability",
    "read_facts",
    "read_numbers",
    "read_quantities",
    "readability_supported",
]
