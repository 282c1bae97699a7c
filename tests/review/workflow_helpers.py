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

    from guide_cms.core.models import LanguageAssignment
    from guide_cms.core.permissions import forget_grants
    from guide_cms.core.roles import ROLE_GROUPS

    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[role])[0])
    for language in languages:
        LanguageAssignment.objects.create(user=user, role=role.value, language=language)
    forget_grants(user)
    return user
