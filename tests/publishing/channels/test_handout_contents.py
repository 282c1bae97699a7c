"""What a handout is and prints: one PDF per guide and language with the title, the drug names and doses, the signers,
the version and the content hash; an outdated translation's notice first."""
from __future__ import annotations

import pytest

from guide_cms.publishing.channels.base import RenderedFile
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import (
    LANGUAGES,
    SLUG,
    flat,
    has_phrase,
    labels,
    pdf_pages,
    pdf_text,
    rendered,
)


def test_channel_is_named_handouts_and_writes_one_pdf_per_guide_and_language():
    files = HandoutChannel().render_entry(sample.published_guide("es"))
    assert HandoutChannel.name == "handouts"
    assert [f.path for f in files] == [f"es/{SLUG}.pdf"]
    assert isinstance(files[0], RenderedFile)
    assert files[0].content.startswith(b"%PDF-")


@pytest.mark.parametrize("code", LANGUAGES)
def test_handout_prints_title_drug_names_dose_signers_version_and_hash(code):
    entry = sample.published_guide(code)
    text = flat(pdf_text(rendered(code)))
    assert flat(entry.title) in text
    for expected in ("Diazepam", "Baclofen", "30", entry.content_hash):
        assert expected in text
    for signature in entry.signatures:
        assert signature.printed_name in text
        assert signature.credentials in text
    version_label, = labels(code, "Version")
    assert has_phrase(text, f"{version_label} {entry.version_number}", code)


@pytest.mark.parametrize("code", ["zh-hans", "vi", "ar"])
def test_an_outdated_translation_prints_the_notice_first_with_the_source_address(code):
    from guide_cms.publishing.channels.base import OutdatedNotice

    entry = sample.replace(
        sample.published_guide(code),
        outdated=OutdatedNotice(sample.language_facts("en"), sample.SOURCE_VERSION + 1, "Muscle relaxants: treatment guide"),
    )
    first_page = pdf_pages(HandoutChannel().render_entry(entry)[0].content)[0]
    (heading,) = labels(code, "This translation is being updated")
    assert has_phrase(first_page, heading, code)
    assert f"https://guides.example.org/en/{SLUG}/" in first_page.replace("\n", "")
    assert first_page.index("Muscle relaxants") < first_page.index(entry.sections[0].title[:4])
    assert HandoutChannel().entry_key(entry) != HandoutChannel().entry_key(sample.published_guide(code))
