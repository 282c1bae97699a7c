"""Accounts' roles re-derived from the sealed audit trail (roles.change events), and compared with the rows.

A role is a group membership, a direct permission or a language assignment
(core.services.role_summary); every change made through the application
appends a keyed roles.change event in the same transaction. A membership
inserted by SQL (a publisher added to the reviewers' group, a reviewer
account made from nothing) or a role group renamed behind the application's
back therefore differs from the trail. Used by verify_integrity and signing.
"""
from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model

from .audit import SealedHistory
from .models import USER_OBJECT, AuditEvent, LanguageAssignment

EMPTY = {"groups": [], "permissions": [], "languages": []}


def role_records(user_ids=None, history: SealedHistory | None = None) -> tuple[dict[int, dict], list[str]]:
    """({user id: roles as the last sealed roles.change event says}, problems: events whose seal does not verify)."""
    history = history or SealedHistory()
    events = AuditEvent.objects.filter(object_type=USER_OBJECT, action="roles.change").order_by("id")
    if user_ids is not None:
        events = events.filter(object_id__in=[str(pk) for pk in user_ids])
    records, problems = {}, []
    for event in events:
        if not history.is_sealed(event):
            problems.append(f"audit event {event.id} (roles.change) does not verify, so account {event.object_id}'s roles cannot be trusted")
            continue
        records[int(event.object_id)] = (event.data or {}).get("new", EMPTY)
    return records, problems


def current_roles(user_ids=None) -> dict[int, dict]:
    """{user id: its roles as the rows hold them} in three queries (core.services.role_summary's shape)."""
    user_model = get_user_model()
    roles: dict[int, dict] = defaultdict(lambda: {"groups": [], "permissions": [], "languages": []})
    memberships = user_model.groups.through.objects.select_related("group")
    permissions = user_model.user_permissions.through.objects.select_related("permission__content_type")
    assignments = LanguageAssignment.objects.all()
    if user_ids is not None:
        memberships, permissions, assignments = (q.filter(user_id__in=list(user_ids)) for q in (memberships, permissions, assignments))
    for row in memberships:
        roles[row.user_id]["groups"].append(row.group.name)
    for row in permissions:
        roles[row.user_id]["permissions"].append(f"{row.permission.content_type.app_label}.{row.permission.codename}")
    for row in assignments:
        roles[row.user_id]["languages"].append(f"{row.role}:{row.language}")
    return {pk: {name: sorted(values) for name, values in summary.items()} for pk, summary in roles.items()}


def role_problems(user_ids=None, history: SealedHistory | None = None) -> list[str]:
    """How accounts' roles differ from the sealed trail ([] when they agree): one line per account, naming it."""
    records, problems = role_records(user_ids, history)
    current = current_roles(user_ids)
    names = dict(get_user_model().objects.filter(pk__in=set(records) | set(current)).values_list("pk", "username"))
    for pk in sorted(set(records) | set(current)):
        now, sealed = current.get(pk, EMPTY), records.get(pk, EMPTY)
        if now != sealed and pk in names:
            problems.append(
                f"account {names[pk]} (id {pk}): its roles are {now}, but the sealed audit trail says {sealed} "
                "(changed behind the application's back)"
            )
    return problems


def _identity_records(user_ids, history: SealedHistory) -> dict[int, dict]:
    """{user id: {fact: value}} of the identity facts the sealed trail last recorded: "email", "printed_name",
    "credentials", "second_factor" (SHA-256 of the authenticator app's key, or "" once removed). A fact never
    recorded (an account made before it was) is left out, so it is not compared."""
    flags = {"account.superuser.grant": ("is_superuser", True), "account.superuser.revoke": ("is_superuser", False),
             "account.staff.grant": ("is_staff", True), "account.staff.revoke": ("is_staff", False),
             "account.activate": ("is_active", True), "account.deactivate": ("is_active", False)}
    actions = ["account.create", "account.change", "account.profile", "account.second_factor.set", "account.second_factor.remove", *flags]
    events = AuditEvent.objects.filter(object_type=USER_OBJECT, action__in=actions).order_by("id")
    if user_ids is not None:
        events = events.filter(object_id__in=[str(pk) for pk in user_ids])
    records: dict[int, dict] = defaultdict(dict)
    for event in events:
        if not history.is_sealed(event):
            continue  # role_records names events that do not verify
        data, record = event.data or {}, records[int(event.object_id)]
        if event.action == "account.create" and "email" in data:  # recorded since accounts' identity is sealed
            record.update(email=data["email"], username=data.get("user", ""))
            record.update({name: bool(data[name]) for name in ("is_superuser", "is_staff", "is_active") if name in data})
        elif event.action in flags:
            name, value = flags[event.action]
            record[name] = value
        elif event.action in ("account.change", "account.profile"):
            for name, change in (data.get("fields") or {}).items():
                if name in ("email", "printed_name", "credentials", "username") and isinstance(change, dict):
                    record[name] = change.get("new", "")
        elif event.action == "account.second_factor.set":
            record["second_factor"] = data.get("key_sha256", "")
        elif event.action == "account.second_factor.remove":
            record["second_factor"] = ""
    return records


def device_fingerprint(device) -> str:
    """SHA-256 of what decides which codes a TOTP device accepts (its key, step, start, digits and tolerance),
    never the key itself: sealed when its owner sets it up (core.second_factor)."""
    import hashlib

    return hashlib.sha256(f"{device.key}:{device.step}:{device.t0}:{device.digits}:{device.tolerance}".encode()).hexdigest()


def identity_problems(user_ids=None, history: SealedHistory | None = None) -> list[str]:
    """How accounts' username, flags (superuser, staff, active), address on record, printed name, credentials and
    authenticator app differ from the sealed
    trail ([] when they agree): changed behind the application's back, they would let a link reach someone else,
    print another name on a signature, or accept another person's codes. One line per fact, naming the account."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import StaffProfile

    records = _identity_records(user_ids, history or SealedHistory())
    users = get_user_model().objects.all() if user_ids is None else get_user_model().objects.filter(pk__in=list(user_ids))
    profiles = {p.user_id: p for p in StaffProfile.objects.filter(user_id__in=[u.pk for u in users])}
    devices: dict[int, str] = {}
    for device in TOTPDevice.objects.filter(user_id__in=[u.pk for u in users], confirmed=True):
        # Two confirmed apps for one account: never set up through the application, which keeps one.
        devices[device.user_id] = "several" if device.user_id in devices else device_fingerprint(device)
    problems = []
    for user in users:
        record = records.get(user.pk, {})
        profile = profiles.get(user.pk)
        now = {"email": user.email, "printed_name": profile.printed_name if profile else "",
               "credentials": profile.credentials if profile else "", "second_factor": devices.get(user.pk, ""),
               "username": user.username, "is_superuser": user.is_superuser, "is_staff": user.is_staff, "is_active": user.is_active}
        if "second_factor" not in record and now["second_factor"]:
            record = {**record, "second_factor": ""}  # an app no event set up
        for fact, sealed in record.items():
            if now[fact] != sealed:
                label = {"email": "address on record", "printed_name": "printed name", "credentials": "credentials",
                         "second_factor": "authenticator app", "username": "username", "is_superuser": "superuser status",
                         "is_staff": "staff status", "is_active": "active status"}[fact]
                problems.append(f"account {user.username} (id {user.pk}): its {label} differs from the sealed audit trail "
                                "(changed behind the application's back)")
    return problems
