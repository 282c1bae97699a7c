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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .channels.base import ChannelError

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"


def journal_path(root: Path, name: str) -> Path:
    return root / f".{name}.journal.json"


def _safe(path: str) -> str:
    if not path or ".." in Path(path).parts or Path(path).is_absolute():
        raise ChannelError(f"refusing to write outside the export folder: {path!r}")
    return path


def _folder(root: Path, name: str, folder: str) -> Path:
    """A folder the journal names: only one of this channel's, directly in root."""
    if "/" in folder or not folder.startswith(f".{name}-"):
        raise ChannelError(f"the {name} export journal names a folder that is not the channel's: {folder!r}")
    return root / folder


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
        """Move the staged files in, delete the removed ones, then the manifest. Raises OSError
        (then call roll_back()); ChannelError for a path outside the folder."""
        paths = [_safe(p) for p in self.moved + self.removed] + [MANIFEST]
        existed = [p for p in paths if os.path.lexists(self.live / p)]
        self.backup = Path(tempfile.mkdtemp(prefix=f".{self.name}-undo-", dir=self.root))
        journal = {
            "live": self.live.name, "staging": self.staging.name, "backup": self.backup.name,
            "moved": self.moved, "removed": self.removed, "existed": existed,
        }
        _write_atomically(journal_path(self.root, self.name), json.dumps(journal).encode("utf-8"))
        self.started = True
        made: set[Path] = set()
        for path in existed:
            saved = self.backup / path
            if saved.parent not in made:
                saved.parent.mkdir(parents=True, exist_ok=True)
                made.add(saved.parent)
            try:
                os.link(self.live / path, saved)
            except OSError:  # a file system without hard links
                shutil.copy2(self.live / path, saved)
        for path in self.moved:
            target = self.live / path
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True)
            elif target.is_dir() and not target.is_symlink():  # a folder put where a file belongs, by hand
                shutil.rmtree(target)
            os.replace(self.staging / path, target)
        for path in self.removed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.live / path)
            _prune(self.live, path)
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
    for a journal that cannot be read or names paths outside the channel's folders."""
    journal_file = journal_path(root, name)
    try:
        journal = json.loads(journal_file.read_text("utf-8"))
        live, backup, staging = (_folder(root, name, journal[key]) for key in ("live", "backup", "staging"))
        moved, removed, existed = journal["moved"], journal["removed"], set(journal["existed"])
    except FileNotFoundError:
        return False
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ChannelError(f"the {name} export journal ({journal_file}) cannot be read ({exc}); "
                           "its files are checked against the manifest and repaired by the next export once it is removed") from exc
    for path in [*moved, *removed, MANIFEST]:
        _safe(path)
        if path in existed:
            saved = backup / path
            if os.path.lexists(saved):
                (live / path).parent.mkdir(parents=True, exist_ok=True)
                os.replace(saved, live / path)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(live / path)
            _prune(live, path)
    journal_file.unlink()
    shutil.rmtree(backup, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return True


def recover(root: Path, name: str) -> None:
    """Roll back an export of the channel that died while it replaced files (under the channel's lock)."""
    if roll_back(root, name):
        logger.warning("An export of the %s channel was interrupted while it replaced files: the previous files were put back.", name)


def interrupted(root: Path, name: str) -> bool:
    """Whether an export of the channel died while it replaced files (the next export rolls it back)."""
    return journal_path(root, name).exists()


def _write_atomically(target: Path, content: bytes) -> None:
    # Whole or absent after a crash of the process (no fsync: like the staged files, not made to outlive a power cut).
    temp = target.with_name(f"{target.name}.{os.getpid()}")
    try:
        temp.write_bytes(content)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
