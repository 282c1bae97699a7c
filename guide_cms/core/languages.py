"""The language registry: every language fact the product shows comes from here.

Names, text direction, BCP 47 tags and formats come from Babel (CLDR), keyed
by the Django language codes in settings.LANGUAGES.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import format_date
from django.conf import settings
from django.utils.translation import to_locale


class UnknownLanguage(LookupError):
    pass


@cache
def _locale(name: str) -> Locale:
    """Babel's Locale for a locale name, parsed once (Locale.parse reads CLDR data each time)."""
    return Locale.parse(name)


@cache
def _name_of(name: str, in_language: str) -> str:
    """The language `name` called in `in_language` ("es", "en" -> "Spanish"), from CLDR."""
    return _locale(name).get_display_name(_locale(in_language))


@dataclass(frozen=True)
class Language:
    """One configured language, described by Babel."""

    code: str  # Django's code, as in settings.LANGUAGES: "zh-hans"

    @property
    def locale(self) -> Locale:
        return _locale(self.gettext_locale)

    @property
    def gettext_locale(self) -> str:
        """Locale name for gettext catalogues and Babel: "zh_Hans"."""
        return to_locale(self.code)

    @property
    def bcp47(self) -> str:
        """The tag for HTML lang= and hreflang: "zh-Hans"."""
        return self.gettext_locale.replace("_", "-")

    @property
    def field_suffix(self) -> str:
        """Suffix of modeltranslation columns: "zh_hans" in body_zh_hans."""
        return self.code.replace("-", "_")

    @property
    def english_name(self) -> str:
        return _name_of(self.gettext_locale, "en")

    @property
    def native_name(self) -> str:
        return _name_of(self.gettext_locale, self.gettext_locale)

    @property
    def display_name(self) -> str:
        """The name in the language the interface is speaking now ("inglés" to a Spanish admin)."""
        from django.utils.translation import get_language

        try:
            return _name_of(self.gettext_locale, to_locale(get_language() or settings.LANGUAGE_CODE))
        except (ValueError, LookupError):
            return self.english_name

    @property
    def direction(self) -> str:
        """"rtl" or "ltr", for dir= attributes."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def script(self) -> str:
        """The ISO 15924 script it is written in ("Latn", "Arab", "Hans"), from the locale or CLDR's likely subtags."""
        from babel.core import get_global

        if self.locale.script:
            return self.locale.script
        likely = get_global("likely_subtags").get(self.locale.language, "").split("_")
        return likely[1] if len(likely) > 1 else ""

    @property
    def is_source(self) -> bool:
        return self.code == settings.SOURCE_LANGUAGE

    def field(self, name: str) -> str:
        """The translation column of a translated field: field("body") -> "body_es"."""
        return f"{name}_{self.field_suffix}"

    def format_date(self, value: datetime.date, format: str = "long") -> str:
        return format_date(value, format=format, locale=self.locale)

    def __str__(self) -> str:
        return self.english_name


@cache
def _registry() -> dict[str, Language]:
    return {code: Language(code) for code, _name in settings.LANGUAGES}


def get_language(code: str) -> Language:
    try:
        return _registry()[code]
    except KeyError:
        known = ", ".join(_registry())
        raise UnknownLanguage(f"Unknown language {code!r}; configured languages are: {known}.") from None


def all_languages() -> list[Language]:
    """Every configured language, source first, in settings order."""
    return list(_registry().values())


def source_language() -> Language:
    return get_language(settings.SOURCE_LANGUAGE)


def target_languages() -> list[Language]:
    return [lang for lang in all_languages() if not lang.is_source]


def interface_locale() -> Locale:
    """Babel's locale for the language the interface is speaking now."""
    from django.utils.translation import get_language as active

    try:
        return Locale.parse(to_locale(active() or settings.LANGUAGE_CODE))
    except (ValueError, LookupError):
        return Locale.parse(to_locale(settings.LANGUAGE_CODE))


def format_duration(delta: datetime.timedelta) -> str:
    """A duration in the interface language with CLDR's plural rules ("دقيقتان", never "2 دقيقتين")."""
    from babel.dates import format_timedelta

    return format_timedelta(delta, locale=interface_locale())


def format_moment(value: datetime.datetime) -> str:
    """A moment in the interface language: CLDR's long form, with its time zone (the project's):
    "November 29, 2026, 4:50:00 PM UTC", "29 نوفمبر 2026، 4:50:00 م التوقيت العالمي"."""
    from babel.dates import format_datetime
    from django.utils import timezone

    return format_datetime(value, "long", tzinfo=timezone.get_current_timezone(), locale=interface_locale())


def language_choices() -> list[tuple[str, str]]:
    """Choices for language fields, named in the interface language at the time they are read
    (Django calls this again for each list, filter and form): "inglés" to a Spanish admin."""
    return [(lang.code, lang.display_name) for lang in all_languages()]


def in_language(text, code: str | None, tag: str = "bdi"):
    """text (escaped unless already safe) marked with its language and direction, for a page in any direction: an
    English sentence inside the Arabic admin keeps its full stop at its end. A language that is not configured
    (or not known) gets dir="auto": the browser takes the direction from the text's first strong letter."""
    from django.utils.html import format_html

    try:
        lang = get_language(code) if code else None
    except UnknownLanguage:
        lang = None
    if lang is None:
        return format_html('<{} dir="auto">{}</{}>', tag, text, tag)
    return format_html('<{} lang="{}" dir="{}">{}</{}>', tag, lang.bcp47, lang.direction, text, tag)


def language_attributes(code: str | None):
    """The lang and dir attributes of text in language code, for templates (dir="auto" if the language is unknown)."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    try:
        lang = get_language(code) if code else None
    except UnknownLanguage:
        lang = None
    return format_html('lang="{}" dir="{}"', lang.bcp47, lang.direction) if lang else mark_safe('dir="auto"')
