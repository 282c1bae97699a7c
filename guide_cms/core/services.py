"""Writes to accounts that the audit trail must see.

Every account change an administrator can make (creating a user, setting a
password, superuser, staff and active flags, names, groups and language
assignments, printed name and credentials) goes through one function here
that writes it and appends its audit event in one transaction. Passwords
never reach the trail, only who set whose.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils import timezone

from .audit import audit_append
from .models import OwnerPassword, StaffProfile
from .passwords import fingerprint, fingerprint_matches
from .permissions import forget_grants

# Flags whose change is an event of its own: (field) -> (action when set, action when cleared).
ACCOUNT_FLAGS = {
    "is_superuser": ("account.superuser.grant", "account.superuser.revoke"),
    "is_staff": ("account.staff.grant", "account.staff.revoke"),
    "is_active": ("account.activate", "account.deactivate"),
}
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", *ACCOUNT_FLAGS)
_OWNER_CACHE = "_guide_cms_password_is_owners"


# --- roles --------------------------------------------------------------------------


def role_summary(user) -> dict:
    """A user's groups, direct permissions and language assignments, as the audit trail records them."""
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(f"{app}.{codename}" for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")),
        "languages": sorted(f"{role}:{language}" for role, language in user.language_assignments.values_list("role", "language")),
    }


@transaction.atomic
def record_role_change(*, actor, user, before: dict) -> bool:
    """Append a roles.change event if user's roles differ from before; return whether they did."""
    after = role_summary(user)
    forget_grants(user)
    if after == before:
        return False
    audit_append(actor=actor, action="roles.change", obj=user, data={"user": user.get_username(), "old": before, "new": after})
    return True


@transaction.atomic
def account_set_roles(*, actor, user, groups=None, permissions=None, languages=None) -> bool:
    """Set user's groups, direct permissions and (role, language) assignments; None leaves one as it is.

    One roles.change event records the old and new roles; returns whether anything changed.
    """
    from .models import LanguageAssignment

    before = role_summary(user)
    if groups is not None:
        user.groups.set(groups)
    if permissions is not None:
        user.user_permissions.set(permissions)
    if languages is not None:
        wanted = set(languages)
        existing = set(LanguageAssignment.objects.filter(user=user).values_list("role", "language"))
        for role, language in existing - wanted:
            LanguageAssignment.objects.filter(user=user, role=role, language=language).delete()
        for role, language in sorted(wanted - existing):
            assignment = LanguageAssignment(user=user, role=role, language=language)
            assignment.full_clean()
            assignment.save()
    return record_role_change(actor=actor, user=user, before=before)


# --- accounts -----------------------------------------------------------------------


class RoleGroupFixed(PermissionError):
    """A role's group keeps its name and stays: roles are read from group names (core.roles)."""


@transaction.atomic
def group_save(*, actor, group, name: str, permissions) -> None:
    """Create or change a group (name, permissions), audited ("group.create", "group.change").

    Raises RoleGroupFixed for renaming a role's group (that would take the role from every member) or naming
    another group after a role (that would grant it to every member).
    """
    from django.contrib.auth.models import Group

    from .roles import GROUP_ROLES

    old_name = Group.objects.filter(pk=group.pk).values_list("name", flat=True).first() if group.pk else None
    if old_name in GROUP_ROLES and name != old_name:
        raise RoleGroupFixed(_("'%(name)s' carries a role: it cannot be renamed.") % {"name": old_name})
    if name in GROUP_ROLES and name != old_name:
        raise RoleGroupFixed(_("'%(name)s' is the name of a role's group: choose another name.") % {"name": name})
    old_permissions = sorted(group.permissions.values_list("codename", flat=True)) if group.pk else []
    group.name = name
    group.save()
    group.permissions.set(permissions)
    new_permissions = sorted(group.permissions.values_list("codename", flat=True))
    if old_name is None:
        audit_append(actor=actor, action="group.create", obj=group, data={"name": name, "permissions": new_permissions})
    elif (old_name, old_permissions) != (name, new_permissions):
        audit_append(actor=actor, action="group.change", obj=group, data={
            "name": {"old": old_name, "new": name}, "permissions": {"old": old_permissions, "new": new_permissions}})


@transaction.atomic
def group_delete(*, actor, group) -> None:
    """Delete a group that carries no role, audited; RoleGroupFixed for a role's group."""
    from .roles import GROUP_ROLES

    if group.name in GROUP_ROLES:
        raise RoleGroupFixed(_("'%(name)s' carries a role: it cannot be deleted.") % {"name": group.name})
    audit_append(actor=actor, action="group.delete", obj=group, data={"name": group.name})
    group.delete()


def _audit_account(actor, user, action: str, **data) -> None:
    audit_append(actor=actor, action=action, obj=user, data={"user": user.get_username(), **data})


@transaction.atomic
def account_create(*, actor, username: str, password: str | None, **fields):
    """Create an account. password=None leaves it without a usable password.

    A password set here was chosen by the administrator, so it cannot sign
    until the user has changed it (see password_is_owners).
    """
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    user = get_user_model()(username=username, **fields)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    _audit_account(actor, user, "account.create", email=user.email, **{name: getattr(user, name) for name in ACCOUNT_FLAGS})
    _audit_account(actor, user, "account.password.set", by_owner=False, usable=password is not None)
    return user


@transaction.atomic
def account_update(*, actor, user, values: dict) -> list[str]:
    """Change an account's username, names, e-mail or flags; return the fields changed.

    Granting or revoking superuser or staff, and activating or deactivating,
    are events of their own; other fields are one account.change event.
    """
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if not changed:
        return []
    old = {name: getattr(locked, name) for name in changed}
    for name in changed:
        setattr(locked, name, values[name])
    locked.full_clean(exclude=["password", "last_login", "date_joined"])
    locked.save(update_fields=changed)
    for name in changed:
        if name in ACCOUNT_FLAGS:
            granted, revoked = ACCOUNT_FLAGS[name]
            _audit_account(actor, locked, granted if values[name] else revoked)
    plain = {name: {"old": old[name], "new": values[name]} for name in changed if name not in ACCOUNT_FLAGS}
    if plain:
        _audit_account(actor, locked, "account.change", fields=plain)
    for name in changed:
        setattr(user, name, values[name])
    forget_grants(user)
    user.__dict__.pop("_address_hold", None)  # core.credentials reads it again
    return changed


@transaction.atomic
def account_set_password(*, actor, user, password: str | None, owner_chosen: bool | None = None, via_link: bool = False) -> None:
    """Set user's password (None: disable password login), recording who set it.

    Only a password its owner set can sign (core.credentials): the user themself through a one-time link
    sent to their address (via_link), or the user changing a password that was already theirs. A password
    someone else set stays someone else's when "changed" with it. owner_chosen=True is for the demo loader,
    whose accounts' password is published as theirs.
    """
    is_user = getattr(actor, "pk", None) is not None and actor.pk == user.pk
    by_owner = owner_chosen if owner_chosen is not None else is_user and (via_link or password_is_owners(user))
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    if password is None:
        locked.set_unusable_password()
    else:
        locked.set_password(password)
    locked.save(update_fields=["password"])
    user.password = locked.password
    if by_owner and password is not None:
        owner_password_record(locked)
    else:
        OwnerPassword.objects.filter(user_id=user.pk).delete()
    _forget_owner(user)
    data = {"by_owner": by_owner, "usable": password is not None}
    if via_link:
        data["via_link"] = True
    _audit_account(actor, locked, "account.password.set", **data)


@transaction.atomic
def account_confirm_address(*, user) -> None:
    """The owner confirms the address on record (after someone else changed it); only with their own password."""
    from .credentials import ADDRESS_CONFIRM

    if not password_is_owners(user):
        raise PermissionError("only with a password its owner set")
    _audit_account(user, user, ADDRESS_CONFIRM, email=user.email)
    user.__dict__.pop("_address_hold", None)


@transaction.atomic
def account_delete(*, actor, user) -> None:
    """Delete an account. One that acted stays: its audit events protect it (deactivate it instead)."""
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    _audit_account(actor, locked, "account.delete")
    locked.delete()


@transaction.atomic
def staff_profile_update(*, actor, user, printed_name: str, credentials: str) -> list[str]:
    """Set the printed name and credentials signatures carry; return the fields changed."""
    profile = StaffProfile.objects.select_for_update().filter(user=user).first()
    values = {"printed_name": printed_name.strip(), "credentials": credentials.strip()}
    if profile is None:
        profile = StaffProfile(user=user, **values)
        profile.full_clean(exclude=["user"])
        profile.save()
        _audit_account(actor, user, "account.profile", fields={name: {"old": "", "new": value} for name, value in values.items()})
        return list(values)
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    if changed:
        old = {name: getattr(profile, name) for name in changed}
        for name in changed:
            setattr(profile, name, values[name])
        profile.full_clean(exclude=["user"])
        profile.save(update_fields=changed)
        _audit_account(actor, user, "account.profile", fields={name: {"old": old[name], "new": values[name]} for name in changed})
    return changed


# --- a password its owner chose ----------------------------------------------------------


def owner_password_record(user) -> None:
    """Remember user's current password hash as one the user chose (callers audit the change)."""
    OwnerPassword.objects.update_or_create(user_id=user.pk, defaults={"fingerprint": fingerprint(user, user.password), "set_at": timezone.now()})
    _forget_owner(user)


def owner_password_rehashed(user, previous_hash: str) -> None:
    """Django re-hashed user's password at login (a stronger hasher): the same password, still the owner's if it was."""
    record = OwnerPassword.objects.filter(user_id=user.pk).first()
    if record is not None and fingerprint_matches(user, previous_hash, record.fingerprint):
        owner_password_record(user)


def password_is_owners(user) -> bool:
    """Whether user's current password is one the user set themself (cached on the object)."""
    cached = getattr(user, _OWNER_CACHE, None)
    if cached is not None:
        return cached
    current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
    record = OwnerPassword.objects.filter(user_id=user.pk).values_list("fingerprint", flat=True).first()
    result = bool(current and record and fingerprint_matches(user, current, record))
    setattr(user, _OWNER_CACHE, result)
    return result


def _forget_owner(user) -> None:
    if hasattr(user, _OWNER_CACHE):
        delattr(user, _OWNER_CACHE)
