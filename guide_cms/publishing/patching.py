"""Apply an export's changed files to the live folder in place, with a journal to undo it.

A publication changes a handful of files among thousands. Rather than build a
whole new folder (whose cost grows with the library), stage_channel writes only
those files into a staging folder. Patch.apply() then moves each one over its
live path with an atomic rename (a reader gets the old file or the new one,
never a part of either), deletes the files no longer exported, and replaces
manifest.json last.

Before the first rename, a journal (<root>/.<channel>.journal.json) records
what will change, and a backup folder keeps a hard link to every live file that
will be replaced or deleted. roll_back() puts them back: the export calls it
when its publication is not recorded, and the next export calls it through
recover() when an export died mid-way, so a crash leaves the previous output
whole once the channel is exported again. Patch.finish() removes the journal:
from then on the change is final.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .channels.base import ChannelError

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
ROLLED_BACK = "rolled back"


def journal_path(root: Path, name: str) -> Path:
    return root / f".{name}.journal.json"


def safe_path(path) -> str:
    """path, if it is a relative path inside an export folder (text, no "..", no NUL); else ChannelError."""
    if not isinstance(path, str) or not path or "\x00" in path or ".." in Path(path).parts or Path(path).is_absolute():
        raise ChannelError(f"refusing to write outside the export folder: {path!r}")
    return path


def _folder(root: Path, name: str, folder) -> Path:
    """A folder the journal names: one of this channel's, directly in root, and a real folder, never a
    symbolic link (gone is allowed: nothing is left in it to put back)."""
    if not isinstance(folder, str) or "/" in folder or "\x00" in folder or not folder.startswith(f".{name}-"):
        raise ChannelError(f"the {name} export journal names a folder that is not the channel's: {folder!r}")
    path = root / folder
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    if not stat.S_ISDIR(mode):
        raise ChannelError(f"the {name} export journal names {folder!r}, which is not a folder of the channel's (a link or a file)")
    return path


def _parents(folder: Path, path: str, make: bool) -> bool:
    """Whether every folder on the way to path inside folder is a real folder (never a link, which
    could lead outside). With make, they are made so: what stands in the way (a link, a file put
    there by hand) is removed, and missing folders are created (0755, whatever the umask)."""
    current = folder
    for part in Path(path).parts[:-1]:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            continue
        if not make:
            return False
        if mode is not None:
            os.unlink(current)
        os.mkdir(current)
        os.chmod(current, 0o755)
    return True


def _is_file(path: Path) -> bool:
    """A regular file or a link (never followed), which a backup can keep; not a folder or a pipe."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    return stat.S_ISREG(mode) or stat.S_ISLNK(mode)


def _remove(path: Path) -> None:
    """Whatever is at path, never following a link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _put(source: Path, folder: Path, path: str) -> None:
    """Rename source to path inside folder, replacing whatever is there (a folder put there by hand too)."""
    _parents(folder, path, make=True)
    target = folder / path
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISDIR(os.lstat(target).st_mode):
            shutil.rmtree(target)
    os.replace(source, target)


def _prune(live: Path, path: str) -> None:
    """Remove the folders of a deleted file that are left empty (never the live folder itself)."""
    parent = (live / path).parent
    while parent != live:
        try:
            parent.rmdir()
        except OSError:  # not empty, or gone
            return
        parent = parent.parent


@dataclass
class Patch:
    """The changed files of one export, staged at their paths, and the live files to delete."""

    root: Path
    name: str  # the channel
    live: Path  # the live folder (resolved)
    staging: Path  # holds the files to move in, manifest.json among them
    moved: list[str]  # staged paths other than the manifest
    removed: list[str]  # live paths that the new manifest does not list
    backup: Path | None = field(default=None, init=False)
    started: bool = field(default=False, init=False)  # the journal is written: roll_back() undoes what was done

    def apply(self) -> None:
        """Delete the removed files, move the staged ones in, then the manifest. Raises OSError
        (then call roll_back()); ChannelError for a path outside the folder."""
        paths = [safe_path(p) for p in self.moved + self.removed] + [MANIFEST]
        # Only files (and links, never followed) are kept to be put back: a folder or a pipe where a file
        # belongs was put there by hand, and is removed.
        existed = [p for p in paths if _parents(self.live, p, make=False) and _is_file(self.live / p)]
        self.backup = Path(tempfile.mkdtemp(prefix=f".{self.name}-undo-", dir=self.root))
        journal = {
            "live": self.live.name, "staging": self.staging.name, "backup": self.backup.name,
            "moved": self.moved, "removed": self.removed, "existed": existed,
        }
        write_atomically(journal_path(self.root, self.name), json.dumps(journal).encode("utf-8"))
        self.started = True
        for path in existed:
            saved = self.backup / path
            saved.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.live / path, saved, follow_symlinks=False)
            except OSError:  # a file system without hard links
                shutil.copy2(self.live / path, saved, follow_symlinks=False)
        # Removed first: a removed path may stand where a moved file's folder belongs (a file put there by hand).
        for path in self.removed:
            if _parents(self.live, path, make=False):
                _remove(self.live / path)
                _prune(self.live, path)
        for path in self.moved:
            _put(self.staging / path, self.live, path)
        os.replace(self.staging / MANIFEST, self.live / MANIFEST)

    def roll_back(self) -> None:
        """Put every file apply() replaced or deleted back, and delete what it added."""
        if self.started:
            roll_back(self.root, self.name)
        else:
            shutil.rmtree(self.staging, ignore_errors=True)

    def finish(self) -> None:
        """Make the change final: the journal goes first, then the backups and the staging folder."""
        journal_path(self.root, self.name).unlink(missing_ok=True)
        for folder in (self.backup, self.staging):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def roll_back(root: Path, name: str) -> bool:
    """Undo the patch the channel's journal records, if there is one (True then). Safe to run again
    after it was interrupted: a file whose backup is gone was put back already. Raises ChannelError
    for a journal that cannot be read, or that names paths or folders other than the channel's."""
    journal_file = journal_path(root, name)
    if not os.path.lexists(journal_file):
        return False
    try:
        if not stat.S_ISREG(os.lstat(journal_file).st_mode):  # a link, folder or pipe: never followed or read
            raise ChannelError(f"the {name} export journal ({journal_file.name}) is not a regular file")
        journal = json.loads(journal_file.read_bytes())
        live, backup, staging = (_folder(root, name, journal[key]) for key in ("live", "backup", "staging"))
        moved, removed, existed = journal["moved"], journal["removed"], journal["existed"]
        paths = [safe_path(path) for path in [*moved, *removed, MANIFEST]]
        existed = {safe_path(path) for path in existed}
    except ChannelError:
        raise
    except (ValueError, RecursionError, KeyError, TypeError, AttributeError, OSError) as exc:  # ValueError: bad JSON or text
        raise ChannelError(f"the {name} export journal cannot be read ({type(exc).__name__}: {exc})") from exc
    if not os.path.lexists(live):
        raise ChannelError(f"the {name} export journal names a live folder that is gone ({live.name})")
    for path in paths:
        if path in existed:
            saved = backup / path
            if _parents(backup, path, make=False) and os.path.lexists(saved):
                _put(saved, live, path)
        elif _parents(live, path, make=False):
            _remove(live / path)
            _prune(live, path)
    journal_file.unlink()
    for folder in (backup, staging):
        if os.path.lexists(folder):
            shutil.rmtree(folder, ignore_errors=True)
    return True


def recover(root: Path, name: str) -> str:
    """Under the channel's lock, before an export: '' when no export of the channel was interrupted;
    ROLLED_BACK when one died while it replaced files and its previous files were put back (the live
    output is the one before it: plan every guide); otherwise why the live folder cannot be trusted (a
    journal that cannot be read or names what is not the channel's, set aside as *.rejected-<time>):
    the export must render every file into a new folder (stage_channel's distrust)."""
    for stale in root.glob(f".{name}.journal.json.*.tmp"):  # a journal whose writer died before its rename
        with contextlib.suppress(OSError):
            if not stat.S_ISDIR(os.lstat(stale).st_mode):
                stale.unlink()
    try:
        rolled = roll_back(root, name)
    except (ChannelError, OSError, ValueError) as exc:
        journal_file = journal_path(root, name)
        aside = journal_file.with_name(f"{journal_file.name}.rejected-{time.strftime('%Y%m%dT%H%M%S')}")
        with contextlib.suppress(OSError):
            os.replace(journal_file, aside)
        logger.error("The %s channel's export journal was not rolled back (%s); it is set aside as %s and every file is "
                     "rendered again into a new folder.", name, exc, aside.name)
        return f"an interrupted export left a journal that could not be rolled back ({exc}); set aside as {aside.name}"
    if rolled:
        logger.warning("An export of the %s channel was interrupted while it replaced files: the previous files were put back.", name)
        return ROLLED_BACK
    return ""


def interrupted(root: Path, name: str) -> bool:
    """Whether an export of the channel died while it replaced files (the next export rolls it back)."""
    return os.path.lexists(journal_path(root, name))


def write_atomically(target: Path, content: bytes) -> None:
    """Write target whole or not at all, through a new temporary file (never through a link planted
    at a guessable name). No fsync: like the staged files, not made to outlive a power cut."""
    handle, temp = tempfile.mkstemp(prefix=f"{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(content)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
