"""Drug and product names in Latin-script text, resolved to one canonical drug (pure).

    read_drugs("Tome Tizanidina 5 mg o Tylenol.")
        -> (DrugName("tizanidine", "Tizanidina", 5, 15), DrugName("acetaminophen", "Tylenol", 25, 32))

Data: the drug dictionary of drug-named-entity-recognition (MIT; Fast Data Science, from DrugBank's open
vocabulary, MeSH and Wikipedia): about 107,000 names and spellings (generic names, brand names, their
Spanish, Portuguese, Italian and other Latin-script spellings: "baclofeno", "paracetamol") each mapped
to its canonical drug ("paracetamol" and "Tylenol" are both acetaminophen). The dictionary has no other
scripts: in Arabic, Chinese or Russian text only drug names written in Latin letters are read, and the
glossary carries the rest. Loaded once per process, on first use (about a second; 3 MB kept, as a marisa trie).
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

__all__ = ["DrugDictionary", "DrugName", "drug_names", "latin_script", "read_drugs"]

# A word of Latin letters (and the hyphens and apostrophes inside names): "co-codamol", "St. John's".
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[-'][A-Za-z\u00c0-\u024f]+)*")
_MIN_LENGTH = 4  # shorter dictionary entries ("ice", "pot") are street names and abbreviations, not names a guide writes
_SPELLING = 75  # similarity (rapidfuzz ratio, 0-100) of a name to its generic name that makes it a spelling of it


@dataclass(frozen=True)
class DrugName:
    canonical: str  # the drug's canonical name, lower case: "acetaminophen"
    text: str  # as written: "Paracetamol"
    start: int
    end: int


class DrugDictionary:
    """{name or spelling, lower case: (canonical drug, whether it is a generic name or a spelling of one)},
    read-only: .get(name) gives the entry or None, [name] the entry or KeyError.

    As a dict of 107,000 names this took 15 MB in every process that checks text; here the names are a marisa
    trie (about 1 MB), and each name's entry one machine integer: its drug's number among the ~20,000 drugs,
    and the generic flag."""

    def __init__(self, entries: dict[str, tuple[str, bool]]):
        import marisa_trie

        self._names = marisa_trie.Trie(entries)
        self._drugs = tuple(sorted({canonical for canonical, _generic in entries.values()}))
        number = {canonical: n for n, canonical in enumerate(self._drugs)}
        self._entries = array("I", [0]) * len(self._names)  # a name's entry at the id the trie gives it
        for name, (canonical, generic) in entries.items():
            self._entries[self._names[name]] = number[canonical] << 1 | generic

    def __len__(self) -> int:
        return len(self._names)

    def get(self, name: str, default=None) -> tuple[str, bool] | None:
        # A trie's key ends at its first NUL, and holds no lone surrogate: such a name is no name of the dictionary.
        try:
            key = None if "\x00" in name else self._names.get(name)
        except UnicodeEncodeError:
            key = None
        if key is None:
            return default
        entry = self._entries[key]
        return self._drugs[entry >> 1], bool(entry & 1)

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __getitem__(self, name: str) -> tuple[str, bool]:
        entry = self.get(name)
        if entry is None:
            raise KeyError(name)
        return entry


@cache
def drug_names() -> DrugDictionary:
    """The names and spellings of drugs (DrugDictionary).

    Generic: marked so in the dictionary ("paracetamol", "acetaminophen"), or the canonical name itself,
    or as close to it as a spelling in another language ("baclofeno" for baclofen).

    Read from the package's data file without importing the package, which would also build a fuzzy index
    of every name (seconds, and memory) that exact lookups do not need. Raises ImportError when the
    dependency is missing (pyproject.toml lists it)."""
    from rapidfuzz.fuzz import ratio

    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("drug-named-entity-recognition is not installed (pip install -e .)")
    path = Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - the installed dependency's own data file
    generic = {variant for variant, about in data["drug_variant_to_variant_data"].items() if about.get("is_brand") is False}
    names = {}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if not canonicals or len(variant) < _MIN_LENGTH:
            continue
        canonical = sorted(canonicals)[0]
        names[variant] = (canonical, variant in generic or variant == canonical or ratio(variant, canonical) >= _SPELLING)
    del data  # the whole data file (some 90 MB as Python objects) goes before the trie is made
    return DrugDictionary(names)


@lru_cache(maxsize=4096)
def read_drugs(text: str) -> tuple[DrugName, ...]:
    """The drug names of `text` in text order, two-word names ("vitamin d") before their first word.

    A generic name or its spelling in a language ("baclofeno", "tizanidina") is read in any case; any other
    name in the dictionary (a brand, "Tylenol") only where it is capitalised and does not begin a sentence,
    since many are ordinary words elsewhere ("Siga" is Spanish for "keep on", "Rufen" German for "call").
    Offsets are into `text`."""
    names = drug_names()
    words = list(_WORD.finditer(text))
    found: list[DrugName] = []
    skip_until = -1
    for index, word in enumerate(words):
        if word.start() < skip_until:
            continue
        candidates = [(word.start(), word.end())]
        if index + 1 < len(words) and text[word.end() : words[index + 1].start()] == " ":
            candidates.insert(0, (word.start(), words[index + 1].end()))
        for start, end in candidates:
            entry = _lookup(names, text[start:end].lower())
            if entry is not None and (entry[1] or _named(text, start)):
                found.append(DrugName(entry[0], text[start:end], start, end))
                skip_until = end
                break
    return tuple(found)


def _lookup(names: DrugDictionary, word: str):
    """The entry of `word`, or of `word` without its accents ("diazépam", "lorazépam" as French writes them)."""
    entry = names.get(word)
    if entry is None and not word.isascii():
        entry = names.get("".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch)))
    return entry


def _named(text: str, start: int) -> bool:
    """Whether the word at `start` is written as a name: capitalised, and not the first word of a sentence."""
    before = text[:start].rstrip(" \u00a0\"'“”‘’«»(*_")
    return text[start].isupper() and bool(before) and before[-1] not in ".!?:;\n-•>"


def latin_script(text: str) -> bool:
    """Whether most letters of `text` are Latin letters: where a drug name is written as the dictionary has it."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch < "\u0250" for ch in letters) * 2 > len(letters)
