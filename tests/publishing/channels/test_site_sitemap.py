"""The sitemap: valid XML, absolute addresses under the configured site URL, hreflang alternates, no withdrawn notices."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import SLUG, SM, XHTML, whole_site


def test_sitemap_is_valid_xml_with_absolute_urls_and_hreflang_alternates():
    xml = whole_site(sample.demo_entries())["sitemap.xml"]
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert b'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in xml
    root = ET.fromstring(xml)
    assert root.tag == f"{SM}urlset"
    urls = {url.find(f"{SM}loc").text: url for url in root.findall(f"{SM}url")}
    base = "https://guides.example.org/"
    assert set(urls) == {base, *(f"{base}{code}/{SLUG}/" for code in sample.DEMO_LANGUAGES)}
    expected = {get_language(code).bcp47: f"{base}{code}/{SLUG}/" for code in sample.DEMO_LANGUAGES}
    expected["x-default"] = f"{base}en/{SLUG}/"
    for code in sample.DEMO_LANGUAGES:
        url = urls[f"{base}{code}/{SLUG}/"]
        assert url.find(f"{SM}lastmod").text == "2025-03-14"
        links = url.findall(f"{XHTML}link")
        assert all(link.attrib["rel"] == "alternate" for link in links)
        assert {link.attrib["hreflang"]: link.attrib["href"] for link in links} == expected


def test_sitemap_leaves_out_withdrawn_notices_and_their_alternates():
    root = ET.fromstring(whole_site(sample.demo_entries(withdrawn=("vi",)))["sitemap.xml"])
    text = ET.tostring(root, encoding="unicode")
    assert f"/vi/{SLUG}/" not in text
    assert len(root.findall(f"{SM}url")) == 1 + 4


def test_sitemap_uses_the_configured_site_url(settings):
    settings.GUIDE_CMS_SITE_URL = "https://health.example.net/guides"
    root = ET.fromstring(SiteChannel().render_shared(sample.demo_entries())[1].content)
    locs = [loc.text for loc in root.iter(f"{SM}loc")]
    assert locs[0] == "https://health.example.net/guides/"
    assert f"https://health.example.net/guides/es/{SLUG}/" in locs


def test_sitemap_falls_back_to_the_default_site_url(settings):
    if hasattr(settings, "GUIDE_CMS_SITE_URL"):
        del settings.GUIDE_CMS_SITE_URL
    root = ET.fromstring(SiteChannel().render_shared(sample.demo_entries())[1].content)
    assert next(root.iter(f"{SM}loc")).text == "https://guides.example.org/"
