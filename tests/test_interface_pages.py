"""Every page, as its reader sees it: each admin page, the login page and the lockout page in every interface
language against the same page in English; any text both show that is not stored data fails."""
import re

import pytest

from tests.test_interface_strings import INTERFACE_LANGUAGES, page_texts


# --- every page, as its reader sees it --------------------------------------------------------------------------

# Shown in English in every language because the app does not mark it for translation (so no catalogue can
# translate it): django-axes' status column and record titles, Django's boolean icons. Anything else a page shows in English fails the test below.
NOT_MARKED_UPSTREAM = {
    # django-axes' status column and record titles.
    "Status", "Access Log for", "Attempted Access:",
    # Django's boolean icons (alt="True"), and names that are the same in every language.
    "True", "False", "guide_cms", "XLIFF 1.2", "XLIFF 2.0",
    # The label of a hidden field (display: none) Django draws when a page is read-only: no one sees it.
    "Base:",
    # The callout label of the English source text on the review page: it is in the language of the text.
    "Warning", "Tip",
}
# Shown as stored or generated: an authenticator app's secret key (base32), a session's hash as django-axes masks
# it, django-otp's device counts.
NOT_WORDS = re.compile(r"^(?:[A-Z2-7]{16,}|[0-9a-f]{4,}\*+|\d+ TOTP devices?)$")
SAME_ON_THE_PAGE = {"es": {"Editor", "Hash:", "Slug:", "hash"}, "vi": {"Slug:"}}


def stored_words():
    """Every word of every text the database holds (names, guide text, hashes, paths): shown as stored, in any language."""
    from django.apps import apps
    from django.db import models

    words = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        for row in model._default_manager.values_list(*fields) if fields else ():
            for value in row:
                words.update(re.findall(r"\w+", str(value)))
        for obj in model._default_manager.all()[:50]:
            words.update(re.findall(r"\w+", str(obj)))
    return words


def english_left(texts, english, language, words):
    left = set()
    for text in texts & english:
        core = text.removeprefix("› ").strip()
        if not re.search(r"[A-Za-z]{3}", core) or NOT_WORDS.match(core):
            continue
        if core in NOT_MARKED_UPSTREAM or core in SAME_ON_THE_PAGE.get(language, ()):
            continue
        if any(core.startswith(prefix) for prefix in ("Access Log for ", "Attempted Access: ")):
            continue
        if set(re.findall(r"\w+", core)) <= words:  # stored data, shown as stored
            continue
        left.add(core)
    return left


@pytest.mark.django_db
def test_no_page_shows_an_interface_string_in_english(client, approved_workflow, reviewer):
    """Every admin page (each list, form, record and history of every registered model, the project's own pages),
    the login page and the lockout page, in each interface language, against the same page in English: a text
    both show, that is neither stored data nor in NOT_MARKED_UPSTREAM, is an interface string left in English."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    root = get_user_model().objects.create_superuser("root", "root@clinic.test", "a-long-password-1")
    TOTPDevice.objects.create(user=reviewer, name="phone")
    login = reverse("admin:login")
    visitor = Client()
    visitor.post(login, {"username": "root", "password": "not the password"})  # django-axes' records
    visitor.post(login, {"username": "root", "password": "a-long-password-1"})
    client.force_login(root)
    pages = [reverse("admin:index"), "/admin/password_change/", reverse("second_factor"), reverse("address_confirm"),
             reverse("review:queue"), reverse("review:translate"), reverse("notifications:preferences"),
             reverse("review:version", args=[approved_workflow.guide.versions.order_by("-pk").first().pk]),
             reverse("review:segments", args=[approved_workflow.guide.slug, "es"])]
    for model in [model for model in apps.get_models() if admin.site.is_registered(model)]:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"admin:{info}_changelist"), reverse(f"admin:{info}_add")]
        pages.append(reverse("admin:app_list", args=[model._meta.app_label]))
        newest = model._default_manager.order_by("-pk").first()
        if newest is not None:
            pages += [reverse(f"admin:{info}_change", args=[newest.pk]), reverse(f"admin:{info}_history", args=[newest.pk])]
    client.get(reverse("second_factor"))  # sets up the superuser's authenticator app: its name is stored data too
    words = stored_words()
    found = {}

    def compare(name, get):
        english = get("en")
        if english.status_code != 200:
            return
        english = page_texts(english.content.decode())
        for language in INTERFACE_LANGUAGES:
            for text in english_left(page_texts(get(language).content.decode()), english, language, words):
                found.setdefault(text, set()).add(f"{language} {name}")

    for url in dict.fromkeys(pages):
        compare(url, lambda language, url=url: client.get(url, HTTP_ACCEPT_LANGUAGE=language))
    stranger = Client()
    compare("login", lambda language: stranger.get(login, HTTP_ACCEPT_LANGUAGE=language))
    for _ in range(5):
        stranger.post(login, {"username": "editor_t", "password": "not the password"})
    compare("lockout", lambda language: stranger.post(login, {"username": "editor_t", "password": "x"}, HTTP_ACCEPT_LANGUAGE=language))
    assert "\n".join(sorted(found)) == "", {text: sorted(where)[:3] for text, where in found.items()}
