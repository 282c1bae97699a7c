"""How long the first submit of a server process takes, and the second (docs: For developers, The benchmark).

    .venv/bin/python scripts/measure-first-submit.py [--warm]

Builds the demo library in a throwaway SQLite database, then starts a fresh process that opens the Spanish
submit page of the demo guide (the page runs every check a submit runs: QA, the trial handout render), twice,
with the demo editor's account. --warm first does what a server does at start-up (guide_cms.warmup) and waits
for it, as a server that has been up a few seconds would have.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(warm: bool) -> None:
    import django

    started = time.perf_counter()
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from guide_cms.guides.models import Guide

    setup = time.perf_counter() - started
    if warm:
        from guide_cms import warmup

        began = time.perf_counter()
        warmup.start(background=False)
        print(f"warm-up (in the background at start-up): {time.perf_counter() - began:.2f} s")
    client = Client()
    client.force_login(get_user_model().objects.get(username="translator_es"))
    guide = Guide.objects.get(slug="muscle-relaxants")
    url = reverse("review:submit", args=[guide.pk, "es"])
    for attempt in ("first", "second"):
        began = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code in (200, 400), response.status_code
        print(f"{attempt} submit page: {time.perf_counter() - began:.2f} s")
    print(f"(django.setup: {setup:.2f} s)")


def main() -> None:
    if os.environ.get("MEASURE_CHILD"):
        child("--warm" in sys.argv)
        return
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev", "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
               "GUIDE_CMS_EXPORT_DIR": f"{folder}/exports"}
        for command in (["migrate", "--no-input", "-v0"], ["demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([sys.executable, __file__, *sys.argv[1:]], cwd=ROOT, env={**env, "MEASURE_CHILD": "1"}, check=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
