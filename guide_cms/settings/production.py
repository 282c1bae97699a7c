"""Production: every secret and host from the environment; refuses to start without them.

`python manage.py check --deploy --fail-level WARNING` passes on these
settings (make test runs it). Behind a TLS proxy, see the documentation (How-to, Deploy on PostgreSQL) for
GUIDE_CMS_TLS_PROXY_HEADER, GUIDE_CMS_PROXY_COUNT and the HSTS variables.
"""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database, pem_from_environment, secret_from_environment

MIN_SECRET_KEY_LENGTH = 50
# Keys that are published somewhere (Django's generated development keys,
# this project's test settings, placeholders in documentation).
_PUBLISHED_KEY_MARKERS = ("django-insecure", "test-only-secret-key", "test-only-audit-key", "change-me", "changeme", "secret-key-here", "your-secret-key")


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


def _strong_secret(name: str, value: str) -> str:
    """Refuse a key that is short, repetitive or published: seals and sessions depend on it."""
    if len(value) < MIN_SECRET_KEY_LENGTH or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"{name} is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if any(marker in value.lower() for marker in _PUBLISHED_KEY_MARKERS):
        raise ImproperlyConfigured(f"{name} is a published or placeholder key; generate a new one.")
    return value


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


SECRET_KEY = _strong_secret("SECRET_KEY", _required("SECRET_KEY"))
# Signature seals are HMACs under the secret key: after a rotation, keep the
# old keys here (comma-separated) or every existing seal fails verification.
SECRET_KEY_FALLBACKS = [_strong_secret("SECRET_KEY_FALLBACKS", k.strip()) for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]

# The audit chain's HMAC key and the checkpoints' Ed25519 key: outside the
# database (docs: How-to, Keys and rotation). Each from its variable or a
# file named by <variable>_FILE; older keys in the _FALLBACKS variables.
def _one_key(name: str) -> str:
    keys = secret_from_environment(name)
    if not keys:
        raise ImproperlyConfigured(f"Set {name} (or {name}_FILE, a file holding it) for production.")
    if len(keys) > 1:
        raise ImproperlyConfigured(f"{name} holds one key; put older keys in {name}_FALLBACKS.")
    return _strong_secret(name, keys[0])


GUIDE_CMS_AUDIT_KEY = _one_key("GUIDE_CMS_AUDIT_KEY")
GUIDE_CMS_AUDIT_KEY_FALLBACKS = [_strong_secret("GUIDE_CMS_AUDIT_KEY_FALLBACKS", k) for k in secret_from_environment("GUIDE_CMS_AUDIT_KEY_FALLBACKS")]
if {GUIDE_CMS_AUDIT_KEY, *GUIDE_CMS_AUDIT_KEY_FALLBACKS} & {SECRET_KEY, *SECRET_KEY_FALLBACKS}:
    raise ImproperlyConfigured("GUIDE_CMS_AUDIT_KEY must not be a SECRET_KEY: generate a key of its own.")


def _checkpoint_key(name: str, pem: str, private: bool) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None) if private or "PRIVATE" in pem else serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name} is not a readable unencrypted PEM key: {exc}") from None
    if not isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        raise ImproperlyConfigured(f"{name} must be an Ed25519 key (openssl genpkey -algorithm ed25519).")
    if private and "MC4CAQAwBQYDK2VwBCIEIBQAcvFqwRQQcR6j8cd2o05sXGgoaVMBdFrIPLFG4AuT" in pem:
        raise ImproperlyConfigured(f"{name} is the published test key; generate a new one.")
    return pem


_checkpoint_keys = pem_from_environment("GUIDE_CMS_CHECKPOINT_KEY")
if len(_checkpoint_keys) != 1:
    raise ImproperlyConfigured("Set GUIDE_CMS_CHECKPOINT_KEY_FILE (a PEM file of one Ed25519 private key) for production.")
GUIDE_CMS_CHECKPOINT_KEY = _checkpoint_key("GUIDE_CMS_CHECKPOINT_KEY", _checkpoint_keys[0], private=True)
GUIDE_CMS_CHECKPOINT_KEY_FALLBACKS = [
    _checkpoint_key("GUIDE_CMS_CHECKPOINT_KEY_FALLBACKS", pem, private=False) for pem in pem_from_environment("GUIDE_CMS_CHECKPOINT_KEY_FALLBACKS")
]
def _site_url(name: str) -> str:
    """The published site's absolute address: printed in handouts (a translation's notice sends patients
    there) and in sitemap.xml, so never the placeholder of the development settings."""
    from urllib.parse import urlsplit

    value = _required(name)
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be an absolute http(s) address such as https://guides.your-clinic.org/, not {value!r}.")
    if parts.hostname == "example.org" or parts.hostname.endswith((".example.org", ".example.com", ".example.net")) or parts.hostname in (
            "example.com", "example.net"):
        raise ImproperlyConfigured(f"{name} is a placeholder address ({parts.hostname}); set the address patients reach the site at.")
    return value if value.endswith("/") else value + "/"


GUIDE_CMS_SITE_URL = _site_url("GUIDE_CMS_SITE_URL")
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
DATABASES = {"default": database(_required("DATABASE_URL"))}
DEBUG = False
DEMO_ALLOWED = False
# Every clinical reviewer confirms a signature with a code from their authenticator app (TOTP) as well as their
# password; GUIDE_CMS_SIGNING_SECOND_FACTOR= (empty) turns the requirement off (it stays offered).
GUIDE_CMS_SIGNING_SECOND_FACTOR = os.environ.get("GUIDE_CMS_SIGNING_SECOND_FACTOR", "reviewers")

# HTTPS only. Behind a TLS-terminating proxy, name the header it sets
# (GUIDE_CMS_TLS_PROXY_HEADER=X-Forwarded-Proto) so Django knows the request
# came in over HTTPS; the proxy must overwrite that header from clients.
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", True)
_proxy_header = os.environ.get("GUIDE_CMS_TLS_PROXY_HEADER", "").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# Email through SMTP: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "").lower() in ("1", "true", "yes")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
