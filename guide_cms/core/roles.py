"""The four roles of the product. Each is a Django group; two are per language."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    EDITOR = "editor", _("Editor")
    TRANSLATOR = "translator", _("Translator")
    REVIEWER = "reviewer", _("Clinical reviewer")
    PUBLISHER = "publisher", _("Publisher")


# The group that carries each role. Changing a name here needs a migration
# renaming the group (see core/migrations/0002_role_groups.py).
ROLE_GROUPS: dict[Role, str] = {
    Role.EDITOR: "Editors",
    Role.TRANSLATOR: "Translators",
    Role.REVIEWER: "Clinical reviewers",
    Role.PUBLISHER: "Publishers",
}
GROUP_ROLES = {name: role for role, name in ROLE_GROUPS.items()}

# The groups' names as the interface shows them. The database keeps the English names above (scripts and the
# sealed role records read them); CoreConfig.ready makes a Group print its name through this.
GROUP_LABELS = {
    ROLE_GROUPS[Role.EDITOR]: pgettext_lazy("role group", "Editors"),
    ROLE_GROUPS[Role.TRANSLATOR]: pgettext_lazy("role group", "Translators"),
    ROLE_GROUPS[Role.REVIEWER]: pgettext_lazy("role group", "Clinical reviewers"),
    ROLE_GROUPS[Role.PUBLISHER]: pgettext_lazy("role group", "Publishers"),
}


def group_label(name: str) -> str:
    """A group's name in the interface language: a role's group translated, any other group as it was named."""
    label = GROUP_LABELS.get(name)
    return str(label) if label is not None else name

# Roles that act only in the languages assigned to the user.
PER_LANGUAGE_ROLES = (Role.TRANSLATOR, Role.REVIEWER)
