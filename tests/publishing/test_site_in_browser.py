"""The exported site as a patient's browser shows it (Debian's Chromium via Playwright)."""
import functools
import http.server
import os
import threading

import pytest

from guide_cms.guides.models import ChangeClass, Section
from guide_cms.publishing.services import export_channels

from tests.workflow import Workflow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture
def served_site(guide, editor, translator_es, tmp_path):
    wf = Workflow(guide, editor, translator_es)
    Section.objects.filter(key="dosing").update(title_ar="الجرعة", body_ar="تناول 5 ملغ.")
    Section.objects.filter(key="warnings").update(title_ar="تحذيرات", body_ar="> [!WARNING]\n> لا تقد السيارة.")
    from guide_cms.guides.models import Guide

    Guide.objects.filter(pk=guide.pk).update(title_ar="باكلوفين", summary_ar="ملخص قصير.")
    from guide_cms.core.roles import Role
    from tests.factories import make_user

    translator_ar = make_user(Role.TRANSLATOR, ("ar",))
    wf.publish(wf.approve("en"))
    wf.publish(wf.approve("es"))
    from guide_cms.review.services import version_sign, version_submit
    from tests.factories import PASSWORD

    arabic = version_submit(guide=guide, language="ar", user=translator_ar)
    version_sign(version=arabic, signer=wf.reviewer, password=PASSWORD, decision="approve")
    arabic.refresh_from_db()
    wf.publish(arabic)
    # A clinical change to the English text, published: Spanish and Arabic stay up, with a notice.
    wf.edit("dosing", "en", "Take 5 mg 30 minutes before bedtime.")
    wf.publish(wf.approve("en", ChangeClass.CLINICAL))
    export_channels(channels=["site"], output_dir=tmp_path)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str((tmp_path / "site").resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", tmp_path
    server.shutdown()


def test_every_published_language_opens_with_its_direction(served_site):
    from playwright.sync_api import sync_playwright

    base, tmp_path = served_site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        seen = {}
        for code in ("en", "es", "ar"):
            response = page.goto(f"{base}{code}/baclofen/")
            assert response.status == 200
            seen[code] = page.evaluate(
                "() => [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction,"
                " document.querySelectorAll('aside.callout-warning').length, document.querySelectorAll('link[hreflang]').length]"
            )
        page.screenshot(path=str(tmp_path / "arabic.png"), full_page=True)
        page.goto(base)
        index_links = page.eval_on_selector_all("a[hreflang]", "els => els.map(e => e.textContent.trim())")
        page.goto(f"{base}es/baclofen/")
        page.click("a[hreflang='ar']")
        arrived = page.url
        browser.close()
    assert seen["en"][:3] == ["en", "ltr", "ltr"]
    assert seen["es"][:3] == ["es", "ltr", "ltr"]
    assert seen["ar"][:3] == ["ar", "rtl", "rtl"]
    assert all(v[3] == 1 for v in seen.values())  # the warning callout, on every page
    assert all(v[4] == 4 for v in seen.values())  # three languages plus x-default
    for name in ("English", "español", "العربية"):
        assert any(name in link for link in index_links), index_links
    assert arrived.endswith("/ar/baclofen/index.html")
    assert (tmp_path / "arabic.png").stat().st_size > 10_000


def test_an_outdated_translation_tells_its_reader_in_their_language_and_links_to_the_current_text(served_site):
    from django.utils import translation
    from playwright.sync_api import sync_playwright

    base, tmp_path = served_site
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        for code in ("en", "es", "ar"):
            page.goto(f"{base}{code}/baclofen/")
            notice = page.locator("[role=note].outdated-notice")
            if code == "en":
                seen[code] = notice.count()
                continue
            seen[code] = page.evaluate(
                """() => {
                    const notice = document.querySelector('[role=note].outdated-notice');
                    const label = document.getElementById(notice.getAttribute('aria-labelledby'));
                    const box = notice.getBoundingClientRect(), first = document.querySelector('section').getBoundingClientRect();
                    const style = getComputedStyle(notice);
                    return {
                        name: label.textContent.trim(), heading: label.tagName, above_the_text: box.bottom <= first.top,
                        visible: box.height > 0 && style.display !== 'none' && style.visibility !== 'hidden',
                        border: parseFloat(style.borderTopWidth), link_lang: notice.querySelector('a').lang,
                    };
                }"""
            )
            page.screenshot(path=str(tmp_path / f"outdated-{code}.png"), full_page=True)
            if code == "es":
                page.locator(".outdated-notice a").click()
                page.wait_for_url("**/en/baclofen/index.html")
                seen["followed"] = page.locator("section#dosing").inner_text()
        browser.close()
    assert seen["en"] == 0
    for code in ("es", "ar"):
        with translation.override(code):
            heading = translation.gettext("This translation is being updated")
        assert seen[code] == {"name": heading, "heading": "H2", "above_the_text": True, "visible": True, "border": 2, "link_lang": "en"}
    assert "Take 5 mg 30 minutes before bedtime." in seen["followed"]
    assert (tmp_path / "outdated-ar.png").stat().st_size > 10_000
