"""Unicode's own data, through ICU (PyICU): invisible characters and letters that print like digits.

Hand-written lists of "invisible" or "look-alike" characters miss the ones
nobody listed (U+2063 INVISIBLE SEPARATOR, the tag characters, a Greek
omicron after a digit). The Default_Ignorable_Code_Point property and the
confusable skeletons of Unicode Technical Standard #39 (ICU's spoof checker)
are maintained with each Unicode version.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["default_ignorable", "prints_like_a_digit", "plain_line_problems", "joins_letters"]

JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: Arabic, Persian, Indic and other scripts need them inside words


@lru_cache(maxsize=1)
def _icu():
    import icu  # PyICU (pyicu-wheels): ICU with its Unicode data

    return icu


@lru_cache(maxsize=1)
def default_ignorable() -> frozenset[str]:
    """Every code point with Unicode's Default_Ignorable_Code_Point property (about 4,200; source: ICU's data).

    They print as nothing: zero-width spaces and joiners, direction marks,
    variation selectors, the tag characters, U+2063 INVISIBLE SEPARATOR...
    """
    icu = _icu()
    found = icu.UnicodeSet("[:Default_Ignorable_Code_Point:]")
    return frozenset(str(char) for char in found)


@lru_cache(maxsize=1)
def _spoof_checker():
    return _icu().SpoofChecker()


@lru_cache(maxsize=1)
def _digit_skeletons() -> frozenset[str]:
    checker = _spoof_checker()
    # The digits' skeletons, and Latin o's: a small o against a number reads as a zero too ("5o mg").
    return frozenset(checker.getSkeleton(0, char) for char in "0123456789o")


@lru_cache(maxsize=4096)
def prints_like_a_digit(char: str) -> bool:
    """Whether a letter is confusable with a digit, or with the letter o (UTS #39 skeletons: Greek omicron, Cyrillic
    o, Armenian oh... read as 0; Greek iota as 1).

    ASCII letters are left to the caller's own rule ("10l" is litres; "5O" is a typo its rule catches).
    """
    if not char.isalpha() or char.isascii():
        return False
    return _spoof_checker().getSkeleton(0, char) in _digit_skeletons()


# What a printed name or credentials may hold: letters, combining marks, numbers, punctuation, math and currency
# signs ("EN>ES") and spaces (Unicode general categories). No other symbols (emoji and their modifiers, which no
# handout font draws), no controls or format characters.
_PLAIN_LINE_CATEGORIES = ("L", "M", "N", "P", "Sm", "Sc")


def plain_line_problems(value: str) -> list[str]:
    """Why value is not one line of plain text that prints as stored ([] if it is): a printed name, credentials.

    Refuses line breaks, controls, invisible and format characters (direction
    overrides, zero-width characters: Default_Ignorable_Code_Point), and
    symbols other than math and currency signs, such as emoji; each problem
    names the character.
    """
    problems = []
    ignorable = default_ignorable()
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        plain = category[0] in _PLAIN_LINE_CATEGORIES or category in _PLAIN_LINE_CATEGORIES
        if char == " " or (plain and char not in ignorable) or joins_letters(value, index):
            continue
        name = unicodedata.name(char, "")
        problem = f"U+{ord(char):04X}" + (f" ({name})" if name else "")
        if problem not in problems:
            problems.append(problem)
    return problems


def joins_letters(text: str, index: int) -> bool:
    """Whether text[index] is a joiner between two letters of a script whose words need joiners (not Latin,
    Greek or Cyrillic, where a joiner only hides a word from the checks)."""
    if text[index] not in JOINERS or index == 0 or index + 1 >= len(text):
        return False

    def needs_joiners(char):
        return char.isalpha() and not unicodedata.name(char, "").startswith(("LATIN", "GREEK", "CYRILLIC"))

    return needs_joiners(text[index - 1]) and needs_joiners(text[index + 1])


# Titles a printed name may start with, which do not tell two people apart.
HONORIFICS = frozenset({"dr", "dra", "doctor", "prof", "professor", "mr", "mrs", "ms", "mx", "sr", "sra", "srta"})


def name_tokens(text: str) -> list[str]:
    """A printed name's words as they read: accents dropped, case folded, leading titles left out, each word's
    UTS #39 confusable skeleton ("Dr Elena Ruíz" and "Dr Еlena Ruiz" give ["elena", "ruiz"])."""
    import re
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    words = [_spoof_checker().getSkeleton(0, word) for word in re.findall(r"[^\W_]+", plain)]
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return words


def names_clash(first: str, second: str) -> bool:
    """Whether two printed names would read as one person's: the letters of one are those of the other's first
    words (punctuation, spaces, accents, titles and trailing credentials aside): "Elena Ruiz" and "Dr Elena R uiz, MD"
    clash; "Ana Li" and "Ana Lima" do not."""
    a, b = name_tokens(first), name_tokens(second)
    if not a or not b:
        return False
    joined_a, joined_b = "".join(a), "".join(b)
    shorter, longer = (joined_a, b) if len(joined_a) <= len(joined_b) else (joined_b, a)
    prefix = ""
    for word in longer:
        prefix += word
        if prefix == shorter:
            return True
        if len(prefix) >= len(shorter):
            return False
    return False
