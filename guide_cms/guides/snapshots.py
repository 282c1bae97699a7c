"""Freezing drafts into a version's snapshot, and the snapshot's content hash.

Snapshots read the explicit per-language columns with modeltranslation
fallbacks off: a missing Spanish text is an empty string here (and an error
at submission), never English.
"""
from __future__ import annotations

from modeltranslation.utils import fallbacks

from guide_cms.core.hashing import sha256_hex
from guide_cms.core.languages import get_language

from .text_rules import LINE, MARKDOWN, normalise

SNAPSHOT_FORMAT = 1


def build_snapshot(guide, language: str, sections) -> dict:
    """The canonical content of guide in language, from its draft rows."""
    lang = get_language(language)
    with fallbacks(False):
        return {
            "format": SNAPSHOT_FORMAT,
            "guide": guide.slug,
            "language": lang.code,
            # Drafts are stored clean (text_rules); normalising again keeps rows
            # written before those rules from hashing differently from their text.
            "title": normalise(getattr(guide, lang.field("title")), kind=LINE),
            "summary": normalise(getattr(guide, lang.field("summary")), kind=LINE),
            "sections": [
                {
                    "key": section.key,
                    "position": section.position,
                    "title": normalise(getattr(section, lang.field("title")), kind=LINE),
                    "body": normalise(getattr(section, lang.field("body")), kind=MARKDOWN),
                }
                for section in sorted(sections, key=lambda s: (s.position, s.key))
            ],
        }


def content_hash(snapshot: dict) -> str:
    """SHA-256 over the NFC, sorted-key JSON form of the snapshot."""
    return sha256_hex(snapshot)


def has_any_text(snapshot: dict) -> bool:
    return bool(snapshot["title"] or any(s["title"] or s["body"] for s in snapshot["sections"]))
