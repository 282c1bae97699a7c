"""Which approved version is live, per guide, language and channel."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.core.languages import language_choices
from guide_cms.guides.models import Guide, Version


class PublicationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_live=True)


class Publication(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="publications", verbose_name=_("guide"))
    language = models.CharField(_("language"), max_length=15, choices=language_choices)
    channel = models.CharField(_("channel"), max_length=40)
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="publications", verbose_name=_("version"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"))
    is_live = models.BooleanField(_("live"), default=True)
    # Set when a safety change to the source withdrew this translation from the channels.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["guide_id", "language", "channel", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "language", "channel"], condition=models.Q(is_live=True), name="one_live_publication_per_channel"
            ),
        ]

    def __str__(self):
        return f"{self.version} on {self.channel}"
