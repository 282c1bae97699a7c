"""The four roles of the product. Each is a Django group; two are per language."""
from django.db import models
from django.utils.translation import gettext_lazy as _


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

# Roles that act only in the languages assigned to the user.
PER_LANGUAGE_ROLES = (Role.TRANSLATOR, Role.REVIEWER)
