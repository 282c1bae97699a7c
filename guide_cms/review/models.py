"""Signatures: a clinician's decision on one version, sealed to its text."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.guides.models import Version


class Decision(models.TextChoices):
    APPROVE = "approve", _("approve")
    REQUEST_CHANGES = "request_changes", _("request changes")


class Meaning(models.TextChoices):
    """What a signature attests, from a fixed list (21 CFR 11.50 style): an approval of a
    source text, an approval of a translation, or a request for changes (which approves nothing)."""

    CLINICALLY_ACCURATE = "clinically_accurate", _("clinically accurate, approved for publication")
    FAITHFUL_TRANSLATION = "faithful_translation", _("faithful translation of its source version, approved for publication")
    CHANGES_REQUESTED = "changes_requested", _("changes requested, not approved for publication")


def meaning_of(*, decision: str, is_translation: bool) -> str:
    """The one meaning a signature with this decision can carry: the meaning matches the decision."""
    if decision != Decision.APPROVE:
        return Meaning.CHANGES_REQUESTED
    return Meaning.FAITHFUL_TRANSLATION if is_translation else Meaning.CLINICALLY_ACCURATE


def meaning_text(meaning: str, source_version_number: int | None = None) -> str:
    """The meaning as a signature shows it, in the active language; a translation's
    approval names the source version it is faithful to."""
    from django.utils.translation import gettext

    if meaning == Meaning.FAITHFUL_TRANSLATION and source_version_number is not None:
        return gettext("faithful translation of source version %(number)s") % {"number": source_version_number}
    return str(Meaning(meaning).label)


class SignatureQuerySet(models.QuerySet):
    def approvals(self):
        return self.filter(decision=Decision.APPROVE)


class Signature(models.Model):
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("version"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signer"))
    # As they were at signing: a later change of name or title does not rewrite history.
    printed_name = models.CharField(_("printed name"), max_length=150)
    credentials = models.CharField(_("credentials"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed (UTC)"))
    meaning = models.CharField(_("meaning"), max_length=30, choices=Meaning.choices)
    meaning_text = models.CharField(_("meaning as shown"), max_length=200)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    content_hash = models.CharField(_("content hash signed"), max_length=64)
    seal = models.CharField(_("seal (HMAC-SHA256)"), max_length=64)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["version_id", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "signer"], condition=models.Q(decision="approve"), name="one_approval_per_signer_and_version"
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="request_changes") | ~models.Q(comment=""),
                name="request_changes_needs_a_comment",
            ),
        ]

    def __str__(self):
        return f"{self.printed_name}: {self.get_decision_display()} {self.version}"

    @property
    def meaning_shown(self) -> str:
        """The meaning in the active language (meaning_text keeps the English words shown at signing)."""
        source = self.version.source_version
        return meaning_text(self.meaning, source.number if source is not None else None)
