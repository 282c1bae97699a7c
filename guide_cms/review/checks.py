"""System checks of review's contract with the apps above it."""
from django.core.checks import Error, register


@register()
def safety_withdrawal_registered(app_configs=None, **kwargs):
    """Without the safety withdrawal, translations of a guide whose source had a safety change would stay up: refuse."""
    from .signals import SAFETY_WITHDRAWAL, source_approved

    if any(entry[0][0] == SAFETY_WITHDRAWAL for entry in source_approved.receivers):  # ((dispatch_uid, sender), receiver, ...)
        return []
    return [Error(
        "No app withdraws translations after a safety change to their source.",
        hint="guide_cms.publishing must be in INSTALLED_APPS: its AppConfig.ready() connects the withdrawal to "
             "review.signals.source_approved (dispatch_uid guide_cms.safety-withdrawal).",
        id="review.E001",
    )]
