"""Write channel output atomically and incrementally, with a manifest.

Each channel's output lives in a folder of its own that <export dir>/<channel>
points to through a symlink. An export builds a complete new folder beside
it (stage_channel), then swaps the symlink in one rename: a crash at any
moment leaves the previous output whole. Files of entries whose content did
not change are copied from the previous output instead of being rendered
again, unless they were altered or deleted on disk (then they are rendered
again: an export repairs its output). An entry the channel cannot render
keeps its previous files and is recorded under "failures" in the manifest;
the other entries are exported. Publishing stages every channel, swaps them
only once the version rendered everywhere, and undoes the swap if its
transaction fails (services.publish_version).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from .channels.base import Channel, ChannelError, Entry, PublishedGuide, RenderedFile, _plain, limit_problems, problems_message

MANIFEST = "manifest.json"


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


@dataclass
class ChannelReport:
    channel: str
    path: Path
    rendered: list[str] = field(default_factory=list)  # entry ids rendered anew
    reused: list[str] = field(default_factory=list)  # entry ids copied from the previous output
    files: int = 0
    changed: bool = True
    failures: list[EntryFailure] = field(default_factory=list)  # entries that could not be rendered
    repaired: list[str] = field(default_factory=list)  # files that had been altered or deleted on disk
    error: str = ""  # the whole channel failed: its previous output was kept


def entry_id(entry: Entry) -> str:
    return f"{entry.language.code}/{entry.slug}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None


def _entry_record(entry: Entry, key: str, files: list[str]) -> dict:
    record = {"key": key, "files": sorted(files), "withdrawn": not isinstance(entry, PublishedGuide)}
    if isinstance(entry, PublishedGuide):
        record.update(
            version=entry.version_number,
            content_hash=entry.content_hash,
            signatures=[_plain(s) for s in entry.signatures],
            outdated_by=entry.outdated.source_version_number if getattr(entry, "outdated", None) else None,
        )
    else:
        record.update(version=entry.withdrawn_version_number)
    return record


def _entry_version(entry: Entry) -> int:
    return entry.version_number if isinstance(entry, PublishedGuide) else entry.withdrawn_version_number


def _write(folder: Path, rendered: RenderedFile) -> None:
    target = folder / rendered.path
    if ".." in Path(rendered.path).parts or Path(rendered.path).is_absolute():
        raise ChannelError(f"refusing to write outside the export folder: {rendered.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(rendered.content)


@contextmanager
def _channel_lock(root: Path, name: str):
    """One export of a channel at a time (another process waits)."""
    with open(root / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def channel_locks(root: Path, names):
    """The locks of several channels, always taken in the same order."""
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for name in sorted(set(names)):
            stack.enter_context(_channel_lock(root, name))
        yield


def _remove_abandoned(root: Path, name: str, keep: Path | None) -> None:
    """Staging folders left by an export that was killed; the live one is kept."""
    for path in root.glob(f".{name}-*"):
        if path.is_dir() and (keep is None or path.resolve() != keep):
            shutil.rmtree(path, ignore_errors=True)


def folder_problems(folder: Path, manifest: dict) -> dict[str, str]:
    """Files of an export folder that differ from its manifest: {path: what is wrong}."""
    listed = manifest.get("files", {})
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    problems = {}
    for path, digest in sorted(listed.items()):
        if path not in on_disk:
            problems[path] = "is missing"
        elif sha256_file(folder / path) != digest:
            problems[path] = "was changed after export (SHA-256 differs from the manifest)"
    for path in sorted(on_disk - set(listed)):
        problems[path] = "is not in the manifest"
    return problems


class StagedExport:
    """A channel's complete new output, built beside the live one; swap() makes it live.

    The channel's lock must be held from stage_channel() to finish() or undo().
    """

    def __init__(self, channel: Channel, root: Path, current: Path | None, staging: Path, report: ChannelReport):
        self.channel, self.root, self.current, self.staging, self.report = channel, root, current, staging, report
        self.link = root / channel.name
        self.swapped = False

    def swap(self) -> None:
        """Point <root>/<channel> at the new folder in one rename (if anything changed)."""
        if not self.report.changed:
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
        shutil.rmtree(self.staging, ignore_errors=True)

    def finish(self) -> None:
        """Remove whichever folder is no longer live."""
        if self.swapped:
            if self.current and self.current != self.staging.resolve() and self.current.parent == self.root.resolve():
                shutil.rmtree(self.current, ignore_errors=True)
        else:
            shutil.rmtree(self.staging, ignore_errors=True)


def export_channel(channel: Channel, entries: list[Entry], root: Path, progress=None) -> ChannelReport:
    """Render channel's output into a new folder and swap it in atomically."""
    root.mkdir(parents=True, exist_ok=True)
    with _channel_lock(root, channel.name):
        staged = stage_channel(channel, entries, root, progress)
        staged.swap()
        staged.finish()
        return staged.report


def stage_channel(channel: Channel, entries: list[Entry], root: Path, progress=None, required=(), only=None) -> StagedExport:
    """Build channel's complete output for entries in a new folder beside the live one.

    Files of entries whose key did not change are copied from the live output,
    unless they were altered or deleted there (then they are rendered again).
    With `only` (a set of guide slugs), entries of other guides keep their
    intact previous files even if their key changed (after a template or font
    change): publishing one guide renders that guide only, and export_channels
    brings the rest up to date.
    An entry that cannot be rendered keeps its previous files (a withdrawal
    notice never keeps a withdrawn translation's) and is reported; the other
    entries are exported. An entry id in `required` that cannot be rendered
    raises ChannelError instead: nothing is staged.
    """
    link = root / channel.name
    current = link.resolve() if link.exists() else None
    previous = read_manifest(current) if current else None
    previous_entries = (previous or {}).get("entries", {})
    damaged = folder_problems(current, previous) if previous is not None else {}
    report = ChannelReport(channel=channel.name, path=link, repaired=sorted(damaged))
    _remove_abandoned(root, channel.name, current)

    staging = Path(tempfile.mkdtemp(prefix=f".{channel.name}-", dir=root))
    try:
        manifest_entries, failures, served = {}, {}, []
        for entry in entries:
            eid, key = entry_id(entry), channel.entry_key(entry)
            old = previous_entries.get(eid)
            intact = bool(old) and all(path not in damaged for path in old["files"])
            if intact and (old["key"] == key or (only is not None and entry.slug not in only)):
                _copy(current, staging, old["files"])
                manifest_entries[eid] = old
                report.reused.append(eid)
                served.append(entry)
                if old["key"] != key and eid in previous.get("failures", {}):
                    failures[eid] = previous["failures"][eid]  # not tried again here: still failing
            else:
                try:
                    if too_deep := limit_problems(entry):
                        raise ChannelError(problems_message(too_deep, entry, channel.name))
                    rendered = channel.render_entry(entry)
                except Exception as exc:  # noqa: BLE001 - one entry never blocks the others
                    message = str(exc) or type(exc).__name__
                    if isinstance(exc, RecursionError):
                        message = "the text is nested too deeply for the renderer (RecursionError)"
                    if eid in required:
                        raise ChannelError(message) from exc
                    # A withdrawal notice replaces a withdrawn translation: never keep that one's files.
                    keep = intact and not (old["withdrawn"] is False and not isinstance(entry, PublishedGuide))
                    if keep:
                        _copy(current, staging, old["files"])
                        manifest_entries[eid] = old
                        served.append(entry)
                    failure = EntryFailure(eid, _entry_version(entry), old["version"] if keep else None, message)
                    failures[eid] = {"version": failure.version, "kept_version": failure.kept_version, "error": message}
                    report.failures.append(failure)
                else:
                    for item in rendered:
                        _write(staging, item)
                    manifest_entries[eid] = _entry_record(entry, key, [item.path for item in rendered])
                    report.rendered.append(eid)
                    served.append(entry)
            if progress:
                progress(channel.name, eid, len(report.reused) + len(report.rendered) + len(report.failures), len(entries))
        try:
            shared = channel.render_shared(served)
        except Exception as exc:  # noqa: BLE001 - a template or code error: the channel keeps its previous output
            raise ChannelError(f"its shared files (index, sitemap…) cannot be rendered: {type(exc).__name__}: {exc}") from exc
        for item in shared:
            _write(staging, item)

        file_hashes = {
            path.relative_to(staging).as_posix(): sha256_file(path) for path in sorted(staging.rglob("*")) if path.is_file()
        }
        manifest = {
            "channel": channel.name,
            "output_version": channel.output_version,
            "entries": dict(sorted(manifest_entries.items())),
            "failures": dict(sorted(failures.items())),
            "files": file_hashes,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
        report.files = len(file_hashes)
        report.changed = previous != manifest or bool(damaged)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return StagedExport(channel, root, current, staging, report)


def _copy(source: Path, target: Path, paths: list[str]) -> None:
    for path in paths:
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / path, target / path)


def verify_exports(output_dir=None) -> list[str]:
    """Files on disk against each channel's manifest: problems, if any."""
    problems = []
    root = export_root(output_dir)
    for name in channel_names():
        folder = root / name
        if not folder.exists():
            continue
        manifest = read_manifest(folder)
        if manifest is None:
            problems.append(f"export {name}: manifest.json is missing or unreadable")
            continue
        for path, problem in folder_problems(folder.resolve(), manifest).items():
            problems.append(f"export {name}: {path} {problem}")
    return problems
