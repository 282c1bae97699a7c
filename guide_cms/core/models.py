from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .roles import PER_LANGUAGE_ROLES, Role


class LanguageAssignment(models.Model):
    """A user's role in one language (translators and clinical reviewers).

    The role itself comes from the user's group; the assignment says where it
    applies. An assignment without the group grants nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="language_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=[(r.value, r.label) for r in PER_LANGUAGE_ROLES]
    )
    language = models.CharField(_("language"), max_length=15, choices=language_choices)

    class Meta:
        verbose_name = _("language assignment")
        verbose_name_plural = _("language assignments")
        ordering = ["user_id", "role", "language"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "language"], name="one_assignment_per_user_role_language"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in PER_LANGUAGE_ROLES]),
                name="assignment_role_is_per_language",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {Role(self.role).label} ({self.language})"


class StaffProfile(models.Model):
    """How a staff member is named on a signature and which interface language they read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    printed_name = models.CharField(
        _("printed name"), max_length=150, help_text=_("The name printed beside a signature, e.g. 'Dr Ana García'.")
    )
    credentials = models.CharField(
        _("credentials"), max_length=200, blank=True, help_text=_("Qualifications shown with a signature, e.g. 'MD, FRCP'.")
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return self.printed_name
