"""The exported site opened from disk (file://) in Chromium: links lead to pages, not directory listings;
in Arabic, an English signer's name and credentials keep their order."""
import os

import pytest

from tests.publishing import entries as sample
from tests.publishing.test_site_search_in_browser import ARGS, CHROMIUM, write_site

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)")

SIGNER = sample.clinical_signature(printed_name="Dr Amal Nasser", credentials="MD, Neurology")

# Where the signer's name starts, and where the credentials are, on screen.
SIGNER_LAYOUT = """() => {
    const bdi = document.querySelector('dd.signature .signer');
    const range = document.createRange();
    range.setStart(bdi.firstChild, 0);
    range.setEnd(bdi.firstChild, 2);
    const name = range.getBoundingClientRect(), credentials = document.querySelector('dd.signature .credentials').getBoundingClientRect();
    return {name_left_of_credentials: name.left < credentials.left, text: bdi.textContent, dir: getComputedStyle(bdi).direction};
}"""


def test_the_site_works_from_disk_and_keeps_an_english_name_in_order_on_an_arabic_page(tmp_path):
    from playwright.sync_api import sync_playwright

    entries = [sample.replace(entry, signatures=(SIGNER,)) for entry in sample.demo_entries()]
    write_site(tmp_path / "site", entries)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto((tmp_path / "site" / "index.html").as_uri())
        page.click("nav.languages a[hreflang='ar']")
        home = page.url
        page.click("ul.guide-list h2 a")
        guide = page.url
        heading = page.locator("h1").inner_text()
        layout = page.evaluate(SIGNER_LAYOUT)
        page.screenshot(path=str(tmp_path / "arabic-from-disk.png"), full_page=True)
        page.click("a.home")
        back_home = page.url
        page.fill("#site-search", "النوم")
        page.press("#site-search", "Enter")
        page.wait_for_function("() => document.getElementById('search-status').textContent !== ''")
        search_status = page.locator("#search-status").inner_text()
        browser.close()
    assert home.endswith("/site/ar/index.html") and back_home == home
    assert guide.endswith("/site/ar/muscle-relaxants/index.html")
    assert heading == sample.published_guide("ar").title
    assert layout == {"name_left_of_credentials": True, "text": "Dr Amal Nasser, MD, Neurology", "dir": "ltr"}
    assert "عنوان ويب" in search_status  # search needs a web server, and says so in Arabic


def test_without_isolation_the_name_would_be_reversed(tmp_path):
    """The check above can fail: name and credentials isolated each on its own (as they were), the comma
    between them takes the page's direction and the credentials come first: "MD, Neurology ,Dr Amal Nasser"."""
    from playwright.sync_api import sync_playwright

    entry = sample.replace(sample.published_guide("ar"), signatures=(SIGNER,))
    write_site(tmp_path / "site", [entry])
    page_file = tmp_path / "site" / "ar" / "muscle-relaxants" / "index.html"
    html = page_file.read_text("utf-8")
    isolated = '<bdi class="signer">Dr Amal Nasser, <span class="credentials">MD, Neurology</span></bdi>'
    assert isolated in html
    page_file.write_text(html.replace(isolated, '<bdi class="signer">Dr Amal Nasser</bdi>, <bdi class="credentials">MD, Neurology</bdi>'), "utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(page_file.as_uri())
        layout = page.evaluate(SIGNER_LAYOUT)
        browser.close()
    assert layout["name_left_of_credentials"] is False
