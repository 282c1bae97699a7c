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


def approvals_for(safety_critical: bool) -> int:
    """Safety-critical guides need two approving signatures from two reviewers; others one."""
    return 2 if safety_critical else 1


def safety_critical_in_force(last_approved) -> bool | None:
    """Whether the rule in force for a language is the safety-critical one: the flag its last approved version
    carries (a version approved before versions carried settings: whether it needed two). None: none approved."""
    if last_approved is None:
        return None
    carried = (last_approved.snapshot.get("settings") or {}).get("safety_critical")
    return bool(carried) if carried is not None else last_approved.approvals_required >= 2


def approvals_required(guide, *in_force) -> int:
    """The approvals a new version of guide needs: the stricter of the rule its settings now say and every rule in
    force (in_force: the approved versions whose settings are in force: the language's last approved version, and
    for a translation the source's, since the settings are the guide's and are signed with the source). Tightening
    takes effect at once; relaxing (unticking safety-critical) only once a version carrying it is approved under
    the stricter rule."""
    return max(approvals_for(guide.safety_critical), *(approvals_for(bool(safety_critical_in_force(v))) for v in in_force))


def relaxes_sign_off(version) -> bool:
    """Whether version carries an unticked safety-critical flag while it is signed under a stricter rule in force
    (approvals_required): once it is approved, the language's next versions need fewer approvals."""
    return (version.snapshot.get("settings") or {}).get("safety_critical") is False and version.approvals_required > 1
