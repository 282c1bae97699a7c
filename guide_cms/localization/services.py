"""Translation drafts segment by segment, exchange with CAT tools, and the translation memory.

Every write of segments goes through `segments_save`: it writes the text
through guides.services (permission-checked, cleaned, audited) and the
segments' states beside it, in one transaction. An import writes drafts
only, all or nothing, and never signs off.
"""
from __future__ import annotations

from dataclasses import dataclass, field


from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from guide_cms.core.audit import audit_append
from guide_cms.core.languages import get_language
from guide_cms.core.permissions import require_edit_glossary, require_edit_language, visible_languages
from guide_cms.guides.models import Guide, Section, Version, VersionStatus
from guide_cms.core.merge import BaseRevisionError, Conflict, Merge, rebase_token
from guide_cms.guides.records import guide_by_slug
from guide_cms.guides.services import draft_scope, guide_update_drafts, lock_guide, sections_update_drafts
from guide_cms.guides.text_limits import MAX_BODY_CHARS
from guide_cms.guides.text_rules import TextRefused, clean_text

from .checking import current_source_version, draft_findings
from .drafts import DraftSegment, TranslationDraft, same_source_loose, translation_draft, unit_text_hash
from .exchange import (
    FORMATS, FUZZY, MEMORY, NEEDS_REVIEW, NEW, TRANSLATED, ExchangeDocument, ExchangeError, ExchangeUnit, Match,
)
from .inline import Content, code_problems, plain, with_source_codes
from .merging import block_changed_since, merge_segments, segment_bases, segments_base, segments_scope
from .memory import IN_CONTEXT, entry_values, exact_matches, fuzzy_matches, verified_memory
from .models import GlossaryTerm, MemoryEntry, SegmentDraft
from .qa import Finding
from .units import align_unit, compose_unit, snapshot_units, unit_blocks

UNIT_NOTE = "Keep every number, dose, unit and drug name exactly."


class ImportRefused(Exception):
    """Nothing was written; the message says why."""


def _column(unit_id: str, language) -> tuple[str, str]:
    """(owner, column): owner is "guide" or a section key."""
    owner, name = unit_id.rsplit(".", 1)
    return owner, language.field(name)


# Writing segments ---------------------------------------------------------------


@dataclass(frozen=True)
class SegmentChange:
    """A new target and state for one segment or block of a draft (segments_save)."""

    id: str  # segment or block id
    target: Content  # codes with their source's type and data
    state: str
    score: int | None = None
    origin: str = ""


def _unit_entries(draft: TranslationDraft, unit: str, changes: dict[str, SegmentChange]) -> dict[str, DraftSegment]:
    """The unit's items after the changes: a block-level target replaces its sentences' and the reverse."""
    items = {item.id: item for item in draft.unit_items(unit)}
    source_unit = draft.source_units[unit]
    for block in unit_blocks(source_unit, draft.source_language):
        for change_id in [c for c in changes if c.startswith(block.id + ".") or c == block.id]:
            if change_id == block.id:
                for segment in block.segments:
                    items.pop(segment.id, None)
                items[block.id] = DraftSegment(block.id, unit, block.index, block.kind, block.content)
            elif block.id in items:
                del items[block.id]
                for segment in block.segments:
                    items.setdefault(segment.id, DraftSegment(segment.id, unit, block.index, block.kind, segment.content))
    for change_id, change in changes.items():
        item = items[change_id]
        item.target, item.state, item.score, item.origin = change.target, change.state if change.target else NEW, change.score, change.origin
        item.stale, item.old_source = False, None
    return items


@transaction.atomic
def segments_save(*, guide: Guide, language: str, user, changes: list[SegmentChange], draft: TranslationDraft | None = None) -> list[str]:
    """Write translated segments and their states into the drafts; return the columns whose text changed.

    Each touched unit's text is written from its source's structure with
    the segments' targets (so translators never type Markdown), through
    guides.services (permissions, text rules, audit).
    """
    lang = get_language(language)
    require_edit_language(user, lang.code, guide)
    if lang.code == guide.source_language:
        raise PermissionDenied(_("Source text is written by editors, not as translated segments."))
    stored, _created = SegmentDraft.objects.get_or_create(guide=guide, language=lang.code)
    stored = SegmentDraft.objects.select_for_update().get(pk=stored.pk)
    draft = draft or translation_draft(guide, lang.code)
    by_unit: dict[str, dict[str, SegmentChange]] = {}
    for change in changes:
        by_unit.setdefault(change.id.split(".")[0] + "." + change.id.split(".")[1], {})[change.id] = change
    sections = {s.key: s for s in Section.objects.filter(guide=guide)}
    changed_columns: list[str] = []
    state_changes: dict[str, list[str]] = {}
    values: dict[str, dict[str, str]] = {}  # owner ("guide" or a section key) -> {column: text}
    composed: dict[str, tuple[str, str, dict[str, DraftSegment]]] = {}
    for unit, unit_changes in by_unit.items():
        before = {item.id: item.state for item in draft.unit_items(unit)}
        items = _unit_entries(draft, unit, unit_changes)
        targets = {item.id: item.target for item in items.values() if item.target}
        source_unit = draft.source_units[unit]
        text = compose_unit(source_unit, draft.source_language, targets, lang.code) if targets else ""
        owner, column = _column(unit, lang)
        values.setdefault(owner, {})[column] = text
        composed[unit] = (owner, column, items)
        for item_id in unit_changes:
            if before.get(item_id) != items[item_id].state:
                state_changes[item_id] = [before.get(item_id, NEW), items[item_id].state]
    # One write per section (its title and body together), the sections' audit events in one INSERT.
    written = {}
    if "guide" in values:
        changed_columns += guide_update_drafts(guide=guide, user=user, values=values["guide"])
        written["guide"] = guide
    section_values = {owner: columns for owner, columns in values.items() if owner != "guide"}
    changed_columns += sections_update_drafts(guide=guide, user=user, values=section_values)
    for owner in section_values:
        sections[owner].refresh_from_db()
        written[owner] = sections[owner]
    for unit, (owner, column, items) in composed.items():
        prefix = unit + "."
        stored.segments = {k: v for k, v in stored.segments.items() if not k.startswith(prefix)}
        stored.segments.update({item.id: item.entry() for item in items.values()})
        stored.unit_hashes[unit] = unit_text_hash(getattr(written[owner], column) or "")
    stored.save(update_fields=["segments", "unit_hashes", "updated_at"])
    if state_changes:
        audit_append(actor=user, action="translation.segment_states", obj=guide, scope=draft_scope(guide, lang.code), data={"states": state_changes})
    return changed_columns


# The memory ---------------------------------------------------------------------


def _signers(version: Version) -> str:
    return ", ".join(s.printed_name for s in version.signatures.approvals().order_by("signed_at"))


def memory_add_version(*, version: Version) -> int:
    """Add an approved translation version's sentence pairs to the memory; return how many pairs it holds."""
    if version.source_version is None or version.status != VersionStatus.APPROVED:
        return 0
    source_language, language = version.source_version.language, version.language
    targets = {unit.id: unit.text for unit in snapshot_units(version.snapshot)}
    signers = _signers(version)
    slug = version.guide.slug
    count = 0
    pairs: dict[tuple[str, str, str], dict] = {}  # (source hash, target hash, context) -> fields; a repeated pair: the last
    for unit in snapshot_units(version.source_version.snapshot):
        sources = {}
        for block in unit_blocks(unit, source_language):
            sources[block.id] = block.content
            for segment in block.segments:
                sources[segment.id] = segment.content
        for item_id, target in align_unit(unit, source_language, targets.get(unit.id, ""), language).items():
            if not plain(target).strip() or code_problems(sources[item_id], target):
                continue
            values = entry_values(source=sources[item_id], target=target, source_language=source_language, language=language)
            values.update(segment=item_id, version=version, version_number=version.number, signers=signers)
            pairs[(values["source_hash"], values["target_hash"], unit.id)] = values
            count += 1
    # One read and two bulk writes instead of a lookup and a write per pair (the same rows as update_or_create).
    existing = {
        (entry.source_hash, entry.target_hash, entry.context): entry
        for entry in MemoryEntry.objects.select_for_update().filter(
            language=language, guide_slug=slug, signed=True, source_hash__in={key[0] for key in pairs},
        )
    }
    updated, created, resigned = [], [], []
    this_version = {"version", "version_number", "signers"}  # the same for every pair of this version
    for (source_hash, target_hash, context), values in pairs.items():
        entry = existing.get((source_hash, target_hash, context))
        if entry is None:
            created.append(MemoryEntry(**values, guide_slug=slug, context=context, signed=True))
        elif all(getattr(entry, name) == value for name, value in values.items() if name not in this_version):
            resigned.append(entry.pk)  # the pair as it was: only which version signed it changes
        else:
            for name, value in values.items():
                setattr(entry, name, value)
            updated.append(entry)
    MemoryEntry.objects.bulk_create(created)
    if resigned:
        # One UPDATE: bulk_update's CASE expressions cost about 10 ms a row.
        MemoryEntry.objects.filter(pk__in=resigned).update(version=version, version_number=version.number, signers=signers)
    if updated:
        MemoryEntry.objects.bulk_update(updated, [*next(iter(pairs.values())).keys()])
    return count


@dataclass
class MemoryOffer:
    """What the memory proposes for one segment."""

    target: Content
    state: str  # MEMORY (exact, in context, signed) or FUZZY (to be reviewed)
    match: Match


def memory_offers(draft: TranslationDraft, items: list[DraftSegment]) -> dict[str, MemoryOffer]:
    """item id -> the memory's best proposal, for the given items."""
    queries = [(item.source, draft.guide.slug, item.unit) for item in items]
    exact = exact_matches(draft.language, queries)
    rest = [n for n in range(len(items)) if n not in exact]
    fuzzy = fuzzy_matches(draft.language, [items[n].source for n in rest])
    offers = {}
    for n, found in list(exact.items()) + [(rest[k], m) for k, m in fuzzy.items()]:
        item = items[n]
        in_context = found.score >= IN_CONTEXT and found.signed
        offers[item.id] = MemoryOffer(
            target=with_source_codes(item.source, found.target),
            state=MEMORY if in_context else FUZZY,
            match=Match(source=found.source, target=found.target, score=found.score, origin=found.origin),
        )
    return offers


def prefill_from_memory(draft: TranslationDraft) -> dict[str, MemoryOffer]:
    """Proposals for the items that need one: untranslated or stale; and which translated ones are signed text."""
    wanted = [item for item in draft.items if not item.target or item.stale or item.state in (TRANSLATED, MEMORY)]
    offers = memory_offers(draft, wanted) if wanted else {}
    result = {}
    for item in wanted:
        offer = offers.get(item.id)
        if offer is None:
            continue
        if item.target and not item.stale:
            # Translated text identical to a signed pair in this guide and unit is marked as such.
            if offer.state == MEMORY and plain(offer.target) == plain(item.target):
                result[item.id] = offer
            continue
        result[item.id] = offer
    return result


# Export -------------------------------------------------------------------------


def mark_signed_text(draft: TranslationDraft) -> TranslationDraft:
    """Mark translated sentences that are exactly signed text of this guide and unit as from memory (with its origin)."""
    candidates = [item for item in draft.items if item.target and not item.stale and item.state == TRANSLATED]
    if candidates:
        for item_id, offer in memory_offers(draft, candidates).items():
            item = draft.item(item_id)
            if offer.state == MEMORY and offer.target == item.target:
                item.state, item.score, item.origin = MEMORY, offer.match.score, offer.match.origin
    return draft


def translation_document(*, guide: Guide, language: str, user) -> ExchangeDocument:
    """The segments of guide for language: the current approved source, the drafts, and the memory's pre-fills."""
    lang = get_language(language)
    if lang.code == guide.source_language:
        raise ExchangeError(_("%(language)s is the source language: there is nothing to translate.") % {"language": lang.display_name})
    # The command line (no user) may export; people see only their languages' drafts.
    if getattr(user, "pk", None) is not None and lang.code not in visible_languages(user, guide):
        raise PermissionDenied(_("You may not read the %(language)s drafts.") % {"language": lang.display_name})
    source_version = current_source_version(guide)
    if source_version is None:
        raise ExchangeError(_("The source of '%(guide)s' has no approved version yet: there is nothing to translate.") % {"guide": guide.slug})
    guide.refresh_from_db()  # the file's base revisions are those of the stored drafts, never of a caller's older copy
    draft = translation_draft(guide, lang.code)
    offers = prefill_from_memory(draft)
    units = []
    shown = {}  # memory proposals written in place of the stored target: an import never applies one over a newer save
    for item in draft.items:
        target, state, match, note = item.target, item.state, None, UNIT_NOTE
        offer = offers.get(item.id)
        if offer is not None:
            target, state, match = offer.target, offer.state, offer.match
            if target != item.target:
                shown[item.id] = target
        elif item.stale:
            state = NEEDS_REVIEW
        if item.stale:
            note += " The source sentence changed since this was translated."
        units.append(ExchangeUnit(id=item.id, source=item.source, target=target, state=state, note=note, kind=item.kind, match=match))
    return ExchangeDocument(
        guide=guide.slug, source_language=guide.source_language, target_language=lang.code,
        source_version=source_version.number, source_hash=source_version.content_hash, units=tuple(units),
        base=segments_base(draft, shown),
    )


def translation_export(*, guide: Guide, language: str, fmt: str, user) -> tuple[bytes, str]:
    """The exchange file for guide in language, and a file name for it."""
    if fmt not in FORMATS:
        raise ExchangeError(_("Unknown format %(fmt)r: use xliff, xliff2 or po.") % {"fmt": fmt})
    document = translation_document(guide=guide, language=language, user=user)
    write, extension, _media = FORMATS[fmt]
    data = write(document)
    with transaction.atomic():
        audit_append(
            actor=user, action="translation.export", obj=guide, scope=draft_scope(guide, language),
            data={"format": fmt, "source_version": document.source_version, "units": len(document.units)},
        )
    suffix = ".xliff2" if fmt == "xliff2" else ""
    return data, f"{guide.slug}.{language}.v{document.source_version}{suffix}.{extension}"


# Import -------------------------------------------------------------------------


@dataclass
class AppliedSegment:
    """A segment an import changed: its old and new target and state."""

    id: str
    unit: str
    block: int
    old: Content
    new: Content
    old_state: str
    state: str
    kind: str = "paragraph"  # its block's: "title", "summary", "paragraph", "list item", "warning", "tip", "quote"

    @property
    def diff_html(self):
        """A word diff of the old target to the new, as HTML."""
        from guide_cms.core.diffs import diff_words

        return diff_words(plain(self.old), plain(self.new))


@dataclass
class ImportReport:
    """What a translation file import applied, kept and refused, segment by segment, with the quality findings."""

    guide: Guide
    language: str
    applied: list[AppliedSegment] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_empty: list[str] = field(default_factory=list)  # empty in the file: the draft was kept
    stale: list[str] = field(default_factory=list)  # source changed since export: not applied
    # Saved here since the export and left as exported in the file: kept, the file's older text not applied.
    kept: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)  # changed in the file *and* here since the export: not applied
    incomplete: list[tuple[str, list[str]]] = field(default_factory=list)  # a CAT tool's sub-segments left empty: not applied
    missing: list[str] = field(default_factory=list)  # source segments the file does not have
    absent: list[str] = field(default_factory=list)  # translated segments the file does not have: kept as they are
    joined: list[tuple[str, list[str]]] = field(default_factory=list)  # a CAT tool joined our sentences into one: not applied
    needs_review: list[str] = field(default_factory=list)  # applied, still to be reviewed (fuzzy, needs review)
    ignored_approvals: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    dry_run: bool = False
    source_note: str = ""

    @property
    def applied_ids(self) -> list[str]:
        """The ids of the applied segments, in order."""
        return [a.id for a in self.applied]

    def blocks(self) -> list[tuple[str, str, list[AppliedSegment]]]:
        """The applied segments grouped by unit and block, in order, with the block named as the QA findings name
        it ("the warning (block 2)"): for a preview that keeps paragraphs."""
        from .qa.checks import block_name

        groups: list[tuple[str, int, str, list[AppliedSegment]]] = []
        for applied in self.applied:
            if groups and groups[-1][:2] == (applied.unit, applied.block):
                groups[-1][3].append(applied)
            else:
                groups.append((applied.unit, applied.block, applied.kind, [applied]))
        return [(unit, block_name(kind, block), segments) for unit, block, kind, segments in groups]


def _joined_sentences(unit: ExchangeUnit, current: dict) -> list[str]:
    """The ids of our consecutive sentences whose text the unit's source is, when a tool joined them (else [])."""
    if unit.id.count(".") != 3 or unit.id not in current:
        return []
    block, number = unit.id.rsplit(".", 1)
    wanted = "".join(plain(unit.source).split())
    ids, text = [], ""
    n = int(number) if number.isdigit() else 0
    while f"{block}.{n}" in current and len(text) < len(wanted):
        ids.append(f"{block}.{n}")
        text += "".join(plain(current[f"{block}.{n}"][0]).split())
        n += 1
    return ids if len(ids) > 1 and text == wanted else []


def _refuse_cut_off(filename: str, items: list, covered: list) -> None:
    """ImportRefused if a file exported from the current source lacks its last segments: it was cut off (a PO
    file cut between two lines still parses, and its last msgstr may be cut short too)."""
    if not covered:
        raise ImportRefused(_("%(file)s: the file has none of the guide's %(count)d segments: it is empty or cut off. "
                              "Nothing was imported.") % {"file": filename, "count": len(items)})
    after = items[items.index(covered[-1]) + 1:]
    if after:
        raise ImportRefused(_(
            "%(file)s: the file ends with segment %(last)s; the %(count)d segments after it (%(first)s … %(final)s) are not in "
            "it. It looks cut off, and its last segment may be cut short too. Nothing was imported: send the whole file, or "
            "export the guide again."
        ) % {"file": filename, "last": covered[-1].id, "count": len(after), "first": after[0].id, "final": after[-1].id})


def _claimed_state(unit: ExchangeUnit, source: Content, target: Content, language: str) -> tuple[str, int | None, str]:
    """The state to store for an imported target: a "from memory" claim holds only for a signed pair."""
    if unit.state == MEMORY:
        match = verified_memory(language, source, target)
        if match is None:
            return TRANSLATED, None, ""
        return MEMORY, match.score, match.origin
    return unit.state, None, ""


@transaction.atomic
def translation_import(*, document: ExchangeDocument, user, filename: str, dry_run: bool = False, strict: bool = False) -> ImportReport:  # noqa: C901 - one all-or-nothing pass over the file's units; to split later
    """Apply an exchange file's segments to the drafts; all or nothing.

    Segments whose source changed since the export are reported and not
    applied (with strict, the whole file is refused); whitespace a tool
    changed is not a change. States are kept (needs review, fuzzy; "from
    memory" only for a signed pair); "approved"/"final" claims are ignored.
    """
    guide = guide_by_slug(document.guide)  # a file exported before a slug change still finds its guide
    if guide is None:
        raise ImportRefused(_("%(file)s: it is for a guide '%(guide)s' that does not exist here.") % {"file": filename, "guide": document.guide})
    lang = get_language(document.target_language)
    if lang.code == guide.source_language:
        raise ImportRefused(_("%(file)s: its target language is the source language; source text is edited by editors, not imported.") % {"file": filename})
    require_edit_language(user, lang.code, guide)
    # The drafts the merge compares stay as read until the import commits; the guide's own text (title, summary) is
    # compared as the locked row holds it, never as an instance read before the lock did.
    guide = lock_guide(guide)
    try:
        bases = segment_bases(document.base, guide, lang.code)
    except BaseRevisionError as exc:
        raise ImportRefused(_(
            "%(file)s: %(reason)s The file must carry the revisions it was exported with (the X-Guide-CMS-Base header of a PO "
            "file, the gc:base attribute of an XLIFF file's <file>): without them an older file could undo newer work."
        ) % {"file": filename, "reason": exc}) from None
    source_version = current_source_version(guide)
    if source_version is None:
        raise ImportRefused(_("%(file)s: the source of '%(guide)s' has no approved version.") % {"file": filename, "guide": guide.slug})
    # Sentences that are exactly signed text count as from memory, so a file that says so changes nothing.
    draft = mark_signed_text(translation_draft(guide, lang.code))
    report = ImportReport(guide=guide, language=lang.code, dry_run=dry_run, ignored_approvals=list(document.ignored_approvals), notices=list(document.notices))
    if document.source_version != source_version.number:
        report.source_note = _("The file was exported from source version %(old)d; the current approved source is version %(new)d.") % {
            "old": document.source_version, "new": source_version.number}
    elif document.source_hash != source_version.content_hash:
        report.source_note = _(
            "The file's source hash is not that of source version %(number)d: its header was changed after the export. Each "
            "segment was matched by its source text, and a segment whose source differs is not applied."
        ) % {"number": source_version.number}

    # Everything the current source has that a file may name: segments and whole blocks.
    current: dict[str, tuple[Content, int, str]] = {}
    for unit in draft.source_units.values():
        for block in unit_blocks(unit, draft.source_language):
            if block.translatable:
                current[block.id] = (block.content, block.index, block.kind)
                for segment in block.segments:
                    current[segment.id] = (segment.content, block.index, block.kind)
    unknown_units = sorted({u.unit for u in document.units if u.unit not in draft.source_units})
    if unknown_units:
        raise ImportRefused(
            _("%(file)s: unknown unit id(s) %(ids)s: this file is not for the current structure of '%(guide)s'. Nothing was imported.")
            % {"file": filename, "ids": ", ".join(unknown_units), "guide": guide.slug}
        )
    items = {item.id: item for item in draft.items}
    changes: list[SegmentChange] = []
    refused: list[str] = []
    seen: set[str] = set()
    for unit in document.units:
        item_id = unit.id
        if item_id not in current or not same_source_loose(unit.source, current[item_id][0]):
            # Moved (a sentence was added before it)? The same sentence elsewhere in its unit.
            item_id = next((k for k, (content, _b, _k) in current.items() if k.startswith(unit.unit + ".")
                            and k.count(".") == unit.id.count(".") and k not in seen and same_source_loose(unit.source, content)), None)
            if item_id is None:
                joined = _joined_sentences(unit, current)
                if joined:
                    report.joined.append((unit.id, joined))
                else:
                    report.stale.append(unit.id)
                continue
        seen.add(item_id)
        source, block_index, block_kind = current[item_id]
        if unit.incomplete:
            report.incomplete.append((unit.id, list(unit.incomplete)))
            continue
        if not plain(unit.target).strip():
            report.kept_empty.append(unit.id)
            continue
        problems = code_problems(source, unit.target)
        if problems:
            refused.append(_("unit '%(unit)s': %(problems)s") % {"unit": unit.id, "problems": " ".join(problems)})
            continue
        target = with_source_codes(source, unit.target)
        try:
            # A segment's characters; its size and nesting are checked with its whole field when written.
            clean_text(plain(target), kind="line", field=_("unit '%(unit)s'") % {"unit": unit.id}, max_chars=MAX_BODY_CHARS)
        except TextRefused as exc:
            refused += exc.messages
            continue
        state, score, origin = _claimed_state(unit, source, target, lang.code)
        old = items.get(item_id)
        old_target, old_state = (old.target, old.state) if old else ((), NEW)
        if old and not old.stale and plain(old_target) == plain(target) and old_target == target and old_state == state:
            report.unchanged.append(unit.id)
            continue
        if old_target != target and unit.id not in bases:  # a whole block, its sentences joined by the tool
            changed_since = block_changed_since(draft, bases, item_id)
            if changed_since is None:
                refused.append(_("unit '%(unit)s': the file does not say which revision it was exported with.") % {"unit": unit.id})
                continue
            if changed_since:
                report.conflicts.append(Conflict(item_id, item_id, plain(target), _("(a sentence of it was saved since the export)")))
                continue
        elif old_target != target:  # a text change: merged onto the revision the file was exported with
            plan = merge_segments(draft, {item_id: bases[unit.id]}, {item_id: target})
            if plan.conflicts:
                report.conflicts += plan.conflicts
                continue
            if item_id not in plan.writes:
                report.kept.append(item_id)
                continue
        changes.append(SegmentChange(item_id, target, state, score, origin))
        report.applied.append(AppliedSegment(item_id, unit.unit, block_index, old_target, target, old_state, state, block_kind))
        if state in (NEEDS_REVIEW, FUZZY):
            report.needs_review.append(item_id)
    # What the file answers for: segments it names (a tool may name a whole block), and sentences a tool joined into one.
    named = seen | {u.id for u in document.units} | {i for _uid, ids in report.joined for i in ids}
    covered = [item for item in draft.items if item.id in named or item.id.rsplit(".", 1)[0] in named]
    if document.source_version == source_version.number and draft.items:
        _refuse_cut_off(filename, draft.items, covered)
    if refused:
        raise ImportRefused(
            _("%(file)s: nothing was imported:\n%(problems)s") % {"file": filename, "problems": "\n".join(f"  - {p}" for p in refused)}
        )
    if strict and report.stale:
        raise ImportRefused(
            _("%(file)s: the source of %(ids)s changed since the export; with --strict nothing was imported. Export again.")
            % {"file": filename, "ids": ", ".join(report.stale)}
        )
    covered_ids = {item.id for item in covered}
    report.missing = [item.id for item in draft.items if item.id not in covered_ids and not item.target]
    report.absent = [item.id for item in draft.items if item.id not in covered_ids and item.target]
    if changes:
        try:
            segments_save(guide=guide, language=lang.code, user=user, changes=changes, draft=draft)
        except TextRefused as exc:  # a field over its limits once its sentences are put together
            raise ImportRefused(
                _("%(file)s: nothing was imported:\n%(problems)s") % {"file": filename, "problems": "\n".join(f"  - {p}" for p in exc.messages)}
            ) from None
    audit_append(
        actor=user, action="translation.import", obj=guide, scope=draft_scope(guide, lang.code),
        data={"file": filename, "applied": report.applied_ids, "stale": report.stale, "incomplete": [u for u, _m in report.incomplete],
              "conflicts": [c.unit for c in report.conflicts], "kept": report.kept,
              "needs_review": report.needs_review, "dry_run": dry_run},
    )
    report.findings, _source = draft_findings(guide, lang.code)
    if dry_run:
        transaction.set_rollback(True)
    return report


def submission_segments(guide: Guide, language: str) -> tuple[list[tuple[str, str]], dict]:
    """What blocks a translation's submission, segment by segment, and the states to record with the version.

    Blocking: a segment still to be reviewed (needs review, a fuzzy match),
    and an untranslated sentence of a text that is otherwise translated (a
    sentence a CAT tool left out).
    """
    draft = mark_signed_text(translation_draft(guide, language))
    problems = []
    for item in draft.blocking:
        what = _("a fuzzy memory match") if item.state == FUZZY else _("marked as needing review")
        problems.append((item.section, _("Segment %(id)s is %(what)s: review it (and mark it translated) before submitting.") % {"id": item.id, "what": what}))
    translated_units = {item.unit for item in draft.items if item.target}
    for item in draft.items:
        if not item.target and item.unit in translated_units:
            problems.append((item.section, _("Segment %(id)s has no translation: the rest of its text is translated, this sentence is missing.") % {"id": item.id}))
    states = {item.id: {"state": item.state, "score": item.score, "origin": item.origin} for item in draft.items if item.target}
    return problems, states


# TMX: bringing and taking a memory -------------------------------------------------


def memory_export_tmx(*, language: str | None = None, user=None) -> tuple[bytes, int]:
    """The memory (one language or all) as TMX 1.4, and how many pairs it holds."""
    from guide_cms.core.languages import source_language

    from .exchange.tmx import TmxPair, write_tmx
    from .inline import from_tagged

    entries = MemoryEntry.objects.order_by("language", "guide_slug", "context", "segment", "pk")
    if language:
        entries = entries.filter(language=get_language(language).code)
    pairs = []
    for entry in entries:
        props = {"x-clinically-signed": "yes" if entry.signed else "no"}
        for name, value in (("x-guide", entry.guide_slug), ("x-context", entry.context), ("x-version", entry.version_number),
                            ("x-signers", entry.signers), ("x-imported-from", entry.imported_from)):
            if value:
                props[name] = value
        pairs.append(TmxPair(entry.source_language, entry.language, from_tagged(entry.source), from_tagged(entry.target), props))
    data = write_tmx(pairs, source_language=source_language().code)
    with transaction.atomic():
        audit_append(actor=user, action="memory.export", data={"language": language or "", "pairs": len(pairs)})
    return data, len(pairs)


@dataclass
class MemoryImportReport:
    """What a TMX import added to the translation memory, what it had already, and notices about the file."""

    added: int = 0
    already: int = 0
    notices: list[str] = field(default_factory=list)


@transaction.atomic
def memory_import_tmx(*, data: bytes, filename: str, user) -> MemoryImportReport:
    """Add a TMX file's pairs to the memory, marked not clinically signed; all or nothing.

    The importing user must translate or review every target language of
    the file. Whatever the file says, its pairs never count as approved text.
    """
    from guide_cms.core.languages import source_language
    from guide_cms.core.permissions import can_review
    from guide_cms.core.roles import Role
    from guide_cms.core.permissions import assigned_languages

    from .exchange.tmx import read_tmx

    pairs, notices = read_tmx(data, filename, source_language=source_language().code)
    allowed = assigned_languages(user, Role.TRANSLATOR) | {code for code in {p.language for p in pairs} if can_review(user, code)}
    refused = sorted({p.language for p in pairs} - allowed)
    if refused:
        raise PermissionDenied(
            _("%(file)s: you do not translate or review %(languages)s; nothing was imported.")
            % {"file": filename, "languages": ", ".join(get_language(code).display_name for code in refused)}
        )
    report = MemoryImportReport(notices=notices)
    rows = {}
    for pair in pairs:
        values = entry_values(source=pair.source, target=pair.target, source_language=pair.source_language, language=pair.language)
        rows.setdefault((values["language"], values["source_hash"], values["target_hash"]), values)
    # In bulk: a clinic's memory may hold hundreds of thousands of pairs.
    existing = set()
    keys = list(rows)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        existing |= set(
            MemoryEntry.objects.filter(signed=False, guide_slug="", context="", source_hash__in={k[1] for k in chunk})
            .values_list("language", "source_hash", "target_hash")
        )
    new = [MemoryEntry(**values, guide_slug="", context="", signed=False, imported_from=filename) for key, values in rows.items() if key not in existing]
    MemoryEntry.objects.bulk_create(new, batch_size=1000)
    report.added, report.already = len(new), len(pairs) - len(new)
    audit_append(actor=user, action="memory.import", data={"file": filename, "added": report.added, "already": report.already})
    return report


# The sentence-by-sentence editor ---------------------------------------------------


@dataclass
class EditorRow:
    """One sentence of the segment editor: its draft item, the text to edit, the source and the memory's offer."""

    item: DraftSegment
    value: str  # the target as the translator edits it (placeholders <1>…</1>)
    source: str  # the source, with the same placeholders
    offer: MemoryOffer | None  # the memory's proposal
    prefilled: bool  # value comes from the memory, not from the draft
    theirs: str | None = None  # after a conflict: the target someone else saved meanwhile


@dataclass
class EditorPage:
    """The segment editor's rows and the revisions they show (segment_editor_page)."""

    rows: list[EditorRow]
    base: str  # the revisions the page shows (merging.segments_base): a save merges onto them


def segment_editor_page(*, guide: Guide, language: str, user) -> EditorPage:
    """What the editor shows: each sentence's source, its translation or the memory's, and the memory's proposal."""
    from .inline import to_tagged

    lang = get_language(language)
    if lang.code not in visible_languages(user, guide):
        raise PermissionDenied(_("You may not read the %(language)s drafts.") % {"language": lang.display_name})
    draft = mark_signed_text(translation_draft(guide, lang.code))
    offers = memory_offers(draft, draft.items) if draft.items else {}
    rows, shown = [], {}
    for item in draft.items:
        offer = offers.get(item.id)
        prefill = offer is not None and (not item.target or item.stale)
        value = offer.target if prefill else item.target
        if prefill:
            shown[item.id] = value
        rows.append(EditorRow(item, to_tagged(value, po=True), to_tagged(item.source, po=True), offer, prefill))
    return EditorPage(rows, segments_base(draft, shown))


class SegmentsRefused(Exception):
    """Nothing was saved; .problems lists (segment id, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{uid}: {message}" for uid, message in problems))


class SegmentsConflict(Exception):
    """Someone else saved some of the same sentences since the page was loaded; nothing was saved.

    .merge: its conflicts (with both targets); .base: the page's token moved
    to their targets for those sentences only, so saving again is deliberate.
    """

    def __init__(self, plan: Merge, base: str):
        self.merge, self.base = plan, base
        super().__init__(plan.conflict_message())


def _editor_targets(draft: TranslationDraft, values: dict[str, str]) -> tuple[dict[str, Content], list[tuple[str, str]]]:
    """The editor's boxes read as targets ({segment id: target}; an empty box is no target), and their problems."""
    from .exchange.xml import tidy
    from .inline import TaggedError, from_tagged

    sources = {item.id: item.source for item in draft.items}
    targets, problems = {}, []
    for item_id, value in values.items():
        source = sources.get(item_id)
        try:
            target = tidy(from_tagged(value, po=True))
        except TaggedError as error:
            problems.append((item_id, _("%(code)s is not a placeholder.") % {"code": error.args[0]}))
            continue
        if not plain(target).strip():
            targets[item_id] = ()
            continue
        if source is None:  # re-paired since the page was loaded: the merge names it
            targets[item_id] = target
            continue
        bad = code_problems(source, target)
        if bad:
            problems.append((item_id, " ".join(bad)))
            continue
        try:
            clean_text(plain(target), kind="line", field=item_id, max_chars=MAX_BODY_CHARS)  # the field's limits apply when written
        except TextRefused as exc:
            problems += [(item_id, message) for message in exc.messages]
            continue
        targets[item_id] = with_source_codes(source, target)
    return targets, problems


@transaction.atomic
def segments_edit(*, guide: Guide, language: str, user, values: dict[str, str], base: str | None,
                  reviewed: set[str] = frozenset()) -> list[str]:
    """Save the editor's sentences ({segment id: text with placeholders}) onto the page's base (merging).

    A sentence the translator changed is translated (or from memory when it is
    the memory's proposal unchanged); one ticked reviewed is translated; a
    sentence left as shown is not written, whatever happened to it since. All
    or nothing; returns the columns changed. Raises SegmentsRefused (bad
    text), SegmentsConflict (someone else saved one of the same sentences
    since), BaseRevisionError (a missing or altered base), PermissionDenied.
    """
    lang = get_language(language)
    require_edit_language(user, lang.code, guide)
    # What the merge reads stays as read until this save commits, the guide's title and summary as the locked row
    # holds them: the caller's instance may predate another translator's save of them.
    guide = lock_guide(guide)
    draft = translation_draft(guide, lang.code)
    bases = segment_bases(base, guide, lang.code)
    targets, problems = _editor_targets(draft, values)
    if problems:
        raise SegmentsRefused(problems)
    # An emptied box is never a deletion here (a draft's sentence is removed in the admin's text field).
    plan = merge_segments(draft, bases, {item_id: target for item_id, target in targets.items() if target})
    if plan.conflicts:
        scope = segments_scope(guide, lang.code)
        raise SegmentsConflict(plan, rebase_token(base, scope, {c.unit: c.theirs or "" for c in plan.conflicts}))
    offers = memory_offers(draft, draft.items) if draft.items else {}
    changes = []
    for item in draft.items:
        target = targets.get(item.id)
        if not target:
            continue
        offer = offers.get(item.id)
        if item.id in plan.writes:
            if offer is not None and target == offer.target:
                state = TRANSLATED if item.id in reviewed else offer.state
                changes.append(SegmentChange(item.id, target, state, offer.match.score, offer.match.origin))
            else:
                changes.append(SegmentChange(item.id, target, TRANSLATED))
        elif target == item.target:  # the text stays; only its state may change
            if item.id in reviewed and (item.stale or item.state not in (TRANSLATED, MEMORY)):
                changes.append(SegmentChange(item.id, target, TRANSLATED))
            elif item.stale and offer is not None and target == offer.target:  # an outdated sentence the memory confirms
                changes.append(SegmentChange(item.id, target, offer.state, offer.match.score, offer.match.origin))
    if not changes:
        return []
    return segments_save(guide=guide, language=lang.code, user=user, changes=changes, draft=draft)


# --- the glossary -----------------------------------------------------------------------

GLOSSARY_FIELDS = ("language", "term", "approved", "do_not_translate", "note")


def glossary_scope(language: str) -> str:
    """The audit scope of a language's glossary ("glossary:es")."""
    return f"glossary:{language}"


def _glossary_values(term: GlossaryTerm) -> dict:
    return {name: getattr(term, name) for name in GLOSSARY_FIELDS}


@transaction.atomic
def glossary_term_save(*, user, term: GlossaryTerm | None = None, values: dict) -> GlossaryTerm:
    """Create a glossary term (term=None) or change one.

    The glossary decides a blocking quality check, so only the clinical
    reviewers of the language change it, and every change is audited with
    its old and new values.
    """
    unknown = set(values) - set(GLOSSARY_FIELDS)
    if unknown:
        raise ValueError(f"not glossary fields: {sorted(unknown)}")
    if term is None:
        term = GlossaryTerm(**values)
        require_edit_glossary(user, term.language)
        term.full_clean()
        term.save()
        audit_append(actor=user, action="glossary.create", obj=term, scope=glossary_scope(term.language), data=_glossary_values(term))
        return term
    locked = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
    require_edit_glossary(user, locked.language)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if changed:
        old = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, values[name])
        require_edit_glossary(user, locked.language)
        locked.full_clean()
        locked.save(update_fields=changed)
        audit_append(
            actor=user, action="glossary.change", obj=locked, scope=glossary_scope(locked.language),
            data={"term": locked.term, "fields": {name: {"old": old[name], "new": values[name]} for name in changed}},
        )
    return locked


@transaction.atomic
def glossary_term_delete(*, user, term: GlossaryTerm) -> None:
    """Delete a glossary term, audited with its values (the language's clinical reviewers only).

    Raises PermissionDenied if user may not edit the term's language's glossary,
    and GlossaryTerm.DoesNotExist if it was deleted meanwhile.
    """
    locked = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
    require_edit_glossary(user, locked.language)
    audit_append(actor=user, action="glossary.delete", obj=locked, scope=glossary_scope(locked.language), data=_glossary_values(locked))
    locked.delete()
