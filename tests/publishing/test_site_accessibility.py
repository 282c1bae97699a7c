"""Every page of the exported site passes axe-core's WCAG 2.2 A/AA rules in Chromium, with zero violations."""
import functools
import http.server
import os
import threading

import pytest

from tests.publishing import entries as sample
from tests.publishing.test_site_search_in_browser import ARGS, CHROMIUM, write_site

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)")

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def exported_site(tmp_path, settings):
    settings.GUIDE_CMS_SITE_SEARCH = True
    site = tmp_path / "site"
    entries = sample.demo_entries(withdrawn=("vi",))
    # A translation behind a clinical change to its source carries a notice: check that page too.
    from guide_cms.publishing.channels.base import OutdatedNotice

    entries[1] = sample.replace(entries[1], outdated=OutdatedNotice(sample.language_facts("en"), 4, entries[0].title))
    entries[2] = sample.replace(entries[2], review_overdue=True)
    write_site(site, entries)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
    server.shutdown()


def test_every_exported_page_passes_axe_core_wcag_2_2_aa(exported_site):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    base, site = exported_site
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    searches = {"es/search.html?q=somnolencia", "ar/search.html?q=النوم", "zh-hans/search.html?q=嗜睡", "en/search.html?q=xyzzy"}
    assert len(pages) == 1 + 5 * 3
    axe = Axe()
    violations, checked = {}, set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        for path in [*pages, *sorted(searches)]:
            page.goto(base + path)
            if "?q=" in path:
                page.wait_for_function("() => !['', document.getElementById('search-status').dataset.searching]"
                                       ".includes(document.getElementById('search-status').textContent)")
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
            found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
            if found:
                violations[path] = found
            checked |= {rule["id"] for rule in results.response["passes"]}
        # Focused, the skip link shows; it leads to the text.
        page.goto(base + "es/index.html")
        page.keyboard.press("Tab")
        skip = page.evaluate("() => [document.activeElement.className, document.activeElement.getBoundingClientRect().top >= 0]")
        browser.close()
    assert violations == {}
    # axe really ran its rules: language, contrast, names of links and the form, landmarks' labels.
    assert {"html-has-lang", "html-lang-valid", "color-contrast", "link-name", "label", "valid-lang"} <= checked
    assert skip == ["skip-link", True]
