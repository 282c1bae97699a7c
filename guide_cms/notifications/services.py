"""Writing notifications when something happens, and sending them by email.

Notifications are written in the transaction of the event that causes them
(`on_audit_event`, called by core.audit for every event), so there is never a
notification of something that was rolled back; immediate emails go out once
that transaction has committed. A failed send leaves the notification unsent
for `send_notifications` to retry.
"""
from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .messages import recipient_language, render_digest, render_one
from .models import Delivery, Notification, NotificationPreference
from .rules import notifications_for

logger = logging.getLogger("guide_cms.notifications")


def on_audit_events(sender=None, *, events, **kwargs) -> None:
    """core.signals.audit_events_appended: the notifications each appended event calls for."""
    for event in events:
        on_audit_event(event)


def on_audit_event(event) -> list[Notification]:
    """Write the notifications an audit event calls for; email the immediate ones after commit."""
    planned = notifications_for(event)
    if not planned:
        return []
    created = Notification.objects.bulk_create(
        [Notification(recipient=p.recipient, kind=p.kind, context=p.context, link=p.link, event_id=event.pk) for p in planned]
    )
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: send_immediate(ids), robust=True)
    return created


def _delivery(user) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.delivery if preference else Delivery.IMMEDIATE


def _send(user, subject: str, body: str) -> bool:
    if not user.email:
        return False
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except OSError as exc:  # SMTP down, refused: keep it unsent, the next run retries
        logger.warning("Could not email %s (%s): %s", user.username, subject, exc)
        return False
    return True


def send_immediate(ids=None) -> int:
    """Email each unsent notification (of `ids`, or all) whose recipient wants them at once; return how many."""
    pending = Notification.objects.unsent().select_related("recipient").order_by("id")
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    sent = 0
    for notification in pending:
        user = notification.recipient
        if _delivery(user) != Delivery.IMMEDIATE:
            continue
        subject, body = render_one(notification, recipient_language(user))
        if _send(user, subject, body):
            Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
            sent += 1
    return sent


def send_digests() -> int:
    """Email each person who chose the daily digest one message listing their unsent notifications."""
    by_user = defaultdict(list)
    for notification in Notification.objects.unsent().select_related("recipient").order_by("created_at", "id"):
        by_user[notification.recipient].append(notification)
    sent = 0
    for user, notifications in by_user.items():
        if _delivery(user) != Delivery.DIGEST:
            continue
        subject, body = render_digest(notifications, recipient_language(user))
        if _send(user, subject, body):
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(sent_at=timezone.now())
            sent += 1
    return sent


@transaction.atomic
def preference_update(*, user, delivery: str, language: str) -> NotificationPreference:
    """Set how `user` is told (their own choice)."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.delivery, preference.language = delivery, language
    preference.full_clean()
    preference.save(update_fields=["delivery", "language"])
    return preference
