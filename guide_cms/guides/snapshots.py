"""Freezing drafts into a version's snapshot, and the snapshot's content hash.

Snapshots read the explicit per-language columns with modeltranslation
fallbacks off: a missing Spanish text is an empty string here (and an error
at submission), never English.
"""
from __future__ import annotations

from modeltranslation.utils import fallbacks

from guide_cms.core.hashing import sha256_hex
from guide_cms.core.languages import get_language

SNAPSHOT_FORMAT = 1


def build_snapshot(guide, language: str, sections) -> dict:
    """The canonical content of guide in language, from its draft rows."""
    lang = get_language(language)
    with fallbacks(False):
        return {
            "format": SNAPSHOT_FORMAT,
            "guide": guide.slug,
            "language": lang.code,
            "title": getattr(guide, lang.field("title")) or "",
            "summary": getattr(guide, lang.field("summary")) or "",
            "sections": [
                {
                    "key": section.key,
                    "position": section.position,
                    "title": getattr(section, lang.field("title")) or "",
                    "body": (getattr(section, lang.field("body")) or "").replace("\r\n", "\n"),
                }
                for section in sorted(sections, key=lambda s: (s.position, s.key))
            ],
        }


def content_hash(snapshot: dict) -> str:
    """SHA-256 over the NFC, sorted-key JSON form of the snapshot."""
    return sha256_hex(snapshot)


def has_any_text(snapshot: dict) -> bool:
    return bool(snapshot["title"] or any(s["title"] or s["body"] for s in snapshot["sections"]))
