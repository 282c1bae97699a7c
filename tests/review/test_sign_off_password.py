"""Signing a version needs the signer's password: a wrong or empty one is refused and audited, five wrong ones in
15 minutes lock signing (review.services.version_sign)."""
import datetime

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.db.models import F

from guide_cms.core.logins import is_locked, offline_request
from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Guide, VersionStatus
from guide_cms.review.models import Signature
from guide_cms.review.services import SignatureRefused, version_submit
from tests.review.sign_off_helpers import WRONG, sign, status_of

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_refused_and_nothing_is_signed(source_version, reviewer):
    with pytest.raises(SignatureRefused, match="Wrong password"):
        sign(source_version, reviewer, password=WRONG)

    assert not Signature.objects.exists()
    assert status_of(source_version) == VersionStatus.IN_REVIEW
    failed = AuditEvent.objects.get(action="signature.failed")
    assert failed.actor == reviewer
    assert failed.object_id == str(source_version.pk)


def test_an_empty_password_is_refused(source_version, reviewer):
    with pytest.raises(SignatureRefused):
        sign(source_version, reviewer, password="")

    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action="signature.failed").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_failed_signature_is_committed_even_though_the_signature_is_refused(guide, source_version, reviewer):
    assert not connection.in_atomic_block

    with pytest.raises(SignatureRefused):
        sign(source_version, reviewer, password=WRONG)

    # Autocommit mode and no open transaction: what is there is committed.
    assert not connection.in_atomic_block
    assert AuditEvent.objects.filter(action="signature.failed", actor=reviewer).count() == 1


def fail_times(version, signer, times):
    for _ in range(times):
        with pytest.raises(SignatureRefused, match="Wrong password"):
            sign(version, signer, password=WRONG)


def locked(user):
    return is_locked(offline_request(), user.get_username())


def pass_time(minutes):
    """Let minutes pass for the recorded failures (the throttle keeps them in django-axes' table)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_signing_even_with_the_right_one(source_version, reviewer):
    fail_times(source_version, reviewer, 5)

    with pytest.raises(SignatureRefused, match="locked until"):
        sign(source_version, reviewer)

    assert not Signature.objects.exists()
    assert status_of(source_version) == VersionStatus.IN_REVIEW
    assert locked(reviewer)
    assert AuditEvent.objects.filter(action="signature.failed", data__reason="locked").count() == 1


def test_four_wrong_passwords_do_not_lock_signing(source_version, reviewer):
    fail_times(source_version, reviewer, 4)

    assert not locked(reviewer)
    sign(source_version, reviewer)
    assert status_of(source_version) == VersionStatus.APPROVED


def test_the_lock_applies_to_every_version(source_version, editor, reviewer):
    other = Guide.objects.create(slug="other", title_en="Other")
    other.sections.create(key="dosing", position=1, title_en="Dosing", body_en="Take 1 mg.")
    other_version = version_submit(guide=other, language="en", user=editor)
    fail_times(source_version, reviewer, 5)

    with pytest.raises(SignatureRefused, match="locked"):
        sign(other_version, reviewer)

    assert status_of(other_version) == VersionStatus.IN_REVIEW


def test_the_lock_is_per_signer(source_version, reviewer, second_reviewer):
    fail_times(source_version, reviewer, 5)

    sign(source_version, second_reviewer)

    assert status_of(source_version) == VersionStatus.APPROVED


def test_signing_works_again_after_the_lock_expires(source_version, reviewer):
    fail_times(source_version, reviewer, 5)
    assert locked(reviewer)

    pass_time(15)

    assert not locked(reviewer)
    sign(source_version, reviewer)
    assert status_of(source_version) == VersionStatus.APPROVED


def test_signing_is_still_locked_just_before_the_lock_expires(source_version, reviewer):
    fail_times(source_version, reviewer, 5)

    pass_time(14.9)

    with pytest.raises(SignatureRefused, match="locked"):
        sign(source_version, reviewer)
    assert not Signature.objects.exists()


def test_five_wrong_passwords_spread_over_more_than_15_minutes_do_not_lock(source_version, reviewer):
    fail_times(source_version, reviewer, 4)
    pass_time(30)

    fail_times(source_version, reviewer, 1)

    assert not locked(reviewer)
    sign(source_version, reviewer)
    assert status_of(source_version) == VersionStatus.APPROVED
