"""A submission's trial renders scale with the change: a section whose outcome is kept is not laid out again,
and what the trial finds is what a trial of the whole guide finds."""
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import translation

from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.channels.site import SiteChannel
from guide_cms.publishing.checks import submission_findings
from tests.publishing import entries as sample

PILL = "\U0001f48a"  # no handout font has it


def snapshot_of(entry, **bodies):
    return {
        "format": 1, "guide": entry.slug, "language": entry.language.code, "title": entry.title, "summary": entry.summary,
        "sections": [{"key": s.key, "position": s.position, "title": s.title, "body": bodies.get(s.key, s.body_markdown)}
                     for s in entry.sections],
    }


@pytest.fixture
def laid_out(monkeypatch):
    """The sections each channel's trial was given, per call: [(channel, [section keys])]."""
    calls = []
    for cls in (HandoutChannel, SiteChannel):
        real = cls.trial

        def spy(self, entry, real=real):
            calls.append((self.name, [s.key for s in entry.sections]))
            return real(self, entry)

        monkeypatch.setattr(cls, "trial", spy)
    return calls


def findings(snapshot):
    guide = SimpleNamespace(slug=snapshot["guide"], review_interval_months=12, source_language="en")
    return submission_findings(snapshot=snapshot, guide=guide, source_version=None)


def test_a_one_section_change_lays_out_that_section_only_and_finds_what_a_whole_trial_finds(laid_out):
    entry = sample.published_guide("en")
    keys = [s.key for s in sorted(entry.sections, key=lambda s: s.position)]
    assert len(keys) > 2  # else this test proves nothing
    assert findings(snapshot_of(entry)) == []
    assert laid_out == [("site", keys), ("handouts", keys)]  # the first time, every section

    laid_out.clear()
    changed = keys[1]
    edited = snapshot_of(entry, **{changed: f"Take 5 mg at night {PILL}."})
    found = findings(edited)
    assert laid_out == [("site", [changed]), ("handouts", [changed])]
    assert [f.code for f in found] == ["unprintable"] and found[0].section == changed

    cache.clear()  # the same text with nothing kept: the same findings
    assert findings(edited) == found


def test_a_problem_of_an_unchanged_section_is_still_reported_from_what_was_kept(laid_out):
    entry = sample.published_guide("en")
    keys = [s.key for s in sorted(entry.sections, key=lambda s: s.position)]
    first = findings(snapshot_of(entry, **{keys[0]: f"Rest {PILL}."}))
    assert [(f.code, f.section) for f in first] == [("unprintable", keys[0])]
    laid_out.clear()
    second = findings(snapshot_of(entry, **{keys[0]: f"Rest {PILL}.", keys[2]: "Drink water."}))
    assert laid_out == [("site", [keys[2]]), ("handouts", [keys[2]])]
    assert second == first  # the kept section's problem, word for word


def test_kept_messages_are_in_the_submitters_language():
    entry = sample.published_guide("en")
    snapshot = snapshot_of(entry, **{entry.sections[0].key: f"Rest {PILL}."})
    english = findings(snapshot)
    with translation.override("es"):
        spanish = findings(snapshot)
    with translation.override("es"):
        cache.clear()
        alone = findings(snapshot)  # what a Spanish submitter is told with nothing kept
    assert spanish == alone and spanish[0].message != english[0].message


def test_a_trial_that_fails_outright_is_not_kept(monkeypatch):
    entry = sample.published_guide("en")
    snapshot = snapshot_of(entry)

    def broken(self, entry):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(HandoutChannel, "check_rendering", broken)
    assert [f.code for f in findings(snapshot)] == ["render-failed"]
    monkeypatch.undo()
    assert findings(snapshot) == []  # tried again, whole: a failure is no outcome to keep
