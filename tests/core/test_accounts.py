"""Administrators' account changes in the admin are audited events (core.services), and never carry a password."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from guide_cms.core.audit import verify_chain
from guide_cms.core.models import AuditEvent, StaffProfile
from guide_cms.core.roles import ROLE_GROUPS, Role
from tests.factories import make_user
from tests.guides.admin_forms import post_data_from

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 2026"


@pytest.fixture
def admin_client(client):
    admin = make_user(None, username="root", is_superuser=True)
    client.force_login(admin)
    client.admin = admin
    return client


def change_user(client, user, **changes):
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = post_data_from(client.get(url))
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_creating_an_account_types_no_password_and_sends_its_owner_a_one_time_link(admin_client, mailoutbox):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "new_reviewer", "email": "new.reviewer@clinic.test",
            # A password posted anyway (a forged form) is not set: the form has no such field.
            "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "staff_profile-TOTAL_FORMS": "1", "staff_profile-INITIAL_FORMS": "0", "staff_profile-MIN_NUM_FORMS": "0", "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-printed_name": "Dr New Reviewer", "staff_profile-0-credentials": "MD",
            "language_assignments-TOTAL_FORMS": "0", "language_assignments-INITIAL_FORMS": "0",
            "language_assignments-MIN_NUM_FORMS": "0", "language_assignments-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    user = get_user_model().objects.get(username="new_reviewer")
    assert not user.has_usable_password() and not user.check_password(NEW_PASSWORD)
    assert user.is_staff  # the new account can log in to the admin once its owner has a password
    assert user.staff_profile.printed_name == "Dr New Reviewer"
    created, password_set, profile = events("account.create")[0], events("account.password.set")[0], events("account.profile")[0]
    for event in (created, password_set, profile):
        assert event.actor == admin_client.admin and event.object_id == str(user.pk) and event.data["user"] == "new_reviewer"
    assert password_set.data == {"user": "new_reviewer", "by_owner": False, "usable": False}
    # The trail does not read as if the administrator set a password.
    assert str(password_set).endswith(f"{admin_client.admin.username} password login off (no password)")
    [link] = events("account.password.link")
    assert link.data == {"user": "new_reviewer", "to": "new.reviewer@clinic.test"}
    [mail] = mailoutbox
    assert mail.to == ["new.reviewer@clinic.test"] and "/admin/reset/" in mail.body
    # A welcome to the account made for them, not a reset they never asked for.
    assert mail.subject == "Your guide_cms account: choose your password"
    assert "was made for you" in mail.body and "Your username: new_reviewer" in mail.body and "reset" not in mail.subject.lower()


def test_the_admin_never_sets_another_users_password_it_sends_a_link(admin_client, mailoutbox):
    reviewer = make_user(Role.REVIEWER, ("en",), username="rev", email="rev@clinic.test")
    url = reverse("admin:auth_user_password_change", args=[reviewer.pk])
    before = get_user_model().objects.get(pk=reviewer.pk).password

    page = admin_client.get(url).content.decode()
    assert 'name="password1"' not in page and "Send a link to set a password" in page
    response = admin_client.post(url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400
    assert get_user_model().objects.get(pk=reviewer.pk).password == before
    assert not events("account.password.set")

    assert admin_client.post(url, {"send-link": "1"}).status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["rev@clinic.test"]
    assert events("account.password.link")[0].actor == admin_client.admin


@pytest.mark.parametrize(
    "field, value, action",
    [
        ("is_superuser", "on", "account.superuser.grant"),
        ("is_active", False, "account.deactivate"),
        ("is_staff", False, "account.staff.revoke"),
    ],
)
def test_flag_changes_are_events_of_their_own(admin_client, field, value, action):
    user = make_user(Role.EDITOR, username="someone")

    change_user(admin_client, user, **{field: value})

    [event] = events(action)
    assert event.actor == admin_client.admin and event.object_id == str(user.pk) and event.data == {"user": "someone"}
    user.refresh_from_db()
    assert getattr(user, field) is (value == "on")


def test_revoking_superuser_and_reactivating_are_recorded(admin_client):
    user = make_user(None, username="former_admin", is_superuser=True, is_active=False)

    change_user(admin_client, user, is_superuser=False, is_active="on")

    assert [e.data["user"] for e in events("account.superuser.revoke")] == ["former_admin"]
    assert [e.data["user"] for e in events("account.activate")] == ["former_admin"]


def test_printed_name_and_credentials_changes_are_recorded_with_old_and_new(admin_client):
    user = make_user(Role.REVIEWER, ("es",), username="ana")
    StaffProfile.objects.filter(user=user).update(printed_name="Dr Ana García", credentials="MD")

    change_user(admin_client, user, **{"staff_profile-0-printed_name": "Dr Ana García-López", "staff_profile-0-credentials": "MD, PhD"})

    [event] = events("account.profile")
    assert event.actor == admin_client.admin
    assert event.data["fields"] == {
        "printed_name": {"old": "Dr Ana García", "new": "Dr Ana García-López"},
        "credentials": {"old": "MD", "new": "MD, PhD"},
    }


def test_names_and_email_are_one_account_change_event(admin_client):
    user = make_user(Role.EDITOR, username="sam")

    change_user(admin_client, user, first_name="Sam", email="sam@example.org")

    [event] = events("account.change")
    assert event.data["fields"] == {"first_name": {"old": "", "new": "Sam"}, "email": {"old": "", "new": "sam@example.org"}}


def test_groups_and_direct_permissions_are_recorded_as_role_changes(admin_client):
    user = make_user(None, username="newcomer")
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(codename="change_user")

    change_user(admin_client, user, groups=[Group.objects.get(name=ROLE_GROUPS[Role.PUBLISHER]).pk], user_permissions=[permission.pk])

    [event] = events("roles.change")
    assert event.data["new"]["groups"] == ["Publishers"]
    assert event.data["new"]["permissions"] == ["auth.change_user"]


def test_saving_an_account_unchanged_records_nothing(admin_client):
    user = make_user(Role.EDITOR, username="quiet")
    before = AuditEvent.objects.count()

    change_user(admin_client, user)

    assert AuditEvent.objects.count() == before


def test_no_event_ever_holds_a_password_and_the_chain_verifies(admin_client):
    reviewer = make_user(Role.REVIEWER, ("en",), username="rev")
    admin_client.post(
        reverse("admin:auth_user_password_change", args=[reviewer.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    change_user(admin_client, reviewer, is_superuser="on")

    everything = json.dumps([e.data for e in AuditEvent.objects.all()])
    reviewer.refresh_from_db()
    assert NEW_PASSWORD not in everything and reviewer.password not in everything
    checked, problems = verify_chain()
    assert checked >= 2 and problems == []


def test_the_last_login_and_join_dates_cannot_be_edited(admin_client):
    user = make_user(Role.EDITOR, username="dated")
    joined = user.date_joined

    change_user(admin_client, user, date_joined_0="2000-01-01", date_joined_1="00:00:00")

    user.refresh_from_db()
    assert user.date_joined == joined


def test_deleting_an_account_that_never_acted_is_recorded(admin_client):
    user = make_user(None, username="mistake")

    response = admin_client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="mistake").exists()
    [event] = events("account.delete")
    assert event.actor == admin_client.admin and event.object_id == str(user.pk) and event.data == {"user": "mistake"}


def test_a_staff_member_with_the_change_user_permission_still_cannot_manage_accounts(client):
    from django.contrib.auth.models import Permission

    staff = make_user(Role.EDITOR, username="ambitious")
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "view_user", "change_group"]))
    client.force_login(staff)

    response = client.post(reverse("admin:auth_user_change", args=[staff.pk]), {"username": "ambitious", "is_superuser": "on"})

    assert response.status_code == 403
    staff.refresh_from_db()
    assert not staff.is_superuser
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_removing_a_language_assignment_is_recorded(admin_client):
    user = make_user(Role.TRANSLATOR, ("es", "ar"), username="two_languages")

    made = len(events("roles.change"))  # make_user gives the roles through the audited service too
    change_user(admin_client, user, **{"language_assignments-1-DELETE": "on"})

    [event] = events("roles.change")[made:]
    assert event.data["old"]["languages"] == ["translator:ar", "translator:es"]
    assert len(event.data["new"]["languages"]) == 1
    assert user.language_assignments.count() == 1


@pytest.mark.parametrize("role, queue, dashboard", [
    (Role.EDITOR, False, False), (Role.REVIEWER, True, False), (Role.TRANSLATOR, False, True), (Role.PUBLISHER, False, False),
])
def test_each_role_is_offered_the_pages_it_works_on_only(client, role, queue, dashboard):
    languages = ("es",) if role in (Role.REVIEWER, Role.TRANSLATOR) else ()
    client.force_login(make_user(role, languages, username=f"someone_{role.value}"))
    page = client.get(reverse("admin:index")).content.decode()
    assert ("Review queue" in page) == queue
    assert ("Translation dashboard" in page) == dashboard


@pytest.mark.parametrize("name", [
    "Dr Elena Ruiz", "dr  elena ruiz", "Dr \u0415lena Ruiz", "Dr. Elena Ruiz", "Elena Ruiz", "Dr Elena Ruíz",
    "Dr Elena Ruiz, MD", "Dr Elena-Ruiz", "Dr Elena R uiz", "Dr Elena Ruiz (PharmD)",
])  # the same, spaced, a Cyrillic Е, a title, an accent, credentials in the name, split words (found by attackers)
def test_no_two_accounts_print_the_same_or_a_lookalike_name_on_signatures(name):
    """Found by an attacker: an administrator made a second account printing a real reviewer's name and credentials."""
    from django.core.exceptions import ValidationError

    from guide_cms.core.services import staff_profile_update

    admin = make_user(None, username="root", is_superuser=True)
    staff_profile_update(actor=admin, user=make_user(Role.REVIEWER, ("en",), username="ruiz"), printed_name="Dr Elena Ruiz", credentials="MD")
    copy = make_user(Role.REVIEWER, ("en",), username="eruiz")
    with pytest.raises(ValidationError, match="Another account prints this name"):
        staff_profile_update(actor=admin, user=copy, printed_name=name, credentials="MD, PharmD")


def test_a_name_stays_its_persons_when_they_are_deactivated_or_renamed():
    """Found by an attacker: the real reviewer deactivated, a copy created, the reviewer reactivated; or a reviewer
    renamed and their old name taken by a new account."""
    from django.core.exceptions import ValidationError

    from guide_cms.core.services import account_update, staff_profile_update

    admin = make_user(None, username="root", is_superuser=True)
    ruiz = make_user(Role.REVIEWER, ("en",), username="ruiz")
    staff_profile_update(actor=admin, user=ruiz, printed_name="Dr Elena Ruiz", credentials="MD")
    account_update(actor=admin, user=ruiz, values={"is_active": False})
    with pytest.raises(ValidationError, match="Another account prints this name"):
        staff_profile_update(actor=admin, user=make_user(Role.REVIEWER, ("en",), username="copy"), printed_name="Dr Elena Ruiz", credentials="MD")
    staff_profile_update(actor=admin, user=ruiz, printed_name="Dr Elena Ruiz Gómez", credentials="MD")
    with pytest.raises(ValidationError, match="printed it before"):
        staff_profile_update(actor=admin, user=make_user(Role.REVIEWER, ("en",), username="copy2"), printed_name="Dr Elena Ruiz", credentials="MD")
    staff_profile_update(actor=admin, user=make_user(Role.REVIEWER, ("en",), username="lima"), printed_name="Dr Ana Lima", credentials="MD")


def test_a_link_is_not_sent_to_an_account_without_an_address_and_the_page_says_why(admin_client, mailoutbox):
    user = make_user(Role.REVIEWER, ("en",), username="no_mail", email="")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = admin_client.post(url, {"send-link": "1"}, follow=True)
    assert "o_mail has no e-mail address on record" in response.content.decode()  # the admin capitalises messages
    assert mailoutbox == [] and not events("account.password.link")
