"""Writes to accounts that the audit trail must see."""
from django.db import transaction

from .audit import audit_append
from .permissions import forget_grants


def role_summary(user) -> dict:
    """A user's groups and language assignments, as the audit trail records them."""
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "languages": sorted(f"{role}:{language}" for role, language in user.language_assignments.values_list("role", "language")),
    }


@transaction.atomic
def record_role_change(*, actor, user, before: dict) -> bool:
    """Append a roles.change event if user's roles differ from before; return whether they did."""
    after = role_summary(user)
    forget_grants(user)
    if after == before:
        return False
    audit_append(actor=actor, action="roles.change", obj=user, data={"old": before, "new": after})
    return True
