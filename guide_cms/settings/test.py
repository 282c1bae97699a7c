"""Test settings: fast hashing, no secrets on disk. DATABASE_URL picks PostgreSQL."""
import os

from .base import *  # noqa: F403
from .base import SQLITE_OPTIONS, database

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
# Published test keys (production refuses them): the audit chain's HMAC key and the checkpoint signing key.
GUIDE_CMS_AUDIT_KEY = "test-only-audit-key-not-for-production-use-9876543210"
GUIDE_CMS_CHECKPOINT_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIBQAcvFqwRQQcR6j8cd2o05sXGgoaVMBdFrIPLFG4AuT
-----END PRIVATE KEY-----
"""
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEMO_ALLOWED = True
# Argon2 is configured in base (and tested there); tests hash thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Handouts render in the test's own process; the render pool and the task queue have tests of their own.
GUIDE_CMS_RENDER_WORKERS = 0

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "OPTIONS": dict(SQLITE_OPTIONS)}}
# Pagefind takes about a second per export: the search tests turn it on.
GUIDE_CMS_SITE_SEARCH = False
