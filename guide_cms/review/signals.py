"""What review asks of the apps above it, which connect in their own AppConfig.ready() (review imports none of them).

Each signal is sent with keyword arguments and, where it asks for something, merges what the receivers return.
"""
from django.dispatch import Signal

# The dispatch_uid the safety withdrawal connects with: a system check (review.checks) refuses to start without it.
SAFETY_WITHDRAWAL = "guide_cms.safety-withdrawal"

# source_version=, user=: a source version was approved (publishing withdraws translations after a safety change).
source_approved = Signal()
# snapshot=, guide=, source_version= -> [Finding], or a function of no arguments that returns them: checks of a
# submission beyond QA (publishing's trial renders). A receiver whose checks are slow returns a function: it has
# started them (in a render worker), and the submission runs its QA checks before asking for the answer.
submission_checks = Signal()
# guide_ids=, languages= (None: all) -> {(guide id, language): live version number}, for the states pages.
live_versions = Signal()
# guide_ids=, languages= (None: all) -> {(guide id, language): [message]}: live publications the channels' files
# do not carry.
export_problems = Signal()


def merged(signal: Signal, **kwargs) -> dict:
    """The receivers' dicts, merged (for live_versions and export_problems)."""
    result: dict = {}
    for _receiver, answer in signal.send(sender=None, **kwargs):
        result.update(answer or {})
    return result
