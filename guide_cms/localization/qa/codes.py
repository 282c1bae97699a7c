"""What each finding code of the quality checks means, and what to do about it.

For people: the documentation's reference of finding codes is built from this
table (docs/hooks/reference.py), and a test checks that every code the checks
can give is in it. Nothing here changes what a check finds or how severe it is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeMeaning:
    severity: str  # as the check gives it: "error", "warning", "info", or several ("error or warning")
    meaning: str  # what the finding says is wrong
    action: str  # what the translator (or editor) does about it


# Keyed by the stable codes of checks.CHECKS, and check_translation's section-missing / section-extra.
FINDING_CODES: dict[str, CodeMeaning] = {
    "empty": CodeMeaning(
        "error",
        "A title or a section text is empty; or the summary is empty while the source has one.",
        "Translate the empty field.",
    ),
    "invisible-characters": CodeMeaning(
        "error",
        "The text holds a character that makes it print differently from what is checked: a direction override, "
        "an invisible character inside a number or a drug name, a letter that prints like a digit against a number, "
        "or digits the language is not written with (the text rules below list each case).",
        "Delete the character named in the message (it is invisible: retype the number or word around it).",
    ),
    "untranslated": CodeMeaning(
        "error",
        "The field, or a sentence of at least four real words inside it, is still in the source language. "
        "A text made only of numbers, names, units or glossary terms may stay identical.",
        "Translate the field or the sentence quoted in the message.",
    ),
    "markup": CodeMeaning(
        "error",
        "A section text is outside the Markdown subset (raw HTML, an unsafe link, an unknown callout), or a title or summary holds HTML.",
        "Follow the message: keep to paragraphs, emphasis, lists, http/https/mailto links and the two callouts; "
        "titles and the summary are plain text.",
    ),
    "callouts-missing": CodeMeaning(
        "error",
        "The translation does not have the same warnings and tips as the source, in the same order.",
        "Translate every callout as a quote starting with its own line [!WARNING] or [!TIP].",
    ),
    "numbers-mismatch": CodeMeaning(
        "error or warning",
        "A quantity (a number with the unit, time or frequency it measures) differs from the source: "
        "an error when a dose, time or frequency changed, was added, lost its unit or cannot be read for certain; "
        "a warning when the same amount is written in another unit or matching doses come in another order.",
        "Write the quantities the source gives; write in digits a number in words that the message says cannot be read. "
        "A warning is for the reviewer to confirm.",
    ),
    "facts-mismatch": CodeMeaning(
        "error or warning",
        "A sentence tells the patient something else than its source: an error when a prohibition or negation was "
        "dropped or added, a threshold turned round (above/below, at least/no more than), an opposite word used "
        "(warm/cool, before/after, morning/evening...), a frequency in words changed, or numbered steps reordered; "
        "a warning when a threshold is not found or there are fewer negations than in the source.",
        "Say what the source tells the patient to do, with its negations, limits and words of time; the finding "
        "quotes both sentences. A warning is for the reviewer to confirm.",
    ),
    "facts-unchecked": CodeMeaning(
        "warning",
        "The language's clinical word list (qa/clinical_facts.toml) lacks a kind of fact, named: those facts are "
        "not compared in this language.",
        "The reviewer checks those facts by reading; an administrator has the word list completed by a native "
        "clinical translator (docs: Add a language).",
    ),
    "glossary": CodeMeaning(
        "error",
        "A glossary term (a drug name) of the source is not in the translation in its approved form "
        "(or unchanged, for a do-not-translate term, which applies to every language), in any case.",
        "Use the approved form listed under Glossary terms for your language.",
    ),
    "length-ratio": CodeMeaning(
        "warning",
        "A summary or section text is much shorter or longer than its source (outside the band expected "
        "for the two languages): text may have been dropped or added.",
        "Compare with the source sentence by sentence; the reviewer sees the warning.",
    ),
    "cut-short": CodeMeaning(
        "error or warning",
        "A paragraph, list item, callout or the summary lost its text: an error when it has no words, is a "
        "small fraction of its source's length, or is much shorter than the translation's own ratio to its source "
        "predicts (a sentence deleted, a warning cut to half); a warning when it stops mid-sentence where its source ends one "
        "(as text cut off in transfer does).",
        "Restore the missing end of the text.",
    ),
    "wrong-script": CodeMeaning(
        "error",
        "The text holds letters of a script the language is not written in (Arabic or Chinese pasted into Spanish), "
        "or, in a language not written in Latin letters, a block of Latin words only. Drug names, Greek β and µ are fine.",
        "Replace the pasted text with the translation in the right language.",
    ),
    "readability": CodeMeaning(
        "warning or info",
        "A warning when the text reads above grade 8 (English: Flesch–Kincaid; Spanish: Fernández Huerta); "
        'info when the language has no formula (Arabic, Chinese, Vietnamese: "not available").',
        "Use shorter sentences and simpler words where you can; nothing blocks submission.",
    ),
    "section-missing": CodeMeaning(
        "error",
        "A section of the source has no counterpart in the translation.",
        "Translate the section.",
    ),
    "section-extra": CodeMeaning(
        "warning",
        "The translation has a section the source does not have.",
        "Tell the editor; the reviewer sees the warning.",
    ),
}
