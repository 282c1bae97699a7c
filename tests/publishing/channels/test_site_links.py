"""The site's own links are relative and each leads to a file the channel rendered."""
from __future__ import annotations

import posixpath

from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import page, parse_html, whole_site


def test_links_outside_section_bodies_are_relative():
    for code in sample.DEMO_LANGUAGES:
        doc = page(sample.published_guide(code))
        body_links = {id(a) for section in doc.find_all("section") for a in section.find_all("a")}
        for node in doc.iter():
            href = node.attrs.get("href")
            if href is None or id(node) in body_links:
                continue
            assert "://" not in href and not href.startswith("/"), href


def test_every_relative_link_in_the_site_resolves_to_a_rendered_file():
    files = whole_site(sample.demo_entries(withdrawn=("vi",)))
    for path, content in files.items():
        if not path.endswith(".html"):
            continue
        for node in parse_html(content).iter():
            href = node.attrs.get("href")
            if not href or href.startswith(("#", "mailto:")) or "://" in href:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href.split("#")[0]))
            if href.endswith("/"):
                target = "index.html" if target == "." else target + "/index.html"
            assert target in files, f"{path}: {href} -> {target}"
