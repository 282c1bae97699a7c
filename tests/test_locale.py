"""The interface speaks each demo language: catalogues complete and compiled."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from guide_cms.core.languages import target_languages

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", [lang.code for lang in target_languages()])
def test_every_interface_string_is_translated(language):
    gettext_locale = translation.to_locale(language)
    with open(LOCALE / gettext_locale / "LC_MESSAGES" / "django.po", "rb") as po:
        catalog = read_po(po)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_spanish_translator_gets_a_spanish_admin(client, translator_es, guide):
    client.force_login(translator_es)
    response = client.get(reverse("admin:index"), headers={"accept-language": "es"})
    html = response.content.decode()
    assert "Guías" in html  # our app's name, from locale/es
    assert "Cerrar sesión" in html  # Django's own admin catalogue


def test_arabic_admin_is_right_to_left(client, translator_es):
    client.force_login(translator_es)
    html = client.get(reverse("admin:index"), headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in html


@pytest.mark.parametrize("language, label", [("es", "Advertencia"), ("zh-hans", "警告"), ("vi", "Cảnh báo"), ("ar", "تحذير")])
def test_callout_labels_are_in_the_language_of_the_text(language, label):
    from guide_cms.guides.markdown import render_markdown

    assert f'aria-label="{label}"' in render_markdown("> [!WARNING]\n> 30 minutes.", language=language)
