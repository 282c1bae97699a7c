"""Reads about publications: which version is live, and whether the channels' files carry it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _

from .models import Publication


def live_versions(guide_ids, languages=None) -> dict[tuple[int, str], int]:
    """{(guide id, language): live version number} (of languages, default all), one query. With several
    channels, the version live on the most channels counts (normally all agree)."""
    counts: dict[tuple[int, str], dict[int, int]] = {}
    rows = Publication.objects.live().filter(guide_id__in=list(guide_ids), withdrawn_at__isnull=True)
    if languages is not None:
        rows = rows.filter(language__in=list(languages))
    for guide_id, language, number in rows.values_list("guide_id", "language", "version__number"):
        per = counts.setdefault((guide_id, language), {})
        per[number] = per.get(number, 0) + 1
    return {key: max(per, key=lambda n: (per[n], n)) for key, per in counts.items()}


def live_channels_by_version(version_ids) -> dict[int, list[str]]:
    """{version id: the channels it is live on (not withdrawn), named for people, in settings order}, one query."""
    from .export import channel_names, get_channel

    order = channel_names()
    found: dict[int, set[str]] = {}
    rows = Publication.objects.live().filter(version_id__in=list(version_ids), withdrawn_at__isnull=True).values_list("version_id", "channel")
    for version_id, channel in rows:
        found.setdefault(version_id, set()).add(channel)
    labels = {name: str(get_channel(name).label) for name in order}
    return {
        version_id: [labels.get(name, name) for name in sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))]
        for version_id, names in found.items()
    }


@dataclass(frozen=True)
class ExportProblem:
    """A live publication that a channel's files do not carry as published, or files of nothing live."""

    guide_id: int | None
    slug: str
    language: str
    channel: str
    message: str

    def __str__(self) -> str:
        if not self.slug:  # the channel as a whole
            return f"{self.channel}: {self.message}"
        return f"{self.channel}: {self.slug} [{self.language}]: {self.message}"


class _LivePublication(NamedTuple):
    guide_id: int
    slug: str
    language: str
    channel: str
    withdrawn_at: object
    number: int  # the live version's
    content_hash: str
    source_version_id: int | None
    source_version_number: int | None


def export_problems(guide_ids=None, output_dir=None, languages=None) -> list[ExportProblem]:
    """Live publications (of guide_ids, or all; in languages, or all) against each channel's manifest.

    Reported: a channel never exported; a publication absent from its
    channel's manifest, or there with another version, content hash or
    withdrawal state; an entry the last export could not render (its previous
    files, if any, still served); and, when all guides are checked, manifest
    entries that no live publication accounts for.
    """
    from .entries import approved_sources, live_source_versions
    from .export import channel_names
    from .store import export_root, live_manifest

    if guide_ids is None and languages is not None:
        raise ValueError("export_problems: entries no publication accounts for are found over every language only")
    root = export_root(output_dir)
    manifests = {name: live_manifest(root / name) for name in channel_names()}
    publications = _live_publications(guide_ids, languages)
    live_source = live_source_versions({p.guide_id for p in publications if p.source_version_id}) if publications else {}
    # For the guides with a live translation: the notice each translation's files should carry.
    approved_source = approved_sources({p.guide_id for p in publications}) if any(p.source_version_id for p in publications) else {}
    problems: list[ExportProblem] = []
    for publication in publications:
        message = _publication_problem(publication, manifests.get(publication.channel), approved_source, live_source)
        if message:
            problems.append(ExportProblem(publication.guide_id, publication.slug, publication.language, publication.channel, message))
    if guide_ids is None:
        accounted = {(p.channel, f"{p.language}/{p.slug}") for p in publications}
        problems += _manifest_problems(manifests, accounted)
    return problems


def _live_publications(guide_ids, languages=None) -> list[_LivePublication]:
    rows = Publication.objects.live().order_by("guide__slug", "language", "channel")
    if guide_ids is not None:
        rows = rows.filter(guide_id__in=list(guide_ids))
    if languages is not None:
        rows = rows.filter(language__in=list(languages))
    # Numbers and hashes only, as tuples: a state page asks this of every publication it shows.
    return [_LivePublication(*row) for row in rows.values_list(
        "guide_id", "guide__slug", "language", "channel", "withdrawn_at", "version__number", "version__content_hash",
        "version__source_version_id", "version__source_version__number",
    )]


def _publication_problem(publication: _LivePublication, manifest: dict | None, approved_source: dict, live_source: dict) -> str:
    """What is wrong with one live publication's files, as its channel's manifest records them ("" if nothing)."""
    channel, eid = publication.channel, f"{publication.language}/{publication.slug}"
    live = _("v%(number)d is live") % {"number": publication.number}
    if manifest is None:
        return _("%(live)s, but the %(channel)s channel has never been exported (no manifest): run export_channels.") % {
            "live": live, "channel": channel}
    record = manifest.get("entries", {}).get(eid)
    if failure := manifest.get("failures", {}).get(eid):
        kept = (_("its files of v%(number)d are still served") % {"number": failure["kept_version"]}
                if failure.get("kept_version") else _("no file is served for it"))
        return _("%(live)s, but the last export could not render v%(failed)s (%(kept)s): %(error)s") % {
            "live": live, "failed": failure.get("version"), "kept": kept, "error": failure.get("error", "")}
    withdrawn = publication.withdrawn_at is not None
    if record is None:
        return _("%(live)s, but it is not in the %(channel)s manifest: its files were never exported. Run export_channels.") % {
            "live": live, "channel": channel}
    if record.get("version") != publication.number:
        return _("%(live)s, but the %(channel)s files are of v%(exported)s. Run export_channels.") % {
            "live": live, "channel": channel, "exported": record.get("version")}
    if bool(record.get("withdrawn")) != withdrawn:
        state = _("withdrawn") if withdrawn else _("not withdrawn")
        return _("%(live)s and %(state)s, but the %(channel)s files say otherwise. Run export_channels.") % {
            "live": live, "state": state, "channel": channel}
    if withdrawn:
        return ""
    if record.get("content_hash") != publication.content_hash:
        return _("%(live)s, but the %(channel)s files were made from other text (content hash %(exported)s, not %(hash)s).") % {
            "live": live, "channel": channel, "exported": str(record.get("content_hash"))[:12], "hash": publication.content_hash[:12]}
    if publication.source_version_id:
        return _notice_problem(publication, record, live, approved_source, live_source)
    return ""


def _notice_problem(publication: _LivePublication, record: dict, live: str, approved_source: dict, live_source: dict) -> str:
    """A translation's files without the notice its clinical lag calls for, or with one it no longer needs ("" if right)."""
    from .entries import outdating_live_source

    source = outdating_live_source(
        publication.source_version_number, approved_source.get(publication.guide_id, []), live_source.get(publication.guide_id)
    )
    expected = source.number if source else None
    if record.get("outdated_by") == expected:
        return ""
    if expected:
        message = _("%(live)s and behind the clinical change of source v%(source)d, but its %(channel)s files carry no notice that it is being updated. Run export_channels.")
    else:
        message = _("%(live)s and current, but its %(channel)s files still carry a notice that it is being updated. Run export_channels.")
    return message % {"live": live, "source": expected or 0, "channel": publication.channel}


def _manifest_problems(manifests: dict, accounted: set[tuple[str, str]]) -> list[ExportProblem]:
    """A channel whose shared files or index are behind, and manifest entries no live publication accounts for."""
    problems = []
    for channel, manifest in manifests.items():
        if (manifest or {}).get("shared_behind"):
            problems.append(ExportProblem(None, "", "", channel, _(
                "its home pages, sitemap and search index were built from earlier pages (the export that follows "
                "a publication did not finish). Run export_channels."
            )))
        elif ((manifest or {}).get("index") or {}).get("behind"):
            problems.append(ExportProblem(None, "", "", channel, _(
                "its search index was built from earlier pages (the index that follows a publication did not "
                "finish). Run export_channels."
            )))
        for eid, record in sorted((manifest or {}).get("entries", {}).items()):
            if (channel, eid) not in accounted:
                language, _sep, slug = eid.partition("/")
                problems.append(ExportProblem(None, slug, language, channel, _(
                    "the %(channel)s files carry v%(version)s, but nothing is live for it in the database."
                ) % {"channel": channel, "version": record.get("version")}))
    return problems


def export_problems_by_language(guide_ids, languages=None) -> dict[tuple[int, str], list[str]]:
    """{(guide id, language): [problem, ...]} (in languages, default all) for the state views (review.signals.export_problems)."""
    result: dict[tuple[int, str], list[str]] = {}
    for problem in export_problems(guide_ids, languages=languages):
        result.setdefault((problem.guide_id, problem.language), []).append(f"{problem.channel}: {problem.message}")
    return result
