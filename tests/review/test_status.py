"""The state of a guide in one language, computed from plain rows (review.status; no database)."""
import pytest

from guide_cms.guides.models import ChangeClass, VersionStatus
from guide_cms.localization.staleness import is_outdated
from guide_cms.review.status import LanguageState, VersionRow, language_status

H1, H2, H3 = "1" * 64, "2" * 64, "3" * 64


def live_number(versions, published):
    """The number of the latest approved version, as the live one, when published."""
    return next((v.number for v in versions if v.status == VersionStatus.APPROVED), None) if published else None


def source_status(versions, draft_hash=H1, has_text=True, published=False):
    return language_status(
        language="en", is_source=True, has_text=has_text, draft_hash=draft_hash, versions=versions, approved_source=[],
        published_number=live_number(versions, published),
    )


def translation_status(versions, approved_source, draft_hash=H1, published=False):
    return language_status(
        language="es", is_source=False, has_text=True, draft_hash=draft_hash, versions=versions, approved_source=approved_source,
        published_number=live_number(versions, published),
    )


def approved(number, digest=H1, change_class="", source_number=None):
    return VersionRow(number, VersionStatus.APPROVED, digest, source_number, change_class)


def test_no_text_and_no_version_is_not_started():
    status = source_status([], has_text=False)

    assert status.state == LanguageState.NOT_STARTED
    assert status.latest_number is None
    assert status.changed_since_submitted is False


def test_text_without_a_version_is_a_draft():
    status = source_status([], has_text=True)

    assert status.state == LanguageState.DRAFT
    assert status.latest_number is None


def test_a_version_in_review_is_in_review():
    status = source_status([VersionRow(1, VersionStatus.IN_REVIEW, H1)])

    assert status.state == LanguageState.IN_REVIEW
    assert status.latest_number == 1
    assert status.approved_number is None


def test_a_version_sent_back_is_changes_requested():
    status = source_status([VersionRow(1, VersionStatus.CHANGES_REQUESTED, H1)])

    assert status.state == LanguageState.CHANGES_REQUESTED


def test_an_approved_version_is_approved():
    status = source_status([approved(1)])

    assert status.state == LanguageState.APPROVED
    assert status.approved_number == 1


def test_a_published_approved_version_is_published():
    assert source_status([approved(1)], published=True).state == LanguageState.PUBLISHED


def test_the_newest_version_decides_the_state():
    versions = [VersionRow(2, VersionStatus.IN_REVIEW, H2), approved(1)]

    status = source_status(versions, draft_hash=H2)

    assert status.state == LanguageState.IN_REVIEW
    assert status.latest_number == 2
    assert status.approved_number == 1


def test_the_label_names_the_latest_version():
    assert source_status([VersionRow(3, VersionStatus.IN_REVIEW, H1)]).label == "in review (v3)"
    assert source_status([], has_text=False).label == "not started"


@pytest.mark.parametrize("change_class", [ChangeClass.CLINICAL, ChangeClass.SAFETY])
def test_a_newer_clinical_or_safety_source_approval_outdates_the_translation(change_class):
    source = [approved(2, H2, change_class), approved(1)]
    spanish = [approved(1, source_number=1)]

    status = translation_status(spanish, source)

    assert status.state == LanguageState.OUTDATED
    assert status.approved_number == 1


def test_an_outdated_translation_is_outdated_even_if_published():
    source = [approved(2, H2, ChangeClass.CLINICAL), approved(1)]

    assert translation_status([approved(1, source_number=1)], source, published=True).state == LanguageState.OUTDATED


def test_a_newer_editorial_source_approval_does_not_outdate_the_translation():
    source = [approved(2, H2, ChangeClass.EDITORIAL), approved(1)]
    spanish = [approved(1, source_number=1)]

    assert translation_status(spanish, source).state == LanguageState.APPROVED


def test_a_clinical_change_outdates_even_after_a_later_editorial_one():
    source = [approved(3, H3, ChangeClass.EDITORIAL), approved(2, H2, ChangeClass.CLINICAL), approved(1)]

    assert translation_status([approved(1, source_number=1)], source).state == LanguageState.OUTDATED


def test_a_translation_of_the_newest_clinical_source_is_current():
    source = [approved(2, H2, ChangeClass.CLINICAL), approved(1)]

    assert translation_status([approved(1, source_number=2)], source).state == LanguageState.APPROVED


def test_the_source_language_is_never_outdated():
    versions = [approved(2, H2, ChangeClass.CLINICAL), approved(1)]

    status = language_status(
        language="en", is_source=True, has_text=True, draft_hash=H2, versions=versions, approved_source=versions
    )

    assert status.state == LanguageState.APPROVED


def test_is_outdated_ignores_versions_not_newer_than_the_translated_one():
    assert not is_outdated(2, [approved(2, H2, ChangeClass.SAFETY), approved(1, H1, ChangeClass.CLINICAL)])
    assert is_outdated(1, [approved(2, H2, ChangeClass.SAFETY)])
    assert not is_outdated(None, [approved(2, H2, ChangeClass.SAFETY)])


def test_drafts_that_differ_from_the_latest_version_are_changed_since_submitted():
    status = source_status([approved(1, H1)], draft_hash=H2)

    assert status.changed_since_submitted is True
    assert status.state == LanguageState.APPROVED


def test_drafts_equal_to_the_latest_version_are_not_changed():
    assert source_status([approved(1, H1)], draft_hash=H1).changed_since_submitted is False


def test_changed_since_submitted_compares_with_the_latest_version_not_the_approved_one():
    versions = [VersionRow(2, VersionStatus.IN_REVIEW, H2), approved(1, H1)]

    assert source_status(versions, draft_hash=H2).changed_since_submitted is False
    assert source_status(versions, draft_hash=H1).changed_since_submitted is True


def test_an_older_live_version_is_approved_not_published():
    status = source_status([approved(2), approved(1)], published=False)
    older_live = language_status(
        language="en", is_source=True, has_text=True, draft_hash=H1, versions=[approved(2), approved(1)], approved_source=[], published_number=1
    )
    assert status.state == older_live.state == LanguageState.APPROVED
