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
