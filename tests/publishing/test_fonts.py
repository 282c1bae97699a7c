"""Handout fonts: named per language, installed, and checked against every printed character."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from guide_cms.publishing.channels import fonts
from guide_cms.publishing.channels.base import ChannelError
from tests.publishing import entries as sample


def check(text: str, code: str = "en") -> None:
    fonts.check_printable([("the test text", text)], code=code, language_name=code, slug="demo")


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_configured_language_names_its_fonts_with_dejavu_sans_last(code):
    stack = fonts.font_stack(code)
    assert stack[-1] == "DejaVu Sans"
    assert all(family and "sans-serif" not in family for family in stack)


def test_chinese_uses_the_simplified_cjk_face_and_arabic_an_arabic_face():
    assert fonts.font_stack("zh-hans")[0] == "Noto Sans CJK SC"
    assert fonts.font_stack("ar")[0] == "Noto Sans Arabic"
    assert fonts.font_stack("vi")[0] == fonts.font_stack("es")[0] == "Noto Sans"


def test_font_family_css_quotes_every_family():
    assert fonts.font_family_css("ar") == '"Noto Sans Arabic", "Noto Sans", "DejaVu Sans"'


def test_fonts_of_the_configured_languages_are_installed():
    assert fonts.missing_fonts() == []


def test_a_font_collection_resolves_to_its_file_and_face_index():
    face = fonts.resolve_family("Noto Sans CJK SC")
    assert face is not None
    assert Path(face.file).exists() and face.file.endswith((".ttc", ".otc", ".otf", ".ttf"))
    assert face.index >= 0


def test_a_family_fontconfig_would_substitute_counts_as_missing(monkeypatch):
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "x-test", ("Noto Sans Klingon Nonexistent", "DejaVu Sans"))
    assert fonts.resolve_family("Noto Sans Klingon Nonexistent") is None
    [missing] = fonts.missing_fonts(["x-test"])
    assert (missing.family, missing.package, missing.languages) == ("Noto Sans Klingon Nonexistent", "fonts-noto-core", ("x-test",))
    with pytest.raises(ChannelError, match=r"font not installed: Noto Sans Klingon Nonexistent \(Debian package fonts-noto-core\)"):
        check("Hello", "x-test")


def test_missing_cjk_family_names_the_cjk_package(monkeypatch):
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "x-cjk", ("Noto Sans CJK Nonexistent", "DejaVu Sans"))
    with pytest.raises(ChannelError, match="fonts-noto-cjk"):
        check("你好", "x-cjk")


@pytest.mark.parametrize("code", sample.DEMO_LANGUAGES)
def test_demo_guide_is_fully_covered(code):
    entry = sample.published_guide(code)
    text = " ".join([entry.title, entry.summary, *(s.title + " " + s.body_markdown for s in entry.sections)])
    assert fonts.uncovered_characters(text, code) == []


def test_latin_font_stack_cannot_draw_chinese():
    assert fonts.uncovered_characters("Diazepam 每天", "en") == ["每", "天"]
    assert fonts.uncovered_characters("Diazepam 每天", "zh-hans") == []


def test_whitespace_joiners_bidi_marks_and_variation_selectors_are_ignored():
    invisible = "\t\n\u00a0\u2009\u200b\u200c\u200d\u200e\u200f\u202a\u202c\u2066\u2069\u061c\ufe0f\ufeff\U000e0101\x07"
    assert fonts.uncovered_characters(invisible, "en") == []
    assert fonts.uncovered_characters(invisible + "\U00013000", "en") == ["\U00013000"]


def test_each_character_is_reported_once_in_order_of_first_use():
    assert fonts.uncovered_characters("𓀁 a 🩺 b 𓀁 🩺", "ar") == ["𓀁", "🩺"]


def test_refusal_names_language_characters_where_they_are_and_what_to_do():
    with pytest.raises(ChannelError) as refused:
        fonts.check_printable(
            [("the title", "Dosis"), ("section 2 “Dosis”", "Tome 🩺 y 𓀀.")],
            code="es",
            language_name="Spanish",
            slug="baclofen",
        )
    message = str(refused.value)
    assert message.startswith("Cannot print the Spanish handout for baclofen:")
    assert "U+1FA7A 🩺 (STETHOSCOPE) in section 2 “Dosis”" in message
    assert "U+13000 𓀀 (EGYPTIAN HIEROGLYPH A001) in section 2 “Dosis”" in message
    assert "Noto Sans Egyptian Hieroglyphs" in message  # installed, but not a handout font
