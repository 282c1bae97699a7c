"""Who is told about waiting work, how, and what was sent."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.core.languages import language_choices


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("an email for each notification, at once")
    DIGEST = "digest", _("one email a day listing them (daily digest)")
    NONE = "none", _("no email (see them in the admin)")


class NotificationPreference(models.Model):
    """How one person wants to be told, and in which language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference", verbose_name=_("user")
    )
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    language = models.CharField(
        _("language of the emails"), max_length=15, choices=language_choices, default=settings.SOURCE_LANGUAGE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.get_delivery_display()}"


class Kind(models.TextChoices):
    REVIEW_WAITING = "review_waiting", _("a version waits for your review")
    TRANSLATION_OUTDATED = "translation_outdated", _("a source change made your translation outdated")
    READY_TO_PUBLISH = "ready_to_publish", _("a version was approved and can be published")
    CHANGES_REQUESTED = "changes_requested", _("a reviewer requested changes to your text")


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class Notification(models.Model):
    """One thing one person must know, written when the event happened (in the same transaction)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What the message is about, for rendering in the recipient's language: guide, language, version, comment…
    context = models.JSONField(_("context"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    event_id = models.BigIntegerField(_("audit event"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "sent_at"], name="notification_unsent_by_user")]

    def __str__(self):
        return f"{self.recipient}: {self.get_kind_display()}"
