"""Review pages: the queue, one version's review with sign-off, and submission.

Thin glue: every rule lives in review.services and core.permissions.
"""
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from guide_cms.core.languages import format_duration, get_language
from guide_cms.core.permissions import can_edit_language, require_read_history
from guide_cms.guides.markdown import render_markdown
from guide_cms.core import logins
from guide_cms.guides.models import ChangeClass, Guide, Version
from guide_cms.guides.snapshots import build_snapshot
from guide_cms.localization.checking import current_source_version, version_fact_rows, version_findings, version_memory_segments
from guide_cms.localization.services import submission_segments

from . import services
from .workflow import relaxes_sign_off
from guide_cms.core import second_factor
from guide_cms.core.credentials import signature_touches
from guide_cms.core.diffs import diff_sections
from .forms import SignForm, SubmitForm
from .models import Decision
from .selectors import page_of, previous_approved, review_queue_versions


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


@staff_member_required
def queue(request):
    page = page_of(review_queue_versions(request.user), request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "version": v, "language": get_language(v.language), "waiting": format_duration(now - v.created_at),
            "refusal": services.signing_refusal(v, request.user),
            "approvals": services.approvals_count(v),
            "you_approved": any(s.signer_id == request.user.pk and s.decision == Decision.APPROVE for s in v.signatures.all()),
        }
        for v in page.object_list
    ]
    return render(request, "review/queue.html", _context(request, title=_("Review queue"), rows=rows, page=page))


def _rendered(body: str, language: str):
    return mark_safe(render_markdown(body, language=language))  # noqa: S308 - render_markdown sanitises


def _side_by_side(version):
    if version.source_version is None:
        return []
    source_language = version.guide.source_language
    source = {s["key"]: s for s in version.source_version.snapshot["sections"]}
    # The guide's own title and summary first: they are printed on every handout.
    pairs = [({"title": version.source_version.snapshot["title"], "body": version.source_version.snapshot["summary"]},
              {"title": version.snapshot["title"], "body": version.snapshot["summary"]})]
    for section in version.snapshot["sections"]:
        original = source.get(section["key"])
        pairs.append((
            {"title": original["title"], "html": _rendered(original["body"], source_language)} if original else None,
            {"title": section["title"], "html": _rendered(section["body"], version.language)},
        ))
    return pairs


def _guide_field_diffs(previous, version) -> list[tuple[str, str]]:
    """(label, word diff) of the guide's title and summary against the previous approved version."""
    from guide_cms.core.diffs import diff_words

    old = previous.snapshot if previous else {}
    labels = {"title": _("Guide title"), "summary": _("Guide summary")}
    return [(labels[name], diff_words(old.get(name, ""), version.snapshot.get(name, ""))) for name in ("title", "summary")
            if old.get(name) or version.snapshot.get(name)]


def _with_touches(signatures) -> list:
    """The signatures, each with .touches: changes of its signer's credentials by someone else open when it was made."""
    signatures = list(signatures)
    touches = signature_touches(signatures)
    for signature in signatures:
        signature.touches = touches.get(signature.pk, [])
    return signatures


def _setting_changes(previous, version) -> list[tuple[str, str, str]]:
    """(label, old, new) of each sign-off setting this version changes against the last approved one, in words."""
    from guide_cms.guides.models import Guide

    if previous is None:
        return []
    old, new = previous.snapshot.get("settings") or {}, version.snapshot.get("settings") or {}
    if "safety_critical" not in old:  # approved before versions carried settings: the rule it was signed under
        old = {**old, "safety_critical": previous.approvals_required >= 2}

    def shown(value):
        return (_("yes") if value else _("no")) if isinstance(value, bool) else str(value)

    changes = []
    if previous.snapshot.get("guide") != version.snapshot.get("guide"):
        changes.append((str(Guide._meta.get_field("slug").verbose_name), previous.snapshot.get("guide"), version.snapshot.get("guide")))
    for name in ("safety_critical", "review_interval_months"):
        if name in old and name in new and old[name] != new[name]:
            changes.append((str(Guide._meta.get_field(name).verbose_name), shown(old[name]), shown(new[name])))
    return changes


def _section_changes(previous, version):
    """Each section's comparison with the last approved version; an unchanged one also rendered
    (shown collapsed, as patients will read it), and every one rendered when there is nothing to compare."""
    new_body = {s["key"]: s["body"] for s in version.snapshot["sections"]}
    rows = []
    for diff in diff_sections(previous.snapshot["sections"] if previous else None, version.snapshot["sections"]):
        rendered = None
        if diff.status == "unchanged" or previous is None:
            rendered = _rendered(new_body.get(diff.key, ""), version.language)
        rows.append({"diff": diff, "status": SECTION_STATUS_LABELS.get(diff.status, diff.status), "rendered": rendered})
    return rows


# The status of a section in the review diff, as people read it.
SECTION_STATUS_LABELS = {
    # A context of their own: "added" is also a date column ("ngày thêm" is no section's state).
    "added": pgettext_lazy("section in a diff", "added"),
    "removed": pgettext_lazy("section in a diff", "removed"),
    "changed": pgettext_lazy("section in a diff", "changed"),
    "unchanged": pgettext_lazy("section in a diff", "unchanged"),
}


def _sign_context(request, version, form_data=None):
    """What the sign-off part of the page shows this reviewer, and the form if they may sign."""
    user = request.user
    refusal = services.signing_refusal(version, user)
    lock = None
    if refusal is None and logins.is_locked(request, user.get_username()):
        # Said before a password is typed: a locked signer is never asked for one.
        lock = logins.lock_message(logins.current_lock(request, user.get_username()))
    approval = services.own_approval(version, user)
    decisions = services.allowed_decisions(version, user)
    form = SignForm(form_data, initial={"content_hash": version.content_hash}, decisions=decisions,
                    second_factor=second_factor.confirmed_device(user) is not None)
    return {"refusal": refusal, "lock": lock, "own_approval": approval, "form": form,
            "approvals": services.approvals_count(version), "approvals_missing": max(0, services.approvals_needed(version) - services.approvals_count(version))}


@staff_member_required
def review_version(request, pk):
    version = get_object_or_404(Version.objects.select_related("guide", "author", "source_version"), pk=pk)
    require_read_history(request.user, version.language)
    sign = _sign_context(request, version, request.POST if request.method == "POST" else None)
    form = sign["form"]
    if request.method == "POST":
        if sign["refusal"]:
            raise PermissionDenied(sign["refusal"])
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.version_sign(
                    version=version,
                    signer=request.user,
                    password=data["password"],
                    code=data.get("code", ""),
                    decision=data["decision"],
                    comment=data["comment"],
                    content_hash_seen=data["content_hash"],
                    change_class_confirmed=version.change_class if data["confirm_change_class"] else "",
                    request=request,
                )
            except services.SignatureRefused as exc:
                form.add_error(None, str(exc))
                if logins.is_locked(request, request.user.get_username()):
                    sign["lock"] = str(exc)
            else:
                messages.success(request, _("Your signature was recorded."))
                return redirect("review:queue")
        form.focus_password()
    previous = previous_approved(version)
    superseded_by = services.superseding_source(version)
    context = _context(
        request,
        title=_("Review %(version)s") % {"version": version},
        version=version,
        language=get_language(version.language),
        source_language=get_language(version.guide.source_language),
        previous=previous,
        sections=_section_changes(previous, version),
        guide_diffs=_guide_field_diffs(previous, version),
        # A first translation is compared with the settings in force: the source's (they are the guide's).
        setting_changes=_setting_changes(previous or (None if version.is_source else services.rule_source_version(version.guide)), version),
        command_line=services.command_line_authoring(version),
        relaxes_sign_off=relaxes_sign_off(version),
        side_by_side=_side_by_side(version),
        # Run now, as at submission: the reviewer sees what the checks say of exactly this text.
        findings=version_findings(version),
        memory_segments=version_memory_segments(version),
        fact_rows=version_fact_rows(version),
        preview=[(s["title"], render_markdown(s["body"], language=version.language)) for s in version.snapshot["sections"]],
        signatures=_with_touches(version.signatures.select_related("signer", "version__source_version").all()),
        approvals_required=services.approvals_needed(version),
        superseded_by=superseded_by,
        superseded_change=ChangeClass(superseded_by.change_class).label if superseded_by else "",
        **sign,
    )
    return render(request, "review/review.html", context, status=400 if form.errors else 200)


@staff_member_required
def submit(request, pk, language):
    guide = get_object_or_404(Guide, pk=pk)
    lang = get_language(language)
    if not can_edit_language(request.user, lang.code, guide):
        raise PermissionDenied(_("You may not submit the %(language)s text.") % {"language": lang.display_name})
    is_source = lang.code == guide.source_language
    snapshot = build_snapshot(guide, lang.code, guide.sections.all())
    source_version = None if is_source else current_source_version(guide)
    findings = services.submit_findings(snapshot, guide=guide, source_version=source_version)
    # What blocks the text as it is: shown once, and no Submit button while there is any.
    problems = services.submission_problems(snapshot, findings) + ([] if is_source else submission_segments(guide, lang.code)[0])
    if not is_source and source_version is None:
        problems.append(("", _("The source text has no approved version yet: a translation can only be submitted against an approved source.")))
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            version = services.version_submit(guide=guide, language=lang.code, user=request.user, change_class=form.cleaned_data["change_class"])
        except services.SubmissionRefused as exc:
            shown = {message for _key, message in problems}
            for _key, message in exc.problems:
                if message not in shown:
                    form.add_error(None, message)
        else:
            messages.success(request, _("Version %(number)d of the %(language)s text is now in review.") % {"number": version.number, "language": lang.display_name})
            return redirect(reverse("admin:guides_guide_change", args=[guide.pk]))
    context = _context(
        request,
        title=_("Submit %(guide)s (%(language)s) for review") % {"guide": guide, "language": lang.display_name},
        guide=guide,
        language=lang,
        is_source=is_source,
        problems=problems,
        warnings=[f for f in findings if f.severity != "error"],
        needs_change_class=services.needs_change_class(guide, lang.code),
        form=form,
    )
    refused = request.method == "POST" and (bool(problems) or bool(form.errors))
    return render(request, "review/submit.html", context, status=400 if refused else 200)
