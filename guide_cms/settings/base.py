"""Settings shared by every environment; dev, test and production refine them."""
import datetime
import os
from pathlib import Path

import dj_database_url
from babel import Locale
from django.utils.translation import to_locale

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Login throttling (django-axes), shared with the signing form's password check.
    "axes",
    # TOTP authenticator apps as a second factor for signing (guide_cms.core.second_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "guide_cms.core",
    "guide_cms.guides",
    "guide_cms.localization",
    "guide_cms.review",
    "guide_cms.publishing",
    "guide_cms.notifications",
    "guide_cms.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL character anywhere in a request is a 400, never a database error.
    "guide_cms.core.middleware.RejectNulCharactersMiddleware",
    # A lock waited on too long is a 503 with a message, never a server error.
    "guide_cms.core.middleware.DatabaseBusyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Last: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Every page's Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only,
# nothing inline, no plugins, forms posted here only. The exported site's pages carry their own in a <meta>
# (publishing.channels.site), allowing their one inline style and script by hash, and Pagefind's WebAssembly.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "guide_cms.urls"
WSGI_APPLICATION = "guide_cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "guide_cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]



def database(url: str) -> dict:
    """Django's DATABASES entry for a DATABASE_URL.

    SQLite takes its write lock when a transaction begins (IMMEDIATE) and
    waits up to 20 s for it, so concurrent writers queue instead of failing
    with "database is locked".
    """
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # A lock waited on for 20 s ends the statement (SQLSTATE 55P03): the request answers that the database is
        # busy and nothing was saved (core.middleware.DatabaseBusyMiddleware), never hangs or fails with a 500.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}".strip()
    return config


# A translation file's preview is confirmed by sending the file (up to 5 MB) back base64-encoded in a form
# field: 6.7 MB, past Django's 2.5 MB default for form data, which answered a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
POSTGRES_LOCK_TIMEOUT_MS = 20_000
DATABASES = {"default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'guide_cms.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 (argon2-cffi, Django's defaults: RFC 9106's second profile, about
# 0.25 s a check on a 2-core machine); PBKDF2 stays to verify older hashes,
# which Django re-hashes with Argon2 at the next login.
PASSWORD_HASHERS = [
    "guide_cms.core.hashers.OWASPArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "guide_cms.core.backends.OwnerPasswordBackend",
]

# Login throttling: 5 wrong passwords (at the login page, the password-change
# page or the signing form) lock the username, and 20 from one address lock
# the address, for 15 minutes after the last of them. While locked no
# password is checked, so no page tells whether one is right. The address
# has a limit of its own: a clinic's staff often share one (a NAT or a
# proxy), and one person's typos must not stop everyone's logins and
# signatures; guessing across usernames from one address is still throttled.
LOGIN_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("GUIDE_CMS_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_LOCK = datetime.timedelta(minutes=15)
AXES_HANDLER = "guide_cms.core.throttle.Throttle"  # the address's limit (core/throttle.py)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_LOCK
AXES_LOCKOUT_PARAMETERS = "guide_cms.core.logins.lockout_parameters"  # username, and address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "guide_cms.core.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "guide_cms.core.logins.client_address"
AXES_VERBOSE = False
# axes keeps the POST data of failed attempts: never the passwords of any form.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2", "password1", "password2"]
# How many proxies in front of the application append to X-Forwarded-For:
# behind a TLS proxy, the client's address is the one the outermost of them saw.
GUIDE_CMS_PROXY_COUNT = int(os.environ.get("GUIDE_CMS_PROXY_COUNT") or 0)

# Staff sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English is the source; the rest are translation targets. Names
# come from Babel (the language registry in guide_cms.core.languages is the
# one place that knows language facts), not from a hand-written table.
SOURCE_LANGUAGE = "en"
LANGUAGE_CODES = ["en", "es", "ar", "zh-hans", "vi"]
LANGUAGES = [(code, Locale.parse(to_locale(code)).get_display_name("en")) for code in LANGUAGE_CODES]
LANGUAGE_CODE = SOURCE_LANGUAGE
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# django-modeltranslation. Fallbacks are off everywhere: a missing Spanish
# text must be an empty field, never English shown to a Spanish reader.
MODELTRANSLATION_DEFAULT_LANGUAGE = SOURCE_LANGUAGE
MODELTRANSLATION_LANGUAGES = tuple(LANGUAGE_CODES)
MODELTRANSLATION_ENABLE_FALLBACKS = False
MODELTRANSLATION_FALLBACK_LANGUAGES: dict[str, tuple[str, ...]] = {"default": ()}
MODELTRANSLATION_AUTO_POPULATE = False

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "guide_cms": {"handlers": ["console"], "level": "INFO"},
    },
}

# Publishing: each channel is one class; adding a channel is one module and one line.
GUIDE_CMS_CHANNELS = {
    "site": "guide_cms.publishing.channels.site.SiteChannel",
    "handouts": "guide_cms.publishing.channels.handouts.HandoutChannel",
}
# Where exports are written: <dir>/<channel>/, a symlink to the live release (publishing/store.py).
GUIDE_CMS_EXPORT_DIR = Path(os.environ.get("GUIDE_CMS_EXPORT_DIR") or VAR_DIR / "exports")
# Releases of each channel kept, the live one included: the previous one serves readers still downloading from it.
GUIDE_CMS_RELEASES_KEPT = int(os.environ.get("GUIDE_CMS_RELEASES_KEPT") or 2)
# Worker processes that render slow channels (the handouts' PDFs): the machine's cores by
# default (None); 0 or 1 renders in the exporting process.
GUIDE_CMS_RENDER_WORKERS = int(os.environ["GUIDE_CMS_RENDER_WORKERS"]) if os.environ.get("GUIDE_CMS_RENDER_WORKERS") else None
# A server (guide_cms/wsgi.py, runserver) loads the checks' word lists and the handouts' fonts in a background
# thread when it starts, so its first submit is not the slow one (guide_cms/warmup.py). GUIDE_CMS_WARM_UP=0: off.
GUIDE_CMS_WARM_UP = os.environ.get("GUIDE_CMS_WARM_UP", "1") != "0"


# Entries of a process's own cache (no GUIDE_CMS_CACHE_URL), some 300 bytes each: about 6 MB. A library
# keeps some 3 per section and language (its QA findings, and its trial layout in each channel), so this
# holds 50 guides × 10 sections × 5 languages twice over; past it the oldest third is dropped and worked
# out again on demand (a submission then lays out the whole guide). Larger libraries want the shared cache.
LOCAL_CACHE_ENTRIES = 20_000


def cache_config(url: str) -> dict:
    """A CACHES entry for url: "" gives this process's own memory (at most LOCAL_CACHE_ENTRIES), redis://,
    rediss:// or unix:// a Redis server shared by every process (Django's RedisCache). Raises
    ImproperlyConfigured for any other scheme."""
    from django.core.exceptions import ImproperlyConfigured

    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "guide_cms",
                "OPTIONS": {"MAX_ENTRIES": LOCAL_CACHE_ENTRIES}}
    if url.split(":", 1)[0] in ("redis", "rediss", "unix"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "guide_cms"}
    raise ImproperlyConfigured(f"GUIDE_CMS_CACHE_URL must be empty or a redis://, rediss:// or unix:// address, not {url.split(':', 1)[0]}://")


# What is worked out again on demand: the QA checks' findings by content (localization.checking), the
# memory's deletions (localization.memory). GUIDE_CMS_CACHE_URL (redis://cache.example.org:6379/1) shares
# them between the server's processes and workers; unset, each process keeps its own, bounded.
CACHES = {"default": cache_config(os.environ.get("GUIDE_CMS_CACHE_URL", "").strip())}

# A distributed task queue for exports and handout rendering: "celery" (with CELERY_BROKER_URL,
# e.g. redis://queue.example.org:6379/0, and workers started as publishing/tasks.py says), or ""
# (the default): everything in the exporting process and its render pool, nothing to install.
GUIDE_CMS_TASK_QUEUE = os.environ.get("GUIDE_CMS_TASK_QUEUE", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or CELERY_BROKER_URL
# Seconds an export waits for one render on the queue before it reports that entry as failed.
GUIDE_CMS_TASK_TIMEOUT = 600
# Rows on a page of the guide list, the review queue and the translator dashboard: each page
# computes states for its own rows only, so it costs the same at any library size.
GUIDE_CMS_PAGE_SIZE = 50
# Absolute address of the published site, for sitemap.xml and the admin's "View site" link.
GUIDE_CMS_SITE_URL = os.environ.get("GUIDE_CMS_SITE_URL", "https://guides.example.org/")
# Serve the exported site at /site/ from this application (the demo: "View site" opens it).
# Production serves the export folder with a web server at GUIDE_CMS_SITE_URL instead.
GUIDE_CMS_SERVE_SITE = False
# Build the site's search index (Pagefind) on every export.
GUIDE_CMS_SITE_SEARCH = True
# The search index is built in this many shards, by guide: a publication rebuilds only its
# guide's. One index ranks best (Pagefind matches a Chinese word absent from a shard by its
# characters, so a shard can add weaker results); past about 1,000 pages, when rebuilding
# the index takes seconds, more shards keep it quick (docs: For developers, The benchmark).
GUIDE_CMS_SEARCH_SHARDS = int(os.environ.get("GUIDE_CMS_SEARCH_SHARDS", "1"))

# Email: Django's mail framework. Development prints messages on the console; production sets SMTP.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "guide_cms <guides@localhost>")
# Who must confirm a signature with a code from an authenticator app (TOTP), besides their password: "" (nobody:
# offered to everyone, and required of whoever set one up) or "reviewers" (every clinical reviewer; production).
GUIDE_CMS_SIGNING_SECOND_FACTOR = os.environ.get("GUIDE_CMS_SIGNING_SECOND_FACTOR", "")
OTP_TOTP_ISSUER = "guide_cms"
# The admin's address, for links in emails.
GUIDE_CMS_ADMIN_SITE_URL = os.environ.get("GUIDE_CMS_ADMIN_SITE_URL", "http://127.0.0.1:8000")

# Who may run the demo loader (it creates accounts with published passwords).
DEMO_ALLOWED = False

# The audit chain's key (HMAC-SHA256), kept outside the database: anyone who
# can write the database but not read this key cannot rewrite history
# undetected. After a rotation, keep the old keys in the fallbacks (like
# SECRET_KEY_FALLBACKS): events sealed with them still verify. dev, test and
# production set them (production from the environment or a key file).
GUIDE_CMS_AUDIT_KEY = ""
GUIDE_CMS_AUDIT_KEY_FALLBACKS: list[str] = []
# The Ed25519 key that signs checkpoints (the audit chain's head and the
# channels' manifests, written beside the exports): PEM text of the private
# key, and PEM texts of older keys (public or private) whose checkpoints
# must still verify.
GUIDE_CMS_CHECKPOINT_KEY = ""
GUIDE_CMS_CHECKPOINT_KEY_FALLBACKS: list[str] = []


def secret_from_environment(name: str) -> list[str]:
    """Keys from the variable NAME (comma-separated) or the file named by NAME_FILE (one a line); [] if neither is set."""
    value = os.environ.get(name, "").strip()
    path = os.environ.get(f"{name}_FILE", "").strip()
    if path:
        value = Path(path).read_text("utf-8")
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [part.strip() for part in value.split(",") if part.strip()]


def pem_from_environment(name: str) -> list[str]:
    """PEM keys from the variable NAME (PEM text) or the files named by NAME_FILE (comma-separated paths)."""
    value = os.environ.get(name, "").strip()
    paths = [p.strip() for p in os.environ.get(f"{name}_FILE", "").split(",") if p.strip()]
    if paths:
        return [Path(p).read_text("utf-8") for p in paths]
    return [value] if value else []
