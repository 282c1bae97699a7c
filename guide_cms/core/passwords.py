"""The keyed fingerprint of a password hash as its owner set it (see models.OwnerPassword).

An HMAC under SECRET_KEY (and its fallbacks, like signature seals) over the
user's id and the stored hash, never the password: whoever can write the
database but not read the key cannot make a hash they set look like the
owner's.
"""
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

KEY_SALT = "guide_cms.core.OwnerPassword"


def fingerprint(user, encoded: str, secret=None) -> str:
    return salted_hmac(KEY_SALT, f"{user.pk}\n{encoded}", secret=secret, algorithm="sha256").hexdigest()


def fingerprint_matches(user, encoded: str, stored: str) -> bool:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(stored, fingerprint(user, encoded, secret)) for secret in secrets)
