"""Rendering the handouts raises no WeasyPrint warnings, and any it does raise reach the project's log with the file's path."""
from __future__ import annotations

import logging
import re

import pytest

from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import LANGUAGES, SLUG


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
