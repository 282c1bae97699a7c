"""Translation quality checks (pure: no ORM, no database).

    findings = check_translation(source_sections, target_sections, language="es",
                                 glossary=[GlossaryEntry("Diazepam", "Diazepam", do_not_translate=True)])
    if has_errors(findings): ...  # errors block submission; warnings and info do not

Sections are dicts {"key", "title", "body"}. Codes are stable: empty,
untranslated, markup, callouts-missing, numbers-mismatch, glossary,
length-ratio, readability, and section-missing / section-extra from
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
from .numbers import compare_numbers, read_numbers
from .readability import GRADE_TARGET, Readability, measure_readability, readability_supported

__all__ = [
    "CHECKS",
    "ERROR",
    "GRADE_TARGET",
    "INFO",
    "WARNING",
    "CheckContext",
    "Finding",
    "GlossaryEntry",
    "Readability",
    "check",
    "check_section",
    "check_source",
    "check_translation",
    "compare_numbers",
    "has_errors",
    "length_band",
    "measure_readability",
    "read_numbers",
    "readability_supported",
]
