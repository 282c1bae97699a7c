"""A run's report: every figure as one dictionary (the --json file), and as the plain-text table printed at the end
(the rows, then password hashing, content in end to end, peak memory, and the goals met or missed)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from django.db import connection

from .goals import content_in, goals
from .measuring import hasher_name

COLUMNS = (("what", "<62"), ("wall s", ">8"), ("units", ">7"), ("units/s", ">9"), ("queries", ">8"), ("q/unit", ">7"),
           ("peak MB", ">8"), ("written", ">8"), ("changed", ">8"))


def report(run) -> dict:
    content = content_in(run)
    if content:
        run.facts["content in"] = content
    return {
        "library": {"guides": run.guides, "sections": run.sections, "languages": list(run.codes), "seed": run.seed},
        "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
        "database": connection.vendor,
        "rows": [row.as_dict() for row in run.rows],
        "password_hashing": {"seconds": run.hashing.seconds, "checks": run.hashing.calls, "hasher": hasher_name()},
        "peak_memory_mb": run.peak_memory,
        "goals": goals(run),
        "facts": run.facts,
    }


def format_table(report: dict) -> str:
    """The rows as one plain-text table, then the password hashing line and the goals."""
    return "\n".join([*_table(report["rows"]), "", *_totals(report), "", *_goals(report)])


def _cell(value, fmt) -> str:
    return format(value, fmt) if value is not None else "–"


def _table(rows: list[dict]) -> list[str]:
    header = " ".join(format(title, align) for title, align in COLUMNS)
    lines = [header, "-" * len(header)]
    for row in rows:
        cells = [row["name"][:62], format(row["wall"], ".3f"), _cell(row["units"] or None, "d"), _cell(row["rate"], ".1f"),
                 _cell(row["queries"], "d"), _cell(row["queries_per_unit"], ".1f"), _cell(row["peak_mb"], ".0f"),
                 _cell(row["written"], "d"), _cell(row["changed"], "d")]
        line = " ".join(format(value, align) for value, (_title, align) in zip(cells, COLUMNS, strict=True))
        lines.append(line + (f"  {row['note']}" if row["note"] else ""))
    return lines


def _totals(report: dict) -> list[str]:
    hashing = report["password_hashing"]
    each = hashing["seconds"] / hashing["checks"] * 1000 if hashing["checks"] else 0
    lines = [f"password hashing ({hashing['hasher']}): {hashing['seconds']:.2f} s in all, {hashing['checks']} checks, {each:.0f} ms a check"]
    content = report["facts"].get("content in")
    if content:
        lines.append(
            f"content in, end to end: {content['units']} section-languages in {content['seconds']:.1f} s = {content['units/s']:.1f} units/s; "
            f"{(content['units/s without hashing'] or 0):.1f} units/s without password hashing"
        )
    workers = report["facts"].get("render worker peak MB")
    lines.append(f"peak memory: {report['peak_memory_mb'] or 0:.0f} MB, the largest of any row (the one-process handout rows ran in a "
                 "process of their own)" + (f"; each render worker at most {workers:.0f} MB" if workers else ""))
    return lines


def _goals(report: dict) -> list[str]:
    library = report["library"]
    lines = ["goals (issue 26 of guide_cms's tracker), against guide_cms's own figures and the benchmark's floor:"]
    if (library["guides"], library["sections"], len(library["languages"])) != (50, 10, 5):
        lines.append(f"  (set for 50 × 10 × 5; at {library['guides']} × {library['sections']} × {len(library['languages'])} "
                     "the verdicts are indicative only)")
    lines += [_goal_line(goal) for goal in report["goals"] if goal["kind"] == "goal"]
    lines += ["", "other checks:"]
    lines += [_goal_line(goal) for goal in report["goals"] if goal["kind"] == "check"]
    return lines


def _goal_line(goal: dict) -> str:
    if goal["measured"] is None:
        return f"  [{'not measured':^12}] {goal['goal']} — {goal['note'].removeprefix('not measured: ')}"
    verdict = {True: "met", False: "MISSED", None: "see figure"}[goal["met"]]
    unit = f" {goal['unit']}" if goal["unit"] else ""
    line = f"  [{verdict:^12}] {goal['goal']}: {goal['measured']}{unit} (target {goal['target']}{unit})"
    return line + (f"\n                   {goal['note']}" if goal["note"] else "")


def write_json(report: dict, path: str) -> None:
    Path(path).write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
