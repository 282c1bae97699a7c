"""A guide page's footer: version, approval, signers and their meanings, next review and content hash, in the page's language."""
from __future__ import annotations

import pytest

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.base import localized_meaning
from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import footer_facts, gettext_in, json_of, page


def test_footer_states_version_approval_signers_next_review_and_content_hash():
    entry = sample.published_guide("en", review_overdue=False)
    facts = footer_facts(page(entry))
    assert facts["Version"] == [str(entry.version_number)]
    assert facts["Approved on"] == ["March 14, 2025"]
    assert facts["Next review due"] == ["March 14, 2026"]
    assert facts["Content hash"] == [entry.content_hash]
    (signed,) = facts["Signed by"]
    assert "Dr. Amara Okafor" in signed and "MD, FRCP" in signed
    assert "clinically accurate, approved for publication" in signed
    assert "Review overdue" not in page(entry).find("footer").text()


@pytest.mark.parametrize("code", sample.DEMO_LANGUAGES)
def test_footer_labels_meanings_and_dates_are_in_the_page_language(code):
    entry = sample.published_guide(code)
    facts = footer_facts(page(entry))
    language = get_language(code)
    assert facts[gettext_in(code, "Version")] == [str(entry.version_number)]
    assert facts[gettext_in(code, "Approved on")] == [language.format_date(entry.approved_on)]
    assert facts[gettext_in(code, "Next review due")] == [language.format_date(entry.next_review_due)]
    assert facts[gettext_in(code, "Content hash")] == [entry.content_hash]
    signed = facts[gettext_in(code, "Signed by")]
    assert len(signed) == len(entry.signatures)
    for text, signature in zip(signed, entry.signatures, strict=True):
        assert signature.printed_name in text and signature.credentials in text
        assert localized_meaning(signature, code) in text


def test_spanish_dates_are_formatted_by_babel_in_spanish():
    facts = footer_facts(page(sample.published_guide("es")))
    assert facts[gettext_in("es", "Approved on")] == ["14 de marzo de 2025"]
    assert facts[gettext_in("es", "Next review due")] == ["14 de marzo de 2026"]


def test_translation_signature_names_the_source_version_it_translates():
    signed = " ".join(footer_facts(page(sample.published_guide("vi")))[gettext_in("vi", "Signed by")])
    assert localized_meaning(sample.translation_signature(), "vi") in signed
    assert "3" in localized_meaning(sample.translation_signature(), "vi")


def test_review_overdue_notice_appears_only_when_the_review_is_overdue():
    overdue = page(sample.published_guide("es", review_overdue=True)).find("footer")
    assert gettext_in("es", "Review overdue") in overdue.text()
    assert overdue.find_all(class_="review-overdue")
    current = page(sample.published_guide("es", review_overdue=False)).find("footer")
    assert not current.find_all(class_="review-overdue")


def test_a_guide_without_a_review_date_omits_the_line():
    facts = footer_facts(page(sample.published_guide("en", next_review_due=None)))
    assert "Next review due" not in facts
    assert json_of(sample.published_guide("en", next_review_due=None))["next_review_due"] is None


def test_content_hash_stays_left_to_right_in_an_arabic_page():
    code = page(sample.published_guide("ar")).find("dd", class_="content-hash").find("code")
    assert code.attrs["dir"] == "ltr"
