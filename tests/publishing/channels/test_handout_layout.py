"""Handouts as a patient and a screen reader get them: tagged with language and title, the sign-off kept with the text."""
import io

import pytest
from pypdf import PdfReader

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample

PARAGRAPH = "Rest the muscle and move it gently every hour."


def pages_of(entry) -> list[str]:
    pdf = HandoutChannel().render_entry(entry)[0].content
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


# Extra paragraph counts that used to leave the sign-off alone on a last page (English demo guide, A4).
@pytest.mark.parametrize("paragraphs", [1, 3, 22, 26])
def test_the_sign_off_is_never_alone_on_the_last_page(paragraphs):
    entry = sample.with_extra_section(sample.published_guide("en"), "\n\n".join([PARAGRAPH] * paragraphs), title="Extra advice")
    pages = pages_of(entry)
    assert len(pages) >= 3
    last = pages[-1]
    assert "Dr. Amara Okafor" in last and entry.content_hash[:16] in last.replace(" ", "")
    assert PARAGRAPH in last  # the end of the text is printed with it


@pytest.mark.parametrize("code", sample.DEMO_LANGUAGES)
def test_handouts_are_tagged_pdfs_with_their_language_and_title(code):
    pdf = PdfReader(io.BytesIO(HandoutChannel().render_entry(sample.published_guide(code))[0].content))
    catalog = pdf.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == get_language(code).bcp47
    assert pdf.metadata["/Title"] == sample.published_guide(code).title
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])


def test_a_refusal_names_the_guide_by_its_title_and_the_language_by_its_name():
    from django.utils import translation

    from guide_cms.publishing.channels.base import RenderProblem, problems_message

    entry = sample.published_guide("es")
    with translation.override("es"):
        message = problems_message([RenderProblem("dosing", "dropped", "x")], entry, "the site page")
    assert f"{entry.title} (español)" in message and "[es]" not in message and entry.slug not in message
