"""Shortcuts for tests that need versions in a given state, made through the services."""
from guide_cms.core.roles import Role
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD, make_user


def approve(version, *reviewers):
    for reviewer in reviewers:
        version_sign(version=version, signer=reviewer, password=PASSWORD, decision="approve")
    version.refresh_from_db()
    return version


def approved_source(guide, editor, reviewer=None):
    reviewer = reviewer or make_user(Role.REVIEWER, ("en", "es", "ar"))
    return approve(version_submit(guide=guide, language="en", user=editor), reviewer)


def also_in_role(user, role, languages=()):
    """Give user a second role (an editor who is also a reviewer, say)."""
    from django.contrib.auth.models import Group

    from guide_cms.core.permissions import forget_grants
    from guide_cms.core.roles import ROLE_GROUPS

    from guide_cms.core.services import account_set_roles

    # Through the audited service, as the admin does (roles are sealed facts).
    groups = [*user.groups.all(), Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]]
    assignments = [*user.language_assignments.values_list("role", "language"), *((role.value, language) for language in languages)]
    account_set_roles(actor=None, user=user, groups=groups, languages=assignments)
    forget_grants(user)
    return user
