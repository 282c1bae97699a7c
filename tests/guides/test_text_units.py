"""What a reader must get from a body (text_units), and what the renderer shows nowhere (dropped_lines)."""
from guide_cms.guides.markdown import TextUnit, dropped_lines, text_units


def test_every_paragraph_list_item_quote_and_callout_is_a_unit_in_order():
    body = "Take 5 mg\nat night.\n\n- *one*\n  - `two`\n\n> [!WARNING]\n> Do not drive.\n> - Call us.\n\n> A quote."
    assert text_units(body) == [
        TextUnit(1, "paragraph", "Take 5 mg\nat night."),
        TextUnit(4, "list item", "one"),
        TextUnit(5, "list item", "two"),
        TextUnit(7, "callout", "", "warning"),
        TextUnit(8, "callout", "Do not drive.", "warning"),
        TextUnit(9, "list item", "Call us.", "warning"),
        TextUnit(11, "quote", "A quote."),
    ]


def test_text_markdown_it_nests_past_its_cap_is_dropped_and_found():
    body = "".join("  " * i + f"- level {i + 1}\n" for i in range(12))
    assert [line for line, _text in dropped_lines(body)] == [10, 11, 12]
    assert "level 10" not in " ".join(unit.text for unit in text_units(body))


def test_a_link_reference_definition_is_dropped_and_found():
    assert dropped_lines("See [1].\n\n[1]: https://example.org") == [(3, "[1]: https://example.org")]


def test_ordinary_bodies_drop_nothing():
    body = "Take 5 mg.\n\n1. One\n2. Two\n\n> [!TIP]\n> Heat helps.\n\n> quoted\nlazy line\n\n---\n\n- \n"
    assert dropped_lines(body) == []
