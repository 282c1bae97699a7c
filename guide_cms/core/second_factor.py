"""A second factor for signing: a code from the signer's authenticator app (TOTP, RFC 6238, through django-otp).

Offered to everyone; required of whoever set one up, and of every clinical
reviewer where settings.GUIDE_CMS_SIGNING_SECOND_FACTOR is "reviewers" (the
production default). A device is set up by its owner alone, with a password
that is theirs (core.credentials), so an administrator who set someone's
password cannot add an app of their own to sign with.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from .account_records import device_fingerprint
from .audit import audit_append

DEVICE_NAME = "authenticator app"


def confirmed_device(user):
    """user's confirmed TOTP device, or None (read once per user object: a page asks for each row it shows)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "_totp_device" not in user.__dict__:
        user._totp_device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()
    return user._totp_device


def missing(user) -> bool:
    """Whether the settings require a signer like user to give a code and user has no app set up yet."""
    return getattr(settings, "GUIDE_CMS_SIGNING_SECOND_FACTOR", "") == "reviewers" and confirmed_device(user) is None


def enrolment(user):
    """The unconfirmed device user is setting up (made on first call): its config_url goes into the app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_svg(device) -> str:
    """The device's otpauth:// address as an SVG QR code (text, to put in the page)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@transaction.atomic
def confirm_enrolment(user, token: str) -> bool:
    """Confirm the device user is setting up with a code it shows; replaces any earlier app. False if the code is wrong."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.__dict__.pop("_totp_device", None)
    # The key's SHA-256 (never the key): an app's key swapped behind the application's back shows (account_records).
    audit_append(actor=user, action="account.second_factor.set", obj=user,
                 data={"user": user.get_username(), "key_sha256": device_fingerprint(device)})
    return True


@transaction.atomic
def remove(*, actor, user) -> None:
    """Remove user's app (a lost phone): audited; the owner sets up a new one, with their own password."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user_id=user.pk).delete()
    user.__dict__.pop("_totp_device", None)
    audit_append(actor=actor, action="account.second_factor.remove", obj=user, data={"user": user.get_username()})


def verify(user, token: str) -> bool:
    """Whether token is the current code of user's app (each code once; django-otp throttles wrong ones)."""
    device = confirmed_device(user)
    return device is not None and bool(token) and device.verify_token(token.strip())
