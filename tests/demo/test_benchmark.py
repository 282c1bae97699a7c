import os
import subprocess
import sys

from django.conf import settings


def test_benchmark_prints_query_counts_and_export_figures(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--guides", "12", "--published", "2", "--memory", "3000"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    counts = [line for line in text.splitlines() if "queries with" in line]
    assert [line.split()[0] + " " + line.split()[1] for line in counts] == ["guide list", "review queue"]
    for line in counts:  # "N queries with 5 guides, N with 12 guides": the same N
        numbers = [int(w) for w in line.replace(",", " ").split() if w.isdigit()]
        assert numbers[0] == numbers[2], line
    assert "nothing changed:" in text and "one guide changed:" in text
    assert "site: 1 rendered" in text.split("one guide changed:")[1].splitlines()[0]
    assert "Translation memory lookups, 3,000 pairs" in text
    assert "fuzzy matches, whole guide:" in text and "exact matches, whole guide:" in text
