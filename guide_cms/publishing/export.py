"""Export a channel as a pipeline: plan from keys, render what changed, store a new release.

- plan: what changed is decided from keys only (entries.plan_entries,
  Channel.entry_key): nothing is read, checked or rendered for an entry whose
  key is the one the live manifest records. A publication plans only its own
  guides: the others' entries are taken as the live manifest records them
  (manifests.py).
- render: the entries whose key changed, in this process, the render pool or
  on the task queue (rendering.py). An entry the channel cannot render keeps
  its previous files and is recorded under "failures" in the manifest; the
  other entries are exported.
- store: a new release folder (store.py): the rendered files written (by a
  thread of their own, while the next entries render), every unchanged file
  hard-linked from the live release, the search index shards whose pages
  changed built over the release's own pages (the pages rendered here given
  to the indexer as they come: Channel.index_feed), the manifest last; then
  one symlink swap makes it live (StagedExport.swap).

Publishing stages every channel, swaps them only once the version rendered
everywhere, and points the links back if its transaction fails
(services.publish_versions). Releases are never modified once written, so the
live one is not verified again by every export: a publication hashes the files
of the guides it publishes, a full export (export_channels) every file, and
renders again whatever differs from the manifest (report.repaired).
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from django.conf import settings
from django.utils.module_loading import import_string

from . import manifests, store
from .channels.base import Channel, ChannelError, Entry, IndexFeed, PublishedGuide
from .entries import PlannedEntry, load_entries
from .manifests import entry_id
from .store import channel_names

logger = logging.getLogger(__name__)


def get_channel(name: str) -> Channel:
    """The channel configured under name; ChannelError for a name not configured."""
    try:
        path = settings.GUIDE_CMS_CHANNELS[name]
    except KeyError:
        raise ChannelError(f"Unknown channel {name!r}; configured channels: {', '.join(channel_names())}.") from None
    return import_string(path)()


@dataclass(frozen=True)
class EntryFailure:
    """One guide in one language that a channel could not render; the others were exported."""

    entry: str  # "es/baclofen"
    version: int | None  # the version that should have been exported
    kept_version: int | None  # the version whose files are still served (None: no files)
    message: str

    def describe(self, channel: str) -> str:
        kept = f"its previous files (v{self.kept_version}) were kept" if self.kept_version else "it has no files"
        return f"{channel}: {self.entry} v{self.version} could not be exported ({kept}): {self.message}"


@dataclass
class ChannelReport:
    channel: str
    path: Path
    rendered: list[str] = field(default_factory=list)  # entry ids rendered anew
    reused: list[str] = field(default_factory=list)  # entry ids whose files were kept (hard links)
    files: int = 0
    changed: bool = True
    failures: list[EntryFailure] = field(default_factory=list)  # entries that could not be rendered
    repaired: list[str] = field(default_factory=list)  # files that had been altered or deleted on disk
    error: str = ""  # the whole channel failed: its previous output was kept
    written: list[str] = field(default_factory=list)  # files whose bytes were written (manifest.json included)
    changed_files: list[str] = field(default_factory=list)  # files added, removed or with other bytes than before
    index_deferred: bool = False  # the search index or the shared files still read the previous pages (stage_channel's defer_index)


class StagedExport:
    """A channel's new release, written beside the live one; swap() makes it live.

    The channel's lock must be held from stage_channel() to finish() or undo().
    An export that changes nothing has no new release: swap() and finish() do nothing.
    """

    def __init__(self, channel: Channel, root: Path, previous: Path | None, release: store.Release | None, report: ChannelReport):
        self.channel, self.root, self.previous, self.release, self.report = channel, root, previous, release, report
        self.swapped = False

    @property
    def staging(self) -> Path | None:
        """The new release's folder (None: nothing changed)."""
        return self.release.folder if self.release is not None else None

    def swap(self) -> None:
        """Point <root>/<channel> at the new release in one rename (if anything changed)."""
        if self.report.changed and self.staging is not None:
            store.point_at(self.root, self.channel.name, self.staging)
            self.swapped = True

    def undo(self) -> None:
        """Put the previous release back live and remove the new one (the publication it was for was not recorded)."""
        if self.swapped:
            store.point_at(self.root, self.channel.name, self.previous)
            self.swapped = False
        if self.release is not None:
            self.release.discard()

    def finish(self) -> None:
        """Prune the releases no longer kept (or remove the new one, if it was never made live)."""
        if self.swapped:
            store.prune(self.root, self.channel.name)
        elif self.release is not None:
            self.release.discard()


def export_channel(channel: Channel, entries: list, root: Path, progress=None) -> ChannelReport:
    """Render channel's output into a new release and make it live (under the channel's lock)."""
    root.mkdir(parents=True, exist_ok=True)
    with store.channel_locks(root, [channel.name]):
        staged = stage_channel(channel, entries, root, progress)
        staged.swap()
        staged.finish()
        return staged.report


def stage_channel(channel: Channel, entries: list | Callable, root: Path, progress=None, required=(), only=None,
                  defer_index: bool = False, distrust: bool = False) -> StagedExport:
    """Write channel's new release for entries (Entry or PlannedEntry) beside the live one; swap() makes it live.

    Entries whose key did not change keep their files (hard links), unless
    those were found altered or deleted (then they are rendered again). With
    `only` (a set of guide slugs), entries of other guides keep their
    previous files even if their key changed (after a template or font
    change), and only the files of the guides in `only` (and the shared
    files) are checked on disk: publishing one guide renders that guide only,
    and export_channels brings the rest up to date and repairs them.
    An entry that cannot be rendered keeps its previous files (a withdrawal
    notice never keeps a withdrawn translation's) and is reported; the other
    entries are exported. An entry id in `required` that cannot be rendered
    raises ChannelError instead: nothing is staged. A version whose text or
    seals do not verify (ExportRefused) stops the export: nothing is staged.
    With defer_index, a search index that the changed pages outdate keeps its
    previous files (report.index_deferred): the pages go live first, and the
    next export (publish_versions runs one at once) builds the index. With
    `only` too (a publication), the shared files (home pages, sitemap) wait
    for that export as well (the manifest's shared_behind).
    With distrust (its manifest was edited, checkpoints.distrust_altered_output),
    nothing of the live release is reused: every file is rendered again.

    entries may instead be a planner: a callable that plans the entries of a
    set of guide slugs (None: every guide), as entries.plan_entries. With a
    planner and `only`, only the guides in `only`, and those whose files were
    damaged or failed, are planned; every other guide's entries are what the
    live manifest records (files kept, facts for the shared files read from
    it), so that a publication's work does not grow with the library.
    """
    export = _ChannelExport(channel, root, progress=progress, required=required, only=only, defer_index=defer_index, distrust=distrust)
    try:
        export.render(export.sort_out(export.plan(entries)))
        export.plan_shared_and_index()
        export.write()
    except BaseException:
        export.writes.close()  # nothing is written into the release once it is removed
        export.release.discard()
        raise
    finally:
        export.writes.close()
        export.close_feeds()
    if not export.report.changed:
        export.release.discard()
        return StagedExport(channel, root, export.current, None, export.report)
    return StagedExport(channel, root, export.current, export.release, export.report)


class _Writes:
    """The rendered files of an export written into its release by a thread of their own, in order, while the next
    entries render: creating a file costs the kernel a third of a millisecond on a journalled file system, time
    the export's own thread then spends rendering. wait() before the release is read or written otherwise."""

    def __init__(self, release: store.Release):
        self.release = release
        self._executor: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []

    def add(self, path: str, content: bytes) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-writes")
        self._pending.append(self._executor.submit(self.release.write, path, content))

    def wait(self) -> None:
        """Until every file is written; the first write that failed raises its error (the others were tried)."""
        pending, self._pending = self._pending, []
        futures.wait(pending)
        for future in pending:
            if future.exception() is not None:
                raise future.exception()

    def close(self) -> None:
        """Wait for the writes under way and stop the thread (an export that stopped: its release is discarded next)."""
        futures.wait(self._pending)
        self._pending = []
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


class _ChannelExport:
    """One export of one channel, step by step (stage_channel): what the live release holds, what is kept, what
    is rendered, and the new release being written."""

    def __init__(self, channel: Channel, root: Path, *, progress, required, only, defer_index: bool, distrust: bool):
        self.channel, self.root, self.progress, self.required = channel, root, progress, required
        self.only, self.defer_index = only, defer_index
        if store.legacy_state(root, channel.name):
            distrust = True  # a folder patched in place by an export that died: nothing of it is trusted
        store.prune(root, channel.name)  # releases left by an export that was killed, and those no longer kept
        self.current = store.live_release(root, channel.name)
        self.previous = store.read_manifest(self.current) if self.current and not distrust else None
        self.previous_entries = (self.previous or {}).get("entries", {})
        self.previous_files = (self.previous or {}).get("files", {})
        # A publication on a channel with shared files leaves them and the index to the export that follows it.
        self.quick = defer_index and only is not None and self.previous is not None and channel.has_shared_files
        self.damaged = self._check_live()
        if self.quick and set(self.damaged) & self._shared_and_index_paths():
            self.quick = False  # a shared or index file to repair: rendered and planned here, not kept as they are
        self.report = ChannelReport(channel=channel.name, path=root / channel.name, repaired=sorted(self.damaged))
        self.release = store.Release(root, channel.name, self.current)
        self.writes = _Writes(self.release)  # the rendered files, written while the next entries render
        self.entries: dict[str, dict] = {}  # the new manifest's entries
        self.failures: dict[str, dict] = {}
        self.served: dict[str, Entry] = {}  # entries the shared files and the index are built from
        self.files: dict[str, str] = {}  # the new manifest's files: {path: SHA-256}
        self.kept: list[str] = []  # files linked from the live release
        self.recorded: dict[str, Entry | dict] = {}
        self.done = self.total = 0
        # The search index's shards, fed the pages as they are rendered (Channel.index_feed); not for a publication,
        # whose index waits for the export after it (defer_index).
        self.feeds: dict[str, IndexFeed | None] = {}
        self.feeding = not defer_index

    def _check_live(self) -> dict[str, str]:
        """The live release's files found damaged, {} when nothing is reused. A full export walks the release and
        hashes every file. A publication looks at every file the manifest lists (a stat each) and hashes those of
        the guides it publishes (and, but for a quick publication, the shared files), and any other file modified
        after the release was written."""
        if self.previous is None:
            return {}
        if self.only is None:
            return store.folder_problems(self.current, self.previous)
        hashed = {path for eid, old in self.previous_entries.items() if eid.split("/", 1)[1] in self.only for path in old["files"]}
        if not self.quick:
            hashed |= set(manifests.shared_paths(self.previous))
        return store.folder_problems(self.current, self.previous, paths=set(self.previous_files), hashed=hashed)

    def _shared_and_index_paths(self) -> set[str]:
        index = {path for shard in manifests.index_shards(self.previous).values() for path in shard["files"]}
        return set(manifests.shared_paths(self.previous)) | index

    # --- plan ---------------------------------------------------------------------

    def plan(self, entries: list | Callable) -> list[PlannedEntry]:
        """The entries to export (a planner is asked for the guides that need planning only)."""
        if callable(entries):
            slugs = None
            if self.only is not None and self.previous is not None:
                self.recorded = manifests.recorded_entries(self.previous, self.previous_files, self.damaged, set(self.only),
                                                           as_records=self.quick)
                listed = set(self.previous_entries) | set(self.previous.get("failures", {}))
                slugs = {eid.split("/", 1)[1] for eid in listed} - {eid.split("/", 1)[1] for eid in self.recorded} | set(self.only)
            entries = entries(slugs)
        planned = [e if isinstance(e, PlannedEntry) else PlannedEntry(e) for e in entries]
        self.total = len(planned)
        return planned

    def sort_out(self, planned: list[PlannedEntry]) -> list[tuple]:
        """Keep the entries whose files are still right; the others, (item, key, old record, intact), to render."""
        to_render = []
        for item in planned:
            stub = item.stub
            eid, key = entry_id(stub), self.channel.entry_key(stub)
            old = self.previous_entries.get(eid)
            intact = bool(old) and manifests.intact(old["files"], self.previous_files, self.damaged)
            if intact and (old["key"] == key or (self.only is not None and stub.slug not in self.only)):
                self._keep(eid, old, self._reused(item, old))
                self.report.reused.append(eid)
                if old["key"] != key and eid in self.previous.get("failures", {}):
                    self.failures[eid] = self.previous["failures"][eid]  # not tried again here: still failing
                self._tick(eid)
            else:
                to_render.append((item, key, old, intact))
        for eid, entry in self.recorded.items():
            self._keep(eid, self.previous_entries[eid], None if self.quick else entry)
            self.report.reused.append(eid)
            if eid in self.previous.get("failures", {}):
                self.failures[eid] = self.previous["failures"][eid]
        return to_render

    def _reused(self, item: PlannedEntry, old: dict) -> Entry:
        """A kept entry as the shared files (index) read it: with the title exported with its files, not read again."""
        stub = item.stub
        if not isinstance(stub, PublishedGuide):
            return stub
        if "summary" in old and not self.channel.shared_needs_text:
            return manifests.titled(stub, old["title"], old["summary"])
        return item.load()  # a search index reads every text; or a manifest written before titles were recorded

    def _keep(self, eid: str, old: dict, entry: Entry | None) -> None:
        self.kept.extend(old["files"])
        for path in old["files"]:
            self.files[path] = self.previous_files[path]
        if entry is None:  # a publication's other guides: their records as they are, nothing rendered from them
            self.entries[eid] = old
            return
        # The shared facts the shared files are rendered from (recorded by manifests since they exist).
        self.entries[eid] = {**old, "shared": manifests.shared_facts(entry)}
        self.served[eid] = entry

    def _tick(self, eid: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.channel.name, eid, self.done, self.total)

    # --- render -------------------------------------------------------------------

    def render(self, to_render: list[tuple]) -> None:
        """Render the changed entries, their files written into the new release as they come."""
        from .rendering import render_stream

        def loaded():
            entries = load_entries([item for item, *_rest in to_render])  # ExportRefused stops everything here
            for entry, (_item, key, old, intact) in zip(entries, to_render, strict=True):
                yield entry, (key, old, intact)

        for entry, (key, old, intact), outcome in render_stream(self.channel, loaded()):
            eid = entry_id(entry)
            if isinstance(outcome, BaseException):
                self._failed(eid, entry, outcome, old, intact)
            else:
                for item in outcome:
                    self.writes.add(item.path, item.content)
                    self.files[item.path] = hashlib.sha256(item.content).hexdigest()
                    self.report.written.append(item.path)
                self._feed_index(entry, outcome)
                self.entries[eid] = manifests.entry_record(entry, key, [item.path for item in outcome])
                self.report.rendered.append(eid)
                self.served[eid] = entry
            self._tick(eid)

    def _feed_index(self, entry: Entry, files: list) -> None:
        """The entry's pages that the search index reads, to their shards' feeds: Pagefind reads them while the next
        entries render. A feed that fails is dropped (its shard is then built from the files, which says why)."""
        if not self.feeding:
            return
        indexed = set(self.channel.indexed_files(entry))
        for item in files:
            if item.path not in indexed:
                continue
            shard = self.channel.index_shard(item.path)
            try:
                if shard not in self.feeds:
                    self.feeds[shard] = self.channel.index_feed(shard)
                if self.feeds[shard] is not None:
                    self.feeds[shard].add(item.path, item.content)
            except Exception:  # noqa: BLE001 - an index built alongside is only quicker: the shard is built all the same
                logger.exception("The %s search index could not be fed %s; it is built from the files", self.channel.name, item.path)
                self._close_feed(shard)
                self.feeds[shard] = None

    def _close_feed(self, shard: str) -> None:
        feed = self.feeds.pop(shard, None)
        if feed is not None:
            feed.close()

    def close_feeds(self) -> None:
        """Stop the feeds of shards that were not built (their pages did not change, or the export stopped)."""
        for shard in list(self.feeds):
            self._close_feed(shard)

    def _failed(self, eid: str, entry: Entry, outcome: BaseException, old: dict | None, intact: bool) -> None:
        message = str(outcome) or type(outcome).__name__
        if isinstance(outcome, RecursionError):
            message = "the text is nested too deeply for the renderer (RecursionError)"
        if eid in self.required:
            raise ChannelError(message) from outcome
        # A withdrawal notice replaces a withdrawn translation: never keep that one's files.
        keeps = intact and not (old["withdrawn"] is False and not isinstance(entry, PublishedGuide))
        if keeps:
            self._keep(eid, old, entry)
        failure = EntryFailure(eid, manifests.entry_version(entry), old["version"] if keeps else None, message)
        self.failures[eid] = {"version": failure.version, "kept_version": failure.kept_version, "error": message}
        self.report.failures.append(failure)

    # --- shared files and the search index ------------------------------------------

    def plan_shared_and_index(self) -> None:
        """Plan the search index's shards (a shard fed all its pages starts building at once), then render the
        shared files (or keep them, for a quick publication) while Pagefind builds."""
        if self.quick:  # the index waits with the shared files: its files and record as they are, marked behind
            self.index, self.index_kept, self.rebuild = manifests.index_left_behind(self.previous, self.previous_files, self.files)
        else:
            self.index, self.index_kept, self.rebuild = manifests.plan_index(
                self.channel, self.served, self.files, self.previous, self.damaged)
        if self.defer_index and self.rebuild:
            self._defer_index()
        for shard in self.rebuild:
            if self.feeds.get(shard) is not None:
                self.feeds[shard].start(self.index["shards"][shard]["pages"])
        if self.quick:
            self.shared = []
            paths = manifests.shared_paths(self.previous)
            self.kept += paths
            self.files.update({path: self.previous_files[path] for path in paths})
            self.report.index_deferred = True
        else:
            try:
                self.shared = self.channel.render_shared([self.served[eid] for eid in sorted(self.served, key=manifests.guide_order)])
            except Exception as exc:  # noqa: BLE001 - a template or code error: the channel keeps its previous output
                raise ChannelError(f"its shared files (index, sitemap…) cannot be rendered: {type(exc).__name__}: {exc}") from exc
        self.shared_same = []  # per shared file: whether the live release has the same bytes
        for item in self.shared:
            digest = hashlib.sha256(item.content).hexdigest()
            self.files[store.safe_path(item.path)] = digest
            self.shared_same.append(self.previous_files.get(item.path) == digest and item.path not in self.damaged)

    def _defer_index(self) -> None:
        """A shard whose pages changed keeps its previous files, marked behind: the next export builds it."""
        old_shards = manifests.index_shards(self.previous)
        for shard in list(self.rebuild):
            old = old_shards.get(shard)
            if old and manifests.intact(old["files"], self.previous_files, self.damaged):
                self.rebuild.remove(shard)
                self.index["shards"][shard] = old  # its key is not the pages'
                self.index_kept += old["files"]
                self.files.update({path: self.previous_files[path] for path in old["files"]})
                self.index["behind"] = True
                self.report.index_deferred = True

    def _manifest(self) -> dict:
        manifest = {
            "channel": self.channel.name,
            "output_version": self.channel.output_version,
            "entries": dict(sorted(self.entries.items())),
            "failures": dict(sorted(self.failures.items())),
            "files": dict(sorted(self.files.items())),
        }
        if self.index is not None:
            manifest["index"] = self.index
        if self.quick:
            manifest["shared_behind"] = True  # its shared files list the previous entries: the next export renders them
        return manifest

    # --- store --------------------------------------------------------------------

    def write(self) -> None:
        """If anything changed: the unchanged files linked, the shared files and index shards written, the manifest last."""
        self.writes.wait()  # every rendered file in the release (or the first error) before anything else goes in
        manifest = self._manifest()
        report = self.report
        report.changed = self.previous != manifest or bool(self.damaged) or bool(self.rebuild)
        report.files = len(self.files)
        if not report.changed:
            return
        for path in self.kept + self.index_kept:
            self.release.link(path, self.previous_files[path])
        for item, same in zip(self.shared, self.shared_same, strict=True):
            if same:
                self.release.link(item.path, self.previous_files[item.path])
            else:
                self.release.write(item.path, item.content)
                report.written.append(item.path)
        for shard in self.rebuild:
            self._build_shard(shard)
        manifest["files"] = dict(sorted(self.files.items()))
        report.files = len(self.files)
        # Compact, sorted UTF-8 (what json.dumps(sort_keys, ensure_ascii=False, separators) writes, six times faster):
        # at thousands of entries, the manifest is megabytes.
        self.release.seal(orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE))
        report.written.append(store.MANIFEST)
        before = self.previous_files
        report.changed_files = sorted(
            {p for p, digest in self.files.items() if before.get(p) != digest} | (set(before) - set(self.files)) | set(self.damaged)
        )
        report.changed_files += [store.MANIFEST] if self.previous != manifest else []

    def _build_shard(self, shard: str) -> None:
        # The index reads the release's own pages: no text is loaded for it.
        record = self.index["shards"][shard]
        pages = {page: self.release.source(page) for page in record["pages"]}
        feed = self.feeds.get(shard)
        try:
            built = feed.build(pages) if feed is not None else self.channel.render_index(pages, shard)
        except Exception as exc:  # noqa: BLE001 - the channel keeps its previous output
            raise ChannelError(f"its search index cannot be built: {type(exc).__name__}: {exc}") from exc
        finally:
            self._close_feed(shard)
        for item in built:
            digest = hashlib.sha256(item.content).hexdigest()
            self.files[store.safe_path(item.path)] = digest
            if self.previous_files.get(item.path) == digest and item.path not in self.damaged:
                self.release.link(item.path, digest)  # Pagefind's chunks are named by content
            else:
                self.release.write(item.path, item.content)
                self.report.written.append(item.path)
        record["files"] = sorted(item.path for item in built)


def verify_exports(output_dir=None) -> list[str]:
    """Every file of each channel's live release hashed against its manifest: the problems, if any, as
    "export <channel>: <path> <what is wrong>". The release is resolved once: a swap during the check is not
    mistaken for damage."""
    problems = []
    root = store.export_root(output_dir)
    for name in channel_names():
        if not os.path.lexists(root / name):
            continue
        if store.legacy_journal_left(root, name):
            problems.append(f"export {name}: an export died while it patched the live folder in place; run export_channels, "
                            "which renders every file into a new release")
        folder = store.live_release(root, name)
        if folder is None:  # a link changed by hand: said, and what it serves checked all the same
            problems.append(f"export {name}: {name} does not lead to one of the channel's releases in {root}")
            folder = (root / name).resolve()
        manifest = store.read_manifest(folder)
        if manifest is None:
            problems.append(f"export {name}: manifest.json is missing or unreadable")
            continue
        try:
            found = store.folder_problems(folder, manifest)
        except FileNotFoundError:  # pruned while it was read: a newer release is live
            found = {"": "was replaced during the check; run verify_integrity again"}
        problems += [f"export {name}: {path} {problem}".replace("  ", " ") for path, problem in found.items()]
    return problems
