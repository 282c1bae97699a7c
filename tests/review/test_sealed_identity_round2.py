"""Found by a second round of attacks with database access: facts that decide who signs and where text goes,
changed by SQL, are reported by verify_integrity and stop signing."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from guide_cms.core.roles import Role
from guide_cms.core.services import account_create, account_update
from guide_cms.guides.services import guide_create
from guide_cms.review.services import SignatureRefused, version_sign, version_submit
from tests.factories import PASSWORD, make_user
from tests.tamper import sql, verify_integrity

pytestmark = pytest.mark.django_db


def test_a_guide_s_source_language_and_requested_slug_changed_by_sql_are_reported(editor):
    guide = guide_create(user=editor, slug="new-guide", title="A new guide")
    assert verify_integrity()[0] == 0

    sql("UPDATE guides_guide SET source_language = 'vi' WHERE id = %s", [guide.pk])
    code, output = verify_integrity()
    assert code == 1 and "its source language is 'vi', but the sealed audit trail says 'en'" in output

    sql("UPDATE guides_guide SET source_language = 'en', slug_requested = 'evil-address' WHERE id = %s", [guide.pk])
    code, output = verify_integrity()
    assert code == 1 and "its slug requested is 'evil-address', but the sealed audit trail says ''" in output


@pytest.mark.parametrize("statement, fact", [
    ("UPDATE auth_user SET is_superuser = TRUE WHERE id = %s", "superuser status"),
    ("UPDATE auth_user SET username = 'someone_else' WHERE id = %s", "username"),
])
def test_account_flags_and_username_changed_by_sql_are_reported(statement, fact):
    admin = make_user(None, username="root", is_superuser=True)
    user = account_create(actor=admin, username="translator_x", password=None, email="x@clinic.test", is_staff=True)
    sql(statement, [user.pk])
    code, output = verify_integrity()
    assert code == 1 and f"its {fact} differs from the sealed audit trail" in output


def test_a_deactivated_reviewer_reactivated_by_sql_cannot_sign(guide, editor):
    admin = make_user(None, username="root", is_superuser=True)
    reviewer = make_user(Role.REVIEWER, ("en",), username="rev")
    account_update(actor=admin, user=reviewer, values={"is_active": False})
    sql("UPDATE auth_user SET is_active = TRUE WHERE id = %s", [reviewer.pk])
    version = version_submit(guide=guide, language="en", user=editor)

    with pytest.raises(SignatureRefused, match="identity"):
        version_sign(version=version, signer=get_user_model().objects.get(pk=reviewer.pk), password=PASSWORD, decision="approve")
    assert "its active status differs from the sealed audit trail" in verify_integrity()[1]


def test_a_second_app_or_a_weakened_app_written_by_sql_is_reported(client, reviewer):
    from tests.review.test_second_factor import set_up_app

    device = set_up_app(client, reviewer)
    assert verify_integrity()[0] == 0
    sql("UPDATE otp_totp_totpdevice SET digits = 1, tolerance = 100 WHERE id = %s", [device.pk])
    assert "its authenticator app differs" in verify_integrity()[1]
    sql("UPDATE otp_totp_totpdevice SET digits = 6, tolerance = 1 WHERE id = %s", [device.pk])
    assert verify_integrity()[0] == 0
    TOTPDevice.objects.create(user=reviewer, name="planted", confirmed=True)  # a second app beside the sealed one
    assert "its authenticator app differs" in verify_integrity()[1]
    assert reverse("second_factor")  # the owner sets up again to replace both
