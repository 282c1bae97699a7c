"""Publishing approved versions and exporting the channels."""
from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guide_cms.core.account_records import role_problems
from guide_cms.core.audit import Anchor, audit_append, audit_append_many, walk_chain
from guide_cms.core.heap import release_free_memory
from guide_cms.core.languages import all_languages
from guide_cms.core.permissions import can_publish
from guide_cms.guides.models import ChangeClass, Guide, Version, VersionStatus
from guide_cms.guides.records import former_slugs
from guide_cms.review.services import approvals_short_of_rules_in_force
from guide_cms.guides.services import draft_scope
from guide_cms.localization.staleness import changed_keys, outdating_versions

from . import checkpoints, export, store
from .channels.base import ChannelError
from .entries import ExportRefused, approved_sources, entry_for_version, outdating_live_source, plan_entries
from .models import Publication
from .records import PendingPublication
from .task_queue import EXPORT, queue_configured, send


logger = logging.getLogger("guide_cms.publishing")


class PublishRefused(Exception):
    """Nothing was published; .sections names the sections that block it."""

    def __init__(self, message: str, sections: list[str] | None = None):
        self.sections = sections or []
        super().__init__(message + (f" {_('Blocking sections')}: {', '.join(self.sections)}." if self.sections else ""))


def publish_blockers(version: Version, channels: list[str] | None = None) -> tuple[str, list[str]] | None:
    """Why version may not be published, with the blocking sections; None if it may.

    Besides the workflow (approved, translating the current source), every
    character must print on the channels (the handouts' fonts): a refusal
    names the characters, the language and the section.
    """
    if version.status != VersionStatus.APPROVED:
        return _("Version %(number)d is %(status)s: only signed-off, approved versions are published.") % {
            "number": version.number, "status": version.get_status_display()}, []
    if version.source_version_id is None:
        # Putting back source text that an approved clinical or safety change replaced undoes that change: it is a
        # decision with a signature, so it goes through review as a new version, never as a re-publication.
        guide = version.guide
        approved_source = approved_sources([guide.pk])[guide.pk]
        newer = outdating_versions(version.number, approved_source)
        if newer:
            sections = sorted(changed_keys(version.snapshot["sections"], approved_source[0].snapshot["sections"]))
            return _(
                "Version %(old)d was replaced by version %(new)d, an approved %(change)s change: publishing version %(old)d "
                "again would undo that change without a signature. To put its text back, copy it into the drafts and submit "
                "it as a new version for review."
            ) % {"old": version.number, "new": newer[-1].number, "change": ChangeClass(newer[-1].change_class).label}, sections
    else:
        guide = version.guide
        approved_source = approved_sources([guide.pk])[guide.pk]
        newer = outdating_versions(version.source_version.number, approved_source)
        if newer:
            current = approved_source[0]
            sections = sorted(changed_keys(version.source_version.snapshot["sections"], current.snapshot["sections"]))
            return _("This translation is of source version %(old)d, but source version %(new)d (a %(change)s change) has been approved since: update the translation first.") % {
                "old": version.source_version.number, "new": newer[0].number, "change": ChangeClass(newer[0].change_class).label}, sections
    try:
        entry = entry_for_version(version)
    except ExportRefused as exc:
        return str(exc), []
    if short := approvals_short_of_rules_in_force(version):
        return _(
            "Version %(number)d was approved with %(have)d approving signature(s); the rules in force now require %(need)d. "
            "Publishing it would put text before patients with fewer signatures than required: submit its text as a new "
            "version for review."
        ) % {"number": version.number, "have": short[0], "need": short[1]}, []
    problems = [p for name in (channels or export.channel_names()) for p in export.get_channel(name).quick_check(entry)]
    if problems:
        return _("It cannot be printed: %(problems)s") % {"problems": " ".join(
            (_("Section '%(key)s': %(message)s") % {"key": p.section, "message": p.message}) if p.section else p.message
            for p in problems
        )}, sorted({p.section for p in problems if p.section})
    return None


@dataclass(frozen=True)
class LeftOutdated:
    """A live translation that a source publication leaves behind a clinical or safety change."""

    language: str
    version_number: int
    withdrawn: bool  # a safety change withdrew it already; else it stays up with a notice


def translations_left_outdated(version: Version) -> list[LeftOutdated]:
    """The live translations that publishing source `version` leaves outdated (for the confirmation page)."""
    guide = version.guide
    if version.language != guide.source_language:
        return []
    approved_source = approved_sources([guide.pk])[guide.pk]
    left: dict[str, LeftOutdated] = {}
    live = Publication.objects.live().filter(guide=guide).exclude(language=guide.source_language).select_related("version__source_version")
    for publication in live.order_by("language", "channel"):
        translated = publication.version.source_version
        if translated is None or publication.language in left:
            continue
        if outdating_live_source(translated.number, approved_source, version.number):
            left[publication.language] = LeftOutdated(publication.language, publication.version.number, publication.withdrawn_at is not None)
    order = {lang.code: i for i, lang in enumerate(all_languages())}
    return sorted(left.values(), key=lambda item: order.get(item.language, len(order)))


@dataclass
class PublishResult:
    """What publishing did: the channels, the versions replaced there, the exports, checkpoint and index updates."""

    version: Version
    channels: list[str]
    replaced: dict[str, int | None]  # channel -> version number that was live before
    reports: list[export.ChannelReport] = field(default_factory=list)  # the exports it made
    checkpoint: checkpoints.CheckpointResult | None = None  # the checkpoint written after the export
    versions: list[Version] = field(default_factory=list)  # every version published together (publish_versions)
    pages_live_after: float | None = None  # seconds from the call to the new files being live and the rows committed
    index_reports: list[export.ChannelReport] = field(default_factory=list)  # the search indexes brought up to date after
    index_task: object = None  # or the queue's task that does it (Celery's AsyncResult), when a queue is configured

    @property
    def failures(self) -> list[str]:
        """Other guides' entries the exports could not render (their previous files were kept)."""
        return [failure.describe(report.channel) for report in self.reports for failure in report.failures]


def publish_version(*, version: Version, user, channels: list[str] | None = None, output_dir=None, progress=None) -> PublishResult:
    """Make version the live one for its guide and language on channels (all by default), and export them.

    The publication rows and the channel files are one outcome: the channels
    are rendered with the new rows before the transaction commits, the new
    folders are swapped in last, and if the version cannot be rendered (or
    anything fails before the commit) nothing is recorded and the previous
    files stay live. Only this guide's entries are rendered (in every language:
    alternates and notices change with it); other guides keep their files,
    and export_channels brings them up to date after a template or font
    change, so that a publication is quick whatever the number of guides.
    Entries that cannot be rendered keep their previous files and are
    reported in the result (never a reason to refuse this publication).
    Call it outside a transaction: an outer rollback cannot take files back
    (verify_integrity would report them, export_channels repair them).
    """
    return publish_versions(versions=[version], user=user, channels=channels, output_dir=output_dir, progress=progress)


def publish_versions(*, versions: list[Version], user, channels: list[str] | None = None, output_dir=None, progress=None) -> PublishResult:
    """Publish several approved versions (a guide updated in every language, say) as one outcome:
    every channel is exported once, with every version's files rendered together (a handout per
    language on every core), and nothing is recorded unless every version renders everywhere.
    The result names the first version; .versions has them all. Raises PermissionDenied (not a
    publisher, or roles changed outside the application) and PublishRefused (with the reason)."""
    channels = _publishable(versions, user, channels)
    root = store.export_root(output_dir)
    started = time.perf_counter()
    # File locks before row locks, as export_channels takes them: no deadlock.
    with store.channel_locks(root, channels):
        try:
            distrusted, verified = before_export(root, channels)
        except ExportRefused as exc:
            raise PublishRefused(str(exc)) from exc
        result = _publish_and_swap(versions=versions, user=user, channels=channels, root=root, progress=progress, distrusted=distrusted,
                                   started=started)
    _bring_index_up_to_date(result, user=user, root=root, verified=verified)
    release_free_memory()  # the pages and texts it made and dropped: the process does not keep their room
    return result


def _publishable(versions: list[Version], user, channels: list[str] | None) -> list[str]:
    """The channels to publish on, once the batch may be published at all (else PermissionDenied or PublishRefused)."""
    if not can_publish(user):
        raise PermissionDenied(_("Only publishers may publish."))
    if getattr(user, "pk", None) is not None and role_problems([user.pk]):
        raise PermissionDenied(_("Your roles differ from the audit trail (changed outside the application), so you cannot "
                                 "publish until verify_integrity passes. Tell your administrator."))
    if not versions:
        raise PublishRefused(_("Nothing to publish."))
    keys = [(v.guide_id, v.language) for v in versions]
    if len(set(keys)) != len(keys):
        raise PublishRefused(_("Two versions of the same guide and language cannot be published together."))
    channels = channels or export.channel_names()
    unknown = [c for c in channels if c not in export.channel_names()]
    if unknown:
        raise PublishRefused(_("Unknown channel: %(names)s.") % {"names": ", ".join(unknown)})
    return channels


def _publish_and_swap(*, versions, user, channels, root, progress, distrusted, started: float) -> PublishResult:
    """Under the channels' locks: the rows recorded and the new releases swapped in, or neither."""
    staged: list[export.StagedExport] = []
    try:
        result = _publish_and_stage(versions=versions, user=user, channels=channels, root=root, progress=progress, staged=staged,
                                    distrusted=distrusted)
    except BaseException:
        for stage in reversed(staged):
            stage.undo()
        raise
    # Swapped in and committed: patients get the new files from here on. What follows is housekeeping,
    # which must not fail the publication (it is recorded): what it leaves undone, the next export does.
    result.pages_live_after = time.perf_counter() - started
    try:
        for stage in staged:
            stage.finish()
    except Exception:  # noqa: BLE001 - logged with its traceback; the publication stands
        logger.exception("Published, but the export's housekeeping failed; run export_channels.")
    return result


def _bring_index_up_to_date(result: PublishResult, *, user, root, verified: Anchor) -> None:
    """The pages are live; the shared files and the search index, which read all of them, follow at once (on the
    queue, if there is one). One checkpoint is written for both exports, after the one that follows here."""
    behind = [r.channel for r in result.reports if r.index_deferred]
    only = sorted(_addresses_of({v.guide for v in result.versions}))
    if behind and queue_configured():
        result.checkpoint = checkpoints.after_export(root=root, verified=verified)
        _log_checkpoint(result.checkpoint)
        if task := _queued_or_none(channels=behind, output_dir=root, user=user, only=only):
            result.index_task = task
            return
    try:
        if behind:
            try:
                result.index_reports = export_channels(channels=behind, output_dir=root, user=user, only=only, checkpoint=False)
            except Exception as exc:  # noqa: BLE001 - the publication is recorded and its pages live: this must not undo its report
                logger.error("The search index and shared files were not brought up to date; run export_channels: %s: %s",
                             type(exc).__name__, exc)
            for report in result.index_reports:
                if report.error:
                    logger.error("The %s search index and shared files were not brought up to date; run export_channels: %s",
                                 report.channel, report.error)
    finally:
        if result.checkpoint is None:
            result.checkpoint = checkpoints.after_export(root=root, verified=verified)
            _log_checkpoint(result.checkpoint)


def queue_export(*, channels: list[str] | None = None, output_dir=None, user=None, only=None):
    """export_channels as a task on the queue (tasks.export); returns Celery's AsyncResult, whose
    .get() is the task's answer. Raises whatever Celery raises when the broker cannot be reached."""
    return send(EXPORT, channels, str(output_dir) if output_dir else None, getattr(user, "pk", None), only)


def _queued_or_none(**kwargs):
    """queue_export, or None (logged) when the queue cannot take it: the caller then exports here."""
    try:
        return queue_export(**kwargs)
    except Exception as exc:  # noqa: BLE001 - a broker that is down must not leave the channels behind
        logger.error("The task queue did not take the export (%s: %s); it runs in this process.", type(exc).__name__, exc)
        return None


def report_summary(report: export.ChannelReport) -> dict:
    """A channel report as JSON (for the queue's answer): what export_channels' callers print."""
    return {
        "channel": report.channel, "changed": report.changed, "error": report.error, "files": report.files,
        "rendered": list(report.rendered), "reused": len(report.reused), "written": len(report.written),
        "changed_files": len(report.changed_files), "repaired": list(report.repaired),
        "failures": [failure.describe(report.channel) for failure in report.failures], "path": str(report.path),
    }


def before_export(root, channels) -> tuple[dict[str, str], Anchor]:
    """What every export does first, under the channels' locks: refuse if the audit trail was rewritten since
    the last checkpoint (ExportRefused), and never reuse files of a channel whose manifest was edited.
    Returns ({channel: why its files are not reused}, the end of the audit chain found intact: the
    checkpoint after the export walks on from there, not again from the previous checkpoint)."""
    try:
        latest = checkpoints.latest_checkpoint(root)
    except ValueError as exc:
        latest = None
        logger.error("Exporting to %s: %s", root, exc)
    walk = walk_chain(after=latest.anchor if latest else None)
    problems = [p.message for p in walk.problems] + checkpoints.history_problems(root)
    if problems:
        raise ExportRefused(_("The audit trail was altered (%(problems)s): nothing is exported until verify_integrity passes.") % {
            "problems": "; ".join(problems)})
    distrusted = checkpoints.distrust_altered_output(root, channels)
    for channel, why in distrusted.items():
        logger.error("The %s channel's files are not reused, every file is rendered again: %s", channel, why)
    return distrusted, Anchor(walk.checked, walk.head_hash)


def _addresses_of(guides) -> set[str]:
    """The slugs a publication of these guides re-plans: their own and their former ones (the entries an export
    made under a slug before a rename are replaced by the redirects at those addresses)."""
    former = former_slugs([guide.pk for guide in guides])
    return {guide.slug for guide in guides} | {slug for slugs in former.values() for slug in slugs}


def _log_checkpoint(result) -> None:
    for problem in (result.problems if result else []):
        logger.error("No checkpoint was written after the export: %s", problem)


@transaction.atomic
def _publish_and_stage(*, versions, user, channels, root, progress, staged, distrusted=()) -> PublishResult:
    locked = _locked_and_publishable(versions, channels)
    replaced_all, events = _record_publications(locked, user, channels)
    # The exports see the rows written above, and count them as the events appended below will; the versions
    # themselves must render on every channel.
    pending = tuple(PendingPublication(v.guide_id, v.language, v.pk, tuple(channels)) for v in locked)
    required = {f"{version.language}/{version.guide.slug}" for version in locked}
    only = _addresses_of({version.guide for version in locked})
    for name in channels:
        channel = export.get_channel(name)
        try:
            # Only the published guides are planned; the others' files are kept as the live manifest records them.
            staged.append(export.stage_channel(channel, partial(_plan, name, pending=pending), root, progress=progress, required=required,
                                               only=None if name in distrusted else only, defer_index=True,
                                               distrust=name in distrusted))
        except ChannelError as exc:
            raise PublishRefused(
                _("Nothing was published: %(channel)s cannot render this version: %(error)s") % {"channel": name, "error": exc}
            ) from exc
        except ExportRefused as exc:
            raise PublishRefused(
                _("Nothing was published: the %(channel)s export is refused: %(error)s") % {"channel": name, "error": exc}
            ) from exc
    # Appending locks the audit chain's head until the commit: only once the releases are rendered, so that every
    # other writer of the trail (an editor's save, a signature) waits for the swap and commit, not for the renders.
    audit_append_many(events)
    # Last, so that nothing can fail between the swap and the commit but the export's event and the commit itself.
    for stage in staged:
        stage.swap()
    # The new manifests' digests are recorded with the rows, in this transaction: after the commit, a publisher killed
    # once its COMMIT reached the database left the batch live but its manifests unrecorded ("edited on disk").
    changed = [stage.report for stage in staged if stage.report.changed]
    if changed:
        _audit_export(user, changed, root, distrusted)
    return PublishResult(
        version=locked[0], channels=channels, replaced=replaced_all[0], reports=[stage.report for stage in staged], versions=locked,
    )


def _locked_and_publishable(versions: list[Version], channels: list[str]) -> list[Version]:
    """The versions read again under their rows' and guides' locks (in pk order: no deadlock), in the order given;
    PublishRefused (naming the version in a batch) if any may not be published."""
    locked = []
    # Without their texts: a batch keeps its versions to the end, and 250 versions' texts (and their sources') are
    # some 35 MB. The checks below read each text on a copy, let go once checked; the export reads them in chunks.
    rows = Version.objects.select_for_update(of=("self",)).select_related("guide", "source_version").defer(
        *Version.heavy_fields(), *Version.heavy_fields("source_version__"))
    for version in sorted(versions, key=lambda v: v.pk):
        version = rows.get(pk=version.pk)
        Guide.objects.select_for_update().get(pk=version.guide_id)
        locked.append(version)
    order = {v.pk: n for n, v in enumerate(versions)}
    locked.sort(key=lambda v: order[v.pk])
    for version in locked:
        blockers = publish_blockers(copy.copy(version), channels)
        if blockers:
            if len(locked) > 1:
                message, sections = blockers
                raise PublishRefused(f"{version}: {message}", sections)
            raise PublishRefused(*blockers)
    return locked


def _record_publications(locked: list[Version], user, channels: list[str]) -> tuple[list[dict], list[dict]]:
    """Each version made the live one on each channel (rows written); ([{channel: the version number it replaced,
    or None}] per version, the publication.publish events to append, audit_append's keyword arguments)."""
    now = timezone.now()
    replaced_all, events = [], []
    for version in locked:
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
        events.append(dict(
            actor=user, action="publication.publish", obj=version, scope=draft_scope(version.guide, version.language),
            data={"version": version.number, "content_hash": version.content_hash, "channels": channels, "replaced": replaced},
        ))
        replaced_all.append(replaced)
    return replaced_all, events


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
    if queue_configured() and _queued_or_none(user=user):
        return
    try:
        reports = export_channels(user=user)
    except ExportRefused as exc:
        logger.error("Translations were withdrawn but the export failed; run export_channels: %s", exc)
        return
    for report in reports:
        if report.error:
            logger.error("Translations were withdrawn but the %s export failed; run export_channels: %s", report.channel, report.error)
        for failure in report.failures:
            logger.error("After a safety change: %s", failure.describe(report.channel))


def _audit_export(user, reports: list[export.ChannelReport], root, distrusted: dict[str, str]) -> None:
    # The manifests' digests, sealed in the chain: the next checkpoint signs only manifests an export recorded.
    data = {
        r.channel: {
            "rendered": r.rendered, "reused": len(r.reused), "files": r.files,
            "failed": [f.entry for f in r.failures], "repaired": r.repaired,
        }
        for r in reports
    }
    data["output"] = checkpoints.output_name(root)
    data["manifests"] = {r.channel: checkpoints.manifest_digest(root, r.channel) for r in reports}
    if distrusted:
        data["distrusted"] = distrusted
    with transaction.atomic():
        audit_append(actor=user, action=checkpoints.EXPORT_ACTION, data=data)


class ExportReports(list):
    """export_channels' reports (a list, one per channel), and the checkpoint written after them."""

    checkpoint: checkpoints.CheckpointResult | None = None


def _plan(channel: str, guides=None, pending=()):
    return plan_entries(channel, guides=guides, pending=pending)


def export_channels(*, channels: list[str] | None = None, output_dir=None, user=None, progress=None, only=None,
                    checkpoint: bool = True) -> list[export.ChannelReport]:
    """Rebuild each channel's output from the live publications (incrementally).

    With `only` (guide slugs: the index export that follows a publication), the
    other guides' entries are taken as the live manifest records them (not
    planned from the database, files kept): their search index shards and the
    shared files are still brought up to date. With checkpoint False, the
    caller writes the checkpoint (publish_versions, once for both exports).

    Files altered or deleted on disk are rendered again. An entry that cannot
    be rendered keeps its previous files and is reported in its channel's
    report (failures); a channel that cannot be exported at all keeps its
    previous output (report.error) and the other channels are exported.
    A tampered version (ExportRefused) stops everything: run verify_integrity.
    """
    names = channels or export.channel_names()
    root = store.export_root(output_dir)
    reports = ExportReports()
    # Every channel's lock, for the whole export: its audit event (the manifests' digests) is written before
    # another export can look at those manifests.
    with store.channel_locks(root, names):
        distrusted, verified = before_export(root, names)
        for name in names:
            channel = export.get_channel(name)
            # Entries are read under the lock: a publication committed while we waited is included.
            try:
                stage = export.stage_channel(channel, partial(_plan, name), root, progress=progress, distrust=name in distrusted,
                                             only=only)
            except ChannelError as exc:
                reports.append(export.ChannelReport(channel=name, path=root / name, changed=False, error=str(exc)))
                continue
            stage.swap()
            stage.finish()
            reports.append(stage.report)
        changed = [r for r in reports if r.changed]
        if changed:
            _audit_export(user, changed, root, distrusted)
    if checkpoint:
        reports.checkpoint = checkpoints.after_export(root=root, verified=verified)
        _log_checkpoint(reports.checkpoint)
    release_free_memory()
    return reports
