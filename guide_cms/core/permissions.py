"""Who may do what: the one place the admin, views, commands and services ask.

Every check reads the user's groups and language assignments, loaded once per
user object (two queries) and cached on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .languages import UnknownLanguage, get_language, source_language
from .roles import GROUP_ROLES, Role

_CACHE_ATTR = "_guide_cms_grants"


@dataclass(frozen=True)
class Grants:
    roles: frozenset[Role] = frozenset()
    languages: dict[Role, frozenset[str]] = field(default_factory=dict)


class CommandLineOperator:
    """Whoever runs a management command without --user: trusted with shell
    access, so they may import source text as an editor, and nothing more."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    username = "command-line"

    def __str__(self):
        return _("command line")


COMMAND_LINE = CommandLineOperator()


def grants(user) -> Grants:
    """The roles and per-language assignments of user (cached on the object)."""
    if user is COMMAND_LINE:
        return Grants(roles=frozenset({Role.EDITOR}))
    if user is None or not user.is_authenticated or not user.is_active:
        return Grants()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import LanguageAssignment

    roles = frozenset(GROUP_ROLES[name] for name in user.groups.values_list("name", flat=True) if name in GROUP_ROLES)
    languages: dict[Role, set[str]] = {}
    for role, language in LanguageAssignment.objects.filter(user=user).values_list("role", "language"):
        languages.setdefault(Role(role), set()).add(language)
    result = Grants(roles=roles, languages={r: frozenset(v) for r, v in languages.items() if r in roles})
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_grants(user) -> None:
    """Drop the caches after the user's groups or assignments change (also review's check of them against the trail)."""
    for attribute in (_CACHE_ATTR, "_roles_as_sealed"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def has_role(user, role: Role) -> bool:
    return role in grants(user).roles


def assigned_languages(user, role: Role) -> frozenset[str]:
    return grants(user).languages.get(role, frozenset())


def can_view_content(user) -> bool:
    """Staff with any role (or a superuser, who manages accounts) may read drafts."""
    return bool(grants(user).roles) or bool(getattr(user, "is_superuser", False) and user.is_active)


def can_manage_accounts(user) -> bool:
    """Accounts, roles and language assignments are managed by active superusers only (never by a model permission)."""
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def can_manage_guides(user) -> bool:
    """Create guides, change their settings, add, reorder and remove sections."""
    return has_role(user, Role.EDITOR)


def editable_languages(user, guide=None) -> frozenset[str]:
    """Languages whose draft text user may edit in guide.

    Editors write the source language; translators their assigned target
    languages, never the source.
    """
    source = guide.source_language if guide is not None else source_language().code
    languages = set()
    if has_role(user, Role.EDITOR):
        languages.add(source)
    languages |= assigned_languages(user, Role.TRANSLATOR) - {source}
    return frozenset(languages)


def can_edit_language(user, language: str, guide=None) -> bool:
    return language in editable_languages(user, guide)


def require_edit_language(user, language: str, guide=None) -> None:
    if not can_edit_language(user, language, guide):
        name = get_language(language).display_name
        raise PermissionDenied(_("You may not edit the %(language)s text.") % {"language": name})


def require_manage_guides(user) -> None:
    if not can_manage_guides(user):
        raise PermissionDenied(_("Only editors may create guides or change their structure."))


def visible_languages(user, guide=None) -> frozenset[str]:
    """Languages whose drafts user sees: the source, plus their own languages;
    publishers and account managers see all."""
    from .languages import all_languages

    if has_role(user, Role.PUBLISHER) or getattr(user, "is_superuser", False):
        return frozenset(lang.code for lang in all_languages())
    source = guide.source_language if guide is not None else source_language().code
    return frozenset({source}) | editable_languages(user, guide) | assigned_languages(user, Role.REVIEWER)


def can_review(user, language: str) -> bool:
    """Clinical reviewers sign versions in the languages assigned to them."""
    return language in assigned_languages(user, Role.REVIEWER)


def can_publish(user) -> bool:
    return has_role(user, Role.PUBLISHER)


def glossary_languages(user) -> frozenset[str]:
    """Clinical reviewers keep the glossary (which decides a blocking check) of their languages."""
    return assigned_languages(user, Role.REVIEWER)


def require_edit_glossary(user, language: str) -> None:
    if language not in glossary_languages(user):
        try:
            name = get_language(language).display_name
        except UnknownLanguage:
            name = language
        raise PermissionDenied(_("Only the clinical reviewers of %(language)s keep its glossary.") % {"language": name})


# --- reading history: versions, signatures, publications, audit events ---------------


def history_languages(user) -> frozenset[str] | None:
    """Languages whose versions, signatures, publications and audit events user may read.

    None means every language and every event (publishers, superusers).
    Translators and reviewers read their assigned languages only, editors
    the source language; events about no language (account changes, guide
    structure, exports, refusals) are for publishers and superusers.
    """
    if has_role(user, Role.PUBLISHER) or (getattr(user, "is_superuser", False) and user.is_active):
        return None
    languages = set(assigned_languages(user, Role.TRANSLATOR) | assigned_languages(user, Role.REVIEWER))
    if has_role(user, Role.EDITOR):
        languages.add(source_language().code)
    return frozenset(languages)


def can_read_history(user, language: str) -> bool:
    languages = history_languages(user)
    return languages is None or language in languages


def require_read_history(user, language: str) -> None:
    if not can_read_history(user, language):
        name = get_language(language).display_name
        raise PermissionDenied(_("You may not read the %(language)s versions, signatures or history.") % {"language": name})


def readable_history(user, queryset, language_field: str = "language"):
    """queryset of versions, signatures or publications narrowed to what user may read."""
    languages = history_languages(user)
    if languages is None:
        return queryset
    return queryset.filter(**{f"{language_field}__in": languages})


def readable_audit_events(user, queryset):
    """queryset of audit events narrowed to those of the languages user may read."""
    languages = history_languages(user)
    if languages is None:
        return queryset
    # Scopes that concern one language end with it: "guide:<id>:es", "glossary:es".
    in_scope = Q(pk__in=[])
    for code in languages:
        in_scope |= Q(scope__endswith=f":{code}")
    return queryset.filter(in_scope)
