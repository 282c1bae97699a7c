from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.core.languages import language_choices


class GlossaryTermQuerySet(models.QuerySet):
    def for_language(self, language: str):
        return self.filter(language=language)


class GlossaryTerm(models.Model):
    """A term whose translation is fixed for one language (drug names, clinical terms)."""

    language = models.CharField(_("language"), max_length=15, choices=language_choices)
    term = models.CharField(_("source term"), max_length=120, help_text=_("As written in the source text, e.g. 'Diazepam'."))
    approved = models.CharField(
        _("approved translation"), max_length=120, blank=True,
        help_text=_("The form translations must use. Leave empty when the term must stay unchanged."),
    )
    do_not_translate = models.BooleanField(_("do not translate"), default=False, help_text=_("The term must appear exactly as in the source."))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["language", "term"]
        constraints = [
            models.UniqueConstraint(fields=["language", "term"], name="glossary_term_unique_per_language"),
            models.CheckConstraint(
                condition=models.Q(do_not_translate=True) | ~models.Q(approved=""), name="glossary_term_has_a_form"
            ),
        ]

    def __str__(self):
        return f"{self.term} → {self.expected_form} ({self.language})"

    @property
    def expected_form(self) -> str:
        return self.term if self.do_not_translate else self.approved


class SegmentDraft(models.Model):
    """A guide's translation draft in one language, segment by segment: what each target translates and its state.

    The text itself stays in the translated columns (body_es…); these
    entries say how it pairs with the source's sentences, and how each came
    to be (translated, needs review, from memory, a fuzzy match). Written
    only by guide_cms.localization.services.
    """

    guide = models.ForeignKey("guides.Guide", on_delete=models.CASCADE, related_name="segment_drafts", verbose_name=_("guide"))
    language = models.CharField(_("language"), max_length=15, choices=language_choices)
    # segment or block id -> {"source", "target" (tagged), "state", "score", "origin"}
    segments = models.JSONField(_("segments"), default=dict)
    # unit id -> SHA-256 of the unit's draft text those segments make (another writer's edit shows as a mismatch)
    unit_hashes = models.JSONField(_("unit text hashes"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment states")
        verbose_name_plural = _("segment states")
        constraints = [models.UniqueConstraint(fields=["guide", "language"], name="segment_draft_one_per_guide_language")]

    def __str__(self):
        return f"segment states of guide {self.guide_id} ({self.language})"


class MemoryEntryQuerySet(models.QuerySet):
    def for_language(self, language: str):
        return self.filter(language=language)


class MemoryEntry(models.Model):
    """One pair of the translation memory: a source sentence and its translation.

    Pairs come from approved (signed) translation versions, or from a TMX
    file a clinic brought (signed=False: never counted as approved text).
    """

    source_language = models.CharField(_("source language"), max_length=15, choices=language_choices)
    language = models.CharField(_("language"), max_length=15, choices=language_choices)
    source = models.TextField(_("source segment"))  # tagged form (guide_cms.localization.inline)
    source_text = models.TextField(_("source text"))  # plain, for fuzzy matching
    source_hash = models.CharField(_("source key hash"), max_length=64)
    target = models.TextField(_("target segment"))
    target_hash = models.CharField(_("target hash"), max_length=64)
    guide_slug = models.CharField(_("guide"), max_length=80, blank=True)
    context = models.CharField(_("context"), max_length=200, blank=True, help_text=_("The unit the pair comes from, e.g. dosing.body."))
    segment = models.CharField(_("segment"), max_length=200, blank=True)
    version = models.ForeignKey(
        "guides.Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("version")
    )
    version_number = models.PositiveIntegerField(_("version number"), null=True, blank=True)
    signers = models.CharField(_("signed by"), max_length=500, blank=True)
    signed = models.BooleanField(_("clinically signed"), default=False)
    imported_from = models.CharField(_("imported from"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = MemoryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("translation memory entry")
        verbose_name_plural = _("translation memory")
        indexes = [
            # A sentence's pairs, in the order exact matches rank them (memory._best_few).
            models.Index(fields=["language", "source_hash", "-signed", "-version_number", "-id"], name="memory_sentence_ranked"),
            # One guide's pairs (the in-context candidates; a signed version's pairs signed again).
            models.Index(fields=["language", "guide_slug", "source_hash"], name="memory_guide_sentence"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "source_hash", "target_hash", "guide_slug", "context", "signed"], name="memory_pair_once_per_context"
            ),
        ]

    def __str__(self):
        return f"{self.source_text[:60]} → {self.language}"
