"""The review workflow as data: which action moves a version from which status."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from guide_cms.guides.models import VersionStatus


class Action(models.TextChoices):
    APPROVE = "approve", _("approve")
    REQUEST_CHANGES = "request_changes", _("request changes")
    SUPERSEDE = "supersede", _("supersede")


TRANSITIONS: dict[tuple[str, str], str] = {
    (VersionStatus.IN_REVIEW, Action.APPROVE): VersionStatus.APPROVED,
    (VersionStatus.IN_REVIEW, Action.REQUEST_CHANGES): VersionStatus.CHANGES_REQUESTED,
    (VersionStatus.IN_REVIEW, Action.SUPERSEDE): VersionStatus.SUPERSEDED,
}


class TransitionRefused(Exception):
    pass


def next_status(status: str, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionRefused(
            _("A version that is %(status)s cannot be given the action '%(action)s'.")
            % {"status": VersionStatus(status).label, "action": Action(action).label}
        ) from None


def approvals_required(guide) -> int:
    """Safety-critical guides need two approving signatures from two reviewers."""
    return 2 if guide.safety_critical else 1
