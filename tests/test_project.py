"""The project as an operator meets it: settings, migrations, checks."""
import os
import subprocess
import sys
from pathlib import Path
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


def new_checkpoint_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "guide_cms.settings.production",
    "SECRET_KEY": "Zq3v-8pLr2W_kd9xN4sT7yHb1cM6fJ0gUeA5oRiV-production-like-key-for-the-check-only",
    "GUIDE_CMS_AUDIT_KEY": "Hk2m-9qWe4R_tY7uI0oPa3Sd6Fg1Jh5Kl8Zx-audit-key-for-the-check-only",
    "GUIDE_CMS_CHECKPOINT_KEY": new_checkpoint_key(),
    "DATABASE_URL": "sqlite:///:memory:",
    "ALLOWED_HOSTS": "guides.example.org",
    "GUIDE_CMS_SITE_URL": "https://guides.clinic.test",
}


def test_production_settings_refuse_to_start_without_secrets():
    env = {"DJANGO_SETTINGS_MODULE": "guide_cms.settings.production", "SECRET_KEY": "", "DATABASE_URL": "", "ALLOWED_HOSTS": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable for production" in result.stderr


@pytest.mark.parametrize("url, reason", [
    ("", "Set the GUIDE_CMS_SITE_URL environment variable"),
    ("https://guides.example.org/", "placeholder address"),
    ("guides.clinic.test", "must be an absolute http(s) address"),
    ("javascript:alert(1)", "must be an absolute http(s) address"),
])
def test_production_refuses_a_missing_placeholder_or_relative_site_address(url, reason):
    """The address is printed in patients' handouts: never the development settings' placeholder."""
    result = run_manage("check", env={**PRODUCTION, "GUIDE_CMS_SITE_URL": url})
    assert result.returncode != 0 and reason in result.stderr


def test_production_site_address_ends_with_a_slash():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.GUIDE_CMS_SITE_URL)", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://guides.clinic.test/"


@pytest.mark.parametrize(
    "key, reason",
    [
        ("x", "too weak"),
        ("a" * 80, "too weak"),
        ("django-insecure-" + "k3y9" * 12, "published or placeholder"),
        ("test-only-secret-key-not-for-production-use-0123456789", "published or placeholder"),
    ],
)
def test_production_refuses_a_short_repetitive_or_published_secret_key(key, reason):
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": key})

    assert result.returncode != 0
    assert reason in result.stderr


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"GUIDE_CMS_AUDIT_KEY": ""}, "Set GUIDE_CMS_AUDIT_KEY (or GUIDE_CMS_AUDIT_KEY_FILE"),
        ({"GUIDE_CMS_AUDIT_KEY": "short"}, "GUIDE_CMS_AUDIT_KEY is too weak"),
        ({"GUIDE_CMS_AUDIT_KEY": "test-only-audit-key-not-for-production-use-9876543210"}, "published or placeholder"),
        ({"GUIDE_CMS_AUDIT_KEY": PRODUCTION["SECRET_KEY"]}, "must not be a SECRET_KEY"),
        ({"GUIDE_CMS_CHECKPOINT_KEY": ""}, "Set GUIDE_CMS_CHECKPOINT_KEY_FILE"),
        ({"GUIDE_CMS_CHECKPOINT_KEY": "not a key"}, "not a readable unencrypted PEM key"),
        ({"GUIDE_CMS_CHECKPOINT_KEY": settings.GUIDE_CMS_CHECKPOINT_KEY}, "published test key"),
    ],
)
def test_production_refuses_to_start_without_its_own_audit_and_checkpoint_keys(change, reason):
    result = run_manage("check", env={**PRODUCTION, **change})

    assert result.returncode != 0
    assert reason in result.stderr


def test_production_reads_the_keys_from_files(tmp_path):
    (tmp_path / "audit_key").write_text(PRODUCTION["GUIDE_CMS_AUDIT_KEY"] + "\n")
    (tmp_path / "old_audit_keys").write_text("Old-audit-key-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n")
    (tmp_path / "checkpoint.pem").write_text(PRODUCTION["GUIDE_CMS_CHECKPOINT_KEY"])
    env = {
        **PRODUCTION, "GUIDE_CMS_AUDIT_KEY": "", "GUIDE_CMS_CHECKPOINT_KEY": "",
        "GUIDE_CMS_AUDIT_KEY_FILE": str(tmp_path / "audit_key"), "GUIDE_CMS_AUDIT_KEY_FALLBACKS_FILE": str(tmp_path / "old_audit_keys"),
        "GUIDE_CMS_CHECKPOINT_KEY_FILE": str(tmp_path / "checkpoint.pem"),
    }
    script = "from django.conf import settings as s; print(s.GUIDE_CMS_AUDIT_KEY[:6], len(s.GUIDE_CMS_AUDIT_KEY_FALLBACKS), 'PRIVATE' in s.GUIDE_CMS_CHECKPOINT_KEY)"
    result = run_manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "Hk2m-9 1 True"


def test_production_settings_pass_the_deploy_check_at_warning_level():
    """What CI proves with make test: HSTS, SSL redirect, secure cookies, a strong key, no DEBUG."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_hsts_and_the_ssl_redirect_are_set_from_the_environment_behind_a_tls_proxy():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.GUIDE_CMS_PROXY_COUNT)"
    )
    env = {
        **PRODUCTION, "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "3600", "GUIDE_CMS_TLS_PROXY_HEADER": "X-Forwarded-Proto",
        "CSRF_TRUSTED_ORIGINS": "https://guides.example.org", "GUIDE_CMS_PROXY_COUNT": "1",
    }
    result = run_manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False 3600 ('HTTP_X_FORWARDED_PROTO', 'https') ['https://guides.example.org'] 1"


def test_passwords_are_hashed_with_argon2_and_old_pbkdf2_hashes_still_verify():
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, check_password, make_password
    from django.test import override_settings

    from guide_cms.settings import base

    legacy = PBKDF2PasswordHasher().encode("guide-demo-2026", "legacysalt", iterations=1000)
    djangos = Argon2PasswordHasher().encode("guide-demo-2026", "djangosargon2")  # Django's costs: 100 MiB, 8 lanes
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        # OWASP's Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 lane.
        assert make_password("guide-demo-2026").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        for old in (legacy, djangos):
            rehashed = []
            assert check_password("guide-demo-2026", old, setter=rehashed.append)  # as a login checks it
            assert rehashed == ["guide-demo-2026"]  # re-hashed with OWASP's costs at the owner's next login
            assert not check_password("guide-demo-2025", old)


def test_sqlite_writers_wait_for_the_lock_instead_of_failing():
    from guide_cms.settings import base

    for url in ("sqlite:///var/x.sqlite3", "sqlite:///:memory:"):
        assert base.database(url)["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # PostgreSQL: a lock waited on 20 s ends the statement (the request answers "busy"; core.middleware).
    assert base.database("postgres://u:p@localhost:5432/db").get("OPTIONS", {}) == {"options": "-c lock_timeout=20000"}
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_migration_names_say_what_they_do():
    from pathlib import Path

    names = [p.name for p in Path(settings.BASE_DIR, "guide_cms").glob("*/migrations/0*.py")]
    assert names and not [n for n in names if "auto_" in n]


def test_the_demo_prints_the_demo_servers_address_for_patients_never_a_placeholder():
    """`make demo PORT=8001` serves the site at /site/: pages, sitemap and handouts give that address."""
    env = {"DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev", "GUIDE_CMS_ADMIN_SITE_URL": "http://127.0.0.1:8001", "GUIDE_CMS_SITE_URL": ""}
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.GUIDE_CMS_SITE_URL)", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8001/site/"


def test_every_slow_module_exists_so_the_quick_loop_leaves_out_what_it_says():
    from tests.conftest import SLOW_MODULES

    assert [path for path in sorted(SLOW_MODULES) if not (Path(settings.BASE_DIR) / path).is_file()] == []


def test_commands_after_the_demo_give_patients_the_demo_servers_address():
    """`make demo PORT=8011` records its address; export_channels run from a shell later prints the same one in
    pages and handouts, not port 8000's."""
    recorded = settings.BASE_DIR / "var" / "demo-address"
    kept = recorded.read_text() if recorded.exists() else None
    env = {"DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev", "GUIDE_CMS_ADMIN_SITE_URL": "", "GUIDE_CMS_SITE_URL": ""}
    show = "from django.conf import settings; print(settings.GUIDE_CMS_SITE_URL)"
    try:
        recorded.parent.mkdir(exist_ok=True)
        recorded.write_text("http://127.0.0.1:8011\n")
        assert run_manage("shell", "-c", show, env=env).stdout.strip().splitlines()[-1] == "http://127.0.0.1:8011/site/"
        explicit = run_manage("shell", "-c", show, env={**env, "GUIDE_CMS_ADMIN_SITE_URL": "http://127.0.0.1:8022"})
        assert explicit.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8022/site/"  # the environment first
    finally:
        if kept is None:
            recorded.unlink(missing_ok=True)
        else:
            recorded.write_text(kept)
