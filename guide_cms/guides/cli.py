"""Argument lookups shared by the management commands, each a clear CommandError when wrong."""
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from guide_cms.core.languages import Language, UnknownLanguage, get_language

from .models import Guide


def guide_or_error(slug: str) -> Guide:
    guide = Guide.objects.filter(slug=slug).first()
    if guide is None:
        raise CommandError(f"No guide with slug {slug!r}.")
    return guide


def language_or_error(code: str) -> Language:
    try:
        return get_language(code)
    except UnknownLanguage as exc:
        raise CommandError(str(exc)) from None


def user_or_error(username: str, *, command: str):
    """The account a command acts as (--user), marked with the command's name: every audit event it causes
    says it came from the command line (core.audit.actor_label), and the review page shows it."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username!r}.")
    user.acting_from_command = command
    return user
