"""One save of a guide's admin change page with one section body changed, merged onto the page's revisions under
one lock of the guide: its SQL statements must not grow with the sections (a guide of the library's size, then 50)."""
from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client
from django.urls import reverse

from guide_cms.guides.services import guide_create, section_create

from ..measuring import QueryCounter, Row


def measure(run) -> None:
    run.out("Admin saves (merge onto the page's revisions)")
    editor = run.users["editor"]
    for count in sorted({run.sections, 50}):
        guide = guide_create(user=editor, slug=f"bench-save-{count}", title="Saving")
        for n in range(count):
            section_create(guide=guide, user=editor, key=f"part-{n}", title=f"Part {n}", body=f"Take {n + 1} mg.")
        client = Client()
        client.force_login(editor)
        median, queries = _median_save(client, reverse("admin:guides_guide_change", args=[guide.pk]))
        run.add(Row(name=f"guide page save, 1 of {count} sections changed", wall=median, units=1, unit="saves",
                    queries=queries, note="median of 3"))
        run.out(f"  {count} sections: {median * 1000:.0f} ms, {queries} queries")


def _median_save(client, url: str) -> tuple[float, int]:
    """The median time of 3 saves of the page at url, each with the first section's body changed; the SQL
    statements of the last."""
    timings, queries = [], 0
    for attempt in range(3):
        data = change_page_post(client.get(url))
        data["sections-0-body_en"] = f"Take {attempt + 10} mg."
        counter = QueryCounter()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = client.post(url, data)
        timings.append(time.perf_counter() - start)
        queries = counter.count
        if response.status_code != 302:
            raise RuntimeError(f"{url}: the save answered {response.status_code}")
    return statistics.median(timings), queries


def change_page_post(response) -> dict:
    """The POST a browser sends from an admin change page: every field the page renders, as rendered."""
    html, data = response.content.decode(), {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            key, value = form.add_prefix(name), form[name].value()
            if value not in (None, False) and f'name="{key}"' in html:
                data[key] = "on" if value is True else value
    return data
