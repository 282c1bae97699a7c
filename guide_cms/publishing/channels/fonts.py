"""Which fonts print a handout, and whether they can draw its text.

Each language names its fonts explicitly (never "sans-serif": with no family,
Chinese may pick the Japanese CJK face and a fresh machine prints empty boxes
without a warning). Before a handout is rendered, every character that will be
printed is checked against the character maps of the language's fonts; a
character none of them has is refused with a ChannelError, because Pango would
otherwise fall back silently to some other installed font or to a box.

Fonts are found with fontconfig's ``fc-match`` (the same lookup Pango makes)
and read with fontTools. Both lookups are cached for the life of the process.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from collections.abc import Iterable

from .base import ChannelError

__all__ = [
    "DEFAULT_FONTS",
    "HANDOUT_FONTS",
    "FontFace",
    "MissingFont",
    "check_printable",
    "debian_package",
    "font_family_css",
    "fingerprint",
    "font_stack",
    "missing_fonts",
    "resolve_family",
    "uncovered_characters",
    "unprintable_message",
]

LAST_RESORT = "DejaVu Sans"

# Language (Django code, or its base language) -> font families, best first.
HANDOUT_FONTS: dict[str, tuple[str, ...]] = {
    "ar": ("Noto Sans Arabic", "Noto Sans", LAST_RESORT),
    "fa": ("Noto Sans Arabic", "Noto Sans", LAST_RESORT),
    "ur": ("Noto Nastaliq Urdu", "Noto Sans Arabic", "Noto Sans", LAST_RESORT),
    "he": ("Noto Sans Hebrew", "Noto Sans", LAST_RESORT),
    "zh-hans": ("Noto Sans CJK SC", "Noto Sans", LAST_RESORT),
    "zh-hant": ("Noto Sans CJK TC", "Noto Sans", LAST_RESORT),
    "ja": ("Noto Sans CJK JP", "Noto Sans", LAST_RESORT),
    "ko": ("Noto Sans CJK KR", "Noto Sans", LAST_RESORT),
}
# Latin, Greek, Cyrillic and Vietnamese.
DEFAULT_FONTS: tuple[str, ...] = ("Noto Sans", LAST_RESORT)

# Debian packages that ship the families above.
_PACKAGES = (
    ("Noto Sans CJK", "fonts-noto-cjk"),
    ("Noto Serif CJK", "fonts-noto-cjk"),
    ("Noto", "fonts-noto-core"),
    ("DejaVu", "fonts-dejavu-core"),
)

# Format characters that are never drawn (joiners, bidi controls, soft hyphen...).
# Other Cf characters (the Arabic number sign U+0600...) are visible and checked.
_VISIBLE_FORMAT_CHARACTERS = frozenset(
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
)
_LIST_LIMIT = 12


@dataclass(frozen=True)
class FontFace:
    family: str  # the family asked for
    file: str
    index: int  # face index in a collection (.ttc)


@dataclass(frozen=True)
class MissingFont:
    family: str
    package: str
    languages: tuple[str, ...]  # Django codes that name it

    def __str__(self) -> str:
        return f"{self.family} (Debian package {self.package}; needed for {', '.join(self.languages)})"


def font_stack(code: str) -> tuple[str, ...]:
    """The font families that print `code`, best first, DejaVu Sans last."""
    code = code.lower()
    return HANDOUT_FONTS.get(code) or HANDOUT_FONTS.get(code.split("-")[0]) or DEFAULT_FONTS


def font_family_css(code: str) -> str:
    """The CSS font-family value for `code`: every family quoted, no generic fallback."""
    return ", ".join('"' + family.replace("\\", "\\\\").replace('"', '\\"') + '"' for family in font_stack(code))


def debian_package(family: str) -> str:
    for prefix, package in _PACKAGES:
        if family.startswith(prefix):
            return package
    return "a package that provides it"


def _fc(*args: str) -> str:
    if shutil.which(args[0]) is None:
        raise ChannelError(
            f"fontconfig's {args[0]} is not installed (Debian package fontconfig); handouts need it to find fonts."
        )
    result = subprocess.run(args, capture_output=True, text=True, check=False, timeout=30)
    if result.returncode != 0:
        raise ChannelError(f"{' '.join(args)} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout


@cache
def resolve_family(family: str) -> FontFace | None:
    """The installed regular face of `family`, or None if fontconfig would substitute another family."""
    out = _fc("fc-match", "-f", "%{family}|%{file}|%{index}", f"{family}:style=Regular")
    names, _, rest = out.partition("|")
    file, _, index = rest.rpartition("|")
    if family.casefold() not in {name.strip().casefold() for name in names.split(",")}:
        return None
    return FontFace(family=family, file=file, index=int(index or 0))


@cache
def _coverage(file: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(file, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def _faces(code: str, language_name: str) -> list[FontFace]:
    faces, missing = [], []
    for family in font_stack(code):
        face = resolve_family(family)
        if face is None:
            missing.append(family)
        else:
            faces.append(face)
    if missing:
        listed = ", ".join(f"{family} (Debian package {debian_package(family)})" for family in missing)
        raise ChannelError(f"Cannot print {language_name} handouts: font not installed: {listed}.")
    return faces


def _is_invisible(char: str) -> bool:
    """Whitespace, controls, joiners, bidi marks and variation selectors: nothing to draw."""
    if char.isspace():
        return True
    category = unicodedata.category(char)
    if category == "Cc":
        return True
    if category == "Cf":
        return char not in _VISIBLE_FORMAT_CHARACTERS
    point = ord(char)
    return 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF  # variation selectors (Mn)


def uncovered_characters(text: str, code: str, language_name: str | None = None) -> list[str]:
    """Characters of `text` that no font of `code`'s stack can draw, in order of first use."""
    faces = _faces(code, language_name or code)
    maps = [_coverage(face.file, face.index) for face in faces]
    # Each distinct character once, in order of first use (dict.fromkeys runs in C): a handout's
    # 15,000 characters are some 100 distinct ones, and this check runs before every render.
    distinct = dict.fromkeys(unicodedata.normalize("NFC", text))
    return [char for char in distinct if not _is_invisible(char) and not any(ord(char) in cmap for cmap in maps)]


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    shown = f" {char}" if unicodedata.category(char)[0] not in "MC" else ""
    return f"U+{ord(char):04X}{shown}" + (f" ({name})" if name else "")


def _installed_elsewhere(char: str) -> str | None:
    """An installed family (outside the handout's fonts) that has `char`, for the hint."""
    try:
        out = _fc("fc-list", f":charset={ord(char):x}", "family")
    except (ChannelError, OSError, subprocess.SubprocessError):
        return None
    families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    return families[0] if families else None


def check_printable(
    parts: Iterable[tuple[str, str]],
    *,
    code: str,
    language_name: str,
    slug: str,
    handout_language: str | None = None,
) -> None:
    """Refuse (ChannelError) text that no font of `code` can draw.

    `parts` are (where, text) pairs, e.g. ("section 2 “Dosing”", "..."), all
    printed with `code`'s fonts; the error names the language, every missing
    character and where it is. `handout_language` names the handout when it
    differs (a withdrawal notice prints the source title in the source's fonts).
    """
    handout_language = handout_language or language_name
    parts = list(parts)
    missing = uncovered_characters("".join(text for _where, text in parts), code, language_name)
    if not missing:
        return
    where: dict[str, list[str]] = {}
    for char in missing:
        where[char] = [label for label, text in parts if char in unicodedata.normalize("NFC", text)]
    shown = missing[:_LIST_LIMIT]
    described = ", ".join(f"{_describe(c)} in {' and '.join(where[c]) or 'the page'}" for c in shown)
    if len(missing) > len(shown):
        described += f", and {len(missing) - len(shown)} more"
    elsewhere = {c: _installed_elsewhere(c) for c in shown}
    hints = [f"U+{ord(c):04X} is in {family}" for c, family in elsewhere.items() if family]
    absent = [f"U+{ord(c):04X}" for c, family in elsewhere.items() if not family]
    fonts = ", ".join(font_stack(code))
    message = (
        f"Cannot print the {handout_language} handout for {slug}: no {language_name} handout font ({fonts}) "
        f"can draw {described}. Remove or replace these characters"
    )
    if hints:
        message += (
            f", or add a font that has them to the {language_name} fonts in guide_cms/publishing/channels/fonts.py "
            f"({'; '.join(hints)})"
        )
    if absent:
        message += (
            f"; no installed font has {', '.join(absent)}: to print it, install a font that covers it "
            "(e.g. Debian fonts-noto-core, fonts-noto-cjk, fonts-noto-extra) and add it to the handout fonts"
        )
    raise ChannelError(message + ".")


def unprintable_message(missing: list[str], code: str, where: str) -> str:
    """For an editor or translator: which characters of `where` no handout font of
    language `code` can draw, and what to do (in the interface's language)."""
    from django.utils.translation import gettext as _

    from guide_cms.core.languages import get_language

    shown = ", ".join(_describe(char) for char in missing[:_LIST_LIMIT])
    if len(missing) > _LIST_LIMIT:
        shown += " " + _("and %(count)d more") % {"count": len(missing) - _LIST_LIMIT}
    return _(
        "%(where)s has characters that no %(language)s handout font can draw, so the handout cannot be "
        "printed: %(characters)s. Remove or replace them (an emoji, for example, with words)."
    ) % {"where": where, "language": get_language(code).display_name, "characters": shown}


def fingerprint(codes: Iterable[str]) -> list[list]:
    """The font files that would print `codes`: [family, file, index, size] (file None if missing).

    Part of a handout's entry key, so installing other fonts re-renders the handouts they print.
    """
    rows = []
    for family in dict.fromkeys(family for code in codes for family in font_stack(code)):
        face = resolve_family(family)
        if face is None:
            rows.append([family, None, None, None])
        else:
            try:
                size = os.stat(face.file).st_size
            except OSError:
                size = None
            rows.append([family, face.file, face.index, size])
    return rows


def missing_fonts(codes: Iterable[str] | None = None) -> list[MissingFont]:
    """Handout fonts of the configured languages (or `codes`) that are not installed, for a setup check."""
    if codes is None:
        from django.conf import settings

        codes = [code for code, _name in settings.LANGUAGES]
    needed: dict[str, list[str]] = {}
    for code in codes:
        for family in font_stack(code):
            needed.setdefault(family, []).append(code)
    return [
        MissingFont(family=family, package=debian_package(family), languages=tuple(languages))
        for family, languages in needed.items()
        if resolve_family(family) is None
    ]
