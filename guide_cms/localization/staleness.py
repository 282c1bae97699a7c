"""When a translation falls behind its source, and which sections did.

A translation is outdated once a source version classified clinical or
safety is approved after the source version it translates; the sections
marked are those whose source text changed between the two. Editorial
changes leave translations current.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.guides.models import ChangeClass

OUTDATING_CLASSES = frozenset({ChangeClass.CLINICAL, ChangeClass.SAFETY})


class SectionState(models.TextChoices):
    EMPTY = "empty", _("empty")
    TRANSLATED = "translated", _("translated")
    CHANGED = "changed", _("changed since the last version")
    OUTDATED = "outdated", _("outdated")
    # Outdated, and the translator has changed it since its last version: waiting to be submitted.
    UPDATED = "updated", _("updated, not yet submitted")


def outdating_versions(translated_source_number: int | None, approved_source) -> list:
    """Approved source versions after the translated one that outdate translations.

    approved_source: objects with .number and .change_class.
    """
    if translated_source_number is None:
        return []
    return [v for v in approved_source if v.number > translated_source_number and v.change_class in OUTDATING_CLASSES]


def is_outdated(translated_source_number: int | None, approved_source) -> bool:
    return bool(outdating_versions(translated_source_number, approved_source))


def withdrawn_by_safety(translated_source_number: int | None, approved_source) -> bool:
    """A safety change withdraws the published translation until an update is signed."""
    return any(v.change_class == ChangeClass.SAFETY for v in outdating_versions(translated_source_number, approved_source))


def changed_keys(old_sections: list[dict], new_sections: list[dict]) -> set[str]:
    """Keys of sections whose title or body differ, or that are new."""
    old = {s["key"]: (s["title"], s["body"]) for s in old_sections}
    return {s["key"] for s in new_sections if old.get(s["key"]) != (s["title"], s["body"])}


def section_state(*, title: str, body: str, key: str, outdated: set[str], last_version_sections: dict[str, dict] | None) -> SectionState:
    """The state of one section's translation: empty, outdated (or updated since, not yet submitted), changed or translated."""
    if not (title or "").strip() or not (body or "").strip():
        return SectionState.EMPTY
    frozen = last_version_sections.get(key) if last_version_sections is not None else None
    changed = last_version_sections is not None and (frozen is None or (frozen["title"], frozen["body"]) != (title, body))
    if key in outdated:
        return SectionState.UPDATED if changed else SectionState.OUTDATED
    if changed:
        return SectionState.CHANGED
    return SectionState.TRANSLATED
