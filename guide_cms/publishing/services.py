"""Publishing approved versions and exporting the channels."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guide_cms.core.audit import audit_append
from guide_cms.core.permissions import can_publish
from guide_cms.guides.models import ChangeClass, Guide, Version, VersionStatus
from guide_cms.guides.services import draft_scope
from guide_cms.localization.staleness import changed_keys, outdating_versions

from . import export
from .channels.base import ChannelError
from .entries import ExportRefused, build_entries
from .models import Publication


logger = logging.getLogger("guide_cms.publishing")


class PublishRefused(Exception):
    """Nothing was published; .sections names the sections that block it."""

    def __init__(self, message: str, sections: list[str] | None = None):
        self.sections = sections or []
        super().__init__(message + (f" {_('Blocking sections')}: {', '.join(self.sections)}." if self.sections else ""))


def publish_blockers(version: Version) -> tuple[str, list[str]] | None:
    """Why version may not be published, with the blocking sections; None if it may."""
    if version.status != VersionStatus.APPROVED:
        return _("Version %(number)d is %(status)s: only signed-off, approved versions are published.") % {
            "number": version.number, "status": version.get_status_display()}, []
    if version.source_version_id is None:
        return None
    guide = version.guide
    approved_source = list(Version.objects.for_language(guide, guide.source_language).approved().order_by("-number"))
    newer = outdating_versions(version.source_version.number, approved_source)
    if not newer:
        return None
    current = approved_source[0]
    sections = sorted(changed_keys(version.source_version.snapshot["sections"], current.snapshot["sections"]))
    return _("This translation is of source version %(old)d, but source version %(new)d (a %(change)s change) has been approved since: update the translation first.") % {
        "old": version.source_version.number, "new": newer[0].number, "change": ChangeClass(newer[0].change_class).label}, sections


@dataclass
class PublishResult:
    version: Version
    channels: list[str]
    replaced: dict[str, int | None]  # channel -> version number that was live before


@transaction.atomic
def publish_version(*, version: Version, user, channels: list[str] | None = None) -> PublishResult:
    """Make version the live one for its guide and language on channels (all by default)."""
    if not can_publish(user):
        raise PermissionDenied(_("Only publishers may publish."))
    channels = channels or export.channel_names()
    unknown = [c for c in channels if c not in export.channel_names()]
    if unknown:
        raise PublishRefused(_("Unknown channel: %(names)s.") % {"names": ", ".join(unknown)})
    version = Version.objects.select_for_update(of=("self",)).select_related("guide", "source_version").get(pk=version.pk)
    Guide.objects.select_for_update().get(pk=version.guide_id)
    blockers = publish_blockers(version)
    if blockers:
        raise PublishRefused(*blockers)
    now = timezone.now()
    replaced = {}
    for channel in channels:
        live = Publication.objects.live().filter(guide=version.guide, language=version.language, channel=channel).first()
        replaced[channel] = live.version.number if live else None
        if live:
            live.is_live = False
            live.save(update_fields=["is_live"])
        Publication.objects.create(
            guide=version.guide, language=version.language, channel=channel, version=version,
            published_by=user if getattr(user, "pk", None) else None, published_at=now,
        )
    audit_append(
        actor=user, action="publication.publish", obj=version, scope=draft_scope(version.guide, version.language),
        data={"version": version.number, "content_hash": version.content_hash, "channels": channels, "replaced": replaced},
    )
    return PublishResult(version=version, channels=channels, replaced=replaced)


@transaction.atomic
def withdraw_after_safety_change(*, source_version: Version, user) -> list[Publication]:
    """Record the withdrawal of live translations that a safety change outdated.

    The channels show a notice in their place from the next export on (the
    rule itself lives in localization.staleness.withdrawn_by_safety).
    """
    if source_version.change_class != ChangeClass.SAFETY or source_version.status != VersionStatus.APPROVED:
        return []
    withdrawn = []
    live = Publication.objects.live().filter(guide=source_version.guide, withdrawn_at__isnull=True).exclude(
        language=source_version.guide.source_language
    ).select_related("version__source_version")
    for publication in live:
        if publication.version.source_version and publication.version.source_version.number < source_version.number:
            publication.withdrawn_at = timezone.now()
            publication.save(update_fields=["withdrawn_at"])
            audit_append(
                actor=user, action="publication.withdraw", obj=publication.version,
                scope=draft_scope(publication.guide, publication.language),
                data={"channel": publication.channel, "version": publication.version.number, "safety_source_version": source_version.number},
            )
            withdrawn.append(publication)
    if withdrawn:
        # The notices replace the pages as soon as the signature is committed.
        transaction.on_commit(lambda: _export_after_withdrawal(user), robust=True)
    return withdrawn


def _export_after_withdrawal(user) -> None:
    try:
        export_channels(user=user)
    except (ChannelError, ExportRefused) as exc:
        logger.error("Translations were withdrawn but the export failed; run export_channels: %s", exc)


def export_channels(*, channels: list[str] | None = None, output_dir=None, user=None, progress=None) -> list[export.ChannelReport]:
    """Rebuild each channel's output from the live publications (incrementally)."""
    names = channels or export.channel_names()
    plan = [(export.get_channel(name), build_entries(name)) for name in names]
    root = export.export_root(output_dir)
    reports = [export.export_channel(channel, entries, root, progress=progress) for channel, entries in plan]
    changed = [r for r in reports if r.changed]
    if changed:
        with transaction.atomic():
            audit_append(
                actor=user, action="export.channels",
                data={r.channel: {"rendered": r.rendered, "reused": len(r.reused), "files": r.files} for r in changed},
            )
    return reports
