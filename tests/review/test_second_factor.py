"""A second factor for signing: a code from the signer's authenticator app (TOTP), required of reviewers in production."""
import html
import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import VersionStatus
from guide_cms.review.models import Signature
from guide_cms.review.services import SignatureRefused, version_sign, version_submit
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(guide, editor):
    return version_submit(guide=guide, language="en", user=editor)


def current_code(device, steps_ahead: int = 0) -> str:
    """The code the app shows (steps_ahead: in that many 30-second steps; a code is accepted once, within a step's drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def set_up_app(client, user) -> TOTPDevice:
    client.force_login(user)
    page = client.get(reverse("second_factor")).content.decode()
    assert "<svg" in page  # the QR code to scan
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'<code dir="ltr">([A-Z2-7=]+)</code>', page).group(1)
    assert secret.rstrip("=")  # the key, for typing in by hand
    response = client.post(reverse("second_factor"), {"password": PASSWORD, "code": current_code(device)})
    assert response.status_code == 302
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_production_requires_reviewers_to_set_up_an_app_before_signing(settings, client, version, reviewer):
    settings.GUIDE_CMS_SIGNING_SECOND_FACTOR = "reviewers"
    with pytest.raises(SignatureRefused, match="needs a code from an authenticator app"):
        version_sign(version=version, signer=reviewer, password=PASSWORD, decision="approve")
    assert not Signature.objects.exists()

    client.force_login(reviewer)
    page = html.unescape(client.get(reverse("review:version", args=[version.pk])).content.decode())
    assert "needs a code from an authenticator app" in page and 'name="password"' not in page


def test_a_signer_with_an_app_signs_with_its_code_and_not_without(client, version, reviewer):
    device = set_up_app(client, reviewer)
    assert AuditEvent.objects.filter(action="account.second_factor.set", object_id=str(reviewer.pk)).exists()
    signer = type(reviewer).objects.get(pk=reviewer.pk)

    with pytest.raises(SignatureRefused, match="code from your authenticator app"):
        version_sign(version=version, signer=signer, password=PASSWORD, decision="approve", code="")
    assert not Signature.objects.exists()

    page = client.get(reverse("review:version", args=[version.pk])).content.decode()
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page
    response = client.post(reverse("review:version", args=[version.pk]), {
        # The next step's code: the one that set the app up was just used, and a code counts once.
        "decision": "approve", "password": PASSWORD, "code": current_code(device, steps_ahead=1), "content_hash": version.content_hash,
    })
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_an_app_cannot_be_set_up_with_a_password_someone_else_set(client, reviewer):
    from guide_cms.core.services import account_set_password

    admin = make_user(None, username="root", is_superuser=True)
    account_set_password(actor=admin, user=reviewer, password="chosen by the administrator 1")
    client.force_login(reviewer)
    client.get(reverse("second_factor"))
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    response = client.post(reverse("second_factor"), {"password": "chosen by the administrator 1", "code": current_code(device)})
    assert response.status_code == 400
    assert "set by someone else" in html.unescape(response.content.decode())
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()


def test_an_administrator_removes_a_lost_app_audited_and_cannot_add_one(client, reviewer):
    set_up_app(client, reviewer)
    admin = make_user(None, username="root", is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[reviewer.pk])
    assert "Remove the authenticator app" in client.get(url).content.decode()
    assert client.post(url, {"remove-second-factor": "1"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    event = AuditEvent.objects.get(action="account.second_factor.remove")
    assert event.actor == admin and event.object_id == str(reviewer.pk)
    # No other page adds or re-keys someone's app (django-otp's own admin is not offered, even to a superuser).
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 404
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert "otp_totp" not in client.get("/admin/").content.decode()


def test_a_wrong_code_sets_nothing_up(client, reviewer):
    client.force_login(reviewer)
    client.get(reverse("second_factor"))
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("second_factor"), {"password": PASSWORD, "code": wrong})
    assert response.status_code == 400 and "not the code your app shows now" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()


def test_a_wrong_code_is_refused_and_recorded(client, version, reviewer):
    device = set_up_app(client, reviewer)
    signer = type(reviewer).objects.get(pk=reviewer.pk)
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    with pytest.raises(SignatureRefused, match="code from your authenticator app"):
        version_sign(version=version, signer=signer, password=PASSWORD, decision="approve", code=wrong)
    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action="signature.failed", data__reason="wrong code").exists()


def test_an_app_key_swapped_by_sql_is_reported_and_cannot_sign(client, version, reviewer):
    """Found by an attacker with database access: their own key written into a reviewer's app row signed as them."""
    from tests.tamper import sql, verify_integrity

    device = set_up_app(client, reviewer)
    attacker_key = "3132333435363738393031323334353637383930"
    sql("UPDATE otp_totp_totpdevice SET key = %s, last_t = -1 WHERE id = %s", [attacker_key, device.pk])

    code, output = verify_integrity()
    assert code == 1 and f"account {reviewer.username} (id {reviewer.pk}): its authenticator app differs" in output
    device.refresh_from_db()
    with pytest.raises(SignatureRefused, match="identity"):
        version_sign(version=version, signer=type(reviewer).objects.get(pk=reviewer.pk), password=PASSWORD, decision="approve",
                     code=current_code(device, steps_ahead=1))
    assert not Signature.objects.exists()


def test_an_app_row_inserted_by_sql_is_reported(reviewer):
    from tests.tamper import verify_integrity

    TOTPDevice.objects.create(user=reviewer, name="planted", confirmed=True)
    code, output = verify_integrity()
    assert code == 1 and "its authenticator app differs" in output
