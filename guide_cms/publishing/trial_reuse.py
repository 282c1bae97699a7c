"""Trial renders that scale with the change, not the guide: each section's outcome kept by what it depends on.

A channel's trial (Channel.trial) finds problems per section: text a section
loses in layout, characters its fonts lack. What it finds in one section
depends on that section, the guide's title, summary and signers, the language
and the channel's templates, fonts and renderer, and on nothing in the other
sections (its messages are in the submitter's interface language, also part
of the key). So each section's problems are kept in Django's cache under a key
the channel itself computes (Channel.entry_key over the section alone), and a
submission that changed one section lays out that section only, beside the
title and summary, whose problems are kept the same way. A trial that failed
outright ("render-failed") is never kept: it may have been any section's fault.
"""
from __future__ import annotations

import dataclasses
import hashlib

from django.core.cache import cache
from django.utils import translation

from .channels.base import Channel, PublishedGuide, RenderProblem, SectionContent
from .rendering import start_trials

KEPT_FOR = 7 * 24 * 3600  # seconds; a key changes with any change of what it covers, so this only bounds the cache
_HEADER = "\x00header"  # the title, summary and signers: problems that name no section


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _key(channel: Channel, entry: PublishedGuide, section: SectionContent | None) -> str:
    """The cache key of one section's trial (None: the header's): the channel's own entry key over an entry
    holding that section alone, whose content hash stands for exactly the text it holds."""
    sections = () if section is None else (section,)
    text = [entry.title, entry.summary] + ([section.key, str(section.position), section.title, section.body_markdown] if section else [])
    alone = dataclasses.replace(entry, sections=sections, content_hash=_digest(*text))
    # The interface language too: the problems' messages are in the submitter's.
    return f"guide_cms.trial.{channel.name}.{translation.get_language()}.{channel.entry_key(alone)}"


def start_section_trials(channels: list[Channel], entry: PublishedGuide):
    """Each channel's trial problems for entry, laying out only the sections (and header) whose outcome is not
    kept: those trials are sent to the render workers now, and the function returned waits for them and gives
    a list of RenderProblem per channel, in order, header first, then by section in the entry's order (call it
    once)."""
    sections = sorted(entry.sections, key=lambda s: (s.position, s.key))
    plans = []
    for channel in channels:
        keys = {_HEADER: _key(channel, entry, None), **{s.key: _key(channel, entry, s) for s in sections}}
        kept = cache.get_many(list(keys.values()))
        missing = [s for s in sections if keys[s.key] not in kept]
        plans.append((keys, kept, missing, keys[_HEADER] not in kept or bool(missing)))
    to_run = [n for n, plan in enumerate(plans) if plan[3]]
    started = start_trials([channels[n] for n in to_run], entry,
                           entries=[dataclasses.replace(entry, sections=tuple(plans[n][2])) for n in to_run])

    def finish() -> list[list[RenderProblem]]:
        found = dict(zip(to_run, started.result(), strict=True))
        return [_outcome(plan, found.get(n), sections) for n, plan in enumerate(plans)]

    return finish


def _outcome(plan, problems: list[RenderProblem] | None, sections) -> list[RenderProblem]:
    """One channel's problems: the trial's own list if nothing was kept, else kept and new combined; what the
    trial found is kept for the next submission (never a failure to render: any section may have caused it)."""
    keys, kept, missing, _run = plan
    if problems is None:  # nothing to lay out: every part kept
        return _combined(keys, kept, [], sections, ran=False)
    if not any(p.code == "render-failed" for p in problems):
        _keep(keys, problems, {s.key for s in missing} | ({_HEADER} if keys[_HEADER] not in kept else set()))
    if len(missing) == len(sections) and keys[_HEADER] not in kept:
        return problems  # nothing reused: the trial's own list, as it gave it
    return _combined(keys, kept, problems, sections, ran=True)


def _combined(keys: dict, kept: dict, problems: list[RenderProblem], sections, ran: bool) -> list[RenderProblem]:
    """The header's problems, then each section's: from the trial just run where it covered them, else as kept."""
    by_part: dict[str, list[RenderProblem]] = {}
    for problem in problems:
        by_part.setdefault(problem.section or _HEADER, []).append(problem)
    combined = []
    for part in [_HEADER, *(s.key for s in sections)]:
        if keys[part] in kept:
            combined += kept[keys[part]]
        elif ran:
            combined += by_part.get(part, [])
    return combined


def _keep(keys: dict, problems: list[RenderProblem], parts: set[str]) -> None:
    by_part: dict[str, list[RenderProblem]] = {part: [] for part in parts}
    for problem in problems:
        part = problem.section or _HEADER
        if part in by_part:
            by_part[part].append(problem)
    cache.set_many({keys[part]: found for part, found in by_part.items()}, timeout=KEPT_FOR)
