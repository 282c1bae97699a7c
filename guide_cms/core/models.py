from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .roles import PER_LANGUAGE_ROLES, Role

USER_OBJECT = "auth.user"  # the object_type of audit events about an account


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

    def _printed_name_clash(self) -> str:
        """The name of another account (any, deactivated included; now or in the sealed trail) that reads as this one."""
        from .unicode_data import names_clash

        return next((name for name in printed_names_of_others(self.user_id) if names_clash(name, self.printed_name)), "")

    def clean(self):
        """A printed name and credentials are one line of plain text that prints as stored (no line break, no
        invisible or direction character, no emoji): a signature must never print as another name."""
        from django.core.exceptions import ValidationError

        from .unicode_data import plain_line_problems

        errors = {}
        for name in ("printed_name", "credentials"):
            problems = plain_line_problems(getattr(self, name) or "")
            if problems:
                errors[name] = _("Only letters, numbers, punctuation and spaces, on one line: remove %(chars)s.") % {
                    "chars": ", ".join(problems)}
        if not errors and self.printed_name and (clash := self._printed_name_clash()):
            errors["printed_name"] = _("Another account prints this name, printed it before, or prints one that reads the "
                                       "same (%(name)s) on its signatures: a signature must name one person.") % {"name": clash}
        if errors:
            raise ValidationError(errors)


def printed_names_of_others(user_id) -> set[str]:
    """Every printed name an account other than user_id has, or had (the profile events' old and new values):
    a name once printed on a signature stays that person's. Here, below core.account_records and core.audit,
    for StaffProfile.clean()."""
    names = set(StaffProfile.objects.exclude(user_id=user_id).values_list("printed_name", flat=True))
    events = AuditEvent.objects.filter(object_type=USER_OBJECT, action="account.profile").exclude(object_id=str(user_id))
    for data in events.values_list("data", flat=True):
        change = ((data or {}).get("fields") or {}).get("printed_name")
        if isinstance(change, dict):
            names.update(value for value in (change.get("old"), change.get("new")) if value)
    return {name for name in names if name}


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One action, appended by guide_cms.core.audit.audit_append and never changed."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    # What the event is about, for filtering: "guide:<pk>:<language>".
    scope = models.CharField(_("scope"), max_length=80, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time (UTC)"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        constraints = [
            # A chain, not a tree: no two events follow the same one.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_chain_is_linear"),
        ]
        indexes = [
            models.Index(fields=["actor", "action", "created_at"], name="audit_actor_action_time"),
            # The events about one object: a version's sealed facts (review.records).
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        # The admin's title and breadcrumb: the action and "system" in the interface language.
        from .audit_display import action_label, actor_name

        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {actor_name(self.actor_label, self.actor_id)} {action_label(self.action, self.data)}"

    def save(self, *args, **kwargs):
        raise PermissionError("Audit events are appended with audit_append() and never saved again.")

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The newest event's hash and the number of events: deleting the tail shows."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
    # {export folder: {"sequence": n, "digest": hex}}: the newest checkpoint written there, so that
    # deleting checkpoint files shows (core.audit.checkpoint_remember).
    checkpoints = models.JSONField(default=dict)
    seal = models.CharField(max_length=64, blank=True, default="")  # core.audit.head_seal

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"audit chain head: {self.count} events, last {self.last_hash[:12]}"


class OwnerPassword(models.Model):
    """A keyed fingerprint of a user's password hash as the user last set it themself.

    Signing compares it with the current hash (core.services.password_is_owners):
    a password set any other way (by an administrator, `manage.py
    changepassword`, a shell or SQL) cannot sign until its owner changes it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="owner_password", verbose_name=_("user")
    )
    fingerprint = models.CharField(_("fingerprint (HMAC-SHA256)"), max_length=64)
    set_at = models.DateTimeField(_("set (UTC)"))

    class Meta:
        verbose_name = _("password set by its owner")
        verbose_name_plural = _("passwords set by their owners")

    def __str__(self):
        return f"password set by its owner, user {self.user_id}"
