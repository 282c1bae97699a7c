"""The handouts channel: a printable PDF per guide and language, from signed entries only (no database)."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
from collections import Counter
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels import handouts
from guide_cms.publishing.channels.base import ChannelError, RenderedFile, localized_meaning
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample

LANGUAGES = sample.DEMO_LANGUAGES
SLUG = sample.DEMO_SLUG
PROJECT = Path(__file__).resolve().parents[3]
A4_WIDTH_PT = 595.28
MIN_BODY_PT = 12.0


# -- helpers ------------------------------------------------------------------


@cache
def rendered(code: str) -> bytes:
    [file] = HandoutChannel().render_entry(sample.published_guide(code))
    return file.content


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return "\n".join(pdf_pages(content))


def flat(text: str) -> str:
    return " ".join(text.split())


def has_phrase(text: str, phrase: str, code: str) -> bool:
    """Phrase printed in text. PDF extraction returns right-to-left lines in
    visual order, which moves numbers within Arabic phrases, so there every
    word must be present instead."""
    if code != "ar":
        return flat(phrase) in text

    def words(value):
        return re.sub(r"(\d+)", r" \1 ", value).split()

    printed = words(text)
    return all(word in printed for word in words(phrase))


def text_runs(content: bytes) -> list[tuple[int, float, float, str]]:
    """(page, x in pt from the left edge, font size in pt, text) for every text run the PDF draws."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages, start=1):

        def visit(text, cm, tm, font_dict, font_size, number=number):
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                size = font_size * abs(cm[3] * tm[3])
                runs.append((number, round(x, 1), round(size, 2), text.strip()))

        page.extract_text(visitor_text=visit)
    return runs


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return flat("".join(parser.parts))


def on_one_line(expected: str, content: bytes) -> bool:
    """Every word of `expected` on one printed line, in any order (text extraction does not undo
    the visual reordering of numbers and words on a right-to-left line)."""
    words = expected.split()
    return any(all(word in line for word in words) for line in pdf_text(content).splitlines())


def labels(code: str, *msgids: str) -> list[str]:
    with translation.override(code):
        return [gettext(msgid) for msgid in msgids]


# -- what a handout is --------------------------------------------------------


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


@pytest.mark.parametrize("code", LANGUAGES)
def test_html_declares_the_language_and_its_direction(code):
    language = get_language(code)
    html = HandoutChannel().html(sample.published_guide(code))
    assert f'<html lang="{language.bcp47}" dir="{language.direction}">' in html
    assert ("dir=\"rtl\"" in html) == (code == "ar")


def test_fonts_are_named_per_language():
    html = {code: HandoutChannel().html(sample.published_guide(code)) for code in ("ar", "zh-hans", "vi")}
    assert 'font-family: "Noto Sans Arabic", "Noto Sans", "DejaVu Sans";' in html["ar"]
    assert 'font-family: "Noto Sans CJK SC", "Noto Sans", "DejaVu Sans";' in html["zh-hans"]
    assert 'font-family: "Noto Sans", "DejaVu Sans";' in html["vi"]


def test_arabic_handout_runs_right_to_left():
    """Section headings start at the right margin in Arabic, at the left margin in English."""
    def heading_x(code):
        title = sample.published_guide(code).sections[0].title
        return next(x for _page, x, _size, text in text_runs(rendered(code)) if text == title)

    assert heading_x("en") < 80  # the 20 mm left margin is 56.7 pt
    assert heading_x("ar") > A4_WIDTH_PT / 2


@pytest.mark.parametrize("code", LANGUAGES)
def test_body_text_is_at_least_12pt_and_headings_are_larger(code):
    entry = sample.published_guide(code)
    body = flat(" ".join(visible_text(s.body_html) for s in entry.sections))
    runs = text_runs(rendered(code))
    body_runs = [(size, text) for _page, _x, size, text in runs if len(text) >= 8 and flat(text) in body]
    assert len(body_runs) >= 20, "too few body lines found to judge"
    assert min(size for size, _text in body_runs) >= MIN_BODY_PT
    by_size = Counter()
    for size, text in body_runs:
        by_size[round(size)] += len(text)
    assert by_size.most_common(1)[0][0] == 13  # body text; callout labels are larger
    heading_sizes = [size for _page, _x, size, text in runs if text in {s.title for s in entry.sections}]
    assert heading_sizes and min(heading_sizes) > 13
    _page, _x, title_size, title_start = runs[0]  # the first line of the title
    assert entry.title.startswith(title_start) and title_size > max(heading_sizes)


@pytest.mark.parametrize("code", ["en", "ar"])
def test_callouts_are_boxed_warning_stronger_than_tip(code):
    document = HandoutChannel().document(sample.published_guide(code))
    boxes = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            classes = (box.element.get("class") or "").split() if box.element is not None else []
            if box.element_tag == "aside":
                boxes.setdefault(next(c for c in classes if c.startswith("callout-")), box)
    warning, tip = boxes["callout-warning"], boxes["callout-tip"]
    for box in (warning, tip):
        assert min(box.border_top_width, box.border_right_width, box.border_bottom_width, box.border_left_width) > 0
        assert box.style["background_color"].alpha > 0
    assert warning.border_top_width > tip.border_top_width
    assert warning.style["border_top_style"] == "solid" and tip.style["border_top_style"] == "dashed"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_has_a_footer_with_title_version_and_page_number(code):
    entry = sample.published_guide(code)
    pages = pdf_pages(rendered(code))
    page_label, version_label = labels(code, "Page", "Version")
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        text = flat(text)
        assert f"{number} / {len(pages)}" in text
        assert page_label in text and has_phrase(text, f"{version_label} {entry.version_number}", code)
        assert flat(entry.title) in text


def test_rtl_page_number_is_not_reversed():
    """With Arabic labels a bare "1 / 2" would display as "2 / 1"; the number is kept in a left-to-right isolate."""
    page_label, = labels("ar", "Page")
    assert page_label == "صفحة"  # the Arabic interface catalogue (locale/ar, compiled by `make messages`)
    pages = pdf_pages(rendered("ar"))
    assert len(pages) == 2
    first, second = flat(pages[0]), flat(pages[1])
    assert "1 / 2" in first and "2 / 1" not in first
    assert "2 / 2" in second and page_label in first


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


# -- withdrawn translations ---------------------------------------------------


@pytest.mark.parametrize("code", ["es", "ar", "zh-hans", "vi"])
def test_withdrawn_translation_gives_a_one_page_notice_pointing_to_the_source(code):
    entry = sample.withdrawn_guide(code)
    [file] = HandoutChannel().render_entry(entry)
    assert file.path == f"{code}/{SLUG}.pdf"
    pages = pdf_pages(file.content)
    assert len(pages) == 1
    text = flat(pages[0])
    assert flat(entry.source_title) in text
    assert entry.source_language.native_name in text
    with translation.override(code):
        assert flat(gettext("Translation withdrawn")) in text
    assert "Diazepam" not in text


def test_withdrawn_notice_html_tags_the_source_title_with_its_language():
    html = HandoutChannel().html(sample.withdrawn_guide("ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert '<p class="source-title" lang="en" dir="ltr">Muscle relaxants: treatment guide</p>' in html


# -- determinism --------------------------------------------------------------


def test_same_entry_gives_byte_identical_pdfs():
    channel = HandoutChannel()
    for entry in (sample.published_guide("zh-hans"), sample.withdrawn_guide("ar")):
        assert channel.render_entry(entry) == channel.render_entry(entry)


def test_pdf_dates_are_the_approval_date_not_the_clock():
    metadata = PdfReader(io.BytesIO(rendered("vi"))).metadata
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20250314000000Z"
    assert metadata["/Title"] == sample.published_guide("vi").title


RENDER_IN_SUBPROCESS = """
import hashlib, json, django
django.setup()
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
entries = [sample.published_guide(code) for code in sample.DEMO_LANGUAGES] + [sample.withdrawn_guide("ar")]
files = [f for entry in entries for f in HandoutChannel().render_entry(entry)]
print(json.dumps({f.path + ("#withdrawn" if "withdrawn" in repr(e) else ""): hashlib.sha256(f.content).hexdigest()
                  for e, f in zip(entries, files)}))
"""


def test_another_process_renders_byte_identical_pdfs():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "PYTHONHASHSEED": "random"}
    result = subprocess.run(
        [sys.executable, "-c", RENDER_IN_SUBPROCESS], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    ours = {f"{code}/{SLUG}.pdf": hashlib.sha256(rendered(code)).hexdigest() for code in LANGUAGES}
    [withdrawn] = HandoutChannel().render_entry(sample.withdrawn_guide("ar"))
    ours[f"ar/{SLUG}.pdf#withdrawn"] = hashlib.sha256(withdrawn.content).hexdigest()
    assert theirs == ours


# -- refusing what no font can draw -------------------------------------------


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


# -- logging ------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_rendering_raises_no_weasyprint_warnings(code, caplog):
    caplog.set_level(logging.WARNING)
    HandoutChannel().render_entry(sample.published_guide(code))
    HandoutChannel().render_entry(sample.withdrawn_guide(code))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_weasyprint_warnings_reach_the_project_logger(caplog, monkeypatch):
    from weasyprint import HTML

    layout = HTML.render

    def layout_with_a_warning(self, *args, **kwargs):
        logging.getLogger("weasyprint").warning("Ignored `colour: red` at 1:1, unknown property.")
        return layout(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "render", layout_with_a_warning)  # WeasyPrint warns while it lays the handout out
    caplog.set_level(logging.WARNING, logger="guide_cms.publishing.handouts")
    HandoutChannel().render_entry(sample.published_guide("es"))
    forwarded = [r for r in caplog.records if r.name == "guide_cms.publishing.handouts"]
    assert len(forwarded) == 1
    assert re.search(rf"es/{SLUG}\.pdf.*unknown property", forwarded[0].getMessage())


def test_entry_key_changes_with_the_entry_the_fonts_and_the_renderer(monkeypatch):
    channel = HandoutChannel()
    entry = sample.published_guide("ar")
    key = channel.entry_key(entry)
    assert channel.entry_key(sample.published_guide("ar")) == key
    assert channel.entry_key(sample.published_guide("ar", review_overdue=True)) != key
    monkeypatch.setattr(handouts.fonts, "fingerprint", lambda codes: [["Noto Sans Arabic", "/elsewhere.ttf", 0, 1]])
    assert channel.entry_key(entry) != key
    monkeypatch.undo()
    monkeypatch.setattr(handouts, "_renderer_fingerprint", lambda: {"weasyprint": "999"})
    assert channel.entry_key(entry) != key


def test_a_new_language_going_live_does_not_print_this_handout_again():
    channel = HandoutChannel()
    alone = sample.published_guide("es", alternates=("en", "es"))
    assert channel.entry_key(alone) == channel.entry_key(sample.published_guide("es"))


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
