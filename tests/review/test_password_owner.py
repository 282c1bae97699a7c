"""Only a password its owner set can sign: one set by an administrator, a command,
a shell or SQL is refused until the owner changes it (core.services.password_is_owners)."""
import html
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from guide_cms.core.models import AuditEvent, OwnerPassword
from guide_cms.core.roles import Role
from guide_cms.guides.models import VersionStatus
from guide_cms.review.models import Signature
from guide_cms.review.services import SignatureRefused, version_sign, version_submit
from guide_cms.settings import base
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SET_BY_ADMIN = "chosen by the administrator 1"
OWN_NEW = "my very own new passphrase 2026"


@pytest.fixture
def version(guide, editor):
    return version_submit(guide=guide, language="en", user=editor)


def sign(version, signer, password):
    return version_sign(version=version, signer=signer, password=password, decision="approve")


def refused_as_not_owners(version, signer, password):
    with pytest.raises(SignatureRefused, match="set by someone else"):
        sign(version, signer, password)
    assert not Signature.objects.filter(version=version).exists()
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW


def test_a_password_an_administrator_set_in_the_admin_cannot_sign(client, version, reviewer):
    admin = make_user(None, username="root", is_superuser=True)
    client.force_login(admin)
    client.post(
        reverse("admin:auth_user_password_change", args=[reviewer.pk]),
        {"usable_password": "true", "password1": SET_BY_ADMIN, "password2": SET_BY_ADMIN},
    )

    # The administrator now knows the password and logs in as the reviewer.
    client.logout()
    assert client.post(reverse("admin:login"), {"username": reviewer.username, "password": SET_BY_ADMIN}).status_code == 302
    page = html.unescape(client.get(reverse("review:version", args=[version.pk])).content.decode())
    assert "Your password was set by someone else" in page and 'name="password"' not in page
    response = client.post(reverse("review:version", args=[version.pk]), {"decision": "approve", "password": SET_BY_ADMIN, "content_hash": version.content_hash})
    assert response.status_code == 403
    refused_as_not_owners(version, reviewer, SET_BY_ADMIN)


def test_a_password_set_with_manage_py_changepassword_cannot_sign(version, reviewer):
    with mock.patch("getpass.getpass", return_value=SET_BY_ADMIN):  # the operator typing at the terminal
        call_command("changepassword", reviewer.username, stdout=None)

    refused_as_not_owners(version, reviewer, SET_BY_ADMIN)


def test_a_password_set_in_a_shell_cannot_sign(version, reviewer):
    user = get_user_model().objects.get(pk=reviewer.pk)
    user.set_password(SET_BY_ADMIN)
    user.save()

    refused_as_not_owners(version, reviewer, SET_BY_ADMIN)


def test_a_hash_written_by_sql_cannot_sign(version, reviewer):
    get_user_model().objects.filter(pk=reviewer.pk).update(password=make_password(SET_BY_ADMIN))

    refused_as_not_owners(version, reviewer, SET_BY_ADMIN)


def test_another_users_hash_and_fingerprint_copied_by_sql_cannot_sign(version, reviewer):
    """The fingerprint is keyed to the user: a known password's row cannot be copied onto another account."""
    accomplice = make_user(None, username="accomplice")
    get_user_model().objects.filter(pk=reviewer.pk).update(password=accomplice.password)
    OwnerPassword.objects.filter(user=reviewer).update(fingerprint=OwnerPassword.objects.get(user=accomplice).fingerprint)

    refused_as_not_owners(version, reviewer, PASSWORD)


def test_changing_it_oneself_on_the_password_page_makes_it_sign_again(client, version, reviewer):
    user = get_user_model().objects.get(pk=reviewer.pk)
    user.set_password(SET_BY_ADMIN)
    user.save()
    client.force_login(user)

    response = client.post(
        reverse("admin:password_change"), {"old_password": SET_BY_ADMIN, "new_password1": OWN_NEW, "new_password2": OWN_NEW}
    )

    assert response.status_code == 302, response.context["form"].errors
    [event] = AuditEvent.objects.filter(action="account.password.set")
    assert event.actor == reviewer and event.data == {"user": reviewer.username, "by_owner": True, "usable": True}
    reviewer = get_user_model().objects.get(pk=reviewer.pk)
    sign(version, reviewer, OWN_NEW)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_a_new_account_signs_only_after_its_owner_changed_the_first_password(client, version):
    newcomer = make_user(Role.REVIEWER, ("en",), username="newcomer", password_chosen_by_owner=False)

    refused_as_not_owners(version, newcomer, PASSWORD)


def test_a_rehash_at_login_keeps_a_password_its_owners(client, version, reviewer):
    """Hashes made before Argon2 (or with fewer iterations) are re-hashed at the next login: still the owner's password."""
    assert get_user_model().objects.get(pk=reviewer.pk).password.startswith("md5$")

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS + ["django.contrib.auth.hashers.MD5PasswordHasher"]):
        response = client.post(reverse("admin:login"), {"username": reviewer.username, "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 302
        rehashed = get_user_model().objects.get(pk=reviewer.pk)
        assert rehashed.password.startswith("argon2")
        sign(version, rehashed, PASSWORD)

    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_a_rehash_does_not_turn_an_administrators_password_into_the_owners(client, version, reviewer):
    get_user_model().objects.filter(pk=reviewer.pk).update(password=make_password(SET_BY_ADMIN))

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS + ["django.contrib.auth.hashers.MD5PasswordHasher"]):
        client.post(reverse("admin:login"), {"username": reviewer.username, "password": SET_BY_ADMIN, "next": "/admin/"})
        assert get_user_model().objects.get(pk=reviewer.pk).password.startswith("argon2")
        refused_as_not_owners(version, get_user_model().objects.get(pk=reviewer.pk), SET_BY_ADMIN)
