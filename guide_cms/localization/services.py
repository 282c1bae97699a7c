"""Exchange with CAT tools: export a guide's translation units, import them back.

An import writes drafts only (through guides.services, so each applied unit
is permission-checked and audited), all or nothing, and never signs off.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from modeltranslation.utils import fallbacks

from guide_cms.core.audit import audit_append
from guide_cms.core.languages import get_language
from guide_cms.core.permissions import require_edit_glossary, require_edit_language, visible_languages
from guide_cms.guides.models import Guide, Section
from guide_cms.guides.services import draft_scope, guide_update_drafts, section_update_drafts
from guide_cms.guides.text_fields import FIELD_KINDS, FIELD_MAX_CHARS
from guide_cms.guides.text_rules import TextRefused, clean_text

from .checking import current_source_version, draft_findings
from .models import GlossaryTerm
from .exchange import (
    GUIDE_SUMMARY_ID, GUIDE_TITLE_ID, NEEDS_REVIEW, NEW, TRANSLATED, ExchangeDocument, ExchangeError, ExchangeUnit,
    section_unit_id, write_po, write_xliff,
)
from .qa import Finding
from .selectors import translation_overviews
from .staleness import SectionState

WRITERS = {"xliff": (write_xliff, "xlf"), "po": (write_po, "po")}
UNIT_NOTE = "Keep every number, dose, unit and drug name exactly, and keep the [!WARNING] / [!TIP] marker lines."


class ImportRefused(Exception):
    """Nothing was written; the message says why."""


def _same_text(a: str, b: str) -> bool:
    """Equal once line endings and trailing spaces are normalised (CAT tools touch both)."""
    def norm(text):
        text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
        return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))

    return norm(a) == norm(b)


def _source_units(source_snapshot: dict) -> dict[str, str]:
    """unit id -> source text, for every non-empty source field, in document order."""
    units = {GUIDE_TITLE_ID: source_snapshot["title"], GUIDE_SUMMARY_ID: source_snapshot["summary"]}
    for section in source_snapshot["sections"]:
        units[section_unit_id(section["key"], "title")] = section["title"]
        units[section_unit_id(section["key"], "body")] = section["body"]
    return {uid: text for uid, text in units.items() if text}


def _column(unit_id: str, language) -> tuple[str, str]:
    """(owner, column): owner is "guide" or a section key."""
    owner, name = unit_id.rsplit(".", 1)
    return owner, language.field(name)


def translation_document(*, guide: Guide, language: str, user) -> ExchangeDocument:
    """The units of guide for language: the current approved source and the drafts."""
    lang = get_language(language)
    if lang.code == guide.source_language:
        raise ExchangeError(_("%(language)s is the source language: there is nothing to translate.") % {"language": lang.display_name})
    # The command line (no user) may export; people see only their languages' drafts.
    if getattr(user, "pk", None) is not None and lang.code not in visible_languages(user, guide):
        raise PermissionDenied(_("You may not read the %(language)s drafts.") % {"language": lang.display_name})
    source_version = current_source_version(guide)
    if source_version is None:
        raise ExchangeError(_("The source of '%(guide)s' has no approved version yet: there is nothing to translate.") % {"guide": guide.slug})
    overview = translation_overviews([guide], lang.code)[0]
    outdated = {s.key for s in overview.sections if s.state == SectionState.OUTDATED}
    sections = {s.key: s for s in Section.objects.filter(guide=guide)}
    units = []
    with fallbacks(False):
        for uid, source in _source_units(source_version.snapshot).items():
            owner, column = _column(uid, lang)
            row = guide if owner == "guide" else sections.get(owner)
            target = (getattr(row, column) or "") if row is not None else ""
            state = NEW if not target else (NEEDS_REVIEW if owner in outdated else TRANSLATED)
            note = UNIT_NOTE + (" The source text changed since this was translated." if owner in outdated else "")
            units.append(ExchangeUnit(id=uid, source=source, target=target, state=state, note=note))
    return ExchangeDocument(
        guide=guide.slug, source_language=guide.source_language, target_language=lang.code,
        source_version=source_version.number, source_hash=source_version.content_hash, units=tuple(units),
    )


def translation_export(*, guide: Guide, language: str, fmt: str, user) -> tuple[bytes, str]:
    """The exchange file for guide in language, and a file name for it."""
    if fmt not in WRITERS:
        raise ExchangeError(_("Unknown format %(fmt)r: use xliff or po.") % {"fmt": fmt})
    document = translation_document(guide=guide, language=language, user=user)
    write, extension = WRITERS[fmt]
    data = write(document)
    with transaction.atomic():
        audit_append(
            actor=user, action="translation.export", obj=guide, scope=draft_scope(guide, language),
            data={"format": fmt, "source_version": document.source_version, "units": len(document.units)},
        )
    return data, f"{guide.slug}.{language}.v{document.source_version}.{extension}"


@dataclass
class ImportReport:
    guide: Guide
    language: str
    applied: list[tuple[str, str, str]] = field(default_factory=list)  # (unit id, old, new)
    unchanged: list[str] = field(default_factory=list)
    kept_empty: list[str] = field(default_factory=list)  # empty in the file: the draft was kept
    stale: list[str] = field(default_factory=list)  # source changed since export: not applied
    findings: list[Finding] = field(default_factory=list)
    dry_run: bool = False
    source_note: str = ""


@transaction.atomic
def translation_import(*, document: ExchangeDocument, user, filename: str, dry_run: bool = False, strict: bool = False) -> ImportReport:
    """Apply an exchange file's targets to the drafts; all or nothing.

    Units whose source changed since the export are reported and not applied
    (with strict, the whole file is refused). States in the file are ignored.
    """
    guide = Guide.objects.filter(slug=document.guide).first()
    if guide is None:
        raise ImportRefused(_("%(file)s: it is for a guide '%(guide)s' that does not exist here.") % {"file": filename, "guide": document.guide})
    lang = get_language(document.target_language)
    if lang.code == guide.source_language:
        raise ImportRefused(_("%(file)s: its target language is the source language; source text is edited by editors, not imported.") % {"file": filename})
    require_edit_language(user, lang.code, guide)
    source_version = current_source_version(guide)
    if source_version is None:
        raise ImportRefused(_("%(file)s: the source of '%(guide)s' has no approved version.") % {"file": filename, "guide": guide.slug})
    source_units = _source_units(source_version.snapshot)
    unknown = [u.id for u in document.units if u.id not in source_units]
    if unknown:
        raise ImportRefused(
            _("%(file)s: unknown unit id(s) %(ids)s: this file is not for the current structure of '%(guide)s'. Nothing was imported.")
            % {"file": filename, "ids": ", ".join(unknown), "guide": guide.slug}
        )
    report = ImportReport(guide=guide, language=lang.code, dry_run=dry_run)
    if document.source_version != source_version.number:
        report.source_note = _("The file was exported from source version %(old)d; the current approved source is version %(new)d.") % {
            "old": document.source_version, "new": source_version.number}

    sections = {s.key: s for s in Section.objects.filter(guide=guide)}
    guide_values, section_values = {}, {}
    refused: list[str] = []
    with fallbacks(False):
        for unit in document.units:
            if not _same_text(unit.source, source_units[unit.id]):
                report.stale.append(unit.id)
                continue
            if not unit.target.strip():
                report.kept_empty.append(unit.id)
                continue
            owner, column = _column(unit.id, lang)
            try:
                name = unit.id.rsplit(".", 1)[1]
                target = clean_text(unit.target, kind=FIELD_KINDS[name], field=_("unit '%(unit)s'") % {"unit": unit.id}, max_chars=FIELD_MAX_CHARS[name])
            except TextRefused as exc:
                refused += exc.messages
                continue
            row = guide if owner == "guide" else sections[owner]
            old = getattr(row, column) or ""
            if _same_text(old, target):
                report.unchanged.append(unit.id)
                continue
            (guide_values if owner == "guide" else section_values.setdefault(owner, {}))[column] = target
            report.applied.append((unit.id, old, target))
    if refused:
        raise ImportRefused(
            _("%(file)s: nothing was imported:\n%(problems)s") % {"file": filename, "problems": "\n".join(f"  - {p}" for p in refused)}
        )
    if strict and report.stale:
        raise ImportRefused(
            _("%(file)s: the source of %(ids)s changed since the export; with --strict nothing was imported. Export again.")
            % {"file": filename, "ids": ", ".join(report.stale)}
        )
    if guide_values:
        guide_update_drafts(guide=guide, user=user, values=guide_values)
    for key, values in section_values.items():
        section_update_drafts(section=sections[key], user=user, values=values)
    audit_append(
        actor=user, action="translation.import", obj=guide, scope=draft_scope(guide, lang.code),
        data={"file": filename, "applied": [u for u, _o, _n in report.applied], "stale": report.stale, "dry_run": dry_run},
    )
    report.findings, _source = draft_findings(guide, lang.code)
    if dry_run:
        transaction.set_rollback(True)
    return report


# --- the glossary -----------------------------------------------------------------------

GLOSSARY_FIELDS = ("language", "term", "approved", "do_not_translate", "note")


def glossary_scope(language: str) -> str:
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
    locked = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
    require_edit_glossary(user, locked.language)
    audit_append(actor=user, action="glossary.delete", obj=locked, scope=glossary_scope(locked.language), data=_glossary_values(locked))
    locked.delete()
