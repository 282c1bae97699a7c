"""A handout is printed again when its entry, its fonts or the renderer change, and not when another language goes live."""
from __future__ import annotations

from guide_cms.publishing.channels import handouts
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample


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
