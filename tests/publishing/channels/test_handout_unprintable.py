"""Text that no font of the handout's language can draw is refused, naming the language, the character and where it is."""
from __future__ import annotations

import pytest

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.base import ChannelError
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import SLUG, pdf_text


@pytest.mark.parametrize(
    ("code", "text", "named"),
    [
        ("ar", "خذ الدواء 🩺 مع الطعام.", "U+1FA7A 🩺"),
        ("en", "Take it with food 𓀀.", "U+13000 𓀀"),
        ("zh-hans", "随餐服用 🩺 𓀀。", "U+1FA7A 🩺"),
    ],
)
def test_text_no_font_can_draw_is_refused_naming_language_and_character(code, text, named):
    entry = sample.with_extra_section(sample.published_guide(code), text, title="Extra")
    with pytest.raises(ChannelError) as refused:
        HandoutChannel().render_entry(entry)
    message = str(refused.value)
    assert named in message
    assert get_language(code).english_name in message
    assert SLUG in message
    assert "“Extra”" in message  # where it is


def test_refusal_lists_every_undrawable_character_once():
    entry = sample.with_extra_section(sample.published_guide("en"), "🩺 𓀀 🩺 𓀀 ☃")
    with pytest.raises(ChannelError) as refused:
        HandoutChannel().render_entry(entry)
    message = str(refused.value)
    assert message.count("U+1FA7A 🩺") == 1 and message.count("U+13000 𓀀") == 1
    assert "U+2603" not in message  # the snowman is in DejaVu Sans, the last font of every stack


def test_title_summary_and_signer_names_are_checked_too():
    channel = HandoutChannel()
    for entry in (
        sample.published_guide("es", title="Relajantes 🩺"),
        sample.published_guide("es", summary="Resumen 𓀀"),
        sample.published_guide("es", signatures=(sample.clinical_signature(printed_name="Dr. 🩺"),)),
    ):
        with pytest.raises(ChannelError, match="U\\+1FA7A|U\\+13000"):
            channel.render_entry(entry)


def test_withdrawn_notice_checks_the_source_title():
    with pytest.raises(ChannelError, match="U\\+1FA7A"):
        HandoutChannel().render_entry(sample.withdrawn_guide("es", source_title="Muscle relaxants 🩺"))


def test_invisible_characters_are_not_refused():
    # Zero-width joiner and non-joiner, bidi marks and isolates, a variation selector, a soft hyphen.
    text = "Take\u200d it\u200c with\u200e food\u200f \u2066Baclofen\u2069 ✓\ufe0f now\u00ad."
    entry = sample.with_extra_section(sample.published_guide("en"), text)
    [file] = HandoutChannel().render_entry(entry)
    assert "Baclofen" in pdf_text(file.content)
