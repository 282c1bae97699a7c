"""Exact memory matches read a sentence's best few pairs by key, not all of them: the answer
must be the one a ranking of every pair gives (signed, in this guide and unit, newest version)."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide_cms.localization.inline import CLOSE, EM, OPEN, PH, Code, from_tagged
from guide_cms.localization.memory import EXACT, IN_CONTEXT, entry_values, exact_matches, key_hash, remap_codes
from guide_cms.localization.models import MemoryEntry

pytestmark = pytest.mark.django_db

QUERY = ("Take ", Code("1", OPEN, EM), "5 mg", Code("1", CLOSE, EM), " at night.")
FITS = ("Tome ", Code("1", OPEN, EM), "5 mg", Code("1", CLOSE, EM), " por la noche.")
# A target with a code its source does not have: it can never be offered for this query.
MISFITS = ("Tome ", Code("1", OPEN, EM), "5 mg", Code("1", CLOSE, EM), Code("9", PH), " por la noche.")

pair = st.tuples(
    st.booleans(),  # signed
    st.sampled_from(["baclofen", "tizanidine", "diazepam"]),  # guide
    st.sampled_from(["dosing.body", "warnings.body"]),  # unit
    st.one_of(st.none(), st.integers(1, 4)),  # version number
    st.sampled_from([False, False, True]),  # its codes fit (mostly not: the best few often do not)
    st.integers(0, 3),  # a few words of the target differ (distinct pairs)
)


def every_pair_ranked(query, guide, context):
    """The reference: every pair of the sentence ranked, the first whose codes fit."""
    rows = MemoryEntry.objects.filter(language="es", source_hash=key_hash(query))
    ranked = sorted(rows, key=lambda e: (e.signed, e.guide_slug == guide and e.context == context, e.version_number or 0, e.pk),
                    reverse=True)
    for entry in ranked:
        score = IN_CONTEXT if (entry.signed and entry.guide_slug == guide and entry.context == context) else EXACT
        if remap_codes(from_tagged(entry.source), from_tagged(entry.target), query) is not None:  # its codes fit
            return entry.pk, score
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(pair, max_size=30, unique_by=lambda p: (p[0], p[1], p[2], p[4], p[5])),  # the memory's unique key
        guide=st.sampled_from(["baclofen", "other"]), context=st.sampled_from(["dosing.body", "x"]))
def test_the_match_is_the_one_ranking_every_pair_gives(pairs, guide, context):
    MemoryEntry.objects.all().delete()
    for signed, slug, unit, number, fits, variant in pairs:
        target = (FITS if fits else MISFITS)[:-1] + (f" por la noche{'.' * (variant + 1)}",)
        values = entry_values(source=QUERY, target=target, source_language="en", language="es")
        MemoryEntry.objects.create(**values, guide_slug=slug, context=unit, segment=unit, version_number=number, signed=signed)
    found = exact_matches("es", [(QUERY, guide, context)])
    got = (found[0].entry_id, found[0].score) if 0 in found else None
    assert got == every_pair_ranked(QUERY, guide, context)


def add(slug, unit, *, signed, number, fits):
    values = entry_values(source=QUERY, target=FITS if fits else MISFITS, source_language="en", language="es")
    return MemoryEntry.objects.create(**values, guide_slug=slug, context=unit, segment=unit, version_number=number, signed=signed)


def test_when_the_best_few_do_not_fit_a_lower_pair_of_the_own_guide_does_not_jump_the_queue():
    """Eight signed pairs whose codes do not fit, a ninth signed one that fits (not among the few
    read first) and an unsigned one of the page's own guide: the signed one is offered."""
    for n in range(8):
        add(f"guide-{n}", "dosing.body", signed=True, number=4, fits=False)
    ninth = add("tizanidine", "dosing.body", signed=True, number=3, fits=True)
    add("baclofen", "warnings.body", signed=False, number=None, fits=True)
    found = exact_matches("es", [(QUERY, "baclofen", "dosing.body")])
    assert (found[0].entry_id, found[0].score, found[0].signed) == (ninth.pk, EXACT, True)
    assert every_pair_ranked(QUERY, "baclofen", "dosing.body") == (ninth.pk, EXACT)


def test_a_sentence_in_many_guides_reads_a_few_pairs_whole(django_assert_max_num_queries):
    """Sixty guides say the sentence: the best few are read, in three queries."""
    for n in range(60):
        values = entry_values(source=QUERY, target=FITS, source_language="en", language="es")
        MemoryEntry.objects.create(**values, guide_slug=f"guide-{n}", context="dosing.body", segment="dosing.body", version_number=1 + n % 3,
                                   signed=True)
    with django_assert_max_num_queries(3):
        found = exact_matches("es", [(QUERY, "guide-7", "dosing.body"), (QUERY, "guide-8", "warnings.body")])
    newest = MemoryEntry.objects.filter(version_number=3).order_by("-pk").first()
    assert (found[0].score, found[0].target) == (IN_CONTEXT, FITS)
    assert found[0].entry_id == MemoryEntry.objects.get(guide_slug="guide-7").pk
    assert (found[1].score, found[1].entry_id) == (EXACT, newest.pk)
