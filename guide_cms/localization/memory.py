"""The translation memory: sentence pairs from signed translations, and the lookups that reuse them.

Every approved translation version adds its pairs (source segment, target
segment, language, guide, unit, version, signers). A lookup finds:

- exact matches (the same sentence with the same codes): score 101 when it
  comes from the same guide and unit ("in context"), else 100;
- fuzzy matches, scored 75-99 by rapidfuzz's ratio over the sentences' text.

Pairs imported from a TMX file are marked not clinically signed: they are
offered (and pre-filled as fuzzy, to be reviewed) but never count as
approved text. Fuzzy lookups use an in-process word index of each language's
distinct sentences and score a bounded number of candidates, so a lookup costs
about the same at 1,000 pairs as at 250,000 (see `python -m benchmarks`, docs: For developers, The benchmark).
"""
from __future__ import annotations

import bisect
import hashlib
import re
import threading
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from itertools import chain, zip_longest

from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from guide_cms.core.heap import release_free_memory

from .inline import Code, Content, canonical, codes, from_tagged, match_key, plain, to_tagged
from .models import MemoryEntry

FUZZY_THRESHOLD = 75
IN_CONTEXT = 101
EXACT = 100
# A fuzzy lookup scores at most MAX_CANDIDATES texts a sentence, found among the POSTINGS_READ texts
# around its length of each of its RARE_TOKENS rarest words.
MAX_CANDIDATES = 200
POSTINGS_READ = 256
RARE_TOKENS = 4


def key_hash(content: Content) -> str:
    return hashlib.sha256(match_key(content).encode()).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def matching_text(content: Content) -> str:
    return " ".join(plain(content).casefold().split())


@dataclass(frozen=True)
class MemoryMatch:
    entry_id: int
    source: Content  # the memory's source (canonical code ids)
    target: Content  # its target, codes renumbered to the query's
    score: int
    signed: bool
    origin: str  # "muscle-relaxants v2, signed by Dr Ana Ruiz" / "imported from clinic.tmx (not clinically signed)"

    @property
    def exact(self) -> bool:
        return self.score >= EXACT


def describe_entry(entry: MemoryEntry) -> str:
    from django.utils.translation import gettext as _

    if not entry.signed:
        return _("imported from %(file)s (not clinically signed)") % {"file": entry.imported_from or "TMX"}
    return _("%(guide)s v%(version)s, signed by %(signers)s") % {
        "guide": entry.guide_slug, "version": entry.version_number or "?", "signers": entry.signers or "?",
    }


def remap_codes(memory_source: Content, memory_target: Content, query: Content) -> Content | None:
    """memory_target with its code ids (numbered 1, 2, … as in memory_source) changed to the query's; None if the codes differ."""
    if [c.kind for c in codes(memory_source)] != [c.kind for c in codes(canonical(query))]:
        return None
    number_to_id: dict[str, str] = {}
    for code in codes(query):
        if code.id not in number_to_id.values():
            number_to_id[str(len(number_to_id) + 1)] = code.id
    query_codes = {(c.id, c.kind): c for c in codes(query)}
    out = []
    for item in memory_target:
        if isinstance(item, Code):
            key = (number_to_id.get(item.id), item.kind)
            if key not in query_codes:
                return None
            item = query_codes[key]
        out.append(item)
    return tuple(out)


def _match(entry: MemoryEntry, query: Content, score: int) -> MemoryMatch | None:
    source = from_tagged(entry.source)
    target = remap_codes(source, from_tagged(entry.target), query)
    if target is None:
        if score >= EXACT:
            return None
        target = tuple(i for i in from_tagged(entry.target) if not isinstance(i, Code))  # a fuzzy suggestion's text only
    return MemoryMatch(entry.pk, source, target, score, entry.signed, describe_entry(entry))


# Candidates read by key for each source sentence besides the page's own guide's: enough for the
# best few whose codes fit; more are read only when none of these fit.
_CANDIDATES = 8
_KEY_FIELDS = ("pk", "source_hash", "signed", "guide_slug", "context", "version_number")
_SENTENCES_A_QUERY = 200  # SQLite allows 500 SELECTs in one statement


def exact_matches(language: str, queries: list[tuple[Content, str, str]]) -> dict[int, MemoryMatch]:
    """query index -> the best exact match, for (content, guide slug, unit id) queries.

    A common sentence has a pair in every guide that says it: the database
    returns each sentence's best few by key (signed, newest version) from an
    index in that order, with every pair of the queries' own guides (the
    in-context ones), so a lookup reads the same number of rows however many
    guides share a sentence.
    Only the best few of each are read whole. Queries: three, or a few more
    when the best candidates' codes do not fit the query.
    """
    hashes = sorted({key_hash(c) for c, _g, _x in queries})
    guides = {g for _c, g, _x in queries}
    base = MemoryEntry.objects.filter(language=language, source_hash__in=hashes)
    best = _best_few(language, hashes)
    keys: dict[str, dict[int, tuple]] = {}
    first: dict[str, set[int]] = {}  # each sentence's best few by key
    for row in best:
        keys.setdefault(row[1], {})[row[0]] = row
        first.setdefault(row[1], set()).add(row[0])
    for row in base.filter(guide_slug__in=guides).values_list(*_KEY_FIELDS):
        keys.setdefault(row[1], {})[row[0]] = row
    # A sentence with as many as were asked for may have more, which rank below all of these.
    partial = {digest: pks for digest, pks in first.items() if len(pks) == _CANDIDATES}
    found = _best_fitting(queries, range(len(queries)), keys, partial)
    # Where none of the few fit, every pair of that sentence (rare: the codes differ).
    rest = [i for i in range(len(queries)) if i not in found and key_hash(queries[i][0]) in partial]
    if rest:
        every: dict[str, dict[int, tuple]] = {}
        for row in base.filter(source_hash__in={key_hash(queries[i][0]) for i in rest}).values_list(*_KEY_FIELDS):
            every.setdefault(row[1], {})[row[0]] = row
        found.update(_best_fitting(queries, rest, every, {}))
    return found


def _best_few(language: str, hashes: list[str]) -> list[tuple]:
    """Each sentence's best _CANDIDATES pairs by key (signed, newest version, newest pair), as
    _KEY_FIELDS rows: one short range of the index memory_sentence_ranked a sentence, in one
    statement for up to _SENTENCES_A_QUERY sentences. Raw SQL: Django refuses LIMIT inside a
    UNION on SQLite."""
    from django.db import connection

    table = connection.ops.quote_name(MemoryEntry._meta.db_table)
    # Pairs without a version number (imported ones) rank last, as 0 would: SQLite puts NULL last
    # in a descending order by itself, PostgreSQL must be told.
    nulls = " NULLS LAST" if connection.vendor == "postgresql" else ""
    one = (f"SELECT * FROM (SELECT id, source_hash, signed, guide_slug, context, version_number FROM {table} "
           f"WHERE language = %s AND source_hash = %s ORDER BY signed DESC, version_number DESC{nulls}, id DESC "
           f"LIMIT {_CANDIDATES}) AS best")
    rows = []
    with connection.cursor() as cursor:
        for start in range(0, len(hashes), _SENTENCES_A_QUERY):
            chunk = hashes[start:start + _SENTENCES_A_QUERY]
            cursor.execute(" UNION ALL ".join([one] * len(chunk)), [value for digest in chunk for value in (language, digest)])
            rows += [(pk, digest, bool(signed), slug, context, number) for pk, digest, signed, slug, context, number in cursor.fetchall()]
    return rows


def _best_fitting(queries, indexes, keys: dict[str, dict[int, tuple]], partial: dict[str, set[int]]) -> dict[int, MemoryMatch]:
    """For each query index, the first candidate (ranked: signed, in this guide and unit, newest
    version) whose codes fit the query, reading a few candidates whole at a time. Of a sentence
    in partial (only its best few by key were read, and the guides' own), the candidates after
    the last of those few are left out: unread ones may rank above them."""
    ranked = {}
    for index in indexes:
        content, guide, context = queries[index]
        digest = key_hash(content)
        rows = sorted(keys.get(digest, {}).values(), key=lambda r: (r[2], r[3] == guide and r[4] == context, r[5] or 0, r[0]), reverse=True)
        if digest in partial:
            rows = rows[:max(n for n, row in enumerate(rows) if row[0] in partial[digest]) + 1]
        ranked[index] = [(pk, IN_CONTEXT if (slug == guide and ctx == context and signed) else EXACT)
                         for pk, _hash, signed, slug, ctx, _number in rows]
    found: dict[int, MemoryMatch] = {}
    pending, start, window = [i for i in ranked if ranked[i]], 0, 3
    while pending:
        entries = MemoryEntry.objects.in_bulk({pk for i in pending for pk, _score in ranked[i][start:start + window]})
        still = []
        for index in pending:
            for pk, score in ranked[index][start:start + window]:
                match = _match(entries[pk], queries[index][0], score)
                if match:
                    found[index] = match
                    break
            else:
                if len(ranked[index]) > start + window:
                    still.append(index)  # the best ones' codes did not fit: the next few
        pending, start, window = still, start + window, window * 4
    return found


# Fuzzy lookups --------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _tokens(text: str) -> set[str]:
    tokens = set()
    for word in _TOKEN.findall(text):
        if _CJK.search(word):
            chars = [ch for ch in word]
            tokens.update(a + b for a, b in zip(chars, chars[1:], strict=False))
            if len(chars) == 1:
                tokens.add(word)
        else:
            tokens.add(word)
    return tokens


class FuzzyIndex:
    """The distinct source texts of one language, with a word (or CJK character-pair) index to find candidates.

    A sentence said in many guides is one text here, with the entry offered for it (signed
    first, then the newest): the index grows with the memory's distinct sentences, not with
    its pairs, and a version signed again adds nothing. Each word's postings are ordered by
    text length, so that a lookup reads, of a common word, only the texts around the query's
    length (the ones that can score highest) and never the whole posting list.
    """

    def __init__(self, rows=()):
        # Machine integers, not lists of Python ints: at 100,000 texts a language, 1.5 million postings take
        # 6 MB instead of 40 (the index is kept in every process that offers matches, for every language).
        self.ids = array("q")  # text position -> the entry offered for it
        self.signed = array("b")
        self.lengths = array("I")
        self.texts: list[str] = []
        self.positions: dict[str, int] = {}
        # A word's postings; of a word said in one text only (most of a memory's words: names, numbers, typos), that
        # text's position alone, an int of 28 bytes rather than an array of 80 (5 MB at 100,000 texts).
        self.postings: dict[str, array | int] = {}
        self.add(rows)

    def add(self, rows) -> None:
        """Add (entry id, source text[, signed]) rows, in id order; signed defaults to True."""
        added: dict[str, array | int] = {}  # machine integers here too: the build's peak is what a process keeps
        for pk, text, *rest in rows:
            signed = bool(rest[0]) if rest else True
            position = self.positions.get(text)
            if position is not None:
                # Another pair of a known text: offer it if it ranks higher (signed, then newer).
                if (signed, pk) > (bool(self.signed[position]), self.ids[position]):
                    self.ids[position], self.signed[position] = pk, signed
                continue
            position = self.positions[text] = len(self.ids)
            self.ids.append(pk)
            self.signed.append(signed)
            self.lengths.append(len(text))
            self.texts.append(text)
            for token in _tokens(text):
                known = added.get(token)
                if known is None:
                    added[token] = position
                elif isinstance(known, int):
                    added[token] = array("I", (known, position))
                else:
                    known.append(position)
        self._sort_in(added)

    def _sort_in(self, added: dict) -> None:
        """Merge new postings (token -> position or array of positions) into the index, emptying `added`.

        Postings in order of (length, position): a few new ones are put in place, many sorted in at once. New
        positions come after every kept one and in order, so a stable sort by length alone keeps that order."""
        length = self.lengths.__getitem__
        while added:  # each new list let go as it is sorted in: the build peaks at 1.1 times what it keeps, not 1.5
            token, positions = added.popitem()
            postings = self.postings.get(token)
            if postings is None:
                self.postings[token] = positions if isinstance(positions, int) else array("I", sorted(positions, key=length))
                continue
            postings = array("I", (postings,)) if isinstance(postings, int) else postings
            positions = (positions,) if isinstance(positions, int) else positions
            if len(positions) <= 16:
                for position in positions:
                    postings.insert(bisect.bisect_right(postings, length(position), key=length), position)
                self.postings[token] = postings
            else:
                self.postings[token] = array("I", sorted(postings + array("I", positions), key=length))

    def _postings(self, token: str):
        """The token's postings as a sequence (a word said once: a tuple of its one position)."""
        postings = self.postings[token]
        return (postings,) if isinstance(postings, int) else postings

    def __len__(self) -> int:
        return len(self.ids)

    def _nearest(self, token: str, length: int):
        """Of the token's postings, the POSTINGS_READ around `length`, the nearest in length order first
        (alternately longer and shorter), or all of them when fewer; -1 pads where one side runs out."""
        postings = self._postings(token)
        if len(postings) == 1:
            return iter(postings)
        at = bisect.bisect_left(postings, length, key=self.lengths.__getitem__)
        low = min(max(0, at - POSTINGS_READ // 2), max(0, len(postings) - POSTINGS_READ))
        longer, shorter = postings[at:low + POSTINGS_READ], postings[low:at]
        shorter.reverse()
        return chain.from_iterable(zip_longest(longer, shorter, fillvalue=-1))

    def candidates(self, text: str) -> list[int]:
        """Text positions worth scoring for `text`: at most MAX_CANDIDATES, the likeliest first.

        Candidates share some of the query's rarest words (a text 75% alike shares most of
        its words): of each of those words, only the POSTINGS_READ texts around the query's
        length are read, so the work is bounded however large the memory grows.
        """
        tokens = sorted((t for t in _tokens(text) if t in self.postings), key=lambda t: len(self._postings(t)))[:RARE_TOKENS]
        if not tokens:
            return []
        hits = Counter(chain.from_iterable(self._nearest(token, len(text)) for token in tokens))
        hits.pop(-1, None)
        # Entries with at least two of the rarest words when there are three or more to share; of too many,
        # those sharing the most, then (the order they were counted in) the nearest in length.
        needed = 2 if len(tokens) >= 3 else 1
        return [p for p, n in hits.most_common() if n >= needed][:MAX_CANDIDATES]

    def search(self, text: str, *, limit: int = 3, cutoff: int = FUZZY_THRESHOLD) -> list[tuple[int, int]]:
        """(entry id, score) of the closest distinct texts, best first: at most `limit`, each
        scored by rapidfuzz's fuzz.ratio (0-100, an int), none below `cutoff`; ties in order of
        the candidates. Scores at most MAX_CANDIDATES texts."""
        candidates = self.candidates(text)
        if not candidates:
            return []
        choices = {position: self.texts[position] for position in candidates}
        found = process.extract(text, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(self.ids[position], int(score)) for _text, score, position in found]


@dataclass
class _Kept:
    index: FuzzyIndex
    stamp: tuple  # the language's (count, last id) when the index was made or extended
    seen: tuple  # (the memory's last id, its deletions generation) then
    counted: float  # time.monotonic() of the last count


_indexes: dict[str, _Kept] = {}
_lock = threading.Lock()
# Counting a language's pairs reads all of them (some 20 ms at 135,000): a lookup counts only when a pair
# was added or deleted since (the last id of the whole table and the deletions generation are read from
# an index's end and the cache), or after RECOUNT_SECONDS (deletions in a process that shares no cache).
RECOUNT_SECONDS = 60
DELETIONS_KEY = "guide_cms:memory:deletions"


def memory_deleted(**_kwargs) -> None:
    """post_delete of a MemoryEntry: the next lookup, in every process sharing the cache, rebuilds its index."""
    from django.core.cache import cache

    if not cache.add(DELETIONS_KEY, 1, timeout=None):
        try:
            cache.incr(DELETIONS_KEY)
        except ValueError:  # evicted meanwhile
            cache.set(DELETIONS_KEY, 1, timeout=None)


def forget_fuzzy_indexes() -> None:
    """Drop every language's index (as a new process starts)."""
    with _lock:
        _indexes.clear()


def fuzzy_index(language: str) -> FuzzyIndex:
    """The language's index: built once per process, extended with the pairs added since, rebuilt after a deletion.

    Two cheap queries when nothing changed; the language's count when pairs were added or deleted.
    """
    from django.core.cache import cache

    seen = (MemoryEntry.objects.aggregate(last=Max("id"))["last"], cache.get(DELETIONS_KEY, 0))
    now = time.monotonic()
    with _lock:
        kept = _indexes.get(language)
        if kept and kept.seen == seen and now - kept.counted < RECOUNT_SECONDS:
            return kept.index
    entries = MemoryEntry.objects.filter(language=language)
    stamp = tuple(entries.aggregate(n=Count("id"), last=Max("id")).values())
    with _lock:
        kept = _indexes.get(language)
        if kept and kept.stamp == stamp:
            _indexes[language] = _Kept(kept.index, stamp, seen, now)
            return kept.index
        if kept and kept.stamp[1] is not None and stamp[1] is not None:
            (count, last), index = kept.stamp, kept.index
            newer = list(entries.filter(id__gt=last).order_by("id").values_list("id", "source_text", "signed"))
            if count + len(newer) == stamp[0]:  # only additions: extend the index
                index.add(newer)
                _indexes[language] = _Kept(index, stamp, seen, now)
                return index
    index = FuzzyIndex(entries.order_by("id").values_list("id", "source_text", "signed").iterator(chunk_size=5000))
    with _lock:
        _indexes[language] = _Kept(index, stamp, seen, now)
    release_free_memory()  # the room of the rows read to build it (and of the index it replaced), given back
    return index


def fuzzy_matches(language: str, queries: list[Content], *, index: FuzzyIndex | None = None) -> dict[int, MemoryMatch]:
    """query index -> the best fuzzy match (75-99), signed pairs first at equal score."""
    index = index or fuzzy_index(language)
    hits: dict[int, list[tuple[int, int]]] = {}
    for n, content in enumerate(queries):
        found = [(pk, score) for pk, score in index.search(matching_text(content)) if score < EXACT]
        if found:
            hits[n] = found
    entries = MemoryEntry.objects.in_bulk({pk for found in hits.values() for pk, _s in found})
    result = {}
    for n, found in hits.items():
        best = sorted(((score, entries[pk].signed, pk) for pk, score in found if pk in entries), reverse=True)
        for score, _signed, pk in best:
            match = _match(entries[pk], queries[n], score)
            if match:
                result[n] = match
                break
    return result


def verified_memory(language: str, source: Content, target: Content) -> MemoryMatch | None:
    """The signed memory pair with exactly this source and target, if there is one (a file's "from memory" claim)."""
    wanted = match_key(target)
    for entry in MemoryEntry.objects.filter(language=language, source_hash=key_hash(source), signed=True):
        match = _match(entry, source, EXACT)
        if match and match_key(match.target) == wanted:
            return match
    return None


def entry_values(*, source: Content, target: Content, source_language: str, language: str) -> dict:
    """The stored fields of a pair (tagged forms, hashes, matching text)."""
    canon_source, canon_target = canonical(source), _canonical_target(source, target)
    target_tagged = to_tagged(canon_target)
    return {
        "source_language": source_language, "language": language, "source": to_tagged(canon_source),
        "source_text": matching_text(source), "source_hash": key_hash(source),
        "target": target_tagged, "target_hash": text_hash(target_tagged),
    }


def _canonical_target(source: Content, target: Content) -> Content:
    """target with code ids renumbered as canonical(source) numbers them."""
    numbers: dict[str, str] = {}
    for code in codes(source):
        numbers.setdefault(code.id, str(len(numbers) + 1))
    return tuple(Code(numbers.get(i.id, i.id), i.kind, i.type) if isinstance(i, Code) else i for i in target)
