"""The benchmark runs at a tiny size and prints every row (no timed assertion: the figures are the machine's)."""
import json
import os
import subprocess
import sys

from django.conf import settings

ROWS = [
    "handout pool start",
    "create and submit (import, source)", "sign (source)", "translate (XLIFF out, CAT tool, XLIFF in)", "submit (translations)",
    "sign (translations)", "publish (each guide in every language, exported)",
    "site export, full, into an empty folder", "site export, nothing changed", "floor: one Django template straight to files",
    "handouts, one process", "handouts, pool of 2 processes", "WeasyPrint alone, the same HTML, one process",
    "edit, submit and sign the source (clinical)", "update, submit and sign its translations",
    "publish them: every channel updated (one outcome)",
    "  of which: until every channel's files are live", "  then the search index (every channel's files)",
    "publish them on the site alone", "  of which: until the new pages are live", "  then the search index (the new pages)",
    "then on the handouts",
    "verify_integrity", "guide list, 2 guides", "review queue, 2 guides", "translator dashboard, 2 guides", "translation editor, 2 guides",
    "guide list, 6 guides", "review queue, 6 guides", "translator dashboard, 6 guides", "translation editor, 6 guides",
    "guide page save, 1 of 2 sections changed", "guide page save, 1 of 50 sections changed",
    "QA checks, the demo guide's 10-section sample [es]", "QA checks, the demo guide's 10-section sample [ar]",
    "translation memory: index build, 2,000 pairs", "translation memory: exact matches, one guide", "translation memory: fuzzy matches, one guide",
]


def test_run_benchmark_prints_every_row_and_writes_the_json(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "GUIDE_CMS_RENDER_WORKERS": "2"}
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "manage.py", "run_benchmark", "--guides", "2", "--sections", "2", "--languages", "3", "--memory", "2000",
         "--handout-sample", "3", "--scale", "3", "--json", str(out)],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout.split("\n\n", 1)[-1]
    for name in ROWS:
        assert any(line.startswith(name) for line in table.splitlines()), name
    assert "password hashing (Argon2" in table and "content in, end to end" in table and "peak memory" in table
    report = json.loads(out.read_text())
    rows = {row["name"]: row for row in report["rows"]}
    assert [row["name"] for row in report["rows"] if not any(row["name"].startswith(name) for name in ROWS)] == []
    # Admin pages cost the same number of queries at three times the guides.
    for page in ("guide list", "review queue", "translator dashboard", "translation editor"):
        small = next(r for n, r in rows.items() if n.startswith(f"{page}, 2 guides"))
        large = next(r for n, r in rows.items() if n.startswith(f"{page}, 6 guides"))
        assert small["queries"] == large["queries"], page
    # A fuzzy memory lookup makes the same queries at a tenth of the pairs as at all of them.
    fuzzy = [r["queries"] for n, r in rows.items() if n.startswith("translation memory: fuzzy matches")]
    assert len(fuzzy) == 2 and fuzzy[0] == fuzzy[1]
    # Nothing changed: nothing written. One edit: files written are files changed, that guide's only.
    # A save merges onto the page's revisions with the same queries whatever the number of sections.
    assert rows["guide page save, 1 of 2 sections changed"]["queries"] == rows["guide page save, 1 of 50 sections changed"]["queries"]
    assert rows["site export, nothing changed"]["written"] == 0
    # The search index that follows a publication writes the index files that changed, and no page.
    for index in (r for n, r in rows.items() if n.startswith("  then the search index")):
        assert 0 < index["written"] <= index["changed"]
    for fact in ("one edit", "one edit, site", "one edit, handouts"):
        for channel, detail in report["facts"][fact].items():
            assert set(detail["written"]) <= set(detail["changed"]) | {"index.html", "sitemap.xml"}, (fact, channel)
            assert {entry.split("/")[1] for entry in detail["rendered"]} == {"bench-0001"}, (fact, channel)
    # Memory of every process: the one-process handouts ran in a process of their own, and each render worker is measured.
    for name in ("handouts, one process", "WeasyPrint alone, the same HTML, one process"):
        assert rows[name]["peak_mb"] > 0 and "in a process of its own" in rows[name]["note"]
    assert report["facts"]["render worker peak MB"] > 0 and "each render worker at most" in table
    assert {goal["goal"].split(":")[0] for goal in report["goals"]} >= {"peak memory under 500 MB (every process)", "one edit", "sign (source)",
                                                                       "sign (translations)"}
    signing = next(g for g in report["goals"] if g["goal"].startswith("sign (translations)"))
    row = rows["sign (translations)"]
    assert signing["measured"] == round((row["wall"] - row["hashing"]) / row["units"] * 1000)


def test_benchmark_is_run_benchmark_under_its_old_name():
    from guide_cms.demo.management.commands import benchmark, run_benchmark

    assert issubclass(benchmark.Command, run_benchmark.Command)
