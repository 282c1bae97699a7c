"""Accounts' roles are sealed facts: a membership, an account or a role group changed by SQL is named by
verify_integrity, and the account it concerns cannot sign or publish until the trail and the rows agree."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from guide_cms.core.roles import ROLE_GROUPS, Role
from guide_cms.review.services import SignatureRefused, version_sign, version_submit
from tests import tamper
from tests.factories import PASSWORD, make_user
from tests.tamper import verify_integrity


def test_untouched_roles_verify(workflow):
    assert verify_integrity()[0] == 0


def test_a_publisher_added_to_the_reviewers_group_by_sql_is_named_and_cannot_sign(workflow):
    wf = workflow
    version = version_submit(guide=wf.guide, language="en", user=wf.editor)
    reviewers = Group.objects.get(name=ROLE_GROUPS[Role.REVIEWER])
    tamper.sql("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)", [wf.publisher.pk, reviewers.pk])
    tamper.sql("INSERT INTO core_languageassignment (user_id, role, language) VALUES (%s, %s, %s)", [wf.publisher.pk, "reviewer", "en"])
    code, output = verify_integrity()
    assert code == 1 and f"account {wf.publisher.username} (id {wf.publisher.pk}): its roles are" in output
    assert "changed behind the application's back" in output
    publisher = get_user_model().objects.get(pk=wf.publisher.pk)
    with pytest.raises(SignatureRefused, match="Your roles or your account's identity .* differ from the audit trail"):
        version_sign(version=version, signer=publisher, password=PASSWORD, decision="approve")
    assert not version.signatures.exists()


def test_a_reviewer_account_inserted_by_sql_is_named(workflow):
    user = get_user_model().objects.create_user("ghost", password=PASSWORD, is_staff=True)  # no roles: nothing to seal
    assert verify_integrity()[0] == 0
    tamper.sql("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
               [user.pk, Group.objects.get(name=ROLE_GROUPS[Role.REVIEWER]).pk])
    code, output = verify_integrity()
    assert code == 1 and "account ghost" in output


def test_role_groups_swapped_by_sql_are_named_and_the_publisher_cannot_publish(workflow):
    wf = workflow
    version = wf.approve("en")
    reviewers, publishers = (Group.objects.get(name=ROLE_GROUPS[role]) for role in (Role.REVIEWER, Role.PUBLISHER))
    tamper.sql("UPDATE auth_group SET name = %s WHERE id = %s", ["swap", reviewers.pk])
    tamper.sql("UPDATE auth_group SET name = %s WHERE id = %s", [ROLE_GROUPS[Role.REVIEWER], publishers.pk])
    tamper.sql("UPDATE auth_group SET name = %s WHERE id = %s", [ROLE_GROUPS[Role.PUBLISHER], reviewers.pk])
    code, output = verify_integrity()
    assert code == 1 and f"account {wf.publisher.username}" in output and f"account {wf.reviewer.username}" in output
    from guide_cms.core.permissions import forget_grants
    from guide_cms.publishing.services import publish_version

    reviewer = get_user_model().objects.get(pk=wf.reviewer.pk)  # now in the group named Publishers
    forget_grants(reviewer)
    with pytest.raises(PermissionDenied, match="Your roles differ from the audit trail"):
        publish_version(version=version, user=reviewer, channels=["site"])


def test_roles_given_through_the_audited_service_verify(workflow):
    make_user(Role.TRANSLATOR, ("ar",))
    assert verify_integrity()[0] == 0
