"""The project as an operator meets it: settings, migrations, checks."""
import os
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_secrets():
    env = {"DJANGO_SETTINGS_MODULE": "guide_cms.settings.production", "SECRET_KEY": "", "DATABASE_URL": "", "ALLOWED_HOSTS": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable for production" in result.stderr


def test_production_settings_pass_the_deploy_checks_that_matter():
    env = {
        "DJANGO_SETTINGS_MODULE": "guide_cms.settings.production",
        "SECRET_KEY": "x" * 60 + "-production-like-key-for-the-check-only",
        "DATABASE_URL": "sqlite:///:memory:",
        "ALLOWED_HOSTS": "guides.example.org",
    }
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_migration_names_say_what_they_do():
    from pathlib import Path

    names = [p.name for p in Path(settings.BASE_DIR, "guide_cms").glob("*/migrations/0*.py")]
    assert names and not [n for n in names if "auto_" in n]
