"""Guides and their sections. Title, summary and body are translation fields
(see translation.py): each row holds the working draft in every language."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.core.languages import language_choices

MAX_REVIEW_INTERVAL_MONTHS = 36
# Translation files name guide-level units "guide.title"; a section may not take that key.
RESERVED_SECTION_KEYS = frozenset({"guide"})


def add_months(day: datetime.date, months: int) -> datetime.date:
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
    # A new slug for a guide with an approved version: its addresses are signed content, so the new one is
    # frozen into the next versions and takes effect when one of them is approved (guides.services).
    slug_requested = models.SlugField(
        _("new slug, awaiting approval"), max_length=80, blank=True, default="", editable=False,
        help_text=_("Takes effect when a version carrying it is approved; the old addresses then redirect to it."),
    )
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
        return add_months(self.last_approved_on, self.review_interval_months)


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

    def clean(self):
        if self.key in RESERVED_SECTION_KEYS:
            raise ValidationError({"key": _("'%(key)s' is reserved; choose another key.") % {"key": self.key}}, code="reserved_key")


def sections_by_guide(guide_ids) -> dict[int, list[Section]]:
    """{guide id: its draft sections by position}, in one query (a guide without sections: an empty list)."""
    from collections import defaultdict

    found: dict[int, list[Section]] = defaultdict(list)
    for section in Section.objects.filter(guide_id__in=list(guide_ids)).order_by("guide_id", "position", "id"):
        found[section.guide_id].append(section)
    return found


class VersionStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("in review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    APPROVED = "approved", _("approved")
    SUPERSEDED = "superseded", _("superseded by a newer submission")


class ChangeClass(models.TextChoices):
    """How a new source version changes the text, chosen by its author."""

    EDITORIAL = "editorial", _("editorial (wording only; translations stay current)")
    CLINICAL = "clinical", _("clinical (translations become outdated)")
    SAFETY = "safety", _("safety (translations are outdated and withdrawn until updated)")


class VersionQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(status=VersionStatus.IN_REVIEW)

    def approved(self):
        return self.filter(status=VersionStatus.APPROVED)

    def for_language(self, guide, language: str):
        return self.filter(guide=guide, language=language)


class Version(models.Model):
    """The frozen text of a guide in one language, as submitted for review.

    The snapshot and its content hash never change after creation; only the
    review status moves (guide_cms.review.services).
    """

    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="versions", verbose_name=_("guide"))
    language = models.CharField(_("language"), max_length=15, choices=language_choices)
    number = models.PositiveIntegerField(_("number"))
    snapshot = models.JSONField(_("snapshot"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("author")
    )
    author_label = models.CharField(_("author"), max_length=150)
    # Everyone who edited this language's drafts since the previous version:
    # none of them may sign this one.
    contributor_ids = models.JSONField(_("contributors"), default=list)
    created_at = models.DateTimeField(_("submitted"))
    source_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="translations", verbose_name=_("source version")
    )
    change_class = models.CharField(_("change class"), max_length=12, choices=ChangeClass.choices, blank=True)
    # How many approving signatures from different reviewers this version
    # needs, fixed when it is submitted: switching the guide's safety-critical
    # flag later never changes what a version in review needs.
    approvals_required = models.PositiveSmallIntegerField(_("approvals required"))
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.IN_REVIEW)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The translation quality findings at submission, shown to the reviewer.
    qa_findings = models.JSONField(_("quality findings"), default=list, blank=True)
    # A translation's sentences at submission: segment id -> {"state", "score", "origin"} (which came from memory).
    segment_states = models.JSONField(_("segment states"), default=dict, blank=True)

    objects = VersionQuerySet.as_manager()

    # Its large JSON fields (text, findings, segment states, contributors): for .defer() on pages and
    # plans that need a version's numbers and hashes only (heavy_fields).
    HEAVY_FIELDS = ("snapshot", "qa_findings", "segment_states", "contributor_ids")

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["guide_id", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "language", "number"], name="version_number_unique_per_language"),
            models.UniqueConstraint(
                fields=["guide", "language"],
                condition=models.Q(status="in_review"),
                name="one_open_review_per_guide_language",
            ),
            models.CheckConstraint(condition=models.Q(approvals_required__gte=1), name="version_needs_at_least_one_approval"),
        ]

    def __str__(self):
        """As people read it: the guide's title and the language's name, in the interface language."""
        from django.utils.translation import gettext

        from guide_cms.core.languages import UnknownLanguage, get_language

        try:
            language = get_language(self.language).display_name
        except UnknownLanguage:
            language = self.language
        return gettext("%(guide)s (%(language)s, v%(number)d)") % {"guide": self.guide, "language": language, "number": self.number}

    # Only the review status may move once a version exists; the text it froze may not.
    MUTABLE_FIELDS = frozenset({"status", "decided_at"})

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or set(update_fields) - self.MUTABLE_FIELDS):
            raise PermissionError("A version's content is frozen; only its review status changes (save with update_fields).")
        super().save(*args, **kwargs)

    @classmethod
    def heavy_fields(cls, prefix: str = "") -> list[str]:
        """HEAVY_FIELDS as lookups: prefix "" for versions, "version__" through a relation."""
        return [f"{prefix}{name}" for name in cls.HEAVY_FIELDS]

    @property
    def code(self) -> str:
        """The technical name, for logs and files: "muscle-relaxants [es] v2"."""
        return f"{self.guide.slug} [{self.language}] v{self.number}"

    @property
    def is_source(self) -> bool:
        return self.language == self.guide.source_language
