"""Which fields are translated, and how their per-language columns are named."""
from __future__ import annotations

from guide_cms.core.languages import Language, all_languages, get_language

GUIDE_TEXT_FIELDS = ("title", "summary")
SECTION_TEXT_FIELDS = ("title", "body")


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
