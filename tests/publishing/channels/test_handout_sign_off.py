"""A handout's sign-off: dates in its language, each signer's meaning, the overdue flag and the next review only when there is one."""
from __future__ import annotations

import pytest

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.base import localized_meaning
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import LANGUAGES, flat, has_phrase, labels, on_one_line, pdf_text, rendered


@pytest.mark.parametrize("code", LANGUAGES)
def test_signoff_gives_dates_in_the_handouts_language_and_each_signers_meaning(code):
    entry = sample.published_guide(code)
    language = get_language(code)
    text = flat(pdf_text(rendered(code)))
    for label in labels(code, "Version", "Approved on", "Signed by", "Next review due", "Content hash"):
        assert label in text
    assert on_one_line(language.format_date(entry.approved_on), rendered(code))
    assert on_one_line(language.format_date(entry.next_review_due), rendered(code))
    for signature in entry.signatures:
        assert has_phrase(text, localized_meaning(signature, code), code)


def test_overdue_review_is_flagged_only_when_overdue():
    overdue_label, = labels("es", "Review overdue")
    on_time = flat(pdf_text(rendered("es")))
    [overdue] = HandoutChannel().render_entry(sample.published_guide("es", review_overdue=True))
    assert overdue_label not in on_time
    assert overdue_label in flat(pdf_text(overdue.content))


def test_no_next_review_date_leaves_the_line_out():
    [file] = HandoutChannel().render_entry(sample.published_guide("en", next_review_due=None))
    text = flat(pdf_text(file.content))
    assert "Next review due" not in text
    assert "Approved on" in text
