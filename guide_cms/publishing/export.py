"""Write channel output atomically and incrementally, with a manifest.

Each channel's output lives in a folder of its own that <export dir>/<channel>
points to through a symlink. The first export (and one that trusts nothing of
the live output) builds a complete folder beside it, then swaps the symlink in
one rename. Every other export stages only the files it writes and patches the
live folder: each file renamed over its live path, manifest.json last, with a
journal and backups that undo it (patching.py). Either way a crash leaves the
previous output whole once the channel is exported again, and no reader ever
gets part of a file; the unchanged files are never touched.

What changed is decided from keys only (plan_entries, Channel.entry_key):
nothing is read, checked or rendered for an entry whose key is the one in
the live manifest. Only entries whose key changed are rendered and written.
A publication plans only its own guides: the others' entries are taken as the
live manifest records them. Files altered or deleted on disk are
rendered again (an export repairs its output): a file whose size, times
(modification and change) and inode are those recorded after the last export,
in a stamps file keyed with the application's secret, is taken as intact; any
other is hashed. An entry the channel cannot render keeps its previous files and is
recorded under "failures" in the manifest; the other entries are exported.
Publishing stages every channel, swaps them only once the version rendered
everywhere, and undoes the swap if its transaction fails
(services.publish_version). Channels whose pages are slow to render (the
handouts) render in worker processes (rendering.py).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

from .channels.base import Channel, ChannelError, Entry, PublishedGuide, _plain
from .entries import PlannedEntry, load_entries
from .patching import ROLLED_BACK, Patch, interrupted, recover, safe_path, write_atomically

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CHECKPOINT_RECORD = "checkpoint.json"  # written beside the manifest after each checkpoint (publishing.checkpoints)


def channel_names() -> list[str]:
    return list(settings.GUIDE_CMS_CHANNELS)


def get_channel(name: str) -> Channel:
    try:
        path = settings.GUIDE_CMS_CHANNELS[name]
    except KeyError:
        raise ChannelError(f"Unknown channel {name!r}; configured channels: {', '.join(channel_names())}.") from None
    return import_string(path)()


def export_root(output_dir=None) -> Path:
    return Path(output_dir or settings.GUIDE_CMS_EXPORT_DIR)


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


def _planned(entry) -> PlannedEntry:
    return entry if isinstance(entry, PlannedEntry) else PlannedEntry(entry)


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


def entry_id(entry: Entry) -> str:
    return f"{entry.language.code}/{entry.slug}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest, or None if it is missing, unreadable, not a regular file (a pipe would
    never end) or not shaped as an export writes it (its readers index into it without further checks)."""
    try:
        if not stat.S_ISREG(os.lstat(folder / MANIFEST).st_mode):
            return None
        manifest = orjson.loads((folder / MANIFEST).read_bytes())  # not UTF-8 or nested past 1,024: JSONDecodeError
    except (FileNotFoundError, NotADirectoryError, orjson.JSONDecodeError):
        return None
    return manifest if _well_formed(manifest) else None


def _well_formed(manifest) -> bool:
    """The types every reader of a manifest relies on: {files: {path: digest}, entries: {id: {files: [path], ...}},
    failures: {id: {...}}, index: {...} or none}."""
    if not isinstance(manifest, dict):
        return False
    files, entries = manifest.get("files", {}), manifest.get("entries", {})
    failures, index = manifest.get("failures", {}), manifest.get("index")
    return (
        isinstance(files, dict) and all(isinstance(digest, str) for digest in files.values())
        and isinstance(entries, dict)
        and all(isinstance(record, dict) and isinstance(record.get("files"), list) and all(isinstance(path, str) for path in record["files"])
                for record in entries.values())
        and isinstance(failures, dict) and all(isinstance(failure, dict) for failure in failures.values())
        and (index is None or isinstance(index, dict))
    )


_MANIFESTS: dict[str, tuple[tuple, dict | None]] = {}


def live_manifest(link: Path) -> dict | None:
    """read_manifest of the folder link points to, parsed once per export: the state pages read it on
    every request, and at thousands of entries it is megabytes of JSON. Read-only: do not mutate."""
    try:
        folder = link.resolve(strict=True)
        stat = os.stat(folder / MANIFEST)
    except (FileNotFoundError, NotADirectoryError):
        return None
    stamp = (str(folder), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    cached = _MANIFESTS.get(str(link))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    manifest = read_manifest(folder)
    _MANIFESTS[str(link)] = (stamp, manifest)
    return manifest


def _entry_record(entry: Entry, key: str, files: list[str]) -> dict:
    record = {"key": key, "files": sorted(files), "withdrawn": not isinstance(entry, PublishedGuide)}
    if entry.aliases:
        record["aliases"] = list(entry.aliases)  # former slugs whose addresses lead to this entry
    if isinstance(entry, PublishedGuide):
        record.update(
            version=entry.version_number,
            content_hash=entry.content_hash,
            signatures=[_plain(s) for s in entry.signatures],
            outdated_by=entry.outdated.source_version_number if getattr(entry, "outdated", None) else None,
            title=entry.title,  # for the shared files (index, home pages), without reading the text again
            summary=entry.summary,
        )
    else:
        record.update(version=entry.withdrawn_version_number)
    record["shared"] = _shared_facts(entry)
    return record


def _shared_facts(entry: Entry) -> dict:
    """What the shared files (home pages, index, sitemap) read of an entry besides its title and
    summary: recorded, so that a publication of one guide need not plan the others (_recorded_entry)."""
    if isinstance(entry, PublishedGuide):
        return {
            "approved_on": entry.approved_on.isoformat(),
            "next_review_due": entry.next_review_due.isoformat() if entry.next_review_due else None,
            "alternates": [language.code for language in entry.alternates],
            "source_language": entry.source_language.code,
            "outdated_title": entry.outdated.source_title if entry.outdated else None,
        }
    return {"source_language": entry.source_language.code, "source_title": entry.source_title}


def _recorded_entry(eid: str, record: dict, today) -> Entry | None:
    """The entry as the manifest records it, for the shared files only: no sections or signatures.
    None when the record is older than its shared facts, or names a language no longer configured."""
    import datetime

    from .channels.base import LanguageFacts, OutdatedNotice, WithdrawnGuide

    code, slug = eid.split("/", 1)
    facts = record.get("shared")
    if facts is None:
        return None
    try:
        language, source = LanguageFacts.of(code), LanguageFacts.of(facts["source_language"])
        if record["withdrawn"]:
            return WithdrawnGuide(slug=slug, language=language, source_language=source, source_title=facts["source_title"],
                                  withdrawn_version_number=record["version"])
        due = datetime.date.fromisoformat(facts["next_review_due"]) if facts["next_review_due"] else None
        outdated = None
        if record.get("outdated_by") is not None:
            outdated = OutdatedNotice(source_language=source, source_version_number=record["outdated_by"], source_title=facts["outdated_title"] or "")
        return PublishedGuide(
            slug=slug, language=language, version_number=record["version"], content_hash=record["content_hash"],
            title=record["title"], summary=record["summary"], sections=(), signatures=(),
            approved_on=datetime.date.fromisoformat(facts["approved_on"]), next_review_due=due,
            review_overdue=due is not None and due < today, source_version_number=None,
            alternates=tuple(LanguageFacts.of(c) for c in facts["alternates"]), source_language=source, outdated=outdated,
        )
    except (KeyError, LookupError, TypeError, ValueError):
        return None


def _entry_version(entry: Entry) -> int:
    return entry.version_number if isinstance(entry, PublishedGuide) else entry.withdrawn_version_number


# --- locks ------------------------------------------------------------------


@contextmanager
def _channel_lock(root: Path, name: str):
    """One export of a channel at a time: a file lock for processes of this machine, and, on
    PostgreSQL, an advisory lock for every machine that exports from the same database."""
    from .locks import database_lock

    with open_lock_file(root / f".{name}.lock") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            with database_lock(f"guide_cms.export.{name}"):
                yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_lock_file(path: Path):
    """The lock file opened without following a link planted at its name (which would truncate or
    lock whatever it points to): such a link is removed first."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
    try:
        handle = os.open(path, flags, 0o600)
    except OSError:
        if not os.path.islink(path):
            raise
        os.unlink(path)
        handle = os.open(path, flags, 0o600)
    return os.fdopen(handle, "r+")


@contextmanager
def channel_locks(root: Path, names):
    """The locks of several channels, always taken in the same order."""
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for name in sorted(set(names)):
            stack.enter_context(_channel_lock(root, name))
        yield


def _own_folder(root: Path, name: str, folder: Path) -> bool:
    """Whether folder (the link's target, resolved) is one of the channel's, directly in root: only
    such a folder is patched in place or removed."""
    return folder.parent == root.resolve() and folder.name.startswith(f".{name}-") and folder.is_dir()


def _remove_abandoned(root: Path, name: str, keep: Path | None) -> None:
    """Staging folders left by an export that was killed; the live one is kept."""
    for path in root.glob(f".{name}-*"):
        if path.is_dir() and (keep is None or path.resolve() != keep):
            shutil.rmtree(path, ignore_errors=True)


# --- what is on disk ----------------------------------------------------------


def folder_problems(folder: Path, manifest: dict) -> dict[str, str]:
    """Files of an export folder that differ from its manifest, every file hashed: {path: what is wrong}."""
    return _folder_problems(folder, manifest, known={})


def _walk(folder: Path) -> dict[str, os.stat_result]:
    found = {}
    for directory, dirs, names in os.walk(folder):
        # A symbolic link to a folder is listed (and so removed as not in the manifest), never followed.
        names = names + [name for name in dirs if os.path.islink(os.path.join(directory, name))]
        for name in names:
            path = os.path.join(directory, name)
            found[os.path.relpath(path, folder).replace(os.sep, "/")] = os.stat(path, follow_symlinks=False)
    found.pop(MANIFEST, None)
    found.pop(CHECKPOINT_RECORD, None)
    return found


def _stamp(stat: os.stat_result) -> list[int]:
    # The change time too: a file edited in place with its size kept and its modification time
    # set back still gets a new one (no call sets it), so it is hashed and repaired.
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]


def _folder_problems(folder: Path, manifest: dict, known: dict[str, list[int]], intact: dict | None = None,
                     paths: set[str] | None = None) -> dict[str, str]:
    """As folder_problems, but a file whose size, modification and change times and inode are as `known`
    is not hashed; the stamps of the files found intact are put in `intact`. With paths, only those
    of the manifest's files are checked (no walk: files not in the manifest are not looked for)."""
    listed = manifest.get("files", {})
    if paths is not None:
        listed = {path: listed[path] for path in paths if path in listed}
        on_disk = {}
        for path in listed:
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                on_disk[path] = os.stat(folder / path, follow_symlinks=False)
    else:
        on_disk = _walk(folder)
    problems = {}
    for path, digest in sorted(listed.items()):
        found = on_disk.get(path)
        if found is None:
            problems[path] = "is missing"
        elif not stat.S_ISREG(found.st_mode):  # a link, a pipe or a device: never read (a pipe would never end)
            problems[path] = "is not a regular file (a link, a pipe or a device put in its place)"
        elif known.get(path) != _stamp(found) and sha256_file(folder / path) != digest:
            problems[path] = "was changed after export (SHA-256 differs from the manifest)"
        elif intact is not None:
            intact[path] = _stamp(found)
    for path in sorted(set(on_disk) - set(listed)):
        problems[path] = "is not in the manifest"
    return problems


def _stamps_file(root: Path, name: str) -> Path:
    return root / f".{name}.stamps.json"


def _stamps_mac(folder: str, files: dict) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("guide_cms.export.stamps", orjson.dumps([folder, files], option=orjson.OPT_SORT_KEYS), algorithm="sha256").hexdigest()


def _read_stamps(root: Path, name: str, folder: Path) -> dict[str, list[int]]:
    """The files' stamps recorded after the export that made folder (none if another folder is live, or
    if the stamps were written by anyone without the application's key: then every file is hashed)."""
    from django.utils.crypto import constant_time_compare

    path = _stamps_file(root, name)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a link or a pipe put in its place: never read
            return {}
        data = orjson.loads(path.read_bytes())
        folder_name, files, mac = data["folder"], data["files"], data["mac"]
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        return {}
    if folder_name != folder.name or not constant_time_compare(mac, _stamps_mac(folder_name, files)):
        return {}
    return files


def _write_stamps(root: Path, name: str, folder: Path, stamps: dict[str, list[int]]) -> None:
    # A cache only: when it cannot be written (a full disk after the swap), the next
    # export hashes the files instead; the export that is already live stays done.
    target = _stamps_file(root, name)
    try:
        write_atomically(target, orjson.dumps({"folder": folder.name, "files": stamps, "mac": _stamps_mac(folder.name, stamps)}))
    except OSError as exc:
        logger.warning("The %s channel's file stamps were not saved (%s): the next export hashes its files.", name, exc)


# --- building the new folder ---------------------------------------------------


class _Tree:
    """The new folder, made when the first file is put in it: written files, and hard links to unchanged ones.

    With live (a patch of the live folder, patching.py), it holds the written files only: an unchanged
    file stays where it is, and link() does nothing.
    """

    def __init__(self, root: Path, name: str, live: Path | None = None):
        self.root, self.name, self.live = root, name, live
        self.folder: Path | None = None
        self._dirs: set[str] = set()
        self.paths: set[str] = set()  # every file put in it (their stamps are taken once it is live)
        self.written: set[str] = set()

    def source(self, path: str) -> Path:
        """Where the file at path can be read now: staged here, or (a patch) still live."""
        if self.live is not None and path not in self.written:
            return self.live / path
        return self.folder / path

    def _target(self, path: str) -> str:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix=f".{self.name}-", dir=self.root))
        parent = os.path.dirname(safe_path(path))
        if parent and parent not in self._dirs:
            made = self.folder
            for part in Path(parent).parts:  # each made 0755 whatever the umask: the web server reads them
                made = made / part
                if not made.is_dir():
                    made.mkdir()
                    os.chmod(made, 0o755)
            self._dirs.add(parent)
        return os.path.join(self.folder, path)

    def write(self, path: str, content: bytes) -> None:
        target = self._target(path)
        with open(target, "xb") as handle:
            handle.write(content)
        os.chmod(target, 0o644)
        self.paths.add(path)
        self.written.add(path)

    def link(self, source: Path, path: str) -> None:
        if self.live is not None:
            return
        target = self._target(path)
        try:
            os.link(source / path, target)
        except OSError:  # a file system without hard links: copy
            shutil.copy2(source / path, target)
        self.paths.add(path)

    def remove(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


class StagedExport:
    """A channel's new output, staged beside the live one; swap() makes it live.

    Either a complete new folder, which swap() puts live by pointing <root>/<channel>
    at it (the first export, or one that trusts nothing of the live output), or a
    patch: the changed files only, which swap() moves into the live folder with a
    journal to undo it (patching.py).
    The channel's lock must be held from stage_channel() to finish() or undo().
    An export that changes nothing has no new folder: swap() and finish() do nothing.
    """

    def __init__(self, channel: Channel, root: Path, current: Path | None, staging: Path | None, report: ChannelReport,
                 paths=(), patch: Patch | None = None, stamps: dict[str, list[int]] | None = None):
        self.channel, self.root, self.current, self.staging, self.report = channel, root, current, staging, report
        self.link = root / channel.name
        self.swapped = False
        self.paths = set(paths)
        self.patch = patch
        self.stamps = stamps or {}  # a patch: the stamps of the live files it keeps

    def swap(self) -> None:
        """Point <root>/<channel> at the new folder in one rename, or apply the patch (if anything changed)."""
        if not self.report.changed or self.staging is None:
            return
        if self.patch is not None:
            self.patch.apply()
            self.swapped = True
            return
        os.chmod(self.staging, 0o755)
        temp_link = self.root / f".{self.channel.name}.link-{os.getpid()}"
        if temp_link.is_symlink():
            temp_link.unlink()
        temp_link.symlink_to(self.staging.name)
        os.replace(temp_link, self.link)
        self.swapped = True

    def undo(self) -> None:
        """Put the previous output back (the publication it was for was not recorded)."""
        if self.patch is not None:
            try:
                self.patch.roll_back()
            except (ChannelError, OSError) as exc:  # the journal stays: the next export rolls it back
                logger.error("The %s channel's files were not put back (%s); the next export does it.", self.channel.name, exc)
            self.swapped = False
            return
        if self.swapped:
            if self.current is not None:
                temp_link = self.root / f".{self.channel.name}.link-{os.getpid()}"
                if temp_link.is_symlink():
                    temp_link.unlink()
                temp_link.symlink_to(self.current.name)
                os.replace(temp_link, self.link)
            else:
                self.link.unlink(missing_ok=True)
            self.swapped = False
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)

    def finish(self) -> None:
        """Remove whichever folder is no longer live, and record the live files' stamps."""
        if self.patch is not None:
            if self.swapped:
                self.patch.finish()
                stamps = {path: stamp for path, stamp in self.stamps.items() if path not in self.patch.removed}
                for path in self.patch.moved:  # a rename changes a file's change time: taken now
                    with contextlib.suppress(FileNotFoundError):
                        stamps[path] = _stamp(os.stat(self.patch.live / path))
                _write_stamps(self.root, self.channel.name, self.patch.live, stamps)
            else:
                self.undo()
            return
        if self.swapped:
            if self.current and self.current != self.staging.resolve() and self.current.parent == self.root.resolve():
                shutil.rmtree(self.current, ignore_errors=True)
            # Taken now: linking a file and removing the old folder's link both change its change time.
            stamps = {}
            for path in self.paths:
                with contextlib.suppress(FileNotFoundError):
                    stamps[path] = _stamp(os.stat(self.staging / path))
            _write_stamps(self.root, self.channel.name, self.staging, stamps)
        elif self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)


def export_channel(channel: Channel, entries: list, root: Path, progress=None) -> ChannelReport:
    """Render channel's output into a new folder and swap it in atomically."""
    root.mkdir(parents=True, exist_ok=True)
    with _channel_lock(root, channel.name):
        staged = stage_channel(channel, entries, root, progress)
        staged.swap()
        staged.finish()
        return staged.report


def stage_channel(channel: Channel, entries: list | Callable, root: Path, progress=None, required=(), only=None,  # noqa: C901 - split later: package under concurrent edits
                  defer_index: bool = False, distrust: bool = False) -> StagedExport:
    """Build channel's complete output for entries (Entry or PlannedEntry) in a new folder beside the live one.

    Entries whose key did not change keep their files (hard links), unless
    those were altered or deleted (then they are rendered again). With `only`
    (a set of guide slugs), entries of other guides keep their intact previous
    files even if their key changed (after a template or font change):
    publishing one guide renders that guide only, and export_channels brings
    the rest up to date.
    An entry that cannot be rendered keeps its previous files (a withdrawal
    notice never keeps a withdrawn translation's) and is reported; the other
    entries are exported. An entry id in `required` that cannot be rendered
    raises ChannelError instead: nothing is staged. A version whose text or
    seals do not verify (ExportRefused) stops the export: nothing is staged.
    With defer_index, a search index that the changed pages outdate keeps its
    previous files (report.index_deferred): the pages go live first, and the
    next export (publish_versions runs one at once) builds the index. With
    `only` too (a publication), the shared files (home pages, sitemap) wait
    for that export as well (the manifest's shared_behind), and only the
    files of the guides in `only` are checked on disk.
    With distrust (its manifest was edited, checkpoints.distrust_altered_output),
    nothing of the live output is reused: every file is rendered again.

    entries may instead be a planner: a callable that plans the entries of a
    set of guide slugs (None: every guide), as entries.plan_entries. With a
    planner and `only`, only the guides in `only`, and those whose files were
    damaged or failed, are planned; every other guide's entries are what the
    live manifest records (files kept, facts for the shared files read from
    it), so that a publication's work does not grow with the library.
    """
    from .rendering import render_stream

    # An export that died while it replaced files: its previous files go back first.
    recovery = recover(root, channel.name)
    if recovery == ROLLED_BACK:
        only = None  # the files put back may be older than what is live: every guide is planned
    elif recovery:
        distrust = True
    link = root / channel.name
    current = link.resolve() if link.exists() else None
    if current is not None and not _own_folder(root, channel.name, current):
        logger.error("%s points to %s, not to a folder of the channel's in %s: it is not used; a new folder is built.", link, current, root)
        current = None
    previous = read_manifest(current) if current and not distrust else None
    previous_entries = (previous or {}).get("entries", {})
    previous_files = (previous or {}).get("files", {})
    known = _read_stamps(root, channel.name, current) if previous is not None else {}
    on_disk: dict[str, list[int]] = {}
    # A publication (defer_index, only) on a channel with shared files checks and writes its own guides' files
    # only: the shared files and the index wait for the export that follows it, which checks every file.
    # (A channel without shared files has no export that follows: its publication checks every file.)
    quick = defer_index and only is not None and previous is not None and channel.has_shared_files
    checked = {path for eid, old in previous_entries.items() if eid.split("/", 1)[1] in only for path in old["files"]} if quick else None
    damaged = _folder_problems(current, previous, known, on_disk, paths=checked) if previous is not None else {}
    report = ChannelReport(channel=channel.name, path=link, repaired=sorted(damaged))
    _remove_abandoned(root, channel.name, current)

    recorded: dict[str, Entry] = {}  # entries of guides left unplanned, as the manifest records them
    if callable(entries):
        planned_slugs = None
        if only is not None and previous is not None:
            recorded = _recorded_entries(previous, previous_files, damaged, set(only), as_records=quick)
            planned_slugs = {eid.split("/", 1)[1] for eid in set(previous_entries) | set(previous.get("failures", {}))} - {
                eid.split("/", 1)[1] for eid in recorded} | set(only)
        entries = entries(planned_slugs)

    # A live output whose manifest is trusted is patched in place: its unchanged files are not touched.
    tree = _Tree(root, channel.name, live=current if previous is not None else None)
    try:
        manifest_entries, failures, served, files, kept = {}, {}, {}, {}, []
        planned = [_planned(e) for e in entries]
        to_render = []
        done = 0

        def keep(eid, old, entry):
            kept.extend(old["files"])
            for path in old["files"]:
                files[path] = previous_files[path]
            if entry is None:  # a publication's other guides: their records as they are, nothing rendered from them
                manifest_entries[eid] = old
                return
            # The shared facts the shared files are rendered from (recorded by manifests since they exist).
            manifest_entries[eid] = {**old, "shared": _shared_facts(entry)}
            served[eid] = entry

        def tick(eid):
            nonlocal done
            done += 1
            if progress:
                progress(channel.name, eid, done, len(planned))

        for item in planned:
            stub = item.stub
            eid, key = entry_id(stub), channel.entry_key(stub)
            old = previous_entries.get(eid)
            intact = bool(old) and _intact(old["files"], previous_files, damaged)
            if intact and (old["key"] == key or (only is not None and stub.slug not in only)):
                # For the shared files (index): the title exported with these files, not read again.
                if not isinstance(stub, PublishedGuide):
                    reused = stub
                elif "summary" in old and not channel.shared_needs_text:
                    reused = _titled(stub, old["title"], old["summary"])
                else:  # a search index reads every text; or a manifest written before titles were recorded
                    reused = item.load()
                keep(eid, old, reused)
                report.reused.append(eid)
                if old["key"] != key and eid in previous.get("failures", {}):
                    failures[eid] = previous["failures"][eid]  # not tried again here: still failing
                tick(eid)
            else:
                to_render.append((item, key, old, intact))
        for eid, entry in recorded.items():
            keep(eid, previous_entries[eid], None if quick else entry)
            report.reused.append(eid)
            if eid in previous.get("failures", {}):
                failures[eid] = previous["failures"][eid]

        def loaded():
            entries = load_entries([item for item, *_rest in to_render])  # ExportRefused stops everything here
            for entry, (_item, key, old, intact) in zip(entries, to_render, strict=True):
                yield entry, (key, old, intact)

        for entry, (key, old, intact), outcome in render_stream(channel, loaded()):
            eid = entry_id(entry)
            if isinstance(outcome, BaseException):
                message = str(outcome) or type(outcome).__name__
                if isinstance(outcome, RecursionError):
                    message = "the text is nested too deeply for the renderer (RecursionError)"
                if eid in required:
                    raise ChannelError(message) from outcome
                # A withdrawal notice replaces a withdrawn translation: never keep that one's files.
                keeps = intact and not (old["withdrawn"] is False and not isinstance(entry, PublishedGuide))
                if keeps:
                    keep(eid, old, entry)
                failure = EntryFailure(eid, _entry_version(entry), old["version"] if keeps else None, message)
                failures[eid] = {"version": failure.version, "kept_version": failure.kept_version, "error": message}
                report.failures.append(failure)
            else:
                for item in outcome:
                    tree.write(item.path, item.content)
                    files[item.path] = hashlib.sha256(item.content).hexdigest()
                    report.written.append(item.path)
                manifest_entries[eid] = _entry_record(entry, key, [item.path for item in outcome])
                report.rendered.append(eid)
                served[eid] = entry
            tick(eid)
        shared_behind = quick
        if shared_behind:
            shared = []
            shared_paths = _shared_paths(previous)
            kept += shared_paths
            files.update({path: previous_files[path] for path in shared_paths})
            report.index_deferred = True
        else:
            try:
                shared = channel.render_shared([served[eid] for eid in sorted(served, key=_guide_order)])
            except Exception as exc:  # noqa: BLE001 - a template or code error: the channel keeps its previous output
                raise ChannelError(f"its shared files (index, sitemap…) cannot be rendered: {type(exc).__name__}: {exc}") from exc
        shared_kept = []
        for item in shared:
            digest = hashlib.sha256(item.content).hexdigest()
            files[safe_path(item.path)] = digest
            if previous_files.get(item.path) == digest and item.path not in damaged:
                shared_kept.append(item.path)
            else:
                shared_kept.append(None)
        if quick:  # the index waits with the shared files: its files and record as they are, marked behind
            index, index_kept, rebuild = _index_left_behind(previous, previous_files, files)
        else:
            index, index_kept, rebuild = _plan_index(channel, served, files, previous, damaged)
        manifest = {
            "channel": channel.name,
            "output_version": channel.output_version,
            "entries": dict(sorted(manifest_entries.items())),
            "failures": dict(sorted(failures.items())),
            "files": dict(sorted(files.items())),
        }
        if index is not None:
            manifest["index"] = index
        if shared_behind:
            manifest["shared_behind"] = True  # its shared files list the previous entries: the next export renders them
        if defer_index and rebuild:
            # A shard whose pages changed keeps its previous files, marked behind: the next export builds it.
            old_shards = _index_shards(previous)
            for shard in list(rebuild):
                old = old_shards.get(shard)
                if old and _intact(old["files"], previous_files, damaged):
                    rebuild.remove(shard)
                    index["shards"][shard] = old  # its key is not the pages'
                    index_kept += old["files"]
                    files.update({path: previous_files[path] for path in old["files"]})
                    index["behind"] = True
                    report.index_deferred = True
            manifest["files"] = dict(sorted(files.items()))
        report.changed = previous != manifest or bool(damaged) or bool(rebuild)
        if report.changed:
            for path in kept + index_kept:
                tree.link(current, path)
            for item, same in zip(shared, shared_kept, strict=True):
                if same:
                    tree.link(current, same)
                else:
                    tree.write(item.path, item.content)
                    report.written.append(item.path)
            for shard in rebuild:
                # The index reads the staged pages themselves: no text is loaded for it.
                record = index["shards"][shard]
                try:
                    built = channel.render_index({page: tree.source(page) for page in record["pages"]}, shard)
                except Exception as exc:  # noqa: BLE001 - the channel keeps its previous output
                    raise ChannelError(f"its search index cannot be built: {type(exc).__name__}: {exc}") from exc
                for item in built:
                    digest = hashlib.sha256(item.content).hexdigest()
                    files[safe_path(item.path)] = digest
                    if previous_files.get(item.path) == digest and item.path not in damaged:
                        tree.link(current, item.path)  # Pagefind's chunks are named by content
                    else:
                        tree.write(item.path, item.content)
                        report.written.append(item.path)
                record["files"] = sorted(item.path for item in built)
            manifest["files"] = dict(sorted(files.items()))
            report.files = len(files)
            # Compact, sorted UTF-8 (what json.dumps(sort_keys, ensure_ascii=False, separators) writes, six times faster):
            # at thousands of entries, the manifest is megabytes.
            tree.write(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE))
            report.written.append(MANIFEST)
            tree.paths.discard(MANIFEST)
            before = dict(previous_files)
            report.changed_files = sorted(
                {p for p, digest in files.items() if before.get(p) != digest} | (set(before) - set(files)) | set(damaged)
            )
            report.changed_files += [MANIFEST] if previous != manifest else []
        else:
            report.files = len(files)
            tree.remove()
            if current is not None and on_disk != known:
                _write_stamps(root, channel.name, current, on_disk)  # every file was hashed: next time, none is
    except BaseException:
        tree.remove()
        raise
    if not report.changed:
        return StagedExport(channel, root, current, None, report)
    if tree.live is None:
        return StagedExport(channel, root, current, tree.folder, report, paths=tree.paths)
    patch = Patch(root=root, name=channel.name, live=current, staging=tree.folder, moved=sorted(tree.written - {MANIFEST}),
                  removed=sorted((set(previous_files) | set(damaged)) - set(files)))
    # The stamps of the files left unchecked (a publication's) stay as they were: nothing touched those files.
    stamps = on_disk if checked is None else {**{p: s for p, s in known.items() if p not in checked}, **on_disk}
    return StagedExport(channel, root, current, tree.folder, report, patch=patch, stamps=stamps)


def _shared_paths(manifest: dict) -> list[str]:
    """The files of a manifest that are neither an entry's nor the search index's (home pages, sitemap…)."""
    own = {path for record in manifest.get("entries", {}).values() for path in record["files"]}
    own |= {path for shard in _index_shards(manifest).values() for path in shard["files"]}
    return sorted(set(manifest.get("files", {})) - own)


def _guide_order(eid: str) -> tuple[str, str]:
    """Entries by guide slug, then language code: the order plan_entries gives them."""
    code, slug = eid.split("/", 1)
    return slug, code


def _recorded_entries(previous: dict, previous_files: dict, damaged: dict, only: set[str], as_records: bool = False,
                      ) -> dict[str, Entry | dict]:
    """{entry id: entry as recorded} for the live entries of guides outside `only` whose files are intact,
    if every entry of such a guide is recorded with its shared facts (else the guide is planned). With
    as_records (nothing will be rendered from them: a publication's), {entry id: its record}, shared facts
    or not."""
    from django.utils import timezone

    today = timezone.localdate()
    by_guide: dict[str, dict[str, Entry | dict | None]] = {}
    for eid, record in previous.get("entries", {}).items():
        slug = eid.split("/", 1)[1]
        if slug in only:
            continue
        if not _intact(record["files"], previous_files, damaged):
            recorded = None
        else:
            recorded = record if as_records else _recorded_entry(eid, record, today)
        by_guide.setdefault(slug, {})[eid] = recorded
    for eid in previous.get("failures", {}):
        if eid not in previous.get("entries", {}):  # failed with no files kept: tried again
            by_guide.setdefault(eid.split("/", 1)[1], {})[eid] = None
    return {eid: entry for group in by_guide.values() if None not in group.values() for eid, entry in group.items()}


def _index_left_behind(previous: dict, previous_files: dict, files: dict) -> tuple[dict | None, list, list]:
    """As _plan_index, for a publication whose index waits for the export that follows it: the live
    index's record and files as they are, marked behind (decided without reading any page's digest)."""
    if not previous.get("index"):
        return None, [], []
    index = {**previous["index"], "behind": True}
    kept = [path for shard in _index_shards(previous).values() for path in shard["files"]]
    files.update({path: previous_files[path] for path in kept if path in previous_files})
    return index, kept, []


def _plan_index(channel: Channel, served: dict, files: dict, previous: dict | None, damaged: dict) -> tuple[dict | None, list, list]:
    """The channel's search index record ({"shards": {shard: {"key", "pages", "files"}}}), the files
    of the shards whose pages are the ones their live files were built from (intact: kept, their
    digests added to files), and the shards to build again; (None, [], []) when the channel has
    no index. Decided from the pages' SHA-256 only."""
    pages = sorted(path for entry in served.values() for path in channel.indexed_files(entry) if path in files)
    if not pages:
        return None, [], []
    from guide_cms.core.hashing import sha256_hex

    by_shard: dict[str, list[str]] = {}
    for path in pages:
        by_shard.setdefault(channel.index_shard(path), []).append(path)
    old_shards = _index_shards(previous)
    previous_files = (previous or {}).get("files", {})
    shards, kept, rebuild = {}, [], []
    for shard, paths in sorted(by_shard.items()):
        key = sha256_hex(json.dumps([channel.index_version, shard, [(path, files[path]) for path in paths]]))
        old = old_shards.get(shard)
        if old and old.get("key") == key and _intact(old["files"], previous_files, damaged):
            shards[shard] = dict(old)
            kept += old["files"]
        else:
            shards[shard] = {"key": key, "pages": paths, "files": []}
            rebuild.append(shard)
    files.update({path: previous_files[path] for path in kept})
    return {"shards": shards}, kept, rebuild


def _index_shards(manifest: dict | None) -> dict:
    """The index shards a manifest records ({} for none, or for an index written before shards)."""
    return ((manifest or {}).get("index") or {}).get("shards") or {}


def _intact(paths: list[str], previous_files: dict, damaged: dict) -> bool:
    return all(path in previous_files and path not in damaged for path in paths)


def _titled(stub: PublishedGuide, title: str, summary: str) -> PublishedGuide:
    import dataclasses

    return dataclasses.replace(stub, title=title, summary=summary)


def verify_exports(output_dir=None) -> list[str]:
    """Files on disk against each channel's manifest: problems, if any."""
    problems = []
    root = export_root(output_dir)
    for name in channel_names():
        folder = root / name
        if not folder.exists():
            continue
        if interrupted(root, name):
            problems.append(f"export {name}: an export died while it replaced files; run export_channels, which puts the previous "
                            "files back and exports again")
        manifest = read_manifest(folder)
        if manifest is None:
            problems.append(f"export {name}: manifest.json is missing or unreadable")
            continue
        for path, problem in folder_problems(folder.resolve(), manifest).items():
            problems.append(f"export {name}: {path} {problem}")
    return problems
