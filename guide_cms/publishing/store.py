"""The release store: each export of a channel is a new, immutable release folder, made live by one symlink swap.

    <export dir>/<channel>                         symlink to the live release
    <export dir>/.<channel>-<UTC time>-<random>/   a release: its files, manifest.json written last

A release is written once (Release), its files read-only and its manifest
last, then made live by replacing the channel's symlink in one rename
(swap): a reader gets the previous release or the new one, never a mix, and
a crash or a full disk before the swap leaves the previous release live with
nothing of the new one served. The release is flushed to disk (fsync) before
the swap and the swap after it, so a power cut cannot leave a recorded
publication's files empty. Files that did not change are hard links to
the previous release's (content-addressed by the manifest's SHA-256), so a
release costs what changed plus one link per unchanged file. Releases are
never modified after they are written, so a publication hashes only its own
guides' files and the files modified after their release was written (a stat
each for the others); verify_integrity hashes every file against its
manifest, and export_channels (a full export) renders again whatever differs.
Unchanged files are shared with the previous release (hard links): a file
edited in place changes in both.
The newest settings.GUIDE_CMS_RELEASES_KEPT releases (the live one among
them) are kept, for readers still downloading from an older one; older ones
are pruned after each swap. Call everything that writes under the channel's
lock (channel_locks).
"""
from __future__ import annotations

import contextlib
import datetime
import fcntl
import functools
import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

import orjson
from django.conf import settings

from .channels.base import ChannelError

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CHECKPOINT_RECORD = "checkpoint.json"  # written beside the manifest after each checkpoint (publishing.checkpoints)
LEGACY = (".{name}.journal.json", ".{name}.stamps.json")  # what exports that patched the live folder in place left


def export_root(output_dir=None) -> Path:
    """The folder that holds every channel's releases (settings.GUIDE_CMS_EXPORT_DIR by default)."""
    return Path(output_dir or settings.GUIDE_CMS_EXPORT_DIR)


def channel_names() -> list[str]:
    """The configured channels' names (settings.GUIDE_CMS_CHANNELS), in their order: a folder of releases each."""
    return list(settings.GUIDE_CMS_CHANNELS)


def releases_kept() -> int:
    """How many releases of a channel are kept, the live one included (at least 1)."""
    return max(int(getattr(settings, "GUIDE_CMS_RELEASES_KEPT", 2)), 1)


def safe_path(path) -> str:
    """path, if it is a relative path inside a release (text, no "..", no NUL); else ChannelError."""
    if not isinstance(path, str) or not path or "\x00" in path or ".." in Path(path).parts or Path(path).is_absolute():
        raise ChannelError(f"refusing to write outside the export folder: {path!r}")
    return path


# --- locks ------------------------------------------------------------------


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


@contextmanager
def channel_locks(root: Path, names):
    """The locks of several channels, always taken in the same order (no deadlock between exports)."""
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for name in sorted(set(names)):
            stack.enter_context(_channel_lock(root, name))
        yield


# --- reading releases ---------------------------------------------------------


def sha256_file(path: Path) -> str:
    """The SHA-256 of the file at path, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_release_name(name: str, folder_name: str) -> bool:
    """Whether folder_name is the name of one of channel name's releases (".site-20261207T190742708935-z2ok86oo"), or of
    a folder an export before the release store made (".site-k3j4abcd"): never another channel's (".site-es-…")."""
    return re.fullmatch(rf"\.{re.escape(name)}-(?:\d{{8}}T\d{{12}}-)?[a-z0-9_]{{8}}", folder_name) is not None


def _own_release(root: Path, name: str, folder: Path) -> bool:
    return folder.parent == root.resolve() and is_release_name(name, folder.name) and folder.is_dir()


def live_release(root: Path, name: str) -> Path | None:
    """The channel's live release folder (resolved), or None: no release yet, or a link that leads
    elsewhere than one of the channel's releases in root (logged: never read or written)."""
    link = root / name
    if not link.exists():
        return None
    folder = link.resolve()
    if not _own_release(root, name, folder):
        logger.error("%s points to %s, not to a release of the channel's in %s: it is not used; a new release is built.", link, folder, root)
        return None
    return folder


def read_manifest(folder: Path) -> dict | None:
    """The release's manifest, or None if it is missing, unreadable, not a regular file (a pipe would
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


_MANIFESTS: dict[str, tuple[tuple, dict | None]] = {}  # one entry per channel link


def live_manifest(link: Path) -> dict | None:
    """read_manifest of the release link points to, parsed once per release: the state pages read it on
    every request, and at thousands of entries it is megabytes of JSON. Read-only: do not mutate."""
    try:
        folder = link.resolve(strict=True)
        found = os.stat(folder / MANIFEST)
    except (FileNotFoundError, NotADirectoryError):
        return None
    stamp = (str(folder), found.st_ino, found.st_size, found.st_mtime_ns)
    cached = _MANIFESTS.get(str(link))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    manifest = read_manifest(folder)
    _MANIFESTS[str(link)] = (stamp, manifest)
    return manifest


def _walk(folder: Path) -> dict[str, os.stat_result]:
    found = {}
    for directory, dirs, names in os.walk(folder):
        # A symbolic link to a folder is listed (and so reported as not in the manifest), never followed.
        names = names + [name for name in dirs if os.path.islink(os.path.join(directory, name))]
        for name in names:
            path = os.path.join(directory, name)
            found[os.path.relpath(path, folder).replace(os.sep, "/")] = os.stat(path, follow_symlinks=False)
    found.pop(MANIFEST, None)
    found.pop(CHECKPOINT_RECORD, None)
    return found


def folder_problems(folder: Path, manifest: dict, paths: set[str] | None = None, hashed: set[str] | None = None) -> dict[str, str]:
    """Files of a release that differ from its manifest: {path: what is wrong}.

    With paths, only those of the manifest's files are looked at (no walk: files not in the manifest are
    not looked for). Every file is hashed unless hashed names the ones to hash: then any other is
    hashed only if it was modified after the release's manifest was written (a release's files are
    all older), so a check of thousands of files costs a stat each.
    """
    listed = manifest.get("files", {})
    if paths is not None:
        listed = {path: listed[path] for path in paths if path in listed}
        on_disk = {}
        for path in listed:
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                on_disk[path] = os.stat(folder / path, follow_symlinks=False)
    else:
        on_disk = _walk(folder)
    sealed_at = _sealed_at(folder) if hashed is not None else None
    problems = {}
    for path, digest in sorted(listed.items()):
        found = on_disk.get(path)
        if found is None:
            problems[path] = "is missing"
        elif not stat.S_ISREG(found.st_mode):  # a link, a pipe or a device: never read (a pipe would never end)
            problems[path] = "is not a regular file (a link, a pipe or a device put in its place)"
        elif hashed is not None and path not in hashed and sealed_at is not None and found.st_mtime_ns <= sealed_at:
            continue
        elif sha256_file(folder / path) != digest:
            problems[path] = "was changed after export (SHA-256 differs from the manifest)"
    for path in sorted(set(on_disk) - set(listed)):
        problems[path] = "is not in the manifest"
    return problems


def _sealed_at(folder: Path) -> int | None:
    """When the release's manifest was written (ns), or None."""
    try:
        return os.stat(folder / MANIFEST, follow_symlinks=False).st_mtime_ns
    except OSError:
        return None


def legacy_state(root: Path, name: str) -> bool:
    """Whether an export that patched the live folder in place (before the release store) left its journal:
    then that folder may be half patched, and the next release must be rendered whole. Its journal and
    stamps files are removed."""
    patched = legacy_journal_left(root, name)
    for leftover in (root / pattern.format(name=name) for pattern in LEGACY):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            leftover.unlink()
    return patched


# --- writing a release ----------------------------------------------------------


class Release:
    """A new release of a channel, written beside the live one: files written or linked from the
    previous release, the manifest last (seal). Nothing is made until the first file is put in it."""

    def __init__(self, root: Path, name: str, previous: Path | None):
        self.root, self.name, self.previous = root, name, previous
        self.folder: Path | None = None
        self._dirs: set[str] = set()
        self._written: list[str] = []  # new files, flushed to disk at seal

    def source(self, path: str) -> Path:
        """Where the file at path can be read now (it must be in the release already)."""
        return self.folder / path

    def _target(self, path: str) -> str:
        if self.folder is None:
            when = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
            self.folder = Path(tempfile.mkdtemp(prefix=f".{self.name}-{when}-", dir=self.root))
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
        """Put a new file at path (read-only once written: a release is never modified)."""
        target = self._target(path)
        with open(target, "xb") as handle:
            handle.write(content)
        os.chmod(target, 0o444)
        self._written.append(target)

    def link(self, path: str, digest: str | None = None) -> None:
        """Put the previous release's file at path into this one, unchanged: a hard link (a copy where the file system
        has none), never through a symbolic link. With digest (its SHA-256 in the previous manifest), a file that is
        not a regular file, or that was modified after the previous release was written, is hashed first: ChannelError
        if it is not the file that release recorded (changed since the export checked it), so nothing altered is
        carried into a new release unnoticed."""
        source = self.previous / path
        try:
            found = os.stat(source, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            raise ChannelError(f"{path} was removed from the live release during the export: export again") from None
        if not stat.S_ISREG(found.st_mode):
            raise ChannelError(f"{path} in the live release is not a regular file any more (changed during the export): export again")
        if digest is not None and (self._previous_sealed_at is None or found.st_mtime_ns > self._previous_sealed_at) and sha256_file(source) != digest:
            raise ChannelError(f"{path} in the live release was changed during the export (SHA-256 differs from its manifest): export again")
        target = self._target(path)
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:  # a file system without hard links
            shutil.copy2(source, target, follow_symlinks=False)

    @functools.cached_property
    def _previous_sealed_at(self) -> int | None:
        return _sealed_at(self.previous) if self.previous is not None else None

    def seal(self, manifest: bytes) -> None:
        """Write the manifest, last: a release without one is never made live. The previous release's checkpoint
        record (not in any manifest: the checkpoint after this export replaces it) comes along, so that the live
        release always shows the newest checkpoint, even when none can be written after this export."""
        record = self.previous / CHECKPOINT_RECORD if self.previous is not None else None
        if record is not None and os.path.isfile(record) and not os.path.islink(record):
            shutil.copyfile(record, self._target(CHECKPOINT_RECORD))
        self.write(MANIFEST, manifest)
        os.chmod(self.folder, 0o755)
        self._flush()

    def _flush(self) -> None:
        """Every new file's bytes and every folder's entries (hard links included) on disk before the release can
        be made live: a power cut after the swap and the commit must not leave patients empty or cut-off files
        behind a publication the database records. One pass after all are written lets the file system write
        them back together instead of once per file."""
        folders = {Path("."), *(ancestor for parent in self._dirs for ancestor in [Path(parent), *Path(parent).parents])}
        for target, flags in [*((t, os.O_RDONLY) for t in self._written),
                              # "." (the release itself) last
                              *((self.folder / f, os.O_RDONLY | os.O_DIRECTORY) for f in sorted(folders, key=lambda f: -len(f.parts)))]:
            _fsync(target, flags)

    def discard(self) -> None:
        """Remove the release (never live)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def point_at(root: Path, name: str, folder: Path | None) -> None:
    """Make folder the channel's live release in one rename of its symlink (None: no release live)."""
    link = root / name
    if folder is None:
        link.unlink(missing_ok=True)
        return
    temp_link = root / f".{name}.link-{os.getpid()}"
    if temp_link.is_symlink():
        temp_link.unlink()
    temp_link.symlink_to(folder.name)
    os.replace(temp_link, link)
    fsync_folder(root)  # the swap itself on disk: after a power cut, the link names the release the database records


def fsync_folder(folder: Path) -> None:
    """A folder's entries (files made, linked, renamed in it) on disk."""
    _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path, flags: int) -> None:
    """path's bytes (or a folder's entries) on disk; an OSError names path (a full disk may only be reported here,
    when the file system allocates what was written)."""
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from exc
    finally:
        os.close(fd)


def prune(root: Path, name: str, keep: int | None = None) -> list[str]:
    """Remove the channel's releases but the live one and the newest others, keep in all
    (releases_kept()), and folders of releases never sealed (an export killed while it wrote);
    the names removed."""
    keep = releases_kept() if keep is None else keep
    live = live_release(root, name)
    releases = sorted((p for p in root.glob(f".{name}-*") if is_release_name(name, p.name) and p.is_dir() and not p.is_symlink()),
                      key=lambda p: p.name, reverse=True)
    kept = [live] if live is not None else []
    removed = []
    for folder in releases:
        if folder.resolve() == live:
            continue
        if len(kept) < keep and os.path.isfile(folder / MANIFEST) and (live is None or folder.name < live.name):
            kept.append(folder)
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


def legacy_journal_left(root: Path, name: str) -> bool:
    """Whether an export from before the release store died while it patched the channel's live folder in place."""
    return os.path.lexists(root / LEGACY[0].format(name=name))
