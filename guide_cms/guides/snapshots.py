"""Freezing drafts into a version's snapshot, and the snapshot's content hash.

Snapshots read the explicit per-language columns with modeltranslation
fallbacks off: a missing Spanish text is an empty string here (and an error
at submission), never English.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

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
            # The address it is published at: a new slug awaiting approval is signed with the text.
            "guide": guide.slug_requested or guide.slug,
            "language": lang.code,
            # Drafts are stored clean (text_rules); normalising again keeps rows
            # written before those rules from hashing differently from their text.
            "title": normalise(getattr(guide, lang.field("title")), kind=LINE),
            "summary": normalise(getattr(guide, lang.field("summary")), kind=LINE),
            # The settings that decide how the version is signed and when it is due again: signed with the text,
            # shown in the review diff, and in force for the next versions only once this one is approved.
            "settings": settings_of(guide),
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


def settings_of(guide) -> dict:
    """{"safety_critical": bool, "review_interval_months": int}: the guide's sign-off settings as a version freezes them
    (the slug is the snapshot's "guide")."""
    return {"safety_critical": bool(guide.safety_critical), "review_interval_months": int(guide.review_interval_months)}


def content_hash(snapshot: dict) -> str:
    """SHA-256 over the NFC, sorted-key JSON form of the snapshot."""
    return sha256_hex(snapshot)


def has_any_text(snapshot: dict) -> bool:
    return bool(snapshot["title"] or any(s["title"] or s["body"] for s in snapshot["sections"]))


@dataclass(frozen=True)
class DraftFacts:
    """What a state needs of a draft: whether it has any text, and its content hash."""

    has_text: bool
    content_hash: str


# Normalising and hashing every draft of a page of guides in every language was most of the
# page's time; the facts are kept by a digest of the draft's raw columns instead (a few bytes each).
_DRAFT_FACTS: OrderedDict = OrderedDict()
_DRAFT_FACTS_KEPT = 20_000


def draft_facts(guide, language: str, sections) -> DraftFacts:
    """has_any_text and content_hash of build_snapshot(guide, language, sections), computed once
    per distinct draft: any change to a column read by build_snapshot gives another digest."""
    lang = get_language(language)
    digest = hashlib.blake2b(digest_size=32)
    with fallbacks(False):
        parts = [guide.slug, lang.code, getattr(guide, lang.field("title")), getattr(guide, lang.field("summary")),
                 str(bool(guide.safety_critical)), str(guide.review_interval_months)]
        for section in sorted(sections, key=lambda s: (s.position, s.key)):
            parts += [section.key, str(section.position), getattr(section, lang.field("title")), getattr(section, lang.field("body"))]
    for part in parts:
        data = b"\xff" if part is None else part.encode("utf-8")  # None is not "" (0xff is never UTF-8)
        digest.update(len(data).to_bytes(8, "big") + data)
    key = digest.digest()
    facts = _DRAFT_FACTS.get(key)
    if facts is None:
        snapshot = build_snapshot(guide, language, sections)
        facts = _DRAFT_FACTS[key] = DraftFacts(has_any_text(snapshot), content_hash(snapshot))
        if len(_DRAFT_FACTS) > _DRAFT_FACTS_KEPT:
            _DRAFT_FACTS.popitem(last=False)
    else:
        _DRAFT_FACTS.move_to_end(key)
    return facts
