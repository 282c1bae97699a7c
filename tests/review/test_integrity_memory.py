"""verify_integrity on a large database: each version's text is read once, for its hash, a chunk at a time, so
what the check holds does not grow with the number of versions (thousands of texts made it a process's peak)."""
from django.db.models import Max

from guide_cms.guides.models import Version
from guide_cms.review import integrity
from guide_cms.review.integrity import check_integrity
from tests.memory import traced

from .workflow_helpers import approved_source

TEXT = "Take 10 mg of baclofen three times a day. " * 2_500  # about 100 KB a version


def _add_copies(version, count: int) -> None:
    """count more versions of the guide like `version`, each with a large text (they are not in the audit trail:
    the check names them, which is not what is measured here)."""
    start = Version.objects.filter(guide=version.guide, language=version.language).aggregate(n=Max("number"))["n"]
    snapshot = {**version.snapshot, "summary": TEXT}
    Version.objects.bulk_create(
        Version(guide=version.guide, language=version.language, number=start + n, snapshot=snapshot, content_hash=version.content_hash,
                author_label=version.author_label, created_at=version.created_at, approvals_required=1, status="superseded")
        for n in range(1, count + 1)
    )


def _peak_of_the_check() -> int:
    report, _kept, peak = traced(check_integrity)
    assert report.versions > 1
    return peak


def test_the_check_holds_the_same_at_four_times_the_versions(guide, editor, monkeypatch):
    monkeypatch.setattr(integrity, "VERSIONS_A_CHUNK", 5)
    version = approved_source(guide, editor)
    _add_copies(version, 10)
    at_ten = _peak_of_the_check()
    _add_copies(version, 30)
    at_forty = _peak_of_the_check()
    # 30 more versions are 3 MB of text (more as Python reads it); read a chunk at a time, the peak stays put.
    assert at_forty - at_ten < 1_000_000, f"{(at_forty - at_ten) / 1e6:.1f} MB more for 30 more versions"


def test_a_version_submitted_while_the_check_runs_is_left_to_the_next_check(guide, editor, monkeypatch):
    """The check reads the versions' ids first, their texts later: a version submitted in between (a live site) is
    not checked against records that were read without it, and is no error."""
    version = approved_source(guide, editor)
    read_records = integrity.version_records

    def records_then_a_submission(ids, history=None):
        found = read_records(ids, history)
        _add_copies(version, 1)  # another process submits meanwhile
        return found

    monkeypatch.setattr(integrity, "version_records", records_then_a_submission)
    report = check_integrity()
    assert report.versions == 1
    assert [p for p in report.problems if "version" in p and "id " in p] == []
