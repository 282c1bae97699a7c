"""What a channel's manifest records: each entry's record, the facts its shared files read, and its search
index's shards; and entries read back from those records (a publication need not plan the other guides).

Pure functions over manifests (dicts) and entries: no files are read here (store.py reads and writes them).
"""
from __future__ import annotations

import dataclasses
import datetime
import json

from django.utils import timezone

from guide_cms.core.hashing import sha256_hex

from .channels.base import Channel, Entry, LanguageFacts, OutdatedNotice, PublishedGuide, WithdrawnGuide, _plain


def entry_id(entry: Entry) -> str:
    """"<language code>/<slug>": how a manifest names an entry."""
    return f"{entry.language.code}/{entry.slug}"


def guide_order(eid: str) -> tuple[str, str]:
    """Entries by guide slug, then language code: the order plan_entries gives them."""
    code, slug = eid.split("/", 1)
    return slug, code


def entry_record(entry: Entry, key: str, files: list[str]) -> dict:
    """The manifest's record of an entry rendered with key into files (paths in the release)."""
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
    record["shared"] = shared_facts(entry)
    return record


def shared_facts(entry: Entry) -> dict:
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


def recorded_entry(eid: str, record: dict, today) -> Entry | None:
    """The entry as the manifest records it, for the shared files only: no sections or signatures.
    None when the record is older than its shared facts, or names a language no longer configured."""
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


def entry_version(entry: Entry) -> int:
    """The version an entry serves (a withdrawal notice: the version withdrawn)."""
    return entry.version_number if isinstance(entry, PublishedGuide) else entry.withdrawn_version_number


def shared_paths(manifest: dict) -> list[str]:
    """The files of a manifest that are neither an entry's nor the search index's (home pages, sitemap…)."""
    own = {path for record in manifest.get("entries", {}).values() for path in record["files"]}
    own |= {path for shard in index_shards(manifest).values() for path in shard["files"]}
    return sorted(set(manifest.get("files", {})) - own)


def recorded_entries(previous: dict, previous_files: dict, damaged: dict, only: set[str], as_records: bool = False,
                      ) -> dict[str, Entry | dict]:
    """{entry id: entry as recorded} for the live entries of guides outside `only` whose files are intact,
    if every entry of such a guide is recorded with its shared facts (else the guide is planned). With
    as_records (nothing will be rendered from them: a publication's), {entry id: its record}, shared facts
    or not."""
    today = timezone.localdate()
    by_guide: dict[str, dict[str, Entry | dict | None]] = {}
    for eid, record in previous.get("entries", {}).items():
        slug = eid.split("/", 1)[1]
        if slug in only:
            continue
        if not intact(record["files"], previous_files, damaged):
            recorded = None
        else:
            recorded = record if as_records else recorded_entry(eid, record, today)
        by_guide.setdefault(slug, {})[eid] = recorded
    for eid in previous.get("failures", {}):
        if eid not in previous.get("entries", {}):  # failed with no files kept: tried again
            by_guide.setdefault(eid.split("/", 1)[1], {})[eid] = None
    return {eid: entry for group in by_guide.values() if None not in group.values() for eid, entry in group.items()}


def index_left_behind(previous: dict, previous_files: dict, files: dict) -> tuple[dict | None, list, list]:
    """As plan_index, for a publication whose index waits for the export that follows it: the live
    index's record and files as they are, marked behind (decided without reading any page's digest)."""
    if not previous.get("index"):
        return None, [], []
    index = {**previous["index"], "behind": True}
    kept = [path for shard in index_shards(previous).values() for path in shard["files"]]
    files.update({path: previous_files[path] for path in kept if path in previous_files})
    return index, kept, []


def plan_index(channel: Channel, served: dict, files: dict, previous: dict | None, damaged: dict) -> tuple[dict | None, list, list]:
    """The channel's search index record ({"shards": {shard: {"key", "pages", "files"}}}), the files
    of the shards whose pages are the ones their live files were built from (intact: kept, their
    digests added to files), and the shards to build again; (None, [], []) when the channel has
    no index. Decided from the pages' SHA-256 only."""
    pages = sorted(path for entry in served.values() for path in channel.indexed_files(entry) if path in files)
    if not pages:
        return None, [], []
    by_shard: dict[str, list[str]] = {}
    for path in pages:
        by_shard.setdefault(channel.index_shard(path), []).append(path)
    old_shards = index_shards(previous)
    previous_files = (previous or {}).get("files", {})
    shards, kept, rebuild = {}, [], []
    for shard, paths in sorted(by_shard.items()):
        key = sha256_hex(json.dumps([channel.index_version, shard, [(path, files[path]) for path in paths]]))
        old = old_shards.get(shard)
        if old and old.get("key") == key and intact(old["files"], previous_files, damaged):
            shards[shard] = dict(old)
            kept += old["files"]
        else:
            shards[shard] = {"key": key, "pages": paths, "files": []}
            rebuild.append(shard)
    files.update({path: previous_files[path] for path in kept})
    return {"shards": shards}, kept, rebuild


def index_shards(manifest: dict | None) -> dict:
    """The index shards a manifest records ({} for none, or for an index written before shards)."""
    return ((manifest or {}).get("index") or {}).get("shards") or {}


def intact(paths: list[str], previous_files: dict, damaged: dict) -> bool:
    """Whether every one of paths is in the previous manifest and none was found damaged."""
    return all(path in previous_files and path not in damaged for path in paths)


def titled(stub: PublishedGuide, title: str, summary: str) -> PublishedGuide:
    """The stub with the title and summary its live files were exported with (not read again)."""
    return dataclasses.replace(stub, title=title, summary=summary)


