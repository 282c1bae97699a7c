"""Canonical forms and hashes: the bytes a content hash or a seal is taken over."""
import datetime
import hashlib
import json
import unicodedata
from typing import Any


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """Unicode NFC, sorted keys, no insignificant whitespace: one text per value."""
    text = _dumps(value)
    # Nearly every value is NFC already. If the whole text is, so is every string in it (a string that
    # is not NFC stays so among JSON's ASCII punctuation), and normalising each one would change nothing.
    if unicodedata.is_normalized("NFC", text):
        return text
    return _dumps(_nfc(value))


def sha256_hex(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


# Timestamps that a hash or a seal covers are kept to the millisecond: that
# is what every backup path keeps (Django's JSON serializer writes
# milliseconds, XML and pg_dump microseconds), so a restored database
# verifies. They are truncated when written and canonicalised the same way.


def to_milliseconds(value: datetime.datetime) -> datetime.datetime:
    """value truncated to the millisecond, as stored for anything hashed or sealed."""
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def canonical_time(value: datetime.datetime) -> str:
    """A hashed timestamp: UTC, to the millisecond ("2026-11-29T08:00:00.123+00:00")."""
    return to_milliseconds(value).astimezone(datetime.UTC).isoformat(timespec="milliseconds")


def legacy_time(value: datetime.datetime) -> str:
    """How timestamps were hashed before they were kept to the millisecond (Python's isoformat)."""
    return value.isoformat()
