"""URL converters: a language code in a URL is one of settings.LANGUAGES, or the URL does not match (404)."""
import re

from django.conf import settings


class LanguageCodeConverter:
    """`<language:code>`: a configured language's Django code ("es", "zh-hans")."""

    @property
    def regex(self) -> str:
        codes = sorted((code for code, _name in settings.LANGUAGES), key=len, reverse=True)
        return "|".join(re.escape(code) for code in codes)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
