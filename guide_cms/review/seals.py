"""The keyed seal of a signature: an HMAC over exactly what was signed.

Modelled on django.contrib.auth.tokens: salted_hmac over the listed fields,
compared in constant time, checked against SECRET_KEY and its fallbacks so a
key rotation does not void history.
"""
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from guide_cms.core.hashing import canonical_json, canonical_time, legacy_time

KEY_SALT = "guide_cms.review.Signature"


def sealed_fields(signature, time=canonical_time) -> dict:
    version = signature.version
    return {
        "version_id": version.pk,
        "guide": version.guide_id,
        "language": version.language,
        "number": version.number,
        "content_hash": signature.content_hash,
        "signer_id": signature.signer_id,
        "printed_name": signature.printed_name,
        "credentials": signature.credentials,
        "signed_at": time(signature.signed_at),
        "meaning": signature.meaning,
        "meaning_text": signature.meaning_text,
        "decision": signature.decision,
        "comment": signature.comment,
    }


def compute_seal(signature, secret=None, time=canonical_time) -> str:
    return salted_hmac(KEY_SALT, canonical_json(sealed_fields(signature, time)), secret=secret, algorithm="sha256").hexdigest()


def _matches(signature, time) -> bool:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(signature.seal, compute_seal(signature, secret, time)) for secret in secrets)


def seal_is_valid(signature) -> bool:
    """Whether the seal matches the signature's fields (in either timestamp form, see is_legacy_seal)."""
    return _matches(signature, canonical_time) or _matches(signature, legacy_time)


def is_legacy_seal(signature) -> bool:
    """Sealed before timestamps were kept to the millisecond: valid only with its microseconds."""
    return not _matches(signature, canonical_time) and _matches(signature, legacy_time)
