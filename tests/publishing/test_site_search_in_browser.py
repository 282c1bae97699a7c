"""Search on the exported site, in a patient's browser: Pagefind's real index, no search server."""
import functools
import http.server
import json
import os
import threading

import pytest

from guide_cms.guides.markdown import render_markdown
from guide_cms.publishing.channels.base import SectionContent
from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)")

OTHER = {
    "en": ("Sleep after surgery", "Rest and routines.", "Keep a regular bedtime and a dark, quiet room."),
    "es": ("Dormir después de la cirugía", "Descanso y rutinas.", "Mantenga un horario fijo para acostarse y una habitación oscura y tranquila."),
    "zh-hans": ("手术后的睡眠", "休息与作息。", "保持规律的就寝时间，房间要黑暗、安静。"),
}


def other_guide(code):
    title, summary, body = OTHER[code]
    section = SectionContent(key="routine", position=1, title=title, body_markdown=body, body_html=render_markdown(body, language=code))
    return sample.published_guide(code, slug="sleep", title=title, summary=summary, sections=(section,), alternates=tuple(OTHER))


def write_site(folder, entries):
    """The site channel's files for entries, its search index built over the pages written."""
    channel = SiteChannel()

    def write(files):
        for rendered in files:
            target = folder / rendered.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(rendered.content)

    write([f for e in entries for f in channel.render_entry(e)] + channel.render_shared(entries))
    shards = {}
    for path in (path for e in entries for path in channel.indexed_files(e)):
        shards.setdefault(channel.index_shard(path), []).append(path)
    for shard, pages in shards.items():
        write(channel.render_index({page: folder / page for page in pages}, shard))
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def served_site(tmp_path, settings, request):
    settings.GUIDE_CMS_SITE_SEARCH = True
    settings.GUIDE_CMS_SEARCH_SHARDS = getattr(request, "param", 1)  # the index's shards
    site = tmp_path / "site"
    write_site(site, [*sample.demo_entries(), *(other_guide(code) for code in OTHER)])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"screenshots: {tmp_path}")
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
    server.shutdown()


def search(page, base, code, words):
    page.goto(f"{base}{code}/index.html")
    page.fill("#site-search", words)
    page.press("#site-search", "Enter")
    page.wait_for_url(f"**/{code}/search.html?q=*")
    page.wait_for_function("() => !['', document.getElementById('search-status').dataset.searching].includes(document.getElementById('search-status').textContent)")
    links = page.eval_on_selector_all("#search-results a", "els => els.map(e => [e.textContent, e.getAttribute('href')])")
    return page.locator("#search-status").inner_text(), links


def test_search_finds_a_spanish_and_a_chinese_guide_by_a_word_of_its_body(served_site):
    from playwright.sync_api import sync_playwright

    base, site = served_site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        spanish = search(page, base, "es", "somnolencia")
        page.screenshot(path=str(site.parent / "search-es.png"), full_page=True)
        spanish_other = search(page, base, "es", "habitación")
        chinese = search(page, base, "zh-hans", "嗜睡")
        page.screenshot(path=str(site.parent / "search-zh.png"), full_page=True)
        chinese_other = search(page, base, "zh-hans", "安静")
        nothing = search(page, base, "es", "xilófono")
        page.goto(f"{base}es/search.html?q=somnolencia")
        page.wait_for_selector("#search-results a")
        page.wait_for_selector("#search-built:not([hidden])")
        footer = page.locator("#search-built").inner_text()
        page.click("#search-results a")
        page.wait_for_url("**/es/muscle-relaxants/index.html")
        browser.close()
    es_title, zh_title = sample.published_guide("es").title, sample.published_guide("zh-hans").title
    assert spanish == ("1 guía encontrada.", [[es_title, "../es/muscle-relaxants/index.html"]])
    assert spanish_other[1] == [[OTHER["es"][0], "../es/sleep/index.html"]]
    assert chinese == ("找到 1 份指南。", [[zh_title, "../zh-hans/muscle-relaxants/index.html"]])
    assert chinese_other[1] == [[OTHER["zh-hans"][0], "../zh-hans/sleep/index.html"]]
    assert nothing == ("Ninguna guía contiene estas palabras.", [])
    # When the index was built, in Spanish words and the year it was built (the pages go live before it).
    built = json.loads((site / "pagefind" / "0" / "built.json").read_text())["built"]
    assert footer.startswith("Índice de búsqueda actualizado: ") and built[:4] in footer, footer


@pytest.mark.parametrize("served_site", [8], indirect=True, ids=["8 shards"])
def test_with_the_index_in_shards_the_search_page_merges_them(served_site):
    """Each guide's pages in their own shard (GUIDE_CMS_SEARCH_SHARDS): a search finds words of both."""
    from playwright.sync_api import sync_playwright

    from guide_cms.publishing.channels.search import shard_of

    base, site = served_site
    assert shard_of("muscle-relaxants") != shard_of("sleep")
    assert {p.name for p in (site / "pagefind").iterdir()} == {shard_of("muscle-relaxants"), shard_of("sleep")}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        first = search(page, base, "es", "somnolencia")
        second = search(page, base, "es", "habitación")
        browser.close()
    assert first == ("1 guía encontrada.", [[sample.published_guide("es").title, "../es/muscle-relaxants/index.html"]])
    assert second == ("1 guía encontrada.", [[OTHER["es"][0], "../es/sleep/index.html"]])


def test_an_index_that_cannot_be_loaded_is_said_so(served_site):
    """Served over HTTP but the bundle is gone: not the page's "opened from a file" explanation."""
    import shutil

    from playwright.sync_api import sync_playwright

    base, site = served_site
    shutil.rmtree(site / "pagefind")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        said = search(browser.new_page(), base, "es", "somnolencia")
        browser.close()
    assert said == ("No se pudo cargar el índice de búsqueda. La lista de todas las guías funciona.", [])


def test_the_search_bundle_is_part_of_the_export_and_the_same_every_time(settings, tmp_path):
    settings.GUIDE_CMS_SITE_SEARCH = True
    entries = sample.demo_entries()
    first = write_site(tmp_path / "first", entries)
    second = write_site(tmp_path / "second", list(reversed(entries)))
    # The same bytes every time, but for when each shard was built (the search page shows it).
    assert {p: b for p, b in first.items() if not p.endswith("/built.json")} == {p: b for p, b in second.items() if not p.endswith("/built.json")}
    from guide_cms.publishing.channels.search import shard_of

    bundle = f"pagefind/{shard_of('muscle-relaxants')}/"  # "pagefind/0/": one shard by default
    assert f"{bundle}pagefind.js" in first and f"{bundle}pagefind-entry.json" in first
    assert not any("/pagefind-ui" in path for path in first)
