"""One throttle for every password (django-axes, core.logins): the login page, the
password-change page and the signing form count together, by username and by
address, and while locked no page tells whether a password is right."""
import datetime
import html

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from guide_cms.core.logins import client_address
from guide_cms.guides.models import VersionStatus
from guide_cms.review.services import version_submit
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not the password"
NEW = "a new passphrase for 2026"


@pytest.fixture
def version(guide, editor):
    return version_submit(guide=guide, language="en", user=editor)


def login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def logged_in(client):
    return "_auth_user_id" in client.session


def fail_logins(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = login(client, username, WRONG, address)
        assert not logged_in(client)
    return response


def sign_page(client, version, password, address="10.0.0.1"):
    data = {"decision": "approve", "comment": "", "password": password, "content_hash": version.content_hash}
    return client.post(reverse("review:version", args=[version.pk]), data, REMOTE_ADDR=address)


def page_text(response):
    return html.unescape(response.content.decode())


def pass_time(minutes):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_a_right_password_logs_in(client, reviewer):
    assert login(client, reviewer.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_five_wrong_logins_lock_the_username_and_the_login_page_no_longer_checks_passwords(client, reviewer):
    fail_logins(client, reviewer.username, 5)

    right, wrong = login(client, reviewer.username, PASSWORD), login(client, reviewer.username, WRONG)

    assert not logged_in(client)
    assert right.status_code == wrong.status_code == 429
    assert "locked until" in page_text(right) and "locked until" in page_text(wrong)
    assert "for this account" in page_text(right)
    assert page_text(right) == page_text(wrong)


def test_a_stranger_elsewhere_cannot_lock_a_reviewer_out_of_logging_in_or_signing(client, reviewer, version):
    """A denial of signing: five wrong passwords for the reviewer's name from the attacker's address lock that
    pair only; the reviewer at their own address logs in and signs."""
    fail_logins(client, reviewer.username, 5, address="192.0.2.66")
    assert login(client, reviewer.username, PASSWORD, address="192.0.2.66").status_code == 429

    assert login(client, reviewer.username, PASSWORD, address="10.0.0.1").status_code == 302
    response = sign_page(client, version, PASSWORD, address="10.0.0.1")
    assert response.status_code == 302 and version.signatures.filter(signer=reviewer).exists()


def test_guessing_from_many_addresses_meets_each_addresss_limit(client, reviewer, settings):
    for n in range(3):
        fail_logins(client, reviewer.username, 5, address=f"192.0.2.{70 + n}")
        assert login(client, reviewer.username, PASSWORD, address=f"192.0.2.{70 + n}").status_code == 429
    assert not logged_in(client)


def test_twenty_wrong_logins_from_one_address_lock_the_address_for_every_username(client, reviewer, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for n in range(19):
        login(client, f"guess{n}", WRONG, address="203.0.113.9")
    assert login(client, reviewer.username, PASSWORD, address="203.0.113.9").status_code == 302  # 19: not yet
    client.logout()
    login(client, "guess19", WRONG, address="203.0.113.9")

    locked = login(client, reviewer.username, PASSWORD, address="203.0.113.9")
    assert locked.status_code == 429
    assert "from this network address" in page_text(locked) and "An administrator can lift the lock sooner." in page_text(locked)
    assert not logged_in(client)
    assert login(client, reviewer.username, PASSWORD, address="10.0.0.1").status_code == 302


def test_one_persons_wrong_passwords_do_not_lock_colleagues_behind_the_same_address(client, reviewer, editor, version):
    """A clinic behind one NAT: the editor's five typos lock the editor, not the reviewer's login or signature."""
    fail_logins(client, editor.username, 5, address="198.51.100.4")
    assert login(client, editor.username, PASSWORD, address="198.51.100.4").status_code == 429
    assert login(client, reviewer.username, PASSWORD, address="198.51.100.4").status_code == 302
    response = sign_page(client, version, PASSWORD, address="198.51.100.4")
    assert response.status_code == 302 and version.signatures.filter(signer=reviewer).exists()


def test_logins_work_again_after_15_minutes(client, reviewer):
    fail_logins(client, reviewer.username, 5)
    pass_time(15)

    assert login(client, reviewer.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_wrong_signing_passwords_count_toward_the_login_lock(client, version, reviewer):
    client.force_login(reviewer)
    for _ in range(5):
        response = sign_page(client, version, WRONG)
        assert "Wrong password" in page_text(response)
    client.logout()

    assert login(client, reviewer.username, PASSWORD, address="10.0.0.1").status_code == 429
    assert not logged_in(client)


def test_a_user_locked_at_the_login_page_cannot_sign(client, version, reviewer):
    fail_logins(client, reviewer.username, 5)
    client.force_login(reviewer)  # a session opened before the attack

    response = sign_page(client, version, PASSWORD)

    assert "locked until" in page_text(response)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW and not version.signatures.exists()


def test_while_locked_the_password_change_page_does_not_tell_a_right_old_password_from_a_wrong_one(client, reviewer):
    fail_logins(client, reviewer.username, 5)
    client.force_login(reviewer)  # a session opened before the attack

    answers = []
    for old in (PASSWORD, WRONG):
        response = client.post(
            reverse("admin:password_change"), {"old_password": old, "new_password1": NEW, "new_password2": NEW}, REMOTE_ADDR="10.0.0.1"
        )
        answers.append((response.status_code, response.context["form"].errors.as_data()["old_password"][0].message))

    assert answers[0] == answers[1]
    assert "locked until" in answers[0][1]
    assert get_user_model().objects.get(pk=reviewer.pk).check_password(PASSWORD)


def test_wrong_old_passwords_on_the_password_change_page_count_and_are_not_stored(client, reviewer):
    client.force_login(reviewer)
    for _ in range(5):
        response = client.post(reverse("admin:password_change"), {"old_password": WRONG, "new_password1": NEW, "new_password2": NEW})
        assert response.status_code == 400

    assert login(client, reviewer.username, PASSWORD, address="127.0.0.1").status_code == 429  # the test client's address
    stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert WRONG not in stored and NEW not in stored and PASSWORD not in stored


def test_the_lock_message_is_in_the_readers_language(client, reviewer):
    fail_logins(client, reviewer.username, 5)

    response = client.post(
        reverse("admin:login"), {"username": reviewer.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="es"
    )

    assert response.status_code == 429
    assert "bloquead" in page_text(response)


@override_settings(GUIDE_CMS_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(rf):
    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")

    assert client_address(request) == "198.51.100.20"


def test_without_a_proxy_forwarded_headers_are_ignored(rf):
    request = rf.get("/", REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert client_address(request) == "198.51.100.20"


def test_a_username_longer_than_any_account_is_refused_before_any_password_check(client):
    """Django does not enforce the login form's max_length; the throttle's column is 255 wide."""
    response = login(client, "x" * 300, WRONG)
    assert response.status_code == 200 and "at most 150 characters" in page_text(response)
    assert not AccessAttempt.objects.exists()  # not a password check: nothing counted, nothing hashed
