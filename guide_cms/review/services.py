"""Submitting versions and signing them: every review state change happens here.

Each function checks who may act (guide_cms.core.permissions), locks the
rows it changes, checks the move against the transition table
(review.workflow), writes with update_fields and appends the audit event in
one transaction.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guide_cms.core.account_records import identity_problems, role_problems
from guide_cms.core.audit import COMMAND_LINE_MARK, actor_label, audit_append
from guide_cms.core.hashing import to_milliseconds
from guide_cms.core.languages import get_language
from guide_cms.core.logins import LoginLocked, verify_password
from guide_cms.core.permissions import can_review, require_edit_language
from guide_cms.core import second_factor
from guide_cms.core.credentials import address_hold
from guide_cms.core.services import password_is_owners
from guide_cms.guides.text_limits import guide_size_problem, snapshot_length
from guide_cms.localization.checking import current_source_version, findings_as_data, snapshot_findings
from guide_cms.localization.qa import ERROR, Finding
from guide_cms.localization.services import memory_add_version, submission_segments
from guide_cms.localization.source_changes import fact_changes, quantity_changes, structure_changes
from guide_cms.localization.staleness import outdating_versions
from guide_cms.guides.models import ChangeClass, Guide, Version, VersionStatus
from guide_cms.guides.records import guide_record_problems
from guide_cms.guides.services import authoring_events, draft_scope, guide_apply_approved_slug
from guide_cms.guides.snapshots import build_snapshot, content_hash

from . import signals as review_signals
from .models import Decision, Signature, meaning_of, meaning_text
from .records import version_record_problems
from .seals import compute_seal
from .workflow import Action, TransitionRefused, approvals_for, approvals_required, next_status

logger = logging.getLogger("guide_cms.review")


class SubmissionRefused(Exception):
    """Nothing was submitted; .problems lists (section key or "", message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{key}: {message}" if key else message for key, message in problems))


class SignatureRefused(Exception):
    """The signature was not recorded; the message says why."""


# --- submitting ------------------------------------------------------------


def submission_problems(snapshot: dict, findings) -> list[tuple[str, str]]:
    """What blocks a submission: a missing title or sections, and every QA error."""
    problems = []
    language = get_language(snapshot["language"]).display_name
    if not snapshot["title"].strip():
        problems.append(("", _("The guide has no %(language)s title.") % {"language": language}))
    if not snapshot["sections"]:
        problems.append(("", _("The guide has no sections.")))
    for finding in findings:
        if finding.severity == "error":
            problems.append((finding.section, f"{finding.where} [{finding.code}]: {finding.message}"))
    return problems


def submit_findings(snapshot: dict, *, guide: Guide, source_version: Version | None) -> list:
    """The QA findings of a snapshot, plus those of the apps connected to review.signals.submission_checks
    (publishing's trial renders: every paragraph reaches every channel, every character prints)."""
    if too_large := guide_size_problem(snapshot_length(snapshot)):
        # Not read further: every check would spend its time on text that is refused anyway.
        return [Finding("render-limit", ERROR, "", too_large)]
    # The receivers start first (publishing's trial layouts go to its render workers), the QA checks run here
    # meanwhile: a submission waits for the slower of the two, not for their sum.
    replies = review_signals.submission_checks.send(sender=None, snapshot=snapshot, guide=guide, source_version=source_version)
    findings = list(snapshot_findings(snapshot, guide=guide, source_version=source_version))
    for _receiver, found in replies:
        findings += (found() if callable(found) else found) or []
    return findings


def _contributors(guide: Guide, language: str, since) -> set[int]:
    """Users who wrote this language's drafts, or changed the guide's structure or settings, since `since`.

    Which changes count for which language is guides.services.authoring_events;
    signing or submitting makes no one a contributor.
    """
    events = authoring_events(guide, language).filter(actor__isnull=False)
    if since is not None:
        events = events.filter(created_at__gt=since)
    return set(events.values_list("actor_id", flat=True))


def _supersede(version: Version, user, reason: str) -> None:
    version.status = next_status(version.status, Action.SUPERSEDE)
    version.decided_at = timezone.now()
    version.save(update_fields=["status", "decided_at"])
    audit_append(actor=user, action="version.supersede", obj=version, scope=draft_scope(version.guide, version.language), data={"reason": reason})


def command_line_authoring(version: Version) -> list:
    """The audit events that wrote version's text (since its language's previous approved version) from a server
    shell, by a command acting as an account (--user): whoever ran it need not be that person. Oldest first."""
    previous = (Version.objects.for_language(version.guide, version.language).approved().filter(number__lt=version.number)
                .order_by("-number").first())
    events = authoring_events(version.guide, version.language).filter(
        actor_label__contains=COMMAND_LINE_MARK, created_at__lte=version.created_at)
    if previous is not None:
        events = events.filter(created_at__gt=previous.created_at)
    return list(events.order_by("pk")[:100])


def rule_source_version(guide: Guide) -> Version | None:
    """The newest approved source version: the guide's sign-off settings in force for every language (they are
    changed by editors and signed with the source)."""
    return Version.objects.for_language(guide, guide.source_language).approved().order_by("-number").first()


def approvals_short_of_rules_in_force(version: Version) -> tuple[int, int] | None:
    """(approvals it has, approvals the rules in force now require) if approved `version` has fewer than a new
    version would need today (the guide made safety-critical since it was signed): publishing it again would put
    text before patients with fewer signatures than the rules require. None if it has enough."""
    guide = version.guide
    need = approvals_required(guide, rule_source_version(guide))
    have = version.signatures.approvals().values("signer").distinct().count()
    return (have, need) if have < need else None


def approvals_needed(version: Version) -> int:
    """The approvals version needs now: those frozen at submission, or more if its guide was made safety-critical
    since (tightening takes effect at once, for versions already in review too)."""
    return max(version.approvals_required, approvals_for(Guide.objects.values_list("safety_critical", flat=True).get(pk=version.guide_id)))


def needs_change_class(guide: Guide, language: str) -> bool:
    """A new source version after an approved one must say how it changes the text."""
    return language == guide.source_language and Version.objects.for_language(guide, language).approved().exists()


@transaction.atomic
def version_submit(*, guide: Guide, language: str, user, change_class: str = "") -> Version:
    """Freeze guide's drafts in language into a new version in review.

    A newer submission supersedes a version still in review. Identical text
    to the latest version is refused: there is nothing new to review.
    """
    require_edit_language(user, language, guide)
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if guide_record_problems(guide):
        # The approvals the version needs come from these settings: never from ones edited behind the application's back.
        raise SubmissionRefused([("", _("This guide's settings differ from its audit trail (edited outside the application), so it cannot be submitted. Run verify_integrity."))])
    is_source = language == guide.source_language
    snapshot = build_snapshot(guide, language, guide.sections.all())
    source_version = None if is_source else current_source_version(guide)
    findings = submit_findings(snapshot, guide=guide, source_version=source_version)
    problems = submission_problems(snapshot, findings)

    if is_source:
        if not needs_change_class(guide, language):
            change_class = ""
        elif change_class not in ChangeClass.values:
            problems.append(("", _("Classify this change as editorial, clinical or safety: translations depend on it.")))
        elif change_class == ChangeClass.EDITORIAL:
            problems += _not_editorial(guide, language, snapshot)
    segment_states = {}
    if not is_source:
        change_class = ""
        segment_problems, segment_states = submission_segments(guide, language)
        problems += segment_problems
        if source_version is None:
            problems.append(("", _("The source text has no approved version yet: a translation can only be submitted against an approved source.")))
    if problems:
        raise SubmissionRefused(problems)

    digest = content_hash(snapshot)
    latest = Version.objects.for_language(guide, language).order_by("-number").first()
    # The same text against the same source is nothing new; against a newer
    # source it is the translator confirming their translation still holds.
    same_source = latest is not None and latest.source_version_id == (source_version.pk if source_version else None)
    if latest is not None and latest.content_hash == digest and same_source and latest.status != VersionStatus.SUPERSEDED:
        raise SubmissionRefused(
            [("", _("Nothing to submit: the text is identical to version %(number)d (%(status)s).") % {"number": latest.number, "status": latest.get_status_display()})]
        )
    if latest is not None and latest.status == VersionStatus.IN_REVIEW:
        _supersede(latest, user, reason="resubmitted")

    # Text never approved may date from before several unapproved versions:
    # count every writer since the last approval, not just the last submission.
    last_approved = Version.objects.for_language(guide, language).approved().order_by("-number").first()
    contributors = _contributors(guide, language, last_approved.created_at if last_approved else None)
    if getattr(user, "pk", None):
        contributors.add(user.pk)
    version = Version.objects.create(
        guide=guide,
        language=language,
        number=(latest.number + 1) if latest else 1,
        snapshot=snapshot,
        content_hash=digest,
        author=user if getattr(user, "pk", None) else None,
        author_label=actor_label(user),
        contributor_ids=sorted(contributors),
        created_at=timezone.now(),
        source_version=source_version,
        change_class=change_class,
        approvals_required=approvals_required(guide, last_approved, rule_source_version(guide)),
        qa_findings=findings_as_data(findings),
        segment_states=segment_states,
    )
    audit_append(
        actor=user,
        action="version.submit",
        obj=version,
        scope=draft_scope(guide, language),
        data={
            "number": version.number,
            "content_hash": digest,
            "source_version": source_version.number if source_version else None,
            "change_class": change_class,
            "approvals_required": version.approvals_required,
            "contributors": version.contributor_ids,
        },
    )
    return version


def _change_in_words(change) -> str:
    """A quantity or fact change (.before, .after: the words as written, "" when added or removed), for a message."""
    if change.before and change.after:
        return _("“%(before)s” becomes “%(after)s”") % {"before": change.before, "after": change.after}
    if change.before:
        return _("“%(before)s” is removed") % {"before": change.before}
    return _("“%(after)s” is added") % {"after": change.after}


def _not_editorial(guide: Guide, language: str, snapshot: dict) -> list[tuple[str, str]]:
    """An editorial change leaves translations current and live: refused if it alters a quantity
    (dose, time, frequency) or another clinical fact (a prohibition, a threshold, an opposite word,
    a frequency in words) of the last approved source text, naming each one."""
    approved = Version.objects.for_language(guide, language).approved().order_by("-number").first()
    if approved is None:
        return []
    problems = []
    for change in quantity_changes(approved.snapshot, snapshot, language):
        what = _change_in_words(change)
        problems.append((change.section, _(
            "This change is not editorial: %(what)s. A changed dose, time or frequency must reach the translations: "
            "classify the change as clinical (or safety)."
        ) % {"what": what}))
    for change in fact_changes(approved.snapshot, snapshot, language):
        what = _change_in_words(change)
        problems.append((change.section, _(
            "This change is not editorial: it changes what the patient is told to do (%(what)s). It must reach the "
            "translations: classify the change as clinical (or safety)."
        ) % {"what": what}))
    kinds = {"warning": pgettext("callout", "warning"), "tip": pgettext("callout", "tip")}
    for change in structure_changes(approved.snapshot, snapshot):
        if change.what == "callouts":
            change = replace(change, before=", ".join(kinds.get(k, k) for k in change.before.split(", ") if k),
                             after=", ".join(kinds.get(k, k) for k in change.after.split(", ") if k))
        if change.what == "steps":
            message = _("This change is not editorial: the numbered steps come in another order (%(before)s, now "
                        "%(after)s), and a patient follows them in order. Classify the change as clinical (or safety).")
        else:
            message = _("This change is not editorial: the warnings and tips change (%(before)s, now %(after)s), and a "
                        "patient reads a warning as a warning. Classify the change as clinical (or safety).")
        problems.append((change.section, message % {"before": change.before or "—", "after": change.after or "—"}))
    return problems


# --- signing ---------------------------------------------------------------


def _record_failed_signature(version: Version, signer, reason: str) -> None:
    # Its own transaction: the refusal must be on record even though nothing else is written.
    with transaction.atomic():
        audit_append(
            actor=signer, action="signature.failed", obj=version, scope=draft_scope(version.guide, version.language), data={"reason": reason}
        )
    logger.warning("Refused signature by %s on %s: %s", signer.username, version.code, reason)


def meaning_for(version: Version, decision: str = Decision.APPROVE) -> tuple[str, str]:
    """The meaning code of a signature with this decision and its text as shown (in English, as recorded)."""
    from django.utils import translation

    meaning = meaning_of(decision=decision, is_translation=version.source_version_id is not None)
    with translation.override("en"):
        text = meaning_text(meaning, version.source_version.number if version.source_version_id else None)
    return meaning, text


def own_approval(version: Version, signer) -> Signature | None:
    """signer's approving signature on version, if they gave one."""
    return version.signatures.approvals().filter(signer=signer).first() if getattr(signer, "pk", None) else None


def allowed_decisions(version: Version, signer) -> list[str]:
    """The decisions signer may still sign on version: after approving, only a request for changes
    (a second approval must come from another reviewer)."""
    if own_approval(version, signer) is not None:
        return [Decision.REQUEST_CHANGES]
    return list(Decision.values)


def approvals_count(version: Version) -> int:
    """Approving signatures from different reviewers so far (reads prefetched signatures when there are)."""
    return len({s.signer_id for s in version.signatures.all() if s.decision == Decision.APPROVE})


def superseding_source(version: Version) -> Version | None:
    """For a translation: the newer approved source version with a clinical or safety change that it does
    not include yet (it cannot be published until updated); None if it translates the current source."""
    if version.source_version_id is None:
        return None
    guide = version.guide
    approved_source = list(Version.objects.for_language(guide, guide.source_language).approved().order_by("-number"))
    newer = outdating_versions(version.source_version.number, approved_source)
    return newer[0] if newer else None


def _roles_as_sealed(user) -> bool:
    """Whether user's roles agree with the sealed trail (core.account_records), read once per user object: a page
    that asks for every version of a queue reads them once."""
    if getattr(user, "pk", None) is None:
        return True
    if not hasattr(user, "_roles_as_sealed"):
        # Roles, and the identity a signature rests on: address on record, printed name, credentials, app.
        user._roles_as_sealed = not role_problems([user.pk]) and not identity_problems([user.pk])
    return user._roles_as_sealed


def signing_refusal(version: Version, signer) -> str | None:
    """Why signer may not sign version now, or None. Shared by the review page and the service."""
    language = get_language(version.language).display_name
    if not can_review(signer, version.language):
        return _("You are not a clinical reviewer for %(language)s.") % {"language": language}
    if not _roles_as_sealed(signer):
        return _("Your roles or your account's identity (address, printed name, credentials, authenticator app) differ "
                 "from the audit trail (changed outside the application), so you cannot sign until verify_integrity passes. "
                 "Tell your administrator.")
    if not password_is_owners(signer):
        return _(
            "Your password was set by someone else (an administrator or a command), so it cannot sign. "
            "Set your own with the one-time link: 'Forgotten your password?' on the login page, or ask an administrator to send it."
        )
    if second_factor.missing(signer):
        return _("Signing here needs a code from an authenticator app as well as your password: set one up "
                 "(Second factor, at the top of the page), then sign.")
    if (hold := address_hold(signer)) is not None:
        return _(
            "Your address on record was changed by %(actor)s and you have not confirmed it, so you cannot sign. "
            "Confirm it on your account page (Your address, at the top of the page)."
        ) % {"actor": hold.actor}
    if version.author_id == signer.pk or signer.pk in version.contributor_ids:
        return _("You wrote or edited this text, so you cannot sign it: another reviewer must.")
    if version.status != VersionStatus.IN_REVIEW:
        return _("Version %(number)d is %(status)s, not in review.") % {"number": version.number, "status": version.get_status_display()}
    if not hasattr(signer, "staff_profile") or not signer.staff_profile.printed_name.strip():
        return _("Your account has no printed name for signatures; ask an administrator to set it.")
    return None


def version_sign(
    *, version: Version, signer, password: str, decision: str, comment: str = "", content_hash_seen: str | None = None,
    change_class_confirmed: str = "", request=None, code: str = "",
) -> Signature:
    """Record signer's decision on version, sealed to its content hash.

    The signer re-enters their password, checked through the login throttle
    (core.logins) with the request it came in (None: code with no client,
    such as the demo loader): a wrong one is refused, audited and counted
    with wrong logins, and while the username or address is locked no
    password is checked. A signer who set up an authenticator app also gives
    its current code (core.second_factor). SignatureRefused says why not.
    """
    try:
        right = verify_password(request=request, user=signer, password=password)
    except LoginLocked as exc:
        _record_failed_signature(version, signer, "locked")
        raise SignatureRefused(str(exc)) from None
    if not right:
        _record_failed_signature(version, signer, "wrong password")
        raise SignatureRefused(_("Wrong password: the signature was not recorded."))
    if second_factor.confirmed_device(signer) is not None and not second_factor.verify(signer, code):
        _record_failed_signature(version, signer, "wrong code")
        raise SignatureRefused(_("Wrong or missing code from your authenticator app: the signature was not recorded."))
    return _sign(version=version, signer=signer, decision=decision, comment=comment, content_hash_seen=content_hash_seen, change_class_confirmed=change_class_confirmed)


@transaction.atomic
def _sign(*, version, signer, decision, comment, content_hash_seen, change_class_confirmed) -> Signature:
    version = Version.objects.select_for_update(of=("self",)).select_related("guide", "source_version").get(pk=version.pk)
    refusal = signing_refusal(version, signer)
    if refusal:
        raise SignatureRefused(refusal)
    if decision not in Decision.values:
        raise SignatureRefused(_("Choose approve or request changes."))
    comment = comment.strip()
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise SignatureRefused(_("Say what must change: a comment is required to request changes."))
    if content_hash_seen is not None and content_hash_seen != version.content_hash:
        raise SignatureRefused(_("The text you reviewed is not this version's text; open the review again."))
    if content_hash(version.snapshot) != version.content_hash:
        raise SignatureRefused(_("This version's stored text no longer matches its content hash; it cannot be signed. Run verify_integrity."))
    if version_record_problems(version):
        # Author, contributors, approvals required, status and signatures as sealed at submission and signing.
        raise SignatureRefused(_("This version's record differs from its audit trail (edited outside the application); it cannot be signed. Run verify_integrity."))
    if decision == Decision.APPROVE and version.change_class and change_class_confirmed != version.change_class:
        raise SignatureRefused(
            _("Confirm the change class (%(change_class)s) chosen by the author, or request changes if you disagree.")
            % {"change_class": version.get_change_class_display()}
        )
    if decision not in allowed_decisions(version, signer):
        raise SignatureRefused(_("You have already approved this version; a second approval must come from another reviewer."))

    meaning, recorded_meaning = meaning_for(version, decision)
    profile = signer.staff_profile
    signature = Signature(
        version=version,
        signer=signer,
        printed_name=profile.printed_name,
        credentials=profile.credentials,
        signed_at=to_milliseconds(timezone.now()),
        meaning=meaning,
        meaning_text=recorded_meaning,
        decision=decision,
        comment=comment,
        content_hash=version.content_hash,
    )
    signature.seal = compute_seal(signature)
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        raise SignatureRefused(_("You have already approved this version; a second approval must come from another reviewer.")) from None
    scope = draft_scope(version.guide, version.language)
    audit_append(
        actor=signer,
        action=f"signature.{decision}",
        obj=version,
        scope=scope,
        data={"signature": signature.pk, "content_hash": version.content_hash, "meaning": recorded_meaning, "comment": comment, "seal": signature.seal},
    )

    if decision == Decision.REQUEST_CHANGES:
        _move(version, Action.REQUEST_CHANGES, signer, scope)
    elif version.signatures.approvals().values("signer").distinct().count() >= approvals_needed(version):
        _move(version, Action.APPROVE, signer, scope)
        if not version.is_source:
            # Signed text becomes translation memory, with its version and signers.
            memory_add_version(version=version)
        if version.is_source:
            guide = version.guide
            guide.last_approved_on = timezone.now().date()
            guide.save(update_fields=["last_approved_on"])
            # A new slug signed with this text is now the guide's (its old addresses redirect).
            guide_apply_approved_slug(version=version, user=signer)
            # Later apps act on a new source approval (publishing withdraws translations after a safety
            # change), connected in their own ready(): review imports none of them (review.checks makes sure).
            review_signals.source_approved.send(sender=Version, source_version=version, user=signer)
    return signature


def _move(version: Version, action: str, user, scope: str) -> None:
    try:
        new_status = next_status(version.status, action)
    except TransitionRefused as exc:
        raise SignatureRefused(str(exc)) from None
    old_status = version.status
    version.status = new_status
    version.decided_at = timezone.now()
    version.save(update_fields=["status", "decided_at"])
    audit_append(actor=user, action=f"version.{new_status}", obj=version, scope=scope, data={"old": old_status, "new": new_status})
