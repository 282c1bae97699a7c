"""The limits sit far from where the renderers break: text at every limit renders completely
and quickly, and the renderers still break where the README says (so the margin is known)."""
import time
from types import SimpleNamespace

import pytest

from guide_cms.guides.markdown import dropped_lines, render_markdown
from guide_cms.guides.text_limits import MAX_BLOCK_NESTING, MAX_BODY_CHARS, MAX_INLINE_NESTING
from guide_cms.guides.text_rules import text_problems
from guide_cms.publishing.checks import submission_findings


def nested_list(depth, text="innermost sentence"):
    return "".join("  " * i + f"- level {i + 1}\n" for i in range(depth - 1)) + "  " * (depth - 1) + f"- {text}\n"


def body_at_every_limit() -> str:
    """A body as large and as deeply nested as the limits allow."""
    parts = [
        nested_list(MAX_BLOCK_NESTING),
        "> [!WARNING]\n> - Stop.\n>   - Call us.\n>     - Or *call **[the `line`](https://example.org)***.\n",
        "*a **b [c `d` c](https://example.org) b** a* and ***bold italic***.",
    ]
    head = "\n\n".join(parts) + "\n\n"
    filler = "Take 5 mg of Baclofen three times a day with water, and never before driving. "
    return head + (filler * (MAX_BODY_CHARS // len(filler)))[: MAX_BODY_CHARS - len(head)]


def test_a_body_at_every_limit_is_accepted_and_reaches_every_channel_whole_in_seconds():
    body = body_at_every_limit()
    assert len(body) == MAX_BODY_CHARS and text_problems(body, limits=True) == []
    snapshot = {
        "format": 1, "guide": "limits", "language": "zh-hans", "title": "极限", "summary": "一行。",
        "sections": [{"key": "all", "position": 1, "title": "全部", "body": body}],
    }
    guide = SimpleNamespace(slug="limits", review_interval_months=12, source_language="en")
    started = time.monotonic()
    assert submission_findings(snapshot=snapshot, guide=guide, source_version=SimpleNamespace(number=1)) == []
    assert time.monotonic() - started < 20  # measured about 1 s (site page and handout layout, CJK fonts)


def test_markdown_it_still_drops_text_nested_10_lists_deep_so_the_limit_keeps_a_margin():
    assert dropped_lines(nested_list(MAX_BLOCK_NESTING)) == []
    assert dropped_lines(nested_list(10))  # 2.5 times the limit: the innermost item is gone
    assert "innermost" not in render_markdown("> " * 20 + "innermost")  # quotes: 5 times the limit


@pytest.mark.parametrize("depth, breaks", [(MAX_INLINE_NESTING, False), (300, True)])
def test_weasyprint_fails_on_inline_nesting_far_past_the_limit(depth, breaks):
    from weasyprint import HTML

    html = "<p>" + "<em>" * depth + "a" + "</em>" * depth + "</p>"
    if breaks:
        with pytest.raises(RecursionError):
            HTML(string=html).render()
    else:
        assert HTML(string=html).render().pages
