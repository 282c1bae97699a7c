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


class PublishJobState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    # A runner that died (its process gone, or no heartbeat): publishing.jobs.job_state shows it so; a queue
    # task handed out again after its worker died records it so.
    INTERRUPTED = "interrupted", _("interrupted")


class PublishJob(models.Model):
    """A publish of the versions selected together: one batch (publishing.services.publish_versions),
    run in the background (publishing.jobs), its progress and outcome shown on its page in the admin."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"))
    # The interface language of the request: the refusals and errors the runner records are in it.
    language = models.CharField(_("language"), max_length=15, blank=True)
    version_ids = models.JSONField(_("versions"), default=list)
    # [{"id": ..., "code": "baclofen [es] v2", "label": "Baclofen (Spanish, v2)"}], as they were when asked for.
    versions = models.JSONField(default=list)
    state = models.CharField(_("state"), max_length=12, choices=PublishJobState.choices, default=PublishJobState.QUEUED)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)  # the current step: "handouts es/baclofen"
    phase = models.CharField(max_length=20, blank=True)  # publishing.jobs.PHASES
    published = models.JSONField(default=list)  # the codes of the versions published
    refused = models.JSONField(default=list)  # [{"code", "label", "reason", "sections"}]
    failures = models.JSONField(default=list)  # other guides' entries the exports could not render (kept as they were)
    error = models.TextField(blank=True)  # why a failed job published nothing
    runner = models.CharField(max_length=200, blank=True)  # "host/pid" (thread) or "celery:<task id>"
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("publish job")
        verbose_name_plural = _("publish jobs")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"publish job {self.pk} ({self.state})"
