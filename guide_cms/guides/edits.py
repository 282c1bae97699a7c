"""Edits of a guide and its sections merged onto what the editor loaded (guide_cms.core.merge).

The units: every guide setting (slug, safety-critical, review interval) and
every guide text column (title_es, summary_ar, ...); every section's position
and text columns. A page carries one base token for the guide's units and
one per section. The merge runs under the guide's row lock, which every
writer of a guide's settings, sections or drafts takes first, so one save of a
guide with 50 sections locks and reads the guide once and its sections once.

The admin's forms plan with merge_guide and merge_section while they
validate (so conflicts show on the form) and write through guides.services;
edit_guide does both for any other caller.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from guide_cms.core.merge import Base, BaseRevisionError, Edit, Merge, base_token, merge, read_base, revision

from . import services
from .models import Guide, Section
from .records import SEALED_SETTINGS
from .services import lock_guide
from .text_fields import FIELD_KINDS, GUIDE_TEXT_FIELDS, SECTION_TEXT_FIELDS, field_label, split_column
from .text_rules import normalise

# The settings a guide page edits: those its audit trail seals, but the slug awaiting approval (set by a slug change)
# and the source language (fixed at creation).
GUIDE_SETTINGS = tuple(name for name in SEALED_SETTINGS if name not in ("slug_requested", "source_language"))
SECTION_STRUCTURE = ("position",)

__all__ = [
    "GUIDE_SETTINGS", "SECTION_STRUCTURE", "BaseRevisionError", "Merge", "guide_base", "section_base", "lock_guide", "merge_guide",
    "merge_section", "section_deletion_conflict", "section_units", "section_changed_on_page", "guide_scope_token", "section_scope_token", "EditConflict", "edit_guide",
]


def guide_scope_token(guide: Guide) -> str:
    return f"guide:{guide.pk}"


def section_scope_token(section: Section) -> str:
    return f"section:{section.pk}"


def _value(obj, unit: str, fields: tuple[str, ...]):
    """A unit's stored value in the form the merge compares: text normalised as its field stores it."""
    parsed = split_column(unit, fields)
    if parsed is None:
        return getattr(obj, unit)
    return normalise(getattr(obj, unit), kind=FIELD_KINDS[parsed[0]])


def _mine(unit: str, value, fields: tuple[str, ...]):
    parsed = split_column(unit, fields)
    if parsed is None:
        return value
    return normalise(value, kind=FIELD_KINDS[parsed[0]])


def _texts(values: Mapping[str, object], fields: tuple[str, ...]) -> dict[str, str]:
    """The text units' stored texts: two people's changes to different sentences of one text both apply."""
    return {unit: value for unit, value in values.items() if split_column(unit, fields) is not None and isinstance(value, str)}


def guide_base(guide: Guide, units: Iterable[str]) -> str:
    """The base token of guide's units as stored now (the units a page shows editable)."""
    values = {unit: _value(guide, unit, GUIDE_TEXT_FIELDS) for unit in units}
    return base_token(guide_scope_token(guide), values, texts=_texts(values, GUIDE_TEXT_FIELDS))


def section_units() -> list[str]:
    """Every unit of a section: its position and its text columns in every configured language."""
    from guide_cms.core.languages import all_languages

    return [*SECTION_STRUCTURE, *(lang.field(name) for lang in all_languages() for name in SECTION_TEXT_FIELDS)]


def section_base(section: Section, editable: Iterable[str] = ()) -> str:
    """The base token of every unit of section as stored now (section_units).

    Every language's revision is in it, whatever the page shows: removing a
    section removes its text in every language, so a removal is checked
    against all. The texts themselves (for merging sentence by sentence) are
    only those of the editable units the page shows: the token is signed, not
    encrypted, and a user reads only their languages' drafts.
    """
    values = {unit: _value(section, unit, SECTION_TEXT_FIELDS) for unit in section_units()}
    shown = set(editable)
    texts = {unit: text for unit, text in _texts(values, SECTION_TEXT_FIELDS).items() if unit in shown}
    return base_token(section_scope_token(section), values, texts=texts)


def _label(owner: str, unit: str, fields: tuple[str, ...], model) -> str:
    parsed = split_column(unit, fields)
    if parsed is not None:
        return field_label(owner, parsed[0], parsed[1])
    name = str(model._meta.get_field(unit).verbose_name)
    return _("the %(field)s") % {"field": name} if not owner else _("section '%(key)s', %(field)s") % {"key": owner, "field": name}


def _bases(token: str | None, scope: str, units: Iterable[str]) -> dict[str, Base]:
    bases = read_base(token, scope)
    missing = [unit for unit in units if unit not in bases]
    if missing:
        owner, fields, model = ("", GUIDE_TEXT_FIELDS, Guide) if scope.startswith("guide:") else ("?", SECTION_TEXT_FIELDS, Section)
        raise BaseRevisionError(
            _("The page does not say which revision of %(units)s it was based on; open it again. Nothing was saved.")
            % {"units": ", ".join(_label(owner, unit, fields, model) for unit in missing)}
        )
    return bases


def merge_guide(*, locked: Guide, token: str | None, values: Mapping[str, object]) -> Merge:
    """The merge of a guide form's values ({unit: value}) onto the locked guide.

    Raises BaseRevisionError for a token that is missing, damaged, forged, for
    another guide or without one of the units.
    """
    bases = _bases(token, guide_scope_token(locked), values)
    return merge(
        Edit(unit, _label("", unit, GUIDE_TEXT_FIELDS, Guide), bases[unit], _mine(unit, value, GUIDE_TEXT_FIELDS),
             _value(locked, unit, GUIDE_TEXT_FIELDS))
        for unit, value in values.items()
    )


def merge_section(*, current: Section, token: str | None, values: Mapping[str, object]) -> Merge:
    """The merge of one section form's values onto the section as stored now (read under the guide's lock)."""
    bases = _bases(token, section_scope_token(current), values)
    return merge(
        Edit(unit, _label(current.key, unit, SECTION_TEXT_FIELDS, Section), bases[unit], _mine(unit, value, SECTION_TEXT_FIELDS),
             _value(current, unit, SECTION_TEXT_FIELDS))
        for unit, value in values.items()
    )


def section_deletion_conflict(*, current: Section, token: str | None) -> list[str]:
    """The units of a section someone changed since the page that deletes it was loaded (labels; [] if none).

    Deleting a section throws its text away in every language: a deletion
    based on an older revision than someone's save would lose that save.
    """
    units = section_units()
    bases = _bases(token, section_scope_token(current), units)
    return [
        _label(current.key, unit, SECTION_TEXT_FIELDS, Section)
        for unit in units
        if revision(_value(current, unit, SECTION_TEXT_FIELDS)) != bases[unit].stored
    ]


class EditConflict(Exception):
    """Someone else saved a unit this edit also changed; nothing of the edit was written. .merges: every Merge."""

    def __init__(self, merges: list[Merge]):
        self.merges = merges
        self.conflicts = [c for m in merges for c in m.conflicts]
        super().__init__(Merge(conflicts=self.conflicts).conflict_message())


@transaction.atomic
def edit_guide(*, guide: Guide, user, base: str | None = None, values: Mapping[str, object] | None = None,
               sections: Mapping[str, tuple[str | None, Mapping[str, object]]] | None = None) -> list[str]:
    """Merge and write one save of a guide: its units ({unit: value} on base) and its sections'
    ({section key: (base, {unit: value})}). Returns the units written ("summary_es", "dosing.body_es").

    One outcome: raises EditConflict (nothing written) when any unit conflicts,
    BaseRevisionError for a bad base, PermissionDenied and TextRefused as the
    services do. Reads and locks the guide once and reads its sections once.
    """
    locked = lock_guide(guide)
    plans: list[Merge] = []
    guide_plan = merge_guide(locked=locked, token=base, values=values) if values else Merge()
    plans.append(guide_plan)
    current = {s.key: s for s in Section.objects.filter(guide=locked)} if sections else {}
    section_plans = {}
    for key, (token, unit_values) in (sections or {}).items():
        if key not in current:
            raise BaseRevisionError(_("Section '%(key)s' no longer exists; open the page again. Nothing was saved.") % {"key": key})
        section_plans[key] = merge_section(current=current[key], token=token, values=unit_values)
        plans.append(section_plans[key])
    if any(plan.conflicts for plan in plans):
        raise EditConflict(plans)
    written = []
    settings_values = {u: v for u, v in guide_plan.writes.items() if u in GUIDE_SETTINGS}
    if settings_values:
        written += services.guide_update_settings(guide=locked, user=user, **settings_values)
    text = {u: v for u, v in guide_plan.writes.items() if u not in GUIDE_SETTINGS}
    if text:
        written += services.guide_update_drafts(guide=locked, user=user, values=text)
    texts = {}
    for key, plan in section_plans.items():
        if "position" in plan.writes:
            services.section_move(section=current[key], user=user, position=plan.writes["position"])
            written.append(f"{key}.position")
        text = {u: v for u, v in plan.writes.items() if u != "position"}
        if text:
            texts[key] = text
    if texts:
        changed = services.sections_update_drafts(guide=locked, user=user, values=texts)
        written += [f"{key}.{column}" for key, columns in texts.items() for column in columns if column in changed]
    guide.refresh_from_db()
    return written


def section_changed_on_page(pk: int, token: str | None, posted: Mapping[str, object]) -> list[str]:
    """The texts a page changed in a section that no longer exists ({field: value} as posted, the page's base
    token for section pk): what the user typed into it, so that it is shown, never silently dropped."""
    try:
        bases = read_base(token, f"section:{pk}")
    except BaseRevisionError:
        bases = {}
    return [str(value) for unit, value in posted.items()
            if split_column(unit, SECTION_TEXT_FIELDS) is not None and unit in bases
            and revision(_mine(unit, value, SECTION_TEXT_FIELDS)) != bases[unit].stored]
