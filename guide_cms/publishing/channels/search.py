"""The site's full-text search index, built by Pagefind (its Python API and binary, from PyPI).

Pagefind indexes each guide page in its own language (Chinese is segmented
into words by the "extended" binary; Arabic, Spanish and Vietnamese are split
and stemmed where Pagefind has a stemmer) and writes a static bundle: the
browser downloads only the index chunks a query needs, so search works with
no search server, from any static web server, offline included.

Output is deterministic: the same pages give byte-identical files (Pagefind's
pagefind-entry.json lists languages in hash-map order; it is re-written with
sorted keys).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import html
import json
import tempfile
from pathlib import Path

from .base import PublishedGuide, RenderedFile

BUNDLE = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
# What a search page needs of the bundle; the ready-made UIs Pagefind also writes are not published.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


class SearchIndexError(Exception):
    """Pagefind could not build the index."""


def index_document(entry: PublishedGuide, body_html: dict[str, str]) -> str:
    """What the index reads of a guide page: its title, summary and sections (no header, footer or hash)."""
    sections = "".join(
        f'<section><h2 id="{html.escape(section.key)}">{html.escape(section.title)}</h2>{body_html[section.key]}</section>'
        for section in sorted(entry.sections, key=lambda s: (s.position, s.key))
    )
    summary = f"<p>{html.escape(entry.summary)}</p>" if entry.summary else ""
    return (
        f'<!DOCTYPE html><html lang="{html.escape(entry.language.bcp47)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(entry.title)}</title></head><body><main data-pagefind-body>"
        f"<h1>{html.escape(entry.title)}</h1>{summary}{sections}</main></body></html>"
    )


def build_index(pages: list[tuple[str, str]]) -> list[RenderedFile]:
    """The Pagefind bundle (under pagefind/) for pages: (site-root-relative URL, HTML), in any order."""
    pages = sorted(pages)
    # On a loaded machine the binary has been seen to leave its entry file unfinished: a second run, then a refusal.
    for attempt in (1, 2):
        try:
            return _run(pages)
        except SearchIndexError:
            if attempt == 2:
                raise


def _run(pages: list[tuple[str, str]]) -> list[RenderedFile]:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_build(pages))
    # Called from code that runs an event loop (a browser test, an async server): use a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _build(pages)).result()


async def _build(pages: list[tuple[str, str]]) -> list[RenderedFile]:
    from pagefind.index import IndexConfig, PagefindIndex

    with tempfile.TemporaryDirectory(prefix="guide-cms-search-") as folder:
        try:
            # Closing the index writes its files to output_path (once: writing twice races on some machines).
            async with PagefindIndex(IndexConfig(keep_index_url=True, output_path=folder)) as index:
                for url, document in pages:
                    await index.add_html_file(content=document, url="/" + url)
        except Exception as exc:  # noqa: BLE001 - the binary's own errors come in many types
            raise SearchIndexError(f"Pagefind could not build the search index: {type(exc).__name__}: {exc}") from exc
        await _written(Path(folder) / ENTRY_FILE)
        return _read_bundle(Path(folder))


async def _written(entry: Path, wait: float = 5.0) -> None:
    """Wait until the binary has finished the entry file, which it writes last; a bundle is never half-read."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            json.loads(entry.read_bytes())
            return
        except (FileNotFoundError, ValueError):
            if loop.time() > deadline:
                raise SearchIndexError(f"Pagefind did not finish writing {entry.name}") from None
            await asyncio.sleep(0.05)


def _read_bundle(folder: Path) -> list[RenderedFile]:
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name.startswith(UNUSED):
            continue
        content = path.read_bytes()
        if name == ENTRY_FILE:
            content = json.dumps(json.loads(content), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        files.append(RenderedFile(f"{BUNDLE}/{name}", content))
    return files
