"""`python -m benchmarks` runs on a tiny library and its JSON has figures for every step (a smoke run: the figures
are the machine's, so nothing is timed, and the rows' labels are the benchmark's own business)."""
import json
import os
import subprocess
import sys

from django.conf import settings


def test_python_m_benchmarks_runs_every_step_and_writes_its_figures(tmp_path):
    from benchmarks.steps import STEPS

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "GUIDE_CMS_RENDER_WORKERS": "2"}
    out = tmp_path / "benchmark.json"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--guides", "2", "--sections", "2", "--languages", "2", "--memory", "500",
         "--handout-sample", "2", "--scale", "2", "--json", str(out)],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    steps = {}
    for row in report["rows"]:
        steps.setdefault(row["step"], []).append(row)
        assert isinstance(row["wall"], float) and row["wall"] >= 0, row
    assert list(steps) == [name for name, _measure in STEPS]
    for name, rows in steps.items():
        assert any(row["wall"] > 0 for row in rows), name
    # Every goal has its figure, or says it was not measured and why.
    assert report["goals"]
    for goal in report["goals"]:
        assert goal["measured"] is not None or goal["note"].startswith("not measured: "), goal
    assert report["peak_memory_mb"] > 0 and report["password_hashing"]["checks"] > 0
    # A fuzzy memory lookup makes the same queries at a tenth of the pairs as at all of them.
    fuzzy = [row["queries"] for row in steps["translation memory"] if "fuzzy matches" in row["name"]]
    assert len(fuzzy) == 2 and fuzzy[0] == fuzzy[1]


def test_python_m_benchmarks_help_lists_its_options():
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--help"], cwd=settings.BASE_DIR, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev"})
    assert result.returncode == 0, result.stderr
    for option in ("--guides", "--sections", "--languages", "--seed", "--json", "--memory", "--handout-sample", "--scale", "--queue"):
        assert option in result.stdout, option


def test_the_product_does_not_import_the_benchmark():
    product = settings.BASE_DIR / "guide_cms"
    importing = [str(path.relative_to(settings.BASE_DIR)) for path in product.rglob("*.py")
                 if "import benchmarks" in path.read_text("utf-8") or "from benchmarks" in path.read_text("utf-8")]
    assert importing == []
