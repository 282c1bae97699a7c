"""The floor: the live site's texts through one Django template straight to files, what no static export can beat.
The benchmark's own yardstick for the site export and content in (benchmarks.goals)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.template import Context, Engine

from guide_cms.guides.markdown import render_markdown
from guide_cms.guides.models import Version

TEMPLATE = (
    "<!doctype html><html lang=\"{{ lang }}\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head><body>"
    "<h1>{{ title }}</h1><p>{{ summary }}</p>{% for s in sections %}<section><h2>{{ s.title }}</h2>{{ s.html|safe }}</section>"
    "{% endfor %}</body></html>"
)


def measure(run) -> None:
    template = Engine().from_string(TEMPLATE)
    pages = run.guides * len(run.codes)
    with tempfile.TemporaryDirectory() as folder, run.measure("floor: one Django template straight to files", pages, "pages") as row:
        written = 0
        for version in Version.objects.filter(status="approved", publications__is_live=True, publications__channel="site").distinct():
            snapshot = version.snapshot
            sections = [{"title": s["title"], "html": render_markdown(s["body"], language=version.language)} for s in snapshot["sections"]]
            html = template.render(Context({"lang": version.language, "title": snapshot["title"], "summary": snapshot["summary"],
                                            "sections": sections}))
            target = Path(folder) / version.language / f"{snapshot['guide']}.html"
            target.parent.mkdir(exist_ok=True)
            target.write_text(html, "utf-8")
            written += 1
        row.written = row.changed = written
