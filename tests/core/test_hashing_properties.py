"""The canonical form that content hashes and seals are taken over (Hypothesis): its fast path for text
already in NFC gives exactly what normalising every string would, for any text, NFC or not."""
import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from guide_cms.core.hashing import canonical_json

# Letters, combining marks in and out of canonical order, precomposed and decomposed forms, singletons
# (Å as U+212B), Hangul jamo, quotes and backslashes that JSON escapes.
PIECES = ["e", "\u0301", "\u0327", "a\u0301\u0327", "a\u0327\u0301", "é", "e\u0301", "\u212b", "Å", "\u1100\u1161", "가",
          "\"", "\\", "\n", "\u200f", "mg", "5", "ﬁ", "\u0344", "ع", "\u064b", "中"]
strings = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=8).map("".join)
values = st.recursive(
    st.one_of(strings, st.integers(), st.booleans(), st.none()),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(strings, children, max_size=4)),
    max_leaves=20,
)


def normalised_everywhere(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {normalised_everywhere(k): normalised_everywhere(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised_everywhere(v) for v in value]
    return value


@settings(max_examples=400, deadline=None)
@given(value=values)
def test_canonical_json_is_every_string_normalised_then_dumped(value):
    expected = json.dumps(normalised_everywhere(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_json(value) == expected
