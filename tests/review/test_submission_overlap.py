"""A submission's slow checks overlap its QA checks: apps connected to review.signals.submission_checks start
theirs (publishing sends its trial layouts to the render workers) before review runs QA, and are asked for
their answer after it, so a submission waits for the slower of the two rather than their sum."""
import pytest

from guide_cms.localization.qa import ERROR, Finding
from guide_cms.review import services
from guide_cms.review import signals as review_signals
from guide_cms.review.services import SubmissionRefused, version_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(monkeypatch):
    """What happened, in order: "started", "qa", "answered"."""
    happened = []
    real_qa = services.snapshot_findings

    def qa(*args, **kwargs):
        happened.append("qa")
        return real_qa(*args, **kwargs)

    monkeypatch.setattr(services, "snapshot_findings", qa)

    def slow_check(sender, **kwargs):
        happened.append("started")

        def answer():
            happened.append("answered")
            return [Finding("render-failed", ERROR, "", "the slow check's finding")]

        return answer

    review_signals.submission_checks.connect(slow_check, dispatch_uid="test-slow-check")
    yield happened
    review_signals.submission_checks.disconnect(dispatch_uid="test-slow-check")


def test_a_slow_check_starts_before_the_qa_checks_and_answers_after_them(guide, editor, order):
    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language="en", user=editor)

    assert order == ["started", "qa", "answered"]
    assert "the slow check's finding" in str(refused.value)  # its answer counts like any other finding


def test_publishing_starts_its_trial_layouts_before_the_qa_checks(guide, editor, monkeypatch):
    from guide_cms.publishing import trial_reuse

    happened = []
    real_start, real_qa = trial_reuse.start_trials, services.snapshot_findings
    monkeypatch.setattr(trial_reuse, "start_trials", lambda *a, **k: happened.append("trials started") or real_start(*a, **k))
    monkeypatch.setattr(services, "snapshot_findings", lambda *a, **k: happened.append("qa") or real_qa(*a, **k))

    version_submit(guide=guide, language="en", user=editor)

    assert happened == ["trials started", "qa"]
