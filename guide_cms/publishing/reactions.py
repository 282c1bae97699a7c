"""How publishing reacts to review and answers its questions: connected by PublishingConfig.ready()."""
from guide_cms.review import signals


def _withdraw(sender, *, source_version, user, **kwargs):
    from .services import withdraw_after_safety_change

    return withdraw_after_safety_change(source_version=source_version, user=user)


def _submission_checks(sender, *, snapshot, guide, source_version, **kwargs):
    from .checks import start_submission_findings

    # Started, not waited for: the trial layouts run in the render workers while review runs its QA checks.
    return start_submission_findings(snapshot=snapshot, guide=guide, source_version=source_version)


def _live_versions(sender, *, guide_ids, languages=None, **kwargs):
    from .selectors import live_versions

    return live_versions(guide_ids, languages)


def _export_problems(sender, *, guide_ids, languages=None, **kwargs):
    from .selectors import export_problems_by_language

    return export_problems_by_language(guide_ids, languages) if guide_ids else {}


def connect() -> None:
    signals.source_approved.connect(_withdraw, dispatch_uid=signals.SAFETY_WITHDRAWAL)
    signals.submission_checks.connect(_submission_checks, dispatch_uid="guide_cms.publishing.submission-checks")
    signals.live_versions.connect(_live_versions, dispatch_uid="guide_cms.publishing.live-versions")
    signals.export_problems.connect(_export_problems, dispatch_uid="guide_cms.publishing.export-problems")
