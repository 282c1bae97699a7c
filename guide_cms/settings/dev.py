"""Local development and the demo: SQLite under var/, a secret generated on first run."""
import secrets

import os

from .base import *  # noqa: F403
from .base import VAR_DIR


def _demo_address() -> str:
    """The demo server's address: GUIDE_CMS_ADMIN_SITE_URL, else what `make demo` / `make serve` last served at
    (var/demo-address, so that a command run from a shell afterwards gives patients the same address), else port 8000."""
    if os.environ.get("GUIDE_CMS_ADMIN_SITE_URL"):
        return os.environ["GUIDE_CMS_ADMIN_SITE_URL"]
    recorded = VAR_DIR / "demo-address"
    address = recorded.read_text().strip() if recorded.is_file() else ""
    return address if address.startswith(("http://", "https://")) else "http://127.0.0.1:8000"


GUIDE_CMS_ADMIN_SITE_URL = _demo_address()
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
DEMO_ALLOWED = True
# The demo serves the exported site at http://127.0.0.1:8000/site/ ("View site" in the admin).
GUIDE_CMS_SERVE_SITE = True
# ... and that is the address its pages, sitemap and printed handouts give patients (never a placeholder).
GUIDE_CMS_SITE_URL = os.environ.get("GUIDE_CMS_SITE_URL") or GUIDE_CMS_ADMIN_SITE_URL.rstrip("/") + "/site/"


def _development_secret() -> str:
    """Read var/secret_key, creating it once; a secret is never committed."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _development_key(name: str, make) -> str:
    """Read var/<name>, creating it once (mode 600); like the secret, never committed."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text()


def _new_checkpoint_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


SECRET_KEY = _development_secret()
# Outside the database, as in production (docs: How-to, Keys and rotation).
GUIDE_CMS_AUDIT_KEY = _development_key("audit_key", lambda: secrets.token_urlsafe(50)).strip()
GUIDE_CMS_CHECKPOINT_KEY = _development_key("checkpoint_key.pem", _new_checkpoint_key)
