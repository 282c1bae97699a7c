"""Edits merged onto the revision they were based on (a three-way merge, unit by unit).

Every write names, for each unit it shows (a guide field, a section field in
one language, one sentence), the revision of the value it was loaded with:
the *base*. Under the writer's lock the stored value (*theirs*) is compared
with the base and with the writer's value (*mine*):

- mine equals theirs: nothing to write;
- mine equals what the writer was shown: the writer did not change it, so it
  is not written (a memory proposal shown in an empty box is the one
  exception: it is written while the stored value is still the base, and
  never over a translation someone saved meanwhile);
- only mine changed since the base: written;
- both changed since the base: a conflict. The caller decides what follows;
  forms refuse the whole save, file imports apply the rest.

A revision is a hash of the unit's value, never a time stamp, so reverting a
change restores the revision and reformatting that normalises away is none.
The bases travel in a token signed with the project's SECRET_KEY (Django's
signing), bound to a scope (the guide, the guide and language): a token that
is missing, malformed, altered or for another scope is refused
(BaseRevisionError), never read as "no base".
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core import signing
from django.utils.translation import gettext as _

_SALT = "guide_cms.merge.base"
REVISION_CHARS = 24  # hex digits of SHA-256: 96 bits


class BaseRevisionError(ValueError):
    """A write's base revisions are missing, malformed, forged or for another object; nothing was written."""


def revision(value) -> str:
    """The revision of a unit's value: 24 hex digits of SHA-256 over its JSON form.

    value: a str, bool, int or None, normalised as stored (callers normalise
    text with the field's text rules first, so canonically equal text has
    one revision).
    """
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:REVISION_CHARS]


@dataclass(frozen=True)
class Base:
    """What a writer was based on for one unit: the stored value's revision, and what it was shown if that differs."""

    stored: str
    shown: str | None = None  # a proposal (translation memory) shown instead of the stored value
    text: str | None = None  # the stored text itself, for a text a merge may combine sentence by sentence


def base_token(scope: str, stored: Mapping[str, object], shown: Mapping[str, object] | None = None,
               texts: Mapping[str, str] | None = None) -> str:
    """A signed token of the bases of the units a page or file shows.

    scope: what the units belong to ("guide:12", "segments:12:es"); stored:
    {unit: value as stored now}; shown: {unit: value shown instead} for
    proposals; texts: {unit: stored text} of the units whose concurrent
    changes merge sentence by sentence (merge_text). Returns a URL-safe
    string (Django signing, compressed).
    """
    return _signed(scope, {unit: revision(value) for unit, value in stored.items()},
                   {unit: revision(value) for unit, value in (shown or {}).items()}, dict(texts or {}))


def _signed(scope: str, stored: dict[str, str], shown: dict[str, str], texts: dict[str, str]) -> str:
    """The token of revisions already computed (stored and shown: {unit: revision})."""
    payload = {"s": scope, "r": stored}
    if shown:
        payload["p"] = shown
    if texts:
        payload["t"] = texts
    return signing.dumps(payload, salt=_SALT, compress=True)


def read_base(token: str | None, scope: str) -> dict[str, Base]:
    """{unit: Base} from a token made by base_token for scope.

    Raises BaseRevisionError, with a message for the user, when the token is
    missing, malformed, altered, made with another key or for another scope.
    """
    if not token:
        raise BaseRevisionError(_("The page or file does not say which revision it was based on; open it again. Nothing was saved."))
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise BaseRevisionError(
            _("The revision the page or file says it was based on is damaged or was altered; open it again. Nothing was saved.")
        ) from None
    if not isinstance(payload, dict) or payload.get("s") != scope or not isinstance(payload.get("r"), dict):
        raise BaseRevisionError(_("The page or file was made for another guide or language; open it again. Nothing was saved."))
    shown, texts = payload.get("p") or {}, payload.get("t") or {}
    return {unit: Base(rev, shown.get(unit), texts.get(unit)) for unit, rev in payload["r"].items()}


def rebase_token(token: str, scope: str, units: Mapping[str, object]) -> str:
    """token with the given units' bases moved to their values now ({unit: stored value}), others kept.

    After a conflict has shown the user the other value, saving again keeps
    theirs or mine deliberately; units that did not conflict keep their old
    base, so an unchanged box still never reverts another person's save.
    """
    bases = read_base(token, scope)
    stored = {unit: base.stored for unit, base in bases.items()}
    stored.update({unit: revision(value) for unit, value in units.items()})
    shown = {unit: base.shown for unit, base in bases.items() if base.shown and unit not in units}
    texts = {unit: base.text for unit, base in bases.items() if base.text is not None}
    texts.update({unit: value for unit, value in units.items() if unit in texts})
    return _signed(scope, stored, shown, texts)


@dataclass(frozen=True)
class Edit:
    """One unit of a write: its base, the writer's value and the stored one (read under the writer's lock)."""

    unit: str  # the unit's key in the token ("summary_es", "dosing.body.2.1")
    label: str  # how messages name it, in the user's language ("the summary (Spanish)")
    base: Base
    mine: object
    theirs: object


@dataclass(frozen=True)
class Conflict:
    unit: str
    label: str
    mine: object
    theirs: object
    # For a text merged sentence by sentence: theirs with every change of mine applied, mine kept where both
    # changed the same sentences (what the box shows after the conflict: saving it again reverts nothing else
    # of theirs), and their version of those sentences.
    resolved: object = None
    their_sentences: tuple[str, ...] = ()


@dataclass
class Merge:
    writes: dict[str, object] = field(default_factory=dict)  # unit -> value to store
    conflicts: list[Conflict] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # units only someone else changed since the base: left as they are

    def conflict_message(self) -> str:
        """One sentence for the user naming every conflicting unit."""
        return _(
            "Someone else saved %(units)s after you opened this; your change there was not saved. Their value is shown beside "
            "yours: keep one of them and save again. Nothing of this save was written."
        ) % {"units": ", ".join(c.label for c in self.conflicts)}


def merge(edits: Iterable[Edit]) -> Merge:
    """The three-way merge of each edit (the rules in this module's docstring).

    A text unit whose base text is known (Base.text) and that both changed
    merges sentence by sentence (merge_text): changes to different sentences
    are both written; only changes to the same sentences conflict.
    """
    result = Merge()
    for edit in edits:
        mine, theirs = revision(edit.mine), revision(edit.theirs)
        if mine == theirs:
            continue
        if mine == (edit.base.shown or edit.base.stored):  # left as the writer saw it
            if edit.base.shown and theirs == edit.base.stored:
                result.writes[edit.unit] = edit.mine
            elif theirs != edit.base.stored:
                result.kept.append(edit.unit)
        elif theirs == edit.base.stored:
            result.writes[edit.unit] = edit.mine
        elif isinstance(edit.mine, str) and isinstance(edit.theirs, str) and edit.base.text is not None \
                and revision(edit.base.text) == edit.base.stored:
            merged, theirs_only = merge_text(edit.base.text, edit.mine, edit.theirs)
            if not theirs_only:
                result.writes[edit.unit] = merged
            else:
                result.conflicts.append(Conflict(edit.unit, edit.label, edit.mine, edit.theirs, merged, theirs_only))
        else:
            result.conflicts.append(Conflict(edit.unit, edit.label, edit.mine, edit.theirs))
    return result


def sentences(text: str) -> list[str]:
    """text cut into its sentences (ICU's sentence breaks, any script) and the spaces and line breaks between them,
    each a piece of its own, so that a sentence reflowed to the end of a line is the same sentence:
    "".join(sentences(text)) == text."""
    from icu4py.breakers import SentenceBreaker
    from icu4py.locale import Locale

    pieces = []
    for line in text.splitlines(keepends=True):
        for piece in SentenceBreaker(line, Locale("und")):
            core = piece.rstrip()
            pieces += [part for part in (core, piece[len(core):]) if part]
    return pieces


def merge_text(base: str, mine: str, theirs: str) -> tuple[str, tuple[str, ...]]:
    """A three-way merge of a text, sentence by sentence (diff3 over sentences()).

    Returns (merged, their sentences where both changed the same ones):
    merged is theirs with every change of mine applied, and mine's version
    where both changed the same sentences differently; the tuple is empty
    when the changes did not overlap, and merged then loses nothing of either.
    """
    from difflib import SequenceMatcher

    old, a, b = sentences(base), sentences(mine), sentences(theirs)
    a_blocks = SequenceMatcher(None, old, a, autojunk=False).get_matching_blocks()
    b_blocks = SequenceMatcher(None, old, b, autojunk=False).get_matching_blocks()
    # Stable regions: stretches of the base that both sides kept unchanged (diff3's sync regions).
    regions, ia, ib = [], 0, 0
    while ia < len(a_blocks) and ib < len(b_blocks):
        a_old, a_at, a_len = a_blocks[ia]
        b_old, b_at, b_len = b_blocks[ib]
        start, end = max(a_old, b_old), min(a_old + a_len, b_old + b_len)
        if start < end:
            regions.append((start, end, a_at + start - a_old, b_at + start - b_old))
        if a_old + a_len < b_old + b_len:
            ia += 1
        else:
            ib += 1
    regions.append((len(old), len(old), len(a), len(b)))
    merged: list[str] = []
    conflicts: list[str] = []
    o_at = a_at = b_at = 0
    for start, end, a_start, b_start in regions:
        o_chunk, a_chunk, b_chunk = old[o_at:start], a[a_at:a_start], b[b_at:b_start]
        if a_chunk == b_chunk or b_chunk == o_chunk:
            merged += a_chunk
        elif a_chunk == o_chunk:
            merged += b_chunk
        elif len(o_chunk) == len(a_chunk) == len(b_chunk):  # neighbouring sentences, each rewritten in place
            for o_one, a_one, b_one in zip(o_chunk, a_chunk, b_chunk, strict=True):
                merged.append(b_one if a_one == o_one else a_one)
                if a_one not in (o_one, b_one) and b_one != o_one:
                    conflicts.append(b_one)
        else:
            merged += a_chunk
            conflicts += b_chunk or ["∅"]
        merged += old[start:end]
        o_at, a_at, b_at = end, a_start + (end - start), b_start + (end - start)
    return "".join(merged), tuple(piece.strip() for piece in conflicts if piece.strip())
