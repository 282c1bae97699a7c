"""Which fields are translated, and how their per-language columns are named."""
from __future__ import annotations

from django.utils.translation import gettext as _

from guide_cms.core.languages import Language, all_languages, get_language

from .text_limits import MAX_BODY_CHARS, MAX_LINE_CHARS, MAX_TITLE_CHARS
from .text_rules import LINE, MARKDOWN

GUIDE_TEXT_FIELDS = ("title", "summary")
SECTION_TEXT_FIELDS = ("title", "body")
# What each translated field holds (see text_rules): titles and the summary are
# one line of plain text, a section body is Markdown.
FIELD_KINDS = {"title": LINE, "summary": LINE, "body": MARKDOWN}
# How many characters each may hold (text_limits).
FIELD_MAX_CHARS = {"title": MAX_TITLE_CHARS, "summary": MAX_LINE_CHARS, "body": MAX_BODY_CHARS}


def columns_for(fields: tuple[str, ...], language: Language | str) -> list[str]:
    """The columns of fields in one language: ("title", "body"), es -> [title_es, body_es]."""
    lang = get_language(language) if isinstance(language, str) else language
    return [lang.field(name) for name in fields]


def split_column(column: str, fields: tuple[str, ...]) -> tuple[str, Language] | None:
    """("body_zh_hans", SECTION_TEXT_FIELDS) -> ("body", zh-hans); None if not a text column."""
    for lang in all_languages():
        for name in fields:
            if column == lang.field(name):
                return name, lang
    return None


def field_names() -> dict[str, str]:
    """How messages name each translated field, in the active language: {"title": "title", "body": "text", ...}."""
    return {"title": _("title"), "summary": _("summary"), "body": _("text")}


def field_label(owner: str, name: str, language: Language) -> str:
    """How messages name a field: "guide title (Spanish)", "section 'dosing', body (Arabic)"."""
    names = field_names()
    if not owner:
        return _("guide %(field)s (%(language)s)") % {"field": names[name], "language": language.display_name}
    return _("section '%(key)s', %(field)s (%(language)s)") % {"key": owner, "field": names[name], "language": language.display_name}
