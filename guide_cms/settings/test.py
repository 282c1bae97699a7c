"""Test settings: fast hashing, no secrets on disk. DATABASE_URL picks PostgreSQL."""
import os

from .base import *  # noqa: F403
from .base import SQLITE_OPTIONS, database

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEMO_ALLOWED = True
# Argon2 is configured in base (and tested there); tests hash thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "OPTIONS": dict(SQLITE_OPTIONS)}}
# Pagefind takes about a second per export: the search tests turn it on.
GUIDE_CMS_SITE_SEARCH = False
