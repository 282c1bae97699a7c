"""Notification emails, written in each recipient's language."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from guide_cms.core.languages import get_language

from .models import Kind, Notification, NotificationPreference


def recipient_language(user) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.language if preference else settings.LANGUAGE_CODE


def _subject(notification: Notification) -> str:
    c = notification.context
    values = {
        "guide": c.get("guide", ""),
        "version": c.get("version", ""),
        "language": get_language(c["language"]).display_name if c.get("language") else "",
        "target_language": get_language(c["target_language"]).display_name if c.get("target_language") else "",
    }
    subjects = {
        Kind.REVIEW_WAITING: _("Review waiting: %(guide)s, %(language)s version %(version)s"),
        Kind.TRANSLATION_OUTDATED: _("Translation outdated: %(guide)s in %(target_language)s"),
        Kind.READY_TO_PUBLISH: _("Approved, ready to publish: %(guide)s, %(language)s version %(version)s"),
        Kind.CHANGES_REQUESTED: _("Changes requested: %(guide)s, %(language)s version %(version)s"),
    }
    return str(subjects[notification.kind]) % values


def _absolute(link: str) -> str:
    base = getattr(settings, "GUIDE_CMS_ADMIN_SITE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + link if link.startswith("/") else link


def render_one(notification: Notification, language: str) -> tuple[str, str]:
    """(subject, body) of one notification in `language`."""
    with translation.override(language):
        c = notification.context
        context = {
            **c,
            "language_name": get_language(c["language"]).display_name if c.get("language") else "",
            "target_language_name": get_language(c["target_language"]).display_name if c.get("target_language") else "",
            "link": _absolute(notification.link),
            "kind": notification.kind,
        }
        return _subject(notification), render_to_string("notifications/email.txt", context).strip() + "\n"


def render_digest(notifications: list[Notification], language: str) -> tuple[str, str]:
    """(subject, body) of a daily digest listing several notifications in `language`."""
    parts = [render_one(n, language) for n in notifications]
    with translation.override(language):
        subject = translation.ngettext(
            "guide_cms: %(count)d thing waits for you", "guide_cms: %(count)d things wait for you", len(parts)
        ) % {"count": len(parts)}
    body = "\n\n".join(f"{subject_line}\n{'-' * min(len(subject_line), 60)}\n{text}" for subject_line, text in parts)
    return subject, body
