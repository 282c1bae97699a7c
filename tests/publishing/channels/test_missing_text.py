"""missing_from, the check every channel's read-back goes through: each paragraph, list item and callout of the signed
text must be among what the output shows of its section, however that output orders or spaces it."""
from __future__ import annotations

from guide_cms.guides.markdown import render_markdown
from guide_cms.publishing.channels.base import PrintedSection, SectionContent, missing_from
from tests.publishing import entries as sample

BODY = "Take 5 mg at night.\n\n- Drink water.\n- Rest.\n\n> [!WARNING]\n> Do not drive."


def _entry(body: str = BODY):
    section = SectionContent(key="dosing", position=1, title="Dosing", body_markdown=body, body_html=render_markdown(body))
    return sample.published_guide("en", sections=(section,))


def _problems(shown: str, callouts=("warning",), body: str = BODY):
    printed = {"dosing": PrintedSection(text=shown, callouts=tuple(callouts))}
    return [(p.code, p.message) for p in missing_from(_entry(body), printed, "the page")]


def test_text_shown_whole_with_other_spacing_and_case_is_complete():
    assert _problems("DOSING  take 5\u00a0mg at   night. Drink\nwater. Rest. Warning Do not drive.") == []


def test_text_shown_in_another_order_is_complete():
    assert _problems("Do not drive. Rest. Drink water. Take 5 mg at night.") == []


def test_text_shown_with_its_letters_apart_is_complete():
    # No unit is shown whole, but every letter is there: a layout may break words and lines anywhere.
    assert _problems("Ta ke5m ga tnig ht. Drin kwat er. Re st. Donot dri ve.") == []


def test_a_paragraph_left_out_is_reported_with_its_line():
    problems = _problems("Drink water. Rest. Do not drive.")
    assert problems == [("dropped", "Line 1, paragraph “Take 5 mg at night.”: this text is missing from the page.")]


def test_a_repeated_paragraph_shown_once_is_reported():
    body = "Take 5 mg at night.\n\nTake 5 mg at night."
    problems = _problems("Dosing Take 5 mg at night.", callouts=(), body=body)
    assert problems == [("dropped", "Line 3, paragraph “Take 5 mg at night.”: this text is missing from the page.")]


def test_a_callout_shown_as_plain_text_is_reported():
    problems = _problems("Take 5 mg at night. Drink water. Rest. Do not drive.", callouts=())
    assert problems == [("dropped", "Line 6, warning callout: it is not shown as a callout in the page.")]


def test_a_section_not_shown_at_all_is_reported():
    assert [p.code for p in missing_from(_entry(), {}, "the page")] == ["dropped"]
