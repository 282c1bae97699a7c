"""The admin's "View site": in the demo the exported site served by the application, in production its address."""
import importlib

import pytest
from django.contrib import admin
from django.urls import clear_url_caches

from guide_cms.publishing.channels.site import SiteChannel
from guide_cms.publishing.export import export_channel
from tests.publishing import entries as sample


@pytest.fixture
def urls_with(settings):
    """Reload the URLconf under the given settings; restore it afterwards."""
    import guide_cms.urls

    def reload(**values):
        for name, value in values.items():
            setattr(settings, name, value)
        importlib.reload(guide_cms.urls)
        clear_url_caches()

    yield reload
    settings.GUIDE_CMS_SERVE_SITE = False
    importlib.reload(guide_cms.urls)
    clear_url_caches()


def test_the_demo_serves_the_exported_site_and_view_site_opens_it(urls_with, tmp_path, client, django_user_model):
    urls_with(GUIDE_CMS_SERVE_SITE=True, GUIDE_CMS_EXPORT_DIR=tmp_path)
    export_channel(SiteChannel(), sample.demo_entries(), tmp_path)
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin_user)
    assert 'href="/site/"' in client.get("/admin/").content.decode()
    home = client.get("/site/")
    assert home.status_code == 200 and b'href="es/index.html"' in home.getvalue()
    spanish = client.get("/site/es/index.html").getvalue().decode()
    assert "Guías para pacientes" in spanish and 'href="muscle-relaxants/index.html"' in spanish
    assert client.get("/site/es/muscle-relaxants/").status_code == 200
    assert client.get("/site/manifest.json").status_code == 200
    assert client.get("/site/../../etc/passwd").status_code == 404
    assert client.get("/site/nowhere/").status_code == 404


def test_in_production_view_site_is_the_configured_address(urls_with):
    urls_with(GUIDE_CMS_SERVE_SITE=False, GUIDE_CMS_SITE_URL="https://health.example.net/guides/")
    assert admin.site.site_url == "https://health.example.net/guides/"
