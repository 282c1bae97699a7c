"""Whose credentials an account's are: the rules that keep a signer's identity with its owner.

Nobody but the owner ever knows a signer's password:

- an administrator never types one: accounts are created without a password
  and credentials are (re)set only by a one-time link sent to the owner's
  address on record (Django's password-reset machinery);
- a password counts as its owner's (core.services.password_is_owners) only
  when set through such a link, or changed by its owner while logged in with
  a password that was already theirs: whoever set a password (an
  administrator, a command, a shell) cannot make it the owner's by "changing
  it themself";
- an address on record changed by someone else is on hold: no link is sent to
  it and its account cannot sign until the owner, logged in with their own
  password, confirms it.

What happened is read from the sealed audit trail (account.change,
account.address.confirm, account.password.set events), so that signatures made
by an account whose credentials someone else touched are named by the review
page and verify_integrity even if the rows were edited behind the
application's back.
"""
from __future__ import annotations

from dataclasses import dataclass

from .audit import SealedHistory

USER_OBJECT = "auth.user"
ADDRESS_CONFIRM = "account.address.confirm"
RESET_LINK_SENT = "account.password.link"


@dataclass(frozen=True)
class Touch:
    """A change of an account's credentials by someone else: who, when, what (for messages)."""

    actor: str
    at: object  # datetime (UTC)
    what: str  # "address" or "password"


def _events(user_ids, history: SealedHistory):
    from .models import AuditEvent

    rows = (
        AuditEvent.objects.filter(object_type=USER_OBJECT, object_id__in=[str(pk) for pk in user_ids],
                                  action__in=["account.change", "account.password.set", ADDRESS_CONFIRM])
        .order_by("id")
    )
    for event in rows:
        if history.is_sealed(event):
            yield event


def _replay(events, before=None) -> list[Touch]:
    """The touches left open by one account's sealed credential events (in order), up to `before`."""
    touches: dict[str, Touch] = {}
    for event in events:
        if before is not None and event.created_at > before:
            break
        pk, data = int(event.object_id), event.data or {}
        by_owner = event.actor_id is not None and event.actor_id == pk
        if event.action == "account.change" and "email" in (data.get("fields") or {}):
            if by_owner:
                touches.pop("address", None)
            else:
                touches["address"] = Touch(event.actor_label, event.created_at, "address")
        elif event.action == ADDRESS_CONFIRM and by_owner:
            touches.pop("address", None)
        elif event.action == "account.password.set" and data.get("usable", True):
            if data.get("by_owner"):
                touches.pop("password", None)
            else:
                touches["password"] = Touch(event.actor_label, event.created_at, "password")
    return list(touches.values())


def open_touches(user_ids, *, before=None, history: SealedHistory | None = None) -> dict[int, list[Touch]]:
    """{user id: changes of its credentials by someone else that its owner has not set right since}, as the
    sealed trail says (up to `before`, a datetime, if given). Accounts with nothing open are left out.

    An address changed by another stays open until its owner confirms it; a password set by another stays
    open until its owner sets one through a reset link or changes one that was already theirs.
    """
    by_user: dict[int, list] = {}
    for event in _events(user_ids, history or SealedHistory()):
        by_user.setdefault(int(event.object_id), []).append(event)
    found = {pk: _replay(events, before) for pk, events in by_user.items()}
    return {pk: touches for pk, touches in found.items() if touches}


def signature_touches(signatures, history: SealedHistory | None = None) -> dict[int, list[Touch]]:
    """{signature id: the touches open on its signer's credentials when it was made}, for the signatures that
    had any: a signature someone other than its signer may have made. signatures: Signature rows (signer_id,
    signed_at)."""
    signatures = list(signatures)
    by_user: dict[int, list] = {}
    for event in _events({s.signer_id for s in signatures if s.signer_id}, history or SealedHistory()):
        by_user.setdefault(int(event.object_id), []).append(event)
    found = {}
    for signature in signatures:
        if touches := _replay(by_user.get(signature.signer_id, []), before=signature.signed_at):
            found[signature.pk] = touches
    return found


def describe(touch: Touch) -> str:
    """A touch in words, for reports (English: verify_integrity's language)."""
    what = "its address on record was changed" if touch.what == "address" else "its password was set"
    return f"{what} by {touch.actor} on {touch.at:%Y-%m-%d %H:%M} UTC, and its owner had not set it right since"


def address_hold(user) -> Touch | None:
    """The change of user's address on record by someone else that user has not confirmed, or None
    (read once per user object: a page asks for each row it shows)."""
    if not hasattr(user, "_address_hold"):
        touches = open_touches([user.pk]).get(user.pk, [])
        user._address_hold = next((t for t in touches if t.what == "address"), None)
    return user._address_hold


class CredentialRefused(Exception):
    """A credential change refused, with the reason in the user's language."""


def send_password_link(*, actor, user, request=None, new_account: bool = False) -> str:
    """E-mail user a one-time link to set their password (Django's reset token: it dies once used, when the
    password or the address changes, and after PASSWORD_RESET_TIMEOUT seconds); audited. Returns the address.

    CredentialRefused if the account has no address on record, or one someone else changed that its owner
    has not confirmed (a link must reach the owner, not whoever changed the address). With new_account, the
    e-mail welcomes the owner to an account just made for them (no one asked for a password reset).
    """
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django.utils.translation import gettext as _

    from .audit import audit_append

    if not user.email:
        raise CredentialRefused(_("%(user)s has no e-mail address on record: add one, then send the link.") % {"user": user.get_username()})
    if (hold := address_hold(user)) is not None:
        raise CredentialRefused(_(
            "The address of %(user)s was changed by %(actor)s and its owner has not confirmed it: no link is sent to it. "
            "The owner confirms it on their account page, logged in with their own password."
        ) % {"user": user.get_username(), "actor": hold.actor})
    from .account_records import identity_problems

    if identity_problems([user.pk]):
        raise CredentialRefused(_(
            "The account %(user)s differs from the audit trail (its address or profile was changed outside the "
            "application): no link is sent until verify_integrity passes."
        ) % {"user": user.get_username()})
    base = urlsplit(request.build_absolute_uri("/") if request is not None else settings.GUIDE_CMS_ADMIN_SITE_URL)
    context = {
        "email": user.email, "domain": base.netloc, "site_name": "guide_cms", "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user, "token": default_token_generator.make_token(user), "protocol": base.scheme or "https",
    }
    kind = "account_created" if new_account else "password_reset"
    subject = "".join(render_to_string(f"registration/{kind}_subject.txt", context).splitlines())
    body = render_to_string(f"registration/{kind}_email.html", context)
    send_mail(subject, body, None, [user.email])
    audit_append(actor=actor, action=RESET_LINK_SENT, obj=user, data={"user": user.get_username(), "to": user.email})
    return user.email
