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


def test_an_administrator_cannot_type_a_reviewers_password_in_the_admin(client, version, reviewer):
    admin = make_user(None, username="root", is_superuser=True)
    client.force_login(admin)
    before = get_user_model().objects.get(pk=reviewer.pk).password
    response = client.post(
        reverse("admin:auth_user_password_change", args=[reviewer.pk]),
        {"usable_password": "true", "password1": SET_BY_ADMIN, "password2": SET_BY_ADMIN},
    )
    assert response.status_code == 400
    assert get_user_model().objects.get(pk=reviewer.pk).password == before
    client.logout()
    assert client.post(reverse("admin:login"), {"username": reviewer.username, "password": SET_BY_ADMIN}).status_code == 200


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


def test_whoever_set_a_password_cannot_make_it_the_owners_by_changing_it_as_the_owner(client, version, reviewer):
    """The administrator sets it (here from the shell), logs in as the reviewer and "changes it themself": still not
    the owner's, so still no signature."""
    with mock.patch("getpass.getpass", return_value=SET_BY_ADMIN):
        call_command("changepassword", reviewer.username, stdout=None)
    client.force_login(get_user_model().objects.get(pk=reviewer.pk))

    response = client.post(
        reverse("admin:password_change"), {"old_password": SET_BY_ADMIN, "new_password1": OWN_NEW, "new_password2": OWN_NEW}
    )

    assert response.status_code == 302, response.context["form"].errors
    [event] = AuditEvent.objects.filter(action="account.password.set")
    assert event.actor == reviewer and event.data == {"user": reviewer.username, "by_owner": False, "usable": True}
    refused_as_not_owners(version, get_user_model().objects.get(pk=reviewer.pk), OWN_NEW)


def test_changing_a_password_that_was_already_ones_own_keeps_it_signing(client, version, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:password_change"), {"old_password": PASSWORD, "new_password1": OWN_NEW, "new_password2": OWN_NEW}
    )
    assert response.status_code == 302
    sign(version, get_user_model().objects.get(pk=reviewer.pk), OWN_NEW)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def reset_link_from(mail) -> str:
    import re

    return re.search(r"https?://[^/\s]+(/admin/reset/\S+/)", mail.body).group(1)


def test_the_one_time_link_sent_to_the_owner_makes_the_password_theirs(client, version, reviewer, mailoutbox):
    get_user_model().objects.filter(pk=reviewer.pk).update(email="reviewer@clinic.test")
    with mock.patch("getpass.getpass", return_value=SET_BY_ADMIN):
        call_command("changepassword", reviewer.username, stdout=None)

    login_page = client.get(reverse("admin:login")).content.decode()
    assert reverse("admin_password_reset") in login_page  # "Forgotten your password?"
    client.post(reverse("admin_password_reset"), {"email": "reviewer@clinic.test"})
    [mail] = mailoutbox
    link = reset_link_from(mail)
    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": OWN_NEW, "new_password2": OWN_NEW})
    assert response.status_code == 302

    event = AuditEvent.objects.filter(action="account.password.set").latest("id")
    assert event.data == {"user": reviewer.username, "by_owner": True, "usable": True, "via_link": True}
    sign(version, get_user_model().objects.get(pk=reviewer.pk), OWN_NEW)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert client.get(link, follow=True).context["validlink"] is False  # used once


def test_an_address_changed_by_an_administrator_holds_signing_and_links_until_its_owner_confirms(client, version, reviewer, mailoutbox):
    """The administrator points the reviewer's address at their own mailbox to receive a reset link: no link is sent,
    and the reviewer cannot sign until they confirm the address themself, with their own password."""
    from guide_cms.core.services import account_update

    admin = make_user(None, username="root", is_superuser=True)
    account_update(actor=admin, user=reviewer, values={"email": "root@attacker.test"})

    with pytest.raises(SignatureRefused, match="address on record was changed by root"):
        sign(version, get_user_model().objects.get(pk=reviewer.pk), PASSWORD)
    client.post(reverse("admin_password_reset"), {"email": "root@attacker.test"})
    assert mailoutbox == []

    client.force_login(get_user_model().objects.get(pk=reviewer.pk))
    page = client.get(reverse("address_confirm")).content.decode()
    assert "root@attacker.test" in page
    assert client.post(reverse("address_confirm"), {"password": "wrong"}).status_code == 400
    assert client.post(reverse("address_confirm"), {"password": PASSWORD}).status_code == 302
    sign(version, get_user_model().objects.get(pk=reviewer.pk), PASSWORD)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_an_owner_changing_their_own_address_holds_nothing(version, reviewer):
    from guide_cms.core.services import account_update

    account_update(actor=reviewer, user=reviewer, values={"email": "new@clinic.test"})
    sign(version, get_user_model().objects.get(pk=reviewer.pk), PASSWORD)


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


def test_a_signature_made_behind_the_rules_is_named_by_verify_integrity_and_the_review_page(client, version, reviewer):
    """The administrator sets the reviewer's password and signs as them with a row written behind the application's
    back (the OwnerPassword record copied back): the sealed trail still says who set the password."""
    from guide_cms.core.services import account_set_password, owner_password_record
    from tests.tamper import verify_integrity

    admin = make_user(None, username="root", is_superuser=True)
    account_set_password(actor=admin, user=reviewer, password=SET_BY_ADMIN)
    owner_password_record(get_user_model().objects.get(pk=reviewer.pk))  # what a shell with the key could do
    signature = sign(version, get_user_model().objects.get(pk=reviewer.pk), SET_BY_ADMIN)

    code, output = verify_integrity()
    assert code == 1
    assert f"signature {signature.pk} by {signature.printed_name}" in output and "its password was set by root" in output
    client.force_login(make_user(Role.REVIEWER, ("en",), username="other_reviewer"))
    page = html.unescape(client.get(reverse("review:version", args=[version.pk])).content.decode())
    assert "Signed while the signer's password had been set by root" in page


@pytest.mark.parametrize("statement, fact", [
    ("UPDATE auth_user SET email = 'attacker@evil.test' WHERE id = %s", "address on record"),
    ("UPDATE core_staffprofile SET printed_name = 'Dr Elena Ruiz' WHERE user_id = %s", "printed name"),
    ("UPDATE core_staffprofile SET credentials = 'MD, PharmD' WHERE user_id = %s", "credentials"),
])
def test_identity_changed_by_sql_stops_signing_and_links_and_is_reported(client, version, mailoutbox, statement, fact):
    """Found by an attacker with database access: an address changed by SQL received a reset link; a printed name
    changed by SQL was printed on a signature. Both are sealed facts now."""
    from guide_cms.core.services import account_create, account_set_password, staff_profile_update
    from tests.tamper import sql, verify_integrity

    admin = make_user(None, username="root", is_superuser=True)
    signer = account_create(actor=admin, username="dr_nasser", password=None, email="nasser@clinic.test", is_staff=True)
    staff_profile_update(actor=admin, user=signer, printed_name="Dr Amal Nasser", credentials="MD")
    from guide_cms.core.services import account_set_roles
    from django.contrib.auth.models import Group
    from guide_cms.core.roles import ROLE_GROUPS

    account_set_roles(actor=admin, user=signer, groups=[Group.objects.get_or_create(name=ROLE_GROUPS[Role.REVIEWER])[0]],
                      languages=[("reviewer", "en")])
    account_set_password(actor=signer, user=signer, password=OWN_NEW, via_link=True)
    assert verify_integrity()[0] == 0

    sql(statement, [signer.pk])

    code, output = verify_integrity()
    assert code == 1 and f"account dr_nasser (id {signer.pk}): its {fact} differs from the sealed audit trail" in output
    with pytest.raises(SignatureRefused, match="identity"):
        sign(version, get_user_model().objects.get(pk=signer.pk), OWN_NEW)
    client.post(reverse("admin_password_reset"), {"email": get_user_model().objects.get(pk=signer.pk).email})
    assert mailoutbox == []
