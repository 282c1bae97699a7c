"""The site's full-text search index, built by Pagefind (its binary, from PyPI's pagefind[extended]).

Pagefind reads the live guide pages the export has just staged (the part
marked data-pagefind-body: title, summary and sections), each in its own language
(Chinese is segmented into words by the "extended" binary; Arabic, Spanish and
Vietnamese are split and stemmed where Pagefind has a stemmer), and writes a
static bundle: the browser downloads only the index chunks a query needs, so
search works with no search server, from any static web server, offline
included.

The command-line binary indexes a whole folder in one run (about 6 ms a
page here); Pagefind's Python service API answers one page per 100 ms poll,
which made the index the slowest part of every export.

The index can be split into shards by guide (settings.GUIDE_CMS_SEARCH_SHARDS,
a bundle each under pagefind/<shard>/): a publication rebuilds only the shard
of its guide, so the time from a corrected page to a corrected search excerpt
need not grow with the library (one index over 2,500 pages takes about 12 s
here). The search page loads the first shard that holds pages in its
language and merges the others in the browser (Pagefind's mergeIndex). One
shard is the default: Pagefind matches a Chinese word that a shard lacks by
its characters, so every extra shard can add weaker results to a query.

Output is deterministic: the same pages give byte-identical files (Pagefind's
pagefind-entry.json is re-written with sorted keys).
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import RenderedFile

BUNDLE = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
BUILT_FILE = "built.json"  # {"built": when the shard was built}: the search page says it
# What a search page needs of the bundle; the ready-made UIs Pagefind also writes are not published.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
TIMEOUT = 600  # seconds; about 6 ms a page, so far beyond any shard
DEFAULT_SHARDS = 1


def shard_of(slug: str) -> str:
    """The index shard ("0" … shards − 1) that holds every page of the guide slug, in every
    language; stable across exports (a hash of the slug, not the order of guides)."""
    from django.conf import settings

    count = max(int(getattr(settings, "GUIDE_CMS_SEARCH_SHARDS", DEFAULT_SHARDS)), 1)
    return str(int(hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8], 16) % count)


def bundle_folder(shard: str) -> str:
    """Where a shard's bundle lives in the site ("pagefind/3")."""
    return f"{BUNDLE}/{shard}"


class SearchIndexError(Exception):
    """Pagefind could not build the index (its binary is missing, failed or timed out)."""


@functools.cache
def indexer_version() -> str:
    """The Pagefind binary's version ("pagefind 1.5.2"); part of the index's key."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        return "none"
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True, timeout=30, check=True).stdout.decode().strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def build_index(pages: dict[str, Path], shard: str) -> list[RenderedFile]:
    """The Pagefind bundle of one shard (paths under pagefind/<shard>/) for pages: {path in the
    site ("es/baclofen/index.html"): the file to read}, and its built.json ({"built": UTC time, ISO 8601}).
    Raises SearchIndexError."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise SearchIndexError("Pagefind's binary is not installed (pip install 'pagefind[extended]')")
    with tempfile.TemporaryDirectory(prefix="guide-cms-search-") as folder:
        output = Path(folder, "bundle")
        site, glob = _in_place(pages)
        if site is None:
            site, glob = _linked(pages, Path(folder, "site")), "**/*.{html}"
        command = [str(binary), "--site", str(site), "--glob", glob, "--output-path", str(output), "--keep-index-url", "--silent"]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.CalledProcessError as exc:
            said = (exc.stderr or exc.stdout or b"").decode("utf-8", "replace").strip()
            raise SearchIndexError(f"Pagefind could not build the search index (exit {exc.returncode}): {said[-500:]}") from exc
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchIndexError(f"Pagefind could not build the search index: {type(exc).__name__}: {exc}") from exc
        if not (output / ENTRY_FILE).is_file():
            raise SearchIndexError(f"Pagefind wrote no {ENTRY_FILE}")
        # When this shard was built, for the search page's footer (the pages go live before their index).
        built = json.dumps({"built": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}).encode()
        return [*_read_bundle(output, bundle_folder(shard)), RenderedFile(f"{bundle_folder(shard)}/{BUILT_FILE}", built)]


# Paths a glob names as they are (no glob syntax in them): a site's paths are language codes and slugs.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._%-]+(?:/[A-Za-z0-9._%-]+)*")
MAX_GLOB = 100_000  # characters; one argument of a command may have 128 KiB (Linux's MAX_ARG_STRLEN)


def _in_place(pages: dict[str, Path]) -> tuple[Path | None, str]:
    """(site, glob) when every page is at its own path under one folder (the export's new release): Pagefind
    reads them there, the glob naming exactly these pages, and nothing is linked or copied. (None, "")
    otherwise, or when a path would read as glob syntax, or the glob would be too long for one argument."""
    where = {page: str(path) for page, path in pages.items()}
    first = next(iter(where), None)
    if first is None or not where[first].endswith("/" + first):
        return None, ""
    site = where[first][: -len(first) - 1]
    if any(not _PLAIN_PATH.fullmatch(page) or path != f"{site}/{page}" for page, path in where.items()):
        return None, ""
    glob = "{" + ",".join(sorted(where)) + "}"
    return (Path(site), glob) if len(glob) <= MAX_GLOB else (None, "")


def _linked(pages: dict[str, Path], source: Path) -> Path:
    """A folder of exactly the pages to index, as hard links (copies where there are none): the binary walks a folder."""
    for page in sorted(pages):
        target = source / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(pages[page], target)
        except OSError:  # a file system without hard links
            shutil.copyfile(pages[page], target)
    return source


def _read_bundle(folder: Path, prefix: str) -> list[RenderedFile]:
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name.startswith(UNUSED):
            continue
        content = path.read_bytes()
        if name == ENTRY_FILE:
            content = json.dumps(json.loads(content), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        files.append(RenderedFile(f"{prefix}/{name}", content))
    return files
