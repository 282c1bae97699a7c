"""Guides and their sections. Title, summary and body are translation fields
(see translation.py): each row holds the working draft in every language."""
import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.core.languages import language_choices

MAX_REVIEW_INTERVAL_MONTHS = 36


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Clamp the 31st to the last day of a shorter month.
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Guide(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    source_language = models.CharField(
        _("source language"), max_length=15, choices=language_choices, default=settings.SOURCE_LANGUAGE, editable=False
    )
    safety_critical = models.BooleanField(
        _("safety-critical"),
        default=False,
        help_text=_("Safety-critical guides need two approving signatures from two different reviewers."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REVIEW_INTERVAL_MONTHS)],
        help_text=_("How often the guide must be clinically reviewed again (at most 36 months)."),
    )
    last_approved_on = models.DateField(_("last approval date"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_interval_months__gte=1, review_interval_months__lte=MAX_REVIEW_INTERVAL_MONTHS),
                name="guide_review_interval_at_most_3_years",
            ),
        ]

    def __str__(self):
        return self.title_en or self.slug

    @property
    def next_review_due(self) -> datetime.date | None:
        if self.last_approved_on is None:
            return None
        return _add_months(self.last_approved_on, self.review_interval_months)


class Section(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sections", verbose_name=_("guide"))
    key = models.SlugField(
        _("key"), max_length=80, help_text=_("Stable identifier of the section; translation files refer to it.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: paragraphs, *emphasis*, lists, links (http, https, mailto). "
            "Callouts: a line '> [!WARNING]' or '> [!TIP]' followed by '> text'."
        ),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["guide_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "key"], name="section_key_unique_in_guide"),
        ]

    def __str__(self):
        return self.title_en or self.key
