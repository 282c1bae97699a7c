"""Local development and the demo: SQLite under var/, a secret generated on first run."""
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
DEMO_ALLOWED = True
# The demo serves the exported site at http://127.0.0.1:8000/site/ ("View site" in the admin).
GUIDE_CMS_SERVE_SITE = True


def _development_secret() -> str:
    """Read var/secret_key, creating it once; a secret is never committed."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _development_secret()
