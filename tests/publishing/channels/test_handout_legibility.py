"""A handout is easy to read on paper: body text at least 12 pt, larger headings, callouts boxed with the warning stronger."""
from __future__ import annotations

from collections import Counter

import pytest

from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import LANGUAGES, flat, rendered, text_runs, visible_text

MIN_BODY_PT = 12.0


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
