"""The site's full-text search index, built by Pagefind (its binary, from PyPI's pagefind[extended]).

Pagefind reads the live guide pages the export has just staged (the part
marked data-pagefind-body: title, summary and sections), each in its own language
(Chinese is segmented into words by the "extended" binary; Arabic, Spanish and
Vietnamese are split and stemmed where Pagefind has a stemmer), and writes a
static bundle: the browser downloads only the index chunks a query needs, so
search works with no search server, from any static web server, offline
included.

Pagefind runs as a service (`pagefind --service`, one process a shard,
spoken to directly: its own Python client waits 100 ms for each answer).
An export gives it each page as it renders it (Channel.index_feed,
PagefindFeed), so Pagefind reads the pages on the second core while the
next ones render, and takes the bundle from it when the last page is
written: no folder of pages is made for it and no bundle written to disk
and read back. A shard built from files only (build_index) is the same
process given the files' contents.

The index can be split into shards by guide (settings.GUIDE_CMS_SEARCH_SHARDS,
a bundle each under pagefind/<shard>/): a publication rebuilds only the shard
of its guide, so the time from a corrected page to a corrected search excerpt
need not grow with the library (one index over 2,500 pages takes about 12 s
here). The search page loads the first shard that holds pages in its
language and merges the others in the browser (Pagefind's mergeIndex). One
shard is the default: Pagefind matches a Chinese word that a shard lacks by
its characters, so every extra shard can add weaker results to a query.

Output is deterministic: the same pages give byte-identical files, however
they came and on any machine. Pagefind is given them in page_order (by guide,
then language), not in the order a folder walk finds them (a file system's
own, which differs between machines), and its pagefind-entry.json is
re-written with sorted keys.
"""
from __future__ import annotations

import base64
import contextlib
import datetime
import fcntl
import functools
import hashlib
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path

import orjson

from .base import IndexFeed, RenderedFile

BUNDLE = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
BUILT_FILE = "built.json"  # {"built": when the shard was built}: the search page says it
# What a search page needs of the bundle; the ready-made UIs Pagefind also writes are not published.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
TIMEOUT = 600  # seconds for a shard; Pagefind reads a page in about 4 ms, so far beyond any shard
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


def page_order(path: str) -> tuple[str, str, str]:
    """Where a page comes in its shard's index: by guide, then language ("es/baclofen/index.html": ("baclofen", "es", …)),
    the order an export renders pages in. A bundle lists its pages in this order however it was built, so the same
    pages give the same bytes on any machine (a folder walk follows the file system's own order of names)."""
    code, _, rest = path.partition("/")
    return rest.split("/", 1)[0], code, path


def build_index(pages: dict[str, Path], shard: str) -> list[RenderedFile]:
    """The Pagefind bundle of one shard (paths under pagefind/<shard>/) for pages: {path in the
    site ("es/baclofen/index.html"): the file to read}, and its built.json ({"built": UTC time, ISO 8601}).
    Raises SearchIndexError."""
    feed = PagefindFeed(shard)
    try:
        return feed.build(pages)
    finally:
        feed.close()


class PagefindFeed(IndexFeed):
    """One shard's index, built by a `pagefind --service` process of its own as its pages come.

    An export adds each page as it renders it (add), so Pagefind reads the pages on another core meanwhile;
    once the shard's pages are known, start asks for the bundle if they were all added; build then adds
    whatever pages were not added, from their files, and takes the bundle. Pages added in another order than
    page_order, or that are not the shard's, are dropped and the shard is built again from its files: the
    bundle is always the one of its pages in page_order.
    """

    def __init__(self, shard: str):
        self.shard = shard
        self._service: _Service | None = None  # started by the first page
        self._added: list[str] = []
        self._asked: int | None = None  # the request for the bundle, once start sent it

    def add(self, path: str, content: bytes) -> None:
        if self._service is None:
            self._service = _Service()
        self._service.add(path, content)
        self._added.append(path)

    def start(self, pages: list[str]) -> None:
        """Every page of the shard was added, in order: Pagefind builds the bundle while the export goes on."""
        if self._service is not None and self._asked is None and self._added == sorted(pages, key=page_order):
            self._asked = self._service.ask_for_files()

    def build(self, pages: dict[str, Path]) -> list[RenderedFile]:
        order = sorted(pages, key=page_order)
        if self._added != order[: len(self._added)] or (self._asked is not None and len(self._added) != len(order)):
            self.close()
        if self._service is None:
            self._service, self._added = _Service(), []
        for path in order[len(self._added):]:
            self._service.add(path, Path(pages[path]).read_bytes())
        if self._asked is None:
            self._asked = self._service.ask_for_files()
        bundle = self._service.files(self._asked, TIMEOUT)
        self.close()
        # When this shard was built, for the search page's footer (the pages go live before their index).
        built = json.dumps({"built": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}).encode()
        return [*_bundle_files(bundle, bundle_folder(self.shard)), RenderedFile(f"{bundle_folder(self.shard)}/{BUILT_FILE}", built)]

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
        self._service, self._added, self._asked = None, [], None


class _Service:
    """A `pagefind --service` process with one index: requests on its stdin, answers on its stdout, each a base64
    JSON message ended by a comma (Pagefind's own Python client waits 100 ms for each answer).

    No thread of ours: a request is written as far as the pipe takes it without waiting (the rest at the next
    request), so adding a page never waits for Pagefind; the pipe is widened to hold several pages, so that
    Pagefind does not run dry between two. Pagefind answers on a thread of its own through an unbounded queue,
    so it never stops reading requests while its answers wait unread; they are read by files(). Pagefind exits
    when its stdin closes.
    """

    INDEX = 0  # the first index a new process makes (checked against its answer)
    PIPE_SIZE = 1 << 20  # bytes; Linux's default limit for an unprivileged process (/proc/sys/fs/pipe-max-size)

    def __init__(self):
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise SearchIndexError("Pagefind's binary is not installed (pip install 'pagefind[extended]')")
        # What it says on stderr, read if it stops (a pipe left unread could fill and stop it); closed by close().
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise SearchIndexError(f"Pagefind could not be started: {type(exc).__name__}: {exc}") from exc
        self._stdin = self.process.stdin.fileno()
        with contextlib.suppress(OSError, AttributeError):  # F_SETPIPE_SZ: Linux only; a narrower pipe only waits more
            fcntl.fcntl(self._stdin, fcntl.F_SETPIPE_SZ, self.PIPE_SIZE)
        os.set_blocking(self._stdin, False)
        self._unsent = bytearray()
        self._sent = 0
        try:
            self._send({"type": "NewIndex", "config": {"keep_index_url": True}})
        except SearchIndexError:
            self.close()
            raise

    def _send(self, payload: dict) -> int:
        self._sent += 1
        self._unsent += base64.b64encode(orjson.dumps({"message_id": self._sent, "payload": payload})) + b","
        self._push()
        return self._sent

    def _push(self) -> None:
        """Write what the pipe takes now of the requests not yet written."""
        try:
            while self._unsent:
                written = os.write(self._stdin, self._unsent)
                del self._unsent[:written]
        except BlockingIOError:
            pass  # the pipe is full: the rest goes with the next request, or in files()
        except OSError as exc:  # it stopped: files() says so
            raise SearchIndexError(f"Pagefind stopped before it gave the index (it takes no more requests: {exc})") from exc

    def add(self, path: str, content: bytes) -> None:
        """The page at path (its URL "/" + path, as a folder run with --keep-index-url gives it)."""
        self._send({"type": "AddFile", "index_id": self.INDEX, "url": "/" + path, "file_path": None,
                    "file_contents": content.decode("utf-8")})

    def ask_for_files(self) -> int:
        """Ask for the bundle over the pages added so far; the request's number, for files()."""
        return self._send({"type": "GetFiles", "index_id": self.INDEX})

    def files(self, wanted: int, timeout: float) -> dict[str, bytes]:
        """The bundle asked for by request `wanted`: {path in the bundle: content}. Raises SearchIndexError."""
        deadline = time.monotonic() + timeout
        for answer in self._answers(deadline):
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                raise SearchIndexError(f"Pagefind could not build the search index: {payload.get('message')}")
            if payload.get("type") == "NewIndex" and payload.get("index_id") != self.INDEX:
                raise SearchIndexError(f"Pagefind made index {payload.get('index_id')}, not {self.INDEX}")
            if answer.get("message_id") == wanted:
                return {item["path"]: base64.b64decode(item["content"]) for item in payload["files"]}
        raise SearchIndexError(f"Pagefind stopped before it gave the index: {self._said()}")

    def _answers(self, deadline: float):
        """Its answers, in order, the requests not yet written written first; until it stops (or the deadline)."""
        stdout = self.process.stdout.fileno()
        message = bytearray()
        while True:
            writing = [self._stdin] if self._unsent else []
            ready, can_write, _ = select.select([stdout], writing, [], max(deadline - time.monotonic(), 0))
            if not ready and not can_write:
                raise SearchIndexError("Pagefind gave no index in time")
            if can_write:
                self._push()
            if ready:
                chunk = os.read(stdout, 1 << 20)
                if not chunk:
                    return
                message += chunk
                *whole, message = message.split(b",")
                for text in whole:
                    yield orjson.loads(base64.b64decode(text))

    def _said(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._errors.seek(0)
            return self._errors.read()[-500:].decode("utf-8", "replace").strip()
        return ""

    def close(self) -> None:
        """Stop the process: its stdin closed (it exits), killed if it lingers."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self._errors.close()


def _bundle_files(bundle: dict[str, bytes], prefix: str) -> list[RenderedFile]:
    """The bundle's files under prefix, in path order, without the ready-made UIs; its entry file with sorted keys."""
    files = []
    for name in sorted(bundle):
        if name.startswith(UNUSED):
            continue
        content = bundle[name]
        if name == ENTRY_FILE:
            content = json.dumps(json.loads(content), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        files.append(RenderedFile(f"{prefix}/{name}", content))
    entry = next((file for file in files if file.path == f"{prefix}/{ENTRY_FILE}"), None)
    if entry is None:
        raise SearchIndexError(f"Pagefind wrote no {ENTRY_FILE}")
    if not any(language.get("page_count") for language in json.loads(entry.content).get("languages", {}).values()):
        raise SearchIndexError("Pagefind found no text to index in the pages")  # as its command line refuses such a site
    return files
