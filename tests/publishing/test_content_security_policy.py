"""A Content-Security-Policy on every admin page (header) and every exported site page (<meta>, as a static host
serves it), under which the admin's tabs and the site's search still work: no violation in a real browser."""
import re

import pytest

from tests.publishing.test_site_search_in_browser import ARGS, CHROMIUM, search, served_site  # noqa: F401 (a fixture)

browser_only = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed")


def test_every_admin_page_has_a_policy_that_runs_no_inline_script(client, editor):
    from tests.factories import GuideFactory

    guide = GuideFactory()
    client.force_login(editor)
    for url in ("/admin/login/", "/admin/", f"/admin/guides/guide/{guide.pk}/change/", "/admin/review/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self' 'wasm-unsafe-eval'" and "unsafe-inline" not in policy, url
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'", url


def test_every_exported_page_carries_its_policy_with_the_hash_of_each_inline_style_and_script(tmp_path, settings):
    import base64
    import hashlib

    from tests.publishing.test_site_search_in_browser import write_site
    from tests.publishing import entries as sample

    settings.GUIDE_CMS_SITE_SEARCH = True
    written = write_site(tmp_path / "site", sample.demo_entries())
    pages = {path: content.decode() for path, content in written.items() if path.endswith(".html")}
    assert any(path.endswith("search.html") for path in pages)
    for path, html in pages.items():
        head = html.split("<head>\n", 1)[1]
        meta = re.match(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert meta, path
        policy = meta.group(1)
        for kind, body in re.findall(r"<(style|script)(?:\s[^>]*)?>(.*?)</\1>", html, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy, (path, kind)
        assert "unsafe-inline" not in policy and "object-src 'none'" in policy


@browser_only
def test_the_search_runs_under_the_policy_with_no_violation(served_site):  # noqa: F811
    from playwright.sync_api import sync_playwright

    base, _site = served_site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        messages = []
        page.on("console", lambda message: messages.append(message.text))
        status, links = search(page, base, "es", "somnolencia")
        browser.close()
    assert status == "1 guía encontrada." and len(links) == 1
    assert [m for m in messages if "Content Security Policy" in m] == []
