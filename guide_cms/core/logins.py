"""Password checks through one throttle (django-axes), wherever a password is entered.

The login page, the password-change page and the signing form all count
their wrong passwords here: 5 for one username from one address lock that
username at that address, and 20 from one address lock the address, for 15
minutes after the last. A stranger elsewhere therefore cannot lock a
reviewer out of signing (a denial of signing); guessing one password from
many addresses meets each address's own limit
(settings.LOGIN_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT, LOGIN_LOCK;
core/throttle.py gives django-axes the two limits). While locked no password
is checked at all, so no page can tell whether one was right.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Max, Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _


class LoginLocked(Exception):
    """Too many wrong passwords: the password was not checked."""


def client_address(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE).

    Behind GUIDE_CMS_PROXY_COUNT proxies that append to X-Forwarded-For, it
    is the address the outermost proxy saw; anything further left was
    written by the client and is not trusted.
    """
    count = settings.GUIDE_CMS_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None


def offline_request() -> HttpRequest:
    """A stand-in for code that signs without a web request (the demo loader, tests): no address."""
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = "/"
    return request


def _recent_attempts():
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(attempt_time__gt=timezone.now() - settings.LOGIN_LOCK)


def _limits(username: str | None, address: str | None) -> list[tuple[str, Q, int]]:
    """What locks, and at how many recent failures: ("username", key, limit), ("address", key, limit).

    The username's key is the username at this address (everywhere when there is no address: code that
    signs outside a web request)."""
    key = Q(username=username, ip_address=address) if address else Q(username=username)
    limits = [("username", key, settings.LOGIN_FAILURE_LIMIT)] if username else []
    return limits + ([("address", Q(ip_address=address), settings.LOGIN_ADDRESS_FAILURE_LIMIT)] if address else [])


def _recent_failures(key: Q) -> dict:
    return _recent_attempts().filter(key).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))


def failures(username: str | None, address: str | None) -> int:
    """The count django-axes compares with LOGIN_FAILURE_LIMIT (core/throttle.py): the username's
    recent failures at this address, or that limit itself once the address has reached its own."""
    key = Q(username=username, ip_address=address) if address else Q(username=username)
    count = (_recent_failures(key)["failures"] or 0) if username else 0
    if address and (_recent_failures(Q(ip_address=address))["failures"] or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return max(count, settings.LOGIN_FAILURE_LIMIT)
    return count


def current_lock(request, username: str) -> tuple[datetime.datetime, str] | None:
    """(when it ends, "username" or "address") for the lock that ends last on username or on the
    request's address (the username's when both end together); None if neither is locked."""
    address = client_address(request) if request is not None else None
    locks = []
    for what, key, limit in _limits(username, address):
        totals = _recent_failures(key)
        if (totals["failures"] or 0) >= limit:
            locks.append((totals["last"] + settings.LOGIN_LOCK, what == "username", what))
    if not locks:
        return None
    until, _username_first, what = max(locks)
    return until, what


def lock_message(lock: tuple[datetime.datetime, str] | None) -> str:
    """What a locked person reads: whose lock (their account's, or their network address's, which
    colleagues on a shared connection share), until when, and that an administrator can lift it."""
    if lock is None:
        return _("Too many wrong passwords: logging in and signing are locked for %(minutes)d minutes.") % {
            "minutes": settings.LOGIN_LOCK.total_seconds() // 60
        }
    until, what = lock
    time = until.astimezone(datetime.UTC).strftime("%H:%M")
    if what == "address":
        return _("Too many wrong passwords from this network address, which people on a shared connection also use: "
                 "logging in and signing from it are locked until %(time)s UTC. An administrator can lift the lock sooner.") % {"time": time}
    return _("Too many wrong passwords for this account: logging in and signing are locked until %(time)s UTC. "
             "An administrator can lift the lock sooner.") % {"time": time}


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """What a lock is keyed by (AXES_LOCKOUT_PARAMETERS): the username and address together, and the
    address alone, when there is one (django-axes' combined parameters).

    Code that signs without a web request (offline_request) has no address;
    its failures lock only the username.
    """
    if isinstance(request_or_attempt, HttpRequest):
        address = getattr(request_or_attempt, "axes_ip_address", None) or client_address(request_or_attempt)
    else:
        address = getattr(request_or_attempt, "ip_address", None)
    return [["username", "ip_address"], "ip_address"] if address else ["username"]


def is_locked(request, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, {"username": username})


def verify_password(*, request, user, password: str) -> bool:
    """Whether password is user's, counted by the login throttle.

    Raises LoginLocked, without checking the password, while user's
    username or the request's address is locked. A wrong password counts
    toward the lock, as a wrong password at the login page does.
    """
    request = request if request is not None else offline_request()
    username = user.get_username()
    if is_locked(request, username):
        raise LoginLocked(lock_message(current_lock(request, username)))
    authenticated = authenticate(request, username=username, password=password or "")
    return authenticated is not None and authenticated.pk == user.pk
