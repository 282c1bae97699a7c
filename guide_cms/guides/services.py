"""Every write to guides and their drafts goes through these functions.

Each checks permissions (guide_cms.core.permissions), locks the rows it
changes, and writes only the columns that changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from guide_cms.core.audit import audit_append, audit_append_many
from guide_cms.core.merge import Base, Edit, merge, revision
from guide_cms.core.models import AuditEvent
from guide_cms.core.languages import Language, get_language, source_language
from guide_cms.core.permissions import require_edit_language, require_manage_guides

from .importer import ParsedGuide
from .models import Guide, Section, Version, VersionStatus
from .records import guide_by_slug
from .text_fields import FIELD_KINDS, FIELD_MAX_CHARS, GUIDE_TEXT_FIELDS, SECTION_TEXT_FIELDS, field_label, split_column
from .text_rules import TextRefused, clean_text, normalise


class ImportConflict(ValueError):
    """Applying a document would lose text; nothing was written."""


def _clean_columns(user, guide: Guide, values: dict[str, str], fields: tuple[str, ...], owner: str) -> dict[str, str]:
    """values with each column's language permission-checked and its text cleaned (text_rules).

    Raises PermissionDenied for a language user may not edit, and TextRefused
    listing every problem of every column.
    """
    cleaned, problems = {}, []
    for column, value in values.items():
        parsed = split_column(column, fields)
        if parsed is None:
            raise ValueError(f"{column!r} is not a translated text column")
        name, lang = parsed
        require_edit_language(user, lang.code, guide)
        try:
            cleaned[column] = clean_text(value, kind=FIELD_KINDS[name], field=field_label(owner, name, lang), max_chars=FIELD_MAX_CHARS[name])
        except TextRefused as exc:
            problems += exc.problems
    if problems:
        raise TextRefused(problems)
    return cleaned


def _stored(column: str, value: str | None, fields: tuple[str, ...]) -> str:
    """A stored value in the form clean_text gives, so canonically equal text is never an edit."""
    return normalise(value, kind=FIELD_KINDS[split_column(column, fields)[0]])


def draft_scope(guide: Guide, language: str) -> str:
    """The audit scope of a guide's drafts in one language."""
    return f"{guide_scope(guide)}:{language}"


def guide_scope(guide: Guide) -> str:
    """The audit scope of a change to a guide's structure or settings: every language at once."""
    return f"guide:{guide.pk}"


# Who authored a guide's next version in a language, read from the audit
# trail (review.services bars them from signing it). A text edit authors the
# next version of the language it edits. A structural change (a section
# added, removed or moved) or a change of the guide's settings (slug,
# safety-critical flag, review interval) authors the next version of *every*
# language: each language's version carries the sections and their order
# (removing a section removes its warning in every language), and the
# settings decide how each version is reviewed and published.
TEXT_AUTHORING_ACTIONS = ("draft.edit",)
STRUCTURE_AUTHORING_ACTIONS = ("guide.create", "section.create", "section.move", "section.delete", "guide.settings")


def authoring_events(guide: Guide, language: str):
    """The audit events that make their actors authors of guide's next version in language."""
    whole_guide = guide_scope(guide)
    return AuditEvent.objects.filter(
        Q(scope=draft_scope(guide, language), action__in=TEXT_AUTHORING_ACTIONS)
        # Structure events are scoped to the whole guide; guide and section
        # creation carry the source text, so they are scoped to the source language.
        | Q(action__in=STRUCTURE_AUTHORING_ACTIONS) & (Q(scope=whole_guide) | Q(scope__startswith=f"{whole_guide}:"))
    )


def _text_edit_events(user, obj, guide: Guide, old: dict, changed: list[str], fields: tuple[str, ...]) -> list[dict]:
    """The audit events (audit_append's arguments) of obj's changed text columns."""
    return [
        dict(actor=user, action="draft.edit", obj=obj, scope=draft_scope(guide, split_column(column, fields)[1].code),
             data={"field": column, "old": old[column], "new": getattr(obj, column)})
        for column in changed
    ]


def _audit_text_edits(user, obj, guide: Guide, old: dict, changed: list[str], fields: tuple[str, ...]) -> None:
    audit_append_many(_text_edit_events(user, obj, guide, old, changed, fields))


def lock_guide(guide: Guide | int) -> Guide:
    """The guide's row, locked until the transaction ends.

    Every writer of a guide's settings, sections or drafts takes this lock
    first, so a merge (guides.edits, localization) reads what it compares under
    it and nobody writes between that read and its write.
    """
    return Guide.objects.select_for_update().get(pk=getattr(guide, "pk", guide))


@transaction.atomic
def section_update_drafts(*, section: Section, user, values: dict[str, str]) -> list[str]:
    """Write draft text columns of one section (e.g. {"body_es": ...}); return the columns changed.

    Writes the values given, whatever the section holds now: callers that
    write what a person typed merge it first (guides.edits). Raises
    PermissionDenied for a language the user may not edit, TextRefused.
    """
    values = _clean_columns(user, section.guide, values, SECTION_TEXT_FIELDS, owner=section.key)
    lock_guide(section.guide_id)
    locked = Section.objects.select_related("guide").get(pk=section.pk)
    changed = [column for column, value in values.items() if _stored(column, getattr(locked, column), SECTION_TEXT_FIELDS) != value]
    if changed:
        old = {column: getattr(locked, column) for column in changed}
        for column in changed:
            setattr(locked, column, values[column])
        locked.save(update_fields=changed)
        _audit_text_edits(user, locked, locked.guide, old, changed, SECTION_TEXT_FIELDS)
    section.refresh_from_db()
    return changed


@transaction.atomic
def sections_update_drafts(*, guide: Guide, user, values: dict[str, dict[str, str]]) -> list[str]:
    """section_update_drafts for several sections of guide ({section key: {column: text}}) at once:
    one lock, a write per section that changed, and their audit events in one INSERT.
    Returns the columns changed; raises as section_update_drafts does, writing nothing."""
    cleaned = {key: _clean_columns(user, guide, columns, SECTION_TEXT_FIELDS, owner=key) for key, columns in values.items()}
    lock_guide(guide)
    locked = {s.key: s for s in Section.objects.filter(guide=guide, key__in=list(cleaned))}
    changed_columns, events = [], []
    for key, columns in cleaned.items():
        section = locked[key]
        changed = [column for column, value in columns.items() if _stored(column, getattr(section, column), SECTION_TEXT_FIELDS) != value]
        if not changed:
            continue
        old = {column: getattr(section, column) for column in changed}
        for column in changed:
            setattr(section, column, columns[column])
        section.save(update_fields=changed)
        events += _text_edit_events(user, section, guide, old, changed, SECTION_TEXT_FIELDS)
        changed_columns += changed
    audit_append_many(events)
    return changed_columns


@transaction.atomic
def guide_update_drafts(*, guide: Guide, user, values: dict[str, str]) -> list[str]:
    """Write draft title/summary columns of a guide; return the columns changed."""
    values = _clean_columns(user, guide, values, GUIDE_TEXT_FIELDS, owner="")
    locked = lock_guide(guide)
    changed = [column for column, value in values.items() if _stored(column, getattr(locked, column), GUIDE_TEXT_FIELDS) != value]
    if changed:
        old = {column: getattr(locked, column) for column in changed}
        for column in changed:
            setattr(locked, column, values[column])
        locked.save(update_fields=[*changed, "updated_at"])
        _audit_text_edits(user, locked, locked, old, changed, GUIDE_TEXT_FIELDS)
    guide.refresh_from_db()
    return changed


def _has_approved_source(guide: Guide) -> bool:
    return Version.objects.filter(guide=guide, language=guide.source_language, status=VersionStatus.APPROVED).exists()


@transaction.atomic
def guide_apply_approved_slug(*, version, user) -> bool:
    """After version (of the source) is approved: if it carries the guide's requested slug, that slug is now the
    guide's (the old one is a former address, redirected); returns whether it changed. Called by review."""
    locked = lock_guide(version.guide)
    approved = version.snapshot.get("guide")
    if not locked.slug_requested or approved != locked.slug_requested or approved == locked.slug:
        return False
    old = {"slug": locked.slug, "slug_requested": locked.slug_requested}
    locked.slug, locked.slug_requested = approved, ""
    locked.full_clean()
    locked.save(update_fields=["slug", "slug_requested", "updated_at"])
    # By the system, naming the approval: the signer wrote nothing (an author of a settings change is an
    # author of every language's next version, and may not sign it).
    audit_append(
        actor=None, action="guide.settings", obj=locked, scope=guide_scope(locked),
        data={"slug": {"old": old["slug"], "new": approved}, "slug_requested": {"old": old["slug_requested"], "new": ""},
              "approved_version": version.number, "approved_by": getattr(user, "username", "")},
    )
    version.guide.slug, version.guide.slug_requested = locked.slug, ""
    return True


def address_problem(slug: str, guide: Guide | None = None) -> str | None:
    """Why slug cannot be guide's (None: it can): another guide had it, and the addresses given out under it
    (printed handouts, links) lead to that guide for good (publishing redirects them)."""
    owner = guide_by_slug(slug) or Guide.objects.filter(slug_requested=slug).first()
    if owner is None or (guide is not None and owner.pk == guide.pk):
        return None
    if owner.slug == slug:
        if guide is None or guide.slug == slug:
            return None  # a guide's own current slug is the model's uniqueness to check
        return _("The address %(slug)s is the guide %(guide)s's. Choose another slug.") % {"slug": slug, "guide": owner.slug}
    if owner.slug_requested == slug:
        return _("The address %(slug)s is awaiting approval for the guide %(guide)s. Choose another slug.") % {
            "slug": slug, "guide": owner.slug}
    return _("The address %(slug)s belonged to the guide %(guide)s before a rename; its old links lead there for good. "
             "Choose another slug.") % {"slug": slug, "guide": owner.slug}


def _refuse_taken_address(slug: str, guide: Guide | None) -> None:
    if problem := address_problem(slug, guide):
        raise ValidationError({"slug": problem})


@transaction.atomic
def guide_create(*, user, slug: str, title: str, summary: str = "", safety_critical: bool = False, review_interval_months: int = 12) -> Guide:
    """Create a guide with its title and summary in the source language (editors only); returns the saved guide.

    Raises PermissionDenied if user may not manage guides, ValidationError if
    the slug is taken or requested by another guide (or a field is invalid),
    and TextRefused (a ValidationError) listing every problem of the title and
    summary.
    """
    require_manage_guides(user)
    source = source_language()
    _refuse_taken_address(slug, None)
    guide = Guide(slug=slug, safety_critical=safety_critical, review_interval_months=review_interval_months)
    text = _clean_columns(user, guide, {source.field("title"): title, source.field("summary"): summary}, GUIDE_TEXT_FIELDS, owner="")
    title, summary = text[source.field("title")], text[source.field("summary")]
    setattr(guide, source.field("title"), title)
    setattr(guide, source.field("summary"), summary)
    guide.full_clean()
    guide.save()
    audit_append(
        actor=user, action="guide.create", obj=guide, scope=draft_scope(guide, source.code),
        data={"slug": slug, "title": title, "summary": summary, "safety_critical": safety_critical, "review_interval_months": review_interval_months,
              "source_language": guide.source_language},
    )
    return guide


@transaction.atomic
def guide_update_settings(*, guide: Guide, user, **settings_values) -> list[str]:
    """Change slug, safety-critical flag or review interval (editors only)."""
    require_manage_guides(user)
    allowed = {"slug", "safety_critical", "review_interval_months"}  # a slug change may become a requested slug
    unknown = set(settings_values) - allowed
    if unknown:
        raise ValueError(f"not guide settings: {sorted(unknown)}")
    locked = lock_guide(guide)
    if "slug" in settings_values and _has_approved_source(locked):
        # Its addresses are signed content: the new slug is frozen into the next versions and takes
        # effect when one of them is approved (guide_apply_approved_slug); until then the old one stays.
        slug = settings_values.pop("slug")
        settings_values["slug_requested"] = "" if slug == locked.slug else slug
    changed = [name for name, value in settings_values.items() if getattr(locked, name) != value]
    for name in ("slug", "slug_requested"):
        if name in changed and settings_values[name]:
            _refuse_taken_address(settings_values[name], locked)
    if changed:
        old = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, settings_values[name])
        locked.full_clean()
        locked.save(update_fields=[*changed, "updated_at"])
        audit_append(
            actor=user, action="guide.settings", obj=locked, scope=guide_scope(locked),
            data={name: {"old": old[name], "new": settings_values[name]} for name in changed},
        )
    guide.refresh_from_db()
    return changed


@transaction.atomic
def section_create(*, guide: Guide, user, key: str, title: str, body: str, position: int | None = None) -> Section:
    """Add a section with its source-language text (editors only)."""
    require_manage_guides(user)
    lock_guide(guide)
    source = get_language(guide.source_language)
    if position is None:
        position = (guide.sections.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    section = Section(guide=guide, key=key, position=position)
    text = _clean_columns(user, guide, {source.field("title"): title, source.field("body"): body}, SECTION_TEXT_FIELDS, owner=key)
    title, body = text[source.field("title")], text[source.field("body")]
    setattr(section, source.field("title"), title)
    setattr(section, source.field("body"), body)
    section.full_clean()
    section.save()
    audit_append(
        actor=user, action="section.create", obj=section, scope=draft_scope(guide, source.code),
        data={"key": key, "position": position, "title": title, "body": body},
    )
    return section


@transaction.atomic
def section_move(*, section: Section, user, position: int) -> None:
    """Give a section a new position (editors only), audited if it changed; section is refreshed from the database.

    Raises PermissionDenied if user may not manage guides.
    """
    require_manage_guides(user)
    lock_guide(section.guide_id)
    old = section.position
    if Section.objects.filter(pk=section.pk).exclude(position=position).update(position=position):
        audit_append(actor=user, action="section.move", obj=section, scope=guide_scope(section.guide), data={"key": section.key, "old": old, "new": position})
    section.refresh_from_db()


@transaction.atomic
def section_delete(*, section: Section, user) -> None:
    """Remove a section and its drafts in every language (editors only)."""
    require_manage_guides(user)
    lock_guide(section.guide_id)
    locked = Section.objects.get(pk=section.pk)
    texts = {f.name: getattr(locked, f.name) for f in Section._meta.concrete_fields if split_column(f.name, SECTION_TEXT_FIELDS)}
    audit_append(actor=user, action="section.delete", obj=locked, scope=guide_scope(locked.guide), data={"key": locked.key, "old": texts})
    locked.delete()


class GuideInUse(Exception):
    """The guide has versions: its history must stay, so it cannot be deleted."""


@transaction.atomic
def guide_delete(*, guide: Guide, user) -> None:
    """Delete a guide that never reached review, with its drafts (editors only)."""
    require_manage_guides(user)
    locked = Guide.objects.select_for_update().get(pk=guide.pk)
    if locked.versions.exists():
        raise GuideInUse(_("'%(guide)s' has submitted versions; its history is kept and it cannot be deleted.") % {"guide": locked})
    audit_append(actor=user, action="guide.delete", obj=locked, data={"slug": locked.slug, "title": locked.title_en})
    locked.delete()


@dataclass
class ImportReport:
    """What a document import did (or, with dry_run, would do) to a guide and its sections."""

    guide: Guide
    created: bool = False
    sections_added: list[str] = field(default_factory=list)
    sections_changed: list[str] = field(default_factory=list)
    sections_moved: list[str] = field(default_factory=list)
    # (key kept, old heading, new heading): a renamed heading keeps its section and translations
    sections_renamed: list[tuple[str, str, str]] = field(default_factory=list)
    dry_run: bool = False
    # Changed in the admin since the document's last import and left as it was in the document: kept.
    kept: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        """Whether the import created the guide or added, changed, moved or renamed a section."""
        return self.created or bool(self.sections_added or self.sections_changed or self.sections_moved or self.sections_renamed)


# A renamed heading: at the same place with a similar heading or text, or anywhere with nearly the same text.
RENAME_TITLE_SIMILARITY = 60
RENAME_BODY_SIMILARITY = 70
MOVED_BODY_SIMILARITY = 90


def match_renamed_sections(existing: list[tuple[str, str, str]], document: list) -> dict[int, str]:
    """Document section index -> key of the existing section it renames (pure).

    existing: (key, title, body) in position order; document: ParsedSections.
    Sections are matched by key first; a document section whose key is new
    renames an unmatched existing one when it stands at the same place with
    a similar heading or text (rapidfuzz ratio), or anywhere with nearly the
    same text.
    """
    from rapidfuzz import fuzz

    keys = {key for key, _t, _b in existing}
    taken = {parsed.key for parsed in document if parsed.key in keys}
    free = [(rank, key, title, body) for rank, (key, title, body) in enumerate(existing) if key not in taken]
    renames: dict[int, str] = {}
    for index, parsed in enumerate(document):
        if parsed.key in keys:
            continue
        best = None
        for rank, key, title, body in free:
            if key in renames.values():
                continue
            title_similarity = fuzz.ratio(title.casefold(), parsed.title.casefold())
            body_similarity = fuzz.ratio(body, parsed.body)
            same_place = rank == index
            if (same_place and (title_similarity >= RENAME_TITLE_SIMILARITY or body_similarity >= RENAME_BODY_SIMILARITY)) or (
                body_similarity >= MOVED_BODY_SIMILARITY
            ):
                score = (same_place, body_similarity, title_similarity)
                if best is None or score > best[0]:
                    best = (score, key)
        if best:
            renames[index] = best[1]
    return renames


DOCUMENT_IMPORT_ACTION = "guide.document_import"  # records what an import wrote: the next one's base


def _document_units(document: ParsedGuide, keys: list[str], source: Language) -> dict[str, str]:
    """{unit: text} of a document: "title_en", "summary_en", "<section key>.title_en", "<section key>.body_en"."""
    units = {source.field("title"): normalise(document.title, kind=FIELD_KINDS["title"]),
             source.field("summary"): normalise(document.summary, kind=FIELD_KINDS["summary"])}
    for key, parsed in zip(keys, document.sections, strict=True):
        units[f"{key}.{source.field('title')}"] = normalise(parsed.title, kind=FIELD_KINDS["title"])
        units[f"{key}.{source.field('body')}"] = normalise(parsed.body, kind=FIELD_KINDS["body"])
    return units


def _last_document_import(guide: Guide) -> tuple[dict[str, str], dict[str, int]]:
    """({unit: revision}, {section key: position}) the guide's last document import wrote ({} if none)."""
    last = AuditEvent.objects.filter(action=DOCUMENT_IMPORT_ACTION, scope=guide_scope(guide)).order_by("-pk").first()
    data = (last.data or {}) if last else {}
    return data.get("revisions", {}), data.get("positions", {})


def _removed_since_last_import(keys, existing, units, recorded, title_unit: str, slug: str) -> set[str]:
    """The document's sections that were removed here since its last import and that it leaves as it was then
    (not added back); ImportConflict for one the document changed meanwhile."""
    removed = set()
    for key in keys:
        if key in existing or f"{key}.{title_unit}" not in recorded:
            continue
        changed = [unit for unit in units if unit.startswith(f"{key}.") and revision(units[unit]) != recorded.get(unit)]
        if changed:
            raise ImportConflict(_(
                "Section '%(key)s' of guide '%(slug)s' was removed here since the document was last imported, and the "
                "document changes it. Nothing was imported: take it out of the document, or import with --replace to add it back."
            ) % {"key": key, "slug": slug})
        removed.add(key)
    return removed


def _document_merge(guide: Guide, existing: dict, units: dict[str, str], recorded: dict[str, str], replace: bool):
    """The merge of a re-imported document onto the guide, based on what the guide's last import wrote.

    A unit the document leaves as it last imported it is not written (an edit made
    in the admin since stays); one both changed is a conflict. Without a last
    import (the guide was written in the admin) every unit that differs is one,
    unless replace: the editor chose the document's text over the drafts.
    """
    edits = []
    for unit, mine in units.items():
        owner, _dot, column = unit.rpartition(".")
        row = existing.get(owner) if owner else guide
        if row is None:  # a section the document adds
            continue
        fields = SECTION_TEXT_FIELDS if owner else GUIDE_TEXT_FIELDS
        theirs = _stored(column, getattr(row, column), fields)
        base = recorded.get(unit)
        if base is None or replace:  # "none" is no revision: a unit that differs is a conflict
            base = revision(theirs) if replace or mine == theirs else "none"
        label = field_label(owner, split_column(column, fields)[0], split_column(column, fields)[1])
        edits.append(Edit(unit, label, Base(base), mine, theirs))
    return merge(edits)


def _place_imported_section(section: Section, position: int, recorded_position: int | None, *, replace: bool, user, slug: str,
                            report: ImportReport) -> None:
    """Move section to its position in the document, unless it was moved here since the last import (then kept, in report).

    Raises ImportConflict if it was moved here since the last import and the document moves it too.
    """
    key = section.key
    moved_here = not replace and recorded_position not in (None, section.position)
    if section.position != position and not (moved_here and recorded_position == position):
        if moved_here:  # moved here since the last import, and moved in the document too
            raise ImportConflict(_(
                "Section '%(key)s' of guide '%(slug)s' was moved here since the document was last imported, and the "
                "document moves it too. Nothing was imported: order the document as the guide is now, or import it "
                "with --replace."
            ) % {"key": key, "slug": slug})
        section_move(section=section, user=user, position=position)
        report.sections_moved.append(key)
    elif moved_here and section.position != position:
        report.kept.append(f"{key}.position")


@transaction.atomic
def guide_import(*, document: ParsedGuide, slug: str, user, dry_run: bool = False, replace: bool = False) -> ImportReport:
    """Create or update a guide's source-language drafts from a parsed document.

    Sections are matched by key (from the heading, or an explicit
    "{#key}" after it); a renamed heading is recognised by its place and its
    similar heading or text, and applied as a rename: the section keeps its
    key and its translations. Re-importing the same document changes
    nothing. A section of the guide that the document no longer has is
    refused (ImportConflict), not deleted: its translations would be lost.
    With dry_run, the report says what would change and nothing is written.
    """
    require_manage_guides(user)
    guide = Guide.objects.select_for_update().filter(slug=slug).first()
    report = ImportReport(guide=guide, dry_run=dry_run)
    if guide is None:
        guide = guide_create(user=user, slug=slug, title=document.title, summary=document.summary)
        report.guide, report.created = guide, True
    source = get_language(guide.source_language)

    ordered = list(guide.sections.order_by("position", "id"))
    existing = {s.key: s for s in ordered}
    renames = match_renamed_sections(
        [(s.key, getattr(s, source.field("title")) or "", getattr(s, source.field("body")) or "") for s in ordered], document.sections
    )
    keys = [renames.get(index, parsed.key) for index, parsed in enumerate(document.sections)]
    recorded, recorded_positions = _last_document_import(guide)
    title_unit = source.field("title")
    # A section added here since the last import is not one the document dropped: it stays.
    missing = sorted(key for key in set(existing) - set(keys) if not recorded or f"{key}.{title_unit}" in recorded)
    if missing:
        raise ImportConflict(
            _("The document no longer has these sections of guide '%(slug)s': %(keys)s. A renamed heading is recognised when it stays "
              "in place or keeps its text; to remove a section, remove it in the admin first. Nothing was imported.")
            % {"slug": slug, "keys": ", ".join(missing)}
        )
    units = _document_units(document, keys, source)
    writes = units
    removed_here = _removed_since_last_import(keys, existing, units, recorded, title_unit, slug) if not replace else set()
    report.kept += sorted(removed_here)
    if not report.created:
        plan = _document_merge(guide, existing, units, recorded, replace)
        if plan.conflicts:
            raise ImportConflict(_(
                "These texts of guide '%(slug)s' were changed here since the document was last imported, and the document "
                "changes them too: %(units)s. Nothing was imported. Put the changes made here into the document, or import "
                "it with --replace to write the document's text over them."
            ) % {"slug": slug, "units": "; ".join(c.label for c in plan.conflicts)})
        writes = plan.writes
        report.kept += plan.kept
        guide_values = {c: writes[c] for c in (source.field("title"), source.field("summary")) if c in writes}
        if guide_values:
            guide_update_drafts(guide=guide, user=user, values=guide_values)
    for position, (key, parsed) in enumerate(zip(keys, document.sections, strict=True), start=1):
        section = existing.get(key)
        if key in removed_here:  # removed here since the last import, and the document leaves it as it was
            continue
        if section is None:
            section_create(guide=guide, user=user, key=key, title=parsed.title, body=parsed.body, position=position)
            report.sections_added.append(key)
            continue
        _place_imported_section(section, position, recorded_positions.get(key), replace=replace, user=user, slug=slug, report=report)
        old_title = getattr(section, source.field("title")) or ""
        values = {c: writes[f"{key}.{c}"] for c in (source.field("title"), source.field("body")) if f"{key}.{c}" in writes}
        changed = section_update_drafts(section=section, user=user, values=values) if values else []
        if key != parsed.key and old_title != parsed.title:
            report.sections_renamed.append((key, old_title, parsed.title))
        if changed:
            report.sections_changed.append(key)
    revisions = {unit: revision(text) for unit, text in units.items()}
    positions = {key: position for position, key in enumerate(keys, start=1)}
    if (revisions, positions) != (recorded, recorded_positions):  # the same document imported again records nothing
        audit_append(actor=user, action=DOCUMENT_IMPORT_ACTION, obj=guide, scope=guide_scope(guide),
                     data={"revisions": revisions, "positions": positions})
    if dry_run:
        transaction.set_rollback(True)
    return report


@transaction.atomic
def guide_apply_translation_document(*, guide: Guide, language: Language, document: ParsedGuide, user) -> list[str]:
    """Write a translated document into a guide's drafts, section by section in order.

    The document must have exactly the guide's sections, in order (its
    headings are translated, so sections are matched by position).
    """
    require_edit_language(user, language.code, guide)
    sections = list(guide.sections.order_by("position", "id"))
    if len(sections) != len(document.sections):
        raise ImportConflict(
            _("The %(language)s document has %(found)d sections; the guide has %(expected)d. Nothing was imported.")
            % {"language": language.display_name, "found": len(document.sections), "expected": len(sections)}
        )
    changed = guide_update_drafts(
        guide=guide, user=user, values={language.field("title"): document.title, language.field("summary"): document.summary}
    )
    for section, parsed in zip(sections, document.sections, strict=True):
        changed += section_update_drafts(
            section=section, user=user, values={language.field("title"): parsed.title, language.field("body"): parsed.body}
        )
    return changed
