"""The safe Markdown subset, conversion: quotes labelled "Warning:" or "Tip:" become callouts, nothing else
changes (guides.markdown.convert_labelled_callouts)."""
import pytest

from guide_cms.guides.markdown import callout_kinds, convert_labelled_callouts, render_markdown


def test_labelled_quotes_become_canonical_callouts():
    text = (
        "Before you start.\n\n"
        "> **Warning:** Never take a new muscle relaxant before your morning commute.\n"
        "> It can make you drowsy.\n\n"
        "> **Tip:** Keep a diary.\n"
    )

    assert convert_labelled_callouts(text) == (
        "Before you start.\n\n"
        "> [!WARNING]\n"
        "> Never take a new muscle relaxant before your morning commute.\n"
        "> It can make you drowsy.\n\n"
        "> [!TIP]\n"
        "> Keep a diary.\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("> **Warning**: Careful.", "> [!WARNING]\n> Careful."),
        ("> **WARNING:** Careful.", "> [!WARNING]\n> Careful."),
        ("> **tip**: Useful.", "> [!TIP]\n> Useful."),
        ("> **Tip:**\n> Useful.", "> [!TIP]\n> Useful."),
        (">**Tip:** Useful.", ">[!TIP]\n>Useful."),
        ("- > **Tip:** Useful.", "- > [!TIP]\n  > Useful."),
        ("> **Tip:** Useful.\r\n> More.\r\n", "> [!TIP]\r\n> Useful.\r\n> More.\r\n"),
    ],
)
def test_label_variants_are_converted(text, expected):
    assert convert_labelled_callouts(text) == expected


def test_converted_callouts_render_as_callouts():
    text = convert_labelled_callouts("> **Warning:** Careful.\n\n> **Tip:** Useful.")

    assert callout_kinds(text) == ["warning", "tip"]
    assert "**" not in render_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "A **Warning:** in a paragraph is not a callout.",
        "> A quote that says **Warning:** later on.",
        "> **Note:** not a callout label.",
        "> **Warning** without a colon.",
        "> [!WARNING]\n> Already canonical.",
        "Mixed\r\nline endings\rand\ttabs\x0cand\u2028separators  \n\n> plain quote\n",
        "",
    ],
)
def test_text_without_labelled_quotes_is_left_byte_for_byte(text):
    assert convert_labelled_callouts(text) == text


def test_only_the_labelled_line_changes():
    text = "Intro\u2028line\x0c\n\n> **Tip:** Useful.\n\n    indented\r\n<b>raw</b>"

    assert convert_labelled_callouts(text) == (
        "Intro\u2028line\x0c\n\n> [!TIP]\n> Useful.\n\n    indented\r\n<b>raw</b>"
    )


def test_converting_twice_changes_nothing_more():
    text = "> **Warning:** Careful.\n> More.\n\n- > **tip**: x\n\n> **Tip:**\n> y"
    once = convert_labelled_callouts(text)

    assert convert_labelled_callouts(once) == once
