"""Sentence edits merged onto what the translator loaded (guide_cms.core.merge).

The unit is one segment of a translation draft (a sentence, or a block whose
sentences could not be paired), keyed by its id ("dosing.body.2.1"); its value
is its target in the editor's placeholder form. The sentence editor's page
and every exchange file carry one signed token of the segments' bases, for
the guide and language they were made for; a memory proposal shown in place
of an empty or outdated target is recorded as shown, so it never overwrites a
translation somebody saved meanwhile.
"""
from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from guide_cms.core.merge import Base, BaseRevisionError, Edit, Merge, base_token, merge, read_base, revision
from guide_cms.guides.models import Guide
from guide_cms.guides.text_fields import field_names

from .drafts import DraftSegment, TranslationDraft
from .inline import Content, to_tagged

__all__ = [
    "segments_scope", "segment_value", "segments_base", "segment_bases", "merge_segments", "segment_label", "block_changed_since",
]


def segments_scope(guide: Guide, language: str) -> str:
    return f"segments:{guide.pk}:{language}"


def segment_value(target: Content) -> str:
    """The value the merge compares: the target with placeholders (<1>…</1>), "" for none."""
    return to_tagged(target or (), po=True)


def segments_base(draft: TranslationDraft, shown: Mapping[str, Content] | None = None) -> str:
    """The token of every segment's stored target, and of the proposals shown instead ({segment id: target})."""
    return base_token(
        segments_scope(draft.guide, draft.language),
        {item.id: segment_value(item.target) for item in draft.items},
        {item_id: segment_value(target) for item_id, target in (shown or {}).items()},
    )


def segment_bases(token: str | None, guide: Guide, language: str) -> dict[str, Base]:
    """{segment id: Base} of a token made by segments_base for guide and language; BaseRevisionError otherwise."""
    return read_base(token, segments_scope(guide, language))


def segment_label(item: DraftSegment) -> str:
    """How a conflict names a segment: "sentence 1 of paragraph 2, section 'dosing' (text)"."""
    from .qa.checks import block_name

    owner, field = item.unit.split(".")
    parts = item.id.split(".")
    where = _("the guide's %(field)s") % {"field": field_names()[field]} if owner == "guide" else _("section '%(key)s'") % {"key": owner}
    block = block_name(item.kind, item.block)
    if len(parts) == 4:
        return _("sentence %(number)s of %(block)s, %(where)s") % {"number": parts[3], "block": block, "where": where}
    return _("%(block)s, %(where)s") % {"block": block, "where": where}


def merge_segments(draft: TranslationDraft, bases: Mapping[str, Base], mine: Mapping[str, Content]) -> Merge:
    """The merge of the writer's targets ({segment id: target}) onto the draft as stored now.

    Raises BaseRevisionError naming the segments whose base the token lacks
    (a page or file for another structure of the text).
    """
    missing = [item_id for item_id in mine if item_id not in bases]
    if missing:
        raise BaseRevisionError(
            _("The page or file does not say which revision of %(ids)s it was based on: the text was restructured since. "
              "Open it again. Nothing was saved.") % {"ids": ", ".join(missing)}
        )
    edits = []
    for item_id, target in mine.items():
        item = draft.item(item_id)
        if item is None:  # its sentences were re-paired since (a whole-block target replaced them, or the reverse)
            edits.append(Edit(item_id, item_id, bases[item_id], segment_value(target), None))
            continue
        edits.append(Edit(item_id, segment_label(item), bases[item_id], segment_value(target), segment_value(item.target)))
    return merge(edits)


def block_changed_since(draft: TranslationDraft, bases: Mapping[str, Base], block_id: str) -> bool | None:
    """Whether any sentence of a block was saved since the base, for a file that sends the block whole
    (a CAT tool that joined its sentences); None when the base has none of the block's sentences."""
    members = [item for item in draft.items if item.id.startswith(block_id + ".")]
    if not members or any(item.id not in bases for item in members):
        return None
    return any(revision(segment_value(item.target)) != bases[item.id].stored for item in members)
