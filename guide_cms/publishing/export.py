"""Write channel output atomically and incrementally, with a manifest.

Each channel's output lives in a folder of its own that <export dir>/<channel>
points to through a symlink. An export builds a complete new folder beside
it, then swaps the symlink in one rename: a crash at any moment leaves the
previous output whole. Files of entries whose content did not change are
copied from the previous output instead of being rendered again.
"""
from __future__ import annotations

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

from .channels.base import Channel, ChannelError, Entry, PublishedGuide, RenderedFile, _plain

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


@dataclass
class ChannelReport:
    channel: str
    path: Path
    rendered: list[str] = field(default_factory=list)  # entry ids rendered anew
    reused: list[str] = field(default_factory=list)  # entry ids copied from the previous output
    files: int = 0
    changed: bool = True


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
        )
    else:
        record.update(version=entry.withdrawn_version_number)
    return record


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


def _remove_abandoned(root: Path, name: str, keep: Path | None) -> None:
    """Staging folders left by an export that was killed; the live one is kept."""
    for path in root.glob(f".{name}-*"):
        if path.is_dir() and (keep is None or path.resolve() != keep):
            shutil.rmtree(path, ignore_errors=True)


def export_channel(channel: Channel, entries: list[Entry], root: Path, progress=None) -> ChannelReport:
    """Render channel's output into a new folder and swap it in atomically."""
    root.mkdir(parents=True, exist_ok=True)
    with _channel_lock(root, channel.name):
        return _export_locked(channel, entries, root, progress)


def _export_locked(channel: Channel, entries: list[Entry], root: Path, progress) -> ChannelReport:
    link = root / channel.name
    current = link.resolve() if link.exists() else None
    previous = read_manifest(current) if current else None
    previous_entries = (previous or {}).get("entries", {})
    report = ChannelReport(channel=channel.name, path=link)
    _remove_abandoned(root, channel.name, current)

    staging = Path(tempfile.mkdtemp(prefix=f".{channel.name}-", dir=root))
    try:
        manifest_entries = {}
        for entry in entries:
            eid, key = entry_id(entry), channel.entry_key(entry)
            old = previous_entries.get(eid)
            reusable = old and old["key"] == key and current and all(
                (current / path).is_file() and sha256_file(current / path) == previous["files"].get(path) for path in old["files"]
            )
            if reusable:
                for path in old["files"]:
                    (staging / path).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(current / path, staging / path)
                files = old["files"]
                report.reused.append(eid)
            else:
                rendered = channel.render_entry(entry)
                for item in rendered:
                    _write(staging, item)
                files = [item.path for item in rendered]
                report.rendered.append(eid)
            manifest_entries[eid] = _entry_record(entry, key, files)
            if progress:
                progress(channel.name, eid, len(manifest_entries), len(entries))
        for item in channel.render_shared(entries):
            _write(staging, item)

        file_hashes = {
            path.relative_to(staging).as_posix(): sha256_file(path) for path in sorted(staging.rglob("*")) if path.is_file()
        }
        manifest = {
            "channel": channel.name,
            "output_version": channel.output_version,
            "entries": dict(sorted(manifest_entries.items())),
            "files": file_hashes,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
        report.files = len(file_hashes)
        report.changed = previous != manifest
        if not report.changed:
            shutil.rmtree(staging)
            return report
        os.chmod(staging, 0o755)
        # The swap: a new symlink, renamed over the old one (atomic on POSIX).
        temp_link = root / f".{channel.name}.link-{os.getpid()}"
        if temp_link.is_symlink():
            temp_link.unlink()
        temp_link.symlink_to(staging.name)
        os.replace(temp_link, link)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if current and current != staging.resolve() and current.parent == root.resolve():
        shutil.rmtree(current, ignore_errors=True)
    return report


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
        listed = manifest.get("files", {})
        on_disk = {p.relative_to(folder.resolve()).as_posix() for p in folder.resolve().rglob("*") if p.is_file()} - {MANIFEST}
        for path, digest in sorted(listed.items()):
            if path not in on_disk:
                problems.append(f"export {name}: {path} is missing")
            elif sha256_file(folder / path) != digest:
                problems.append(f"export {name}: {path} was changed after export (SHA-256 differs from the manifest)")
        for path in sorted(on_disk - set(listed)):
            problems.append(f"export {name}: {path} is not in the manifest")
    return problems
