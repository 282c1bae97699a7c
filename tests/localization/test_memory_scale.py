"""Fuzzy memory lookups cost the same however large the memory grows: the candidates scored are bounded,
the queries are the same, and the closest sentence is still found with rapidfuzz's own score."""
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rapidfuzz import fuzz

from guide_cms.localization import memory
from guide_cms.localization.memory import MAX_CANDIDATES, FuzzyIndex, entry_values, fuzzy_index, fuzzy_matches
from guide_cms.localization.models import MemoryEntry
from tests.memory import traced

WORDS = ["take", "the", "tablet", "with", "water", "after", "food", "each", "morning", "and", "evening", "do", "not", "drive", "or", "drink", "alcohol"]
BASE = "take one tablet of baclofen with water after food each morning"


def near_duplicates(count: int, seed: int = 3) -> list[str]:
    """count sentences of the same common words as BASE, each a little different (as a memory of many guides is)."""
    rng = random.Random(seed)
    return [f"{BASE} {' '.join(rng.sample(WORDS, 4))} {n}" for n in range(count)]


def test_the_candidates_scored_do_not_grow_with_the_memory():
    query = "take one tablet of baclofen with water after each morning meal"
    small = FuzzyIndex((n, text) for n, text in enumerate(near_duplicates(1_000)))
    large = FuzzyIndex((n, text) for n, text in enumerate(near_duplicates(20_000)))
    assert len(small.candidates(query)) == len(large.candidates(query)) <= MAX_CANDIDATES


def test_the_closest_of_many_near_duplicates_is_found_with_its_own_score():
    texts = near_duplicates(20_000)
    closest = "take one tablet of baclofen with water after food every morning"
    rows = [(n, text) for n, text in enumerate(texts)] + [(99_999, closest)]
    index = FuzzyIndex(rows)
    query = "take one tablet of baclofen with water after food every single morning"
    (pk, score), *_rest = index.search(query)
    assert pk == 99_999
    assert score == int(fuzz.ratio(query, closest)) == max(int(fuzz.ratio(query, t)) for _n, t in rows)


def test_a_sentence_of_many_guides_is_one_text_offering_its_best_pair():
    rows = [(1, BASE, False), (2, BASE, True), (3, BASE, True), (4, BASE, False), (5, "do not drive tonight", True)]
    index = FuzzyIndex(rows)
    assert len(index) == 2
    assert index.search(BASE[:-2])[0][0] == 3  # signed before imported, then the newest
    index.add([(6, BASE, True)])
    assert len(index) == 2 and index.search(BASE[:-2])[0][0] == 6


def _add_guides(language: str, first: int, last: int) -> None:
    sentences = near_duplicates(40, seed=5)
    MemoryEntry.objects.bulk_create([
        MemoryEntry(**entry_values(source=(text,), target=(text.upper(),), source_language="en", language=language),
                    guide_slug=f"guide-{g}", context=f"part-{n}.body", signed=True, version_number=1, signers="A. Reviewer")
        for g in range(first, last) for n, text in enumerate(sentences + [f"guide {g} has its own sentence {n}" for n in range(5)])
    ], batch_size=1000)


@pytest.mark.django_db
def test_a_lookup_makes_the_same_queries_at_ten_times_the_memory():
    queries = [("take one tablet of baclofen with water after food each morning please",), ("guide 7 has its own sentences 3",)]

    def lookup():
        fuzzy_index("es")  # the index is made or extended outside the count: a lookup's own queries are counted
        with CaptureQueriesContext(connection) as counted:
            found = fuzzy_matches("es", queries)
        return len(counted), {n: (m.score, plain_target(m)) for n, m in found.items()}

    _add_guides("es", 0, 20)
    small = lookup()
    _add_guides("es", 20, 200)
    large = lookup()
    assert small[0] == large[0] == 2  # the memory's last id (the deletions generation is in the cache), the pairs offered
    assert set(small[1]) == set(large[1]) == {0, 1}
    assert small[1][0] == large[1][0]
    assert large[1][1][0] >= 75


def plain_target(match) -> str:
    return "".join(i for i in match.target if isinstance(i, str))


@pytest.mark.django_db
def test_a_deleted_pair_is_no_longer_offered():
    _add_guides("es", 0, 2)
    query = [("guide 1 has its own sentence 3 too",)]
    [match] = fuzzy_matches("es", query).values()
    MemoryEntry.objects.filter(pk=match.entry_id).delete()
    found = fuzzy_matches("es", query)
    assert all(m.entry_id != match.entry_id for m in found.values())
    assert memory._indexes["es"].stamp[0] == MemoryEntry.objects.filter(language="es").count()  # rebuilt


def test_building_the_index_takes_little_more_memory_than_it_keeps():
    rng = random.Random(5)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(5_000)]
    rows = [(n, " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 22))) + ".") for n in range(20_000)]
    index, kept, peak = traced(FuzzyIndex, rows)
    assert len(index) == 20_000
    # Each word's new postings are let go as they are sorted in (the web process builds one per language it offers).
    assert peak - kept < 0.2 * kept, f"built with {peak / 1e6:.1f} MB to keep {kept / 1e6:.1f} MB"


def _kept_by_index(rows) -> int:
    index, kept, _peak = traced(FuzzyIndex, rows)
    assert len(index) == len(rows)
    return kept


def test_a_word_said_in_one_text_only_costs_little_to_keep():
    """Most of a memory's distinct words are said once (a number, a name, a typo): 20,000 of them cost about
    1.2 MB (the words, and each one's text as a position), where each with an array of its own cost 2.1 MB."""
    texts = near_duplicates(20_000)
    rows = [(n, text) for n, text in enumerate(texts)]
    once = [(n, f"{text} ref{n:05d}x") for n, text in enumerate(texts)]  # one word of each text said nowhere else
    extra = _kept_by_index(once) - _kept_by_index(rows)
    assert extra < 1_600_000, f"{extra / 1e6:.1f} MB for 20,000 words said once"


def test_a_word_said_once_then_again_in_a_pair_added_later_finds_both():
    index = FuzzyIndex([(1, "take the tablet with water zolmitriptan"), (2, "rest after food each morning")])
    index.add([(3, "take the tablet with food zolmitriptan")])
    index.add([(4, "take the tablet with milk zolmitriptan"), (5, "take the tablet with juice zolmitriptan")])
    assert sorted(pk for pk, _score in index.search("take the tablet with tea zolmitriptan", limit=5)) == [1, 3, 4, 5]


def test_postings_stay_in_length_order_as_pairs_are_added_a_few_or_many_at_a_time():
    """A lookup reads, of a common word, only the texts around the query's length: the postings must stay in
    (length, position) order however they came (built at once, a word said once then again, a few added in
    place, many sorted in)."""
    rng = random.Random(11)
    words = [f"w{n}" for n in range(40)]
    rows = [(n, " ".join(rng.choice(words) for _ in range(rng.randint(2, 12))) + f" once{n}") for n in range(400)]
    index = FuzzyIndex(rows[:100])
    for start, stop in ((100, 101), (101, 110), (110, 140), (140, 400)):
        index.add(rows[start:stop])
    lengths = index.lengths
    for token in index.postings:
        postings = list(index._postings(token))
        assert postings == sorted(postings, key=lambda p: (lengths[p], p)), token
    assert sum(len(index._postings(token)) for token in index.postings) == sum(len(memory._tokens(text)) for _n, text in rows)
