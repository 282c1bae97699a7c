"""Parsing a clinic's Markdown document into a guide (no database)."""
import pytest

from guide_cms.guides.importer import DocumentRefused, parse_guide_document

GOOD = """# Baclofen at home

How to take Baclofen safely.

## Dosing

Start with 5 mg three times a day.

> **Warning:** Do not stop Baclofen suddenly.

## Self-care

- Stretch gently.
- Drink water.

> **Tip:** Set an alarm for each dose.
"""


def test_headings_split_title_summary_and_sections():
    guide = parse_guide_document(GOOD)
    assert guide.title == "Baclofen at home"
    assert guide.summary == "How to take Baclofen safely."
    assert [(s.key, s.title) for s in guide.sections] == [("dosing", "Dosing"), ("self-care", "Self-care")]


def test_labelled_blockquotes_become_callouts():
    dosing, self_care = parse_guide_document(GOOD).sections
    assert dosing.body.endswith("> [!WARNING]\n> Do not stop Baclofen suddenly.")
    assert "> [!TIP]\n> Set an alarm for each dose." in self_care.body


def test_duplicate_section_titles_get_distinct_keys():
    guide = parse_guide_document("# T\n\n## Notes\n\nA.\n\n## Notes\n\nB.\n")
    assert [s.key for s in guide.sections] == ["notes", "notes-2"]


def test_windows_line_endings_and_bom_are_accepted():
    guide = parse_guide_document("\ufeff" + GOOD.replace("\n", "\r\n"))
    assert len(guide.sections) == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        ("# Title only\n\nNo sections here.\n", "no sections"),
        ("## Section\n\nText.\n", "no guide title"),
        ("", "no guide title"),
        ("# T\n\n## Empty\n\n## Full\n\nText.\n", "line 3: section 'Empty' has no text"),
        ("# T\n\n## S\n\nHello <script>alert(1)</script>\n", "line 5"),
        ("# T\n\n## S\n\nText.\n\n[click](javascript:alert(1))\n", "line 7"),
        ("# T\n\n## S\n\n![x-ray](http://example.org/x.png)\n", "line 5"),
        ("# T\n# Another\n\n## S\n\nText.\n", "line 2: a second top-level heading"),
    ],
)
def test_bad_documents_are_refused_naming_the_line(text, expected):
    with pytest.raises(DocumentRefused) as refused:
        parse_guide_document(text, source="guide.md")
    assert expected in str(refused.value)
    assert str(refused.value).startswith("guide.md: ")


def test_every_problem_is_reported_at_once():
    text = "# T\n\n## A\n\n<b>bold</b>\n\n## B\n\n[x](javascript:alert(1))\n"
    with pytest.raises(DocumentRefused) as refused:
        parse_guide_document(text)
    assert len(refused.value.problems) == 2
    assert "line 5" in refused.value.problems[0] and "line 9" in refused.value.problems[1]


def test_binary_file_is_refused():
    with pytest.raises(DocumentRefused, match="binary"):
        parse_guide_document("# T\x00\x01")


def test_a_section_titled_guide_does_not_take_the_reserved_key():
    guide = parse_guide_document("# T\n\n## Guide\n\nText.\n")
    assert guide.sections[0].key == "guide-2"
