"""Which of the pages every admin page links to are a user's to use (core.permissions decides)."""
from django import template

from guide_cms.core import permissions
from guide_cms.core.roles import Role

register = template.Library()


@register.filter
def has_role(user, role: str) -> bool:
    """{% if user|has_role:"reviewer" %}: whether user holds the role (a superuser sees every page)."""
    return bool(getattr(user, "is_superuser", False)) or permissions.has_role(user, Role(role))
