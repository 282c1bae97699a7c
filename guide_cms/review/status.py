"""The state of a guide in each language, derived from its drafts and versions.

Pure: the selectors load rows in a fixed number of queries and hand them here.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guide_cms.guides.models import VersionStatus
from guide_cms.localization.staleness import is_outdated


class LanguageState(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")
    OUTDATED = "outdated", _("outdated")


@dataclass(frozen=True)
class VersionRow:
    """The few fields of a version that states are computed from."""

    number: int
    status: str
    content_hash: str
    source_number: int | None = None
    change_class: str = ""


@dataclass(frozen=True)
class LanguageStatus:
    language: str
    state: LanguageState
    changed_since_submitted: bool = False
    latest_number: int | None = None
    approved_number: int | None = None
    published_number: int | None = None  # the version live on the channels (not withdrawn), if any
    # Live publications the channels' files do not carry as published (publishing says which).
    export_problems: tuple[str, ...] = ()
    # The source text has an approved version (always true of the source language itself).
    source_approved: bool = True

    @property
    def has_something_to_submit(self) -> bool:
        """Whether submitting could freeze anything new: text never submitted, text changed since
        the last version, or an outdated translation to submit against the newer source.
        (review.services.version_submit decides; this only spares people a link that can only be refused.)"""
        if not self.source_approved or self.state == LanguageState.NOT_STARTED:
            return False
        return self.state in (LanguageState.DRAFT, LanguageState.OUTDATED) or self.changed_since_submitted

    @property
    def live_and_outdated(self) -> bool:
        """An outdated translation that patients still read (with a notice that it is being updated)."""
        return self.state == LanguageState.OUTDATED and self.published_number is not None

    @property
    def live_number(self) -> int | None:
        """The live version's number when the state names another one (approved v2 while v1 is live:
        not yet published, or rolled back); None otherwise."""
        if self.published_number is None or self.state == LanguageState.PUBLISHED or self.live_and_outdated:
            return None
        return self.published_number if self.published_number != self.latest_number else None

    @property
    def label(self) -> str:
        if self.live_and_outdated:
            return gettext("published v%(number)d · outdated") % {"number": self.published_number}
        text = str(self.state.label)
        if self.latest_number:
            text += f" (v{self.latest_number})"
        return text

    @property
    def short_label(self) -> str:
        """For a terminal table: "approved v2", "published v1 · outdated", and what is live when that is
        not the version named: "approved v2 · v1 live" (before v2 is published, or after a rollback)."""
        if self.live_and_outdated:
            return f"published v{self.published_number} · outdated"
        text = self.state.value.replace("_", " ")
        text = f"{text} v{self.latest_number}" if self.latest_number else text
        return f"{text} · v{self.live_number} live" if self.live_number else text


def language_status(
    *, language: str, is_source: bool, has_text: bool, draft_hash: str, versions: list[VersionRow], approved_source: list[VersionRow],
    published_number: int | None = None, export_problems: tuple[str, ...] = (),
) -> LanguageStatus:
    """State of one guide in one language; versions newest first."""
    source_approved = is_source or bool(approved_source)
    if not versions:
        return LanguageStatus(
            language, LanguageState.DRAFT if has_text else LanguageState.NOT_STARTED,
            published_number=published_number, export_problems=tuple(export_problems), source_approved=source_approved,
        )
    latest = versions[0]
    approved = next((v for v in versions if v.status == VersionStatus.APPROVED), None)
    changed = draft_hash != latest.content_hash
    common = dict(
        changed_since_submitted=changed, latest_number=latest.number, approved_number=approved.number if approved else None,
        published_number=published_number, export_problems=tuple(export_problems), source_approved=source_approved,
    )
    if latest.status == VersionStatus.IN_REVIEW:
        state = LanguageState.IN_REVIEW
    elif latest.status == VersionStatus.CHANGES_REQUESTED:
        state = LanguageState.CHANGES_REQUESTED
    elif not is_source and is_outdated(latest.source_number, approved_source):
        state = LanguageState.OUTDATED
    elif approved is not None and published_number == approved.number:
        state = LanguageState.PUBLISHED
    else:
        state = LanguageState.APPROVED
    return LanguageStatus(language, state, **common)
