"""The README's story, in Chromium against a live server, with a screenshot of every step.

An editor makes a clinical dose change; two reviewers sign it (the first types a wrong
password first); the Spanish translator updates the outdated sentence from the source
diff; a Spanish reviewer signs; the publisher publishes; the new dose is on the Spanish
page and in the Spanish handout. Screenshots: var/test-artifacts/story/ (printed).
"""
import contextlib
import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from guide_cms.core.roles import Role
from tests.factories import PASSWORD, GuideFactory, SectionFactory, make_user

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "story"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)")


@contextlib.contextmanager
def orm_connections_closed():
    """Playwright runs the code in its block in a context of its own (a greenlet's), where the ORM opens connections
    of their own: closed on the way out, or PostgreSQL's test database could not be dropped at the end of the run."""
    try:
        yield
    finally:
        connections.close_all()


@pytest.fixture
def story(monkeypatch):
    """Baclofen, safety-critical, live in English and Spanish (two approvals each), and the people of the story."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are not async code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from guide_cms.publishing.services import publish_version
    from guide_cms.review.services import version_sign, version_submit

    guide = GuideFactory(slug="baclofen", title_en="Baclofen", summary_en="Easing muscle spasm.", title_es="Baclofeno",
                         summary_es="Alivio de los espasmos musculares.", safety_critical=True)
    SectionFactory(guide=guide, key="dosing", position=1, title_en="Dosing", body_en="Take 5 mg at bedtime.",
                   title_es="Dosis", body_es="Tome 5 mg al acostarse.")
    SectionFactory(guide=guide, key="warnings", position=2, title_en="Warnings", body_en="> [!WARNING]\n> Do not drive.",
                   title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")
    people = {
        "editor": make_user(Role.EDITOR, username="editor"),
        "translator": make_user(Role.TRANSLATOR, ("es",), username="translator_es"),
        "reviewer1": make_user(Role.REVIEWER, ("en", "es"), username="reviewer1"),
        "reviewer2": make_user(Role.REVIEWER, ("en", "es"), username="reviewer2"),
        "publisher": make_user(Role.PUBLISHER, username="publisher"),
    }
    for language, author in (("en", people["editor"]), ("es", people["translator"])):
        version = version_submit(guide=guide, language=language, user=author)
        for reviewer in ("reviewer1", "reviewer2"):
            version_sign(version=version, signer=people[reviewer], password=PASSWORD, decision="approve")
        version.refresh_from_db()
        publish_version(version=version, user=people["publisher"])
    return guide, people


class Story:
    def __init__(self, page, base):
        self.page, self.base, self.step = page, base, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob("*.png"):
            old.unlink()

    def shot(self, name):
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.step:02d}-{name}.png"), full_page=True)

    def log_in(self, user):
        page = self.page
        page.context.clear_cookies()
        page.goto(self.base + "/admin/login/?next=/admin/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        self.submit("input[type=submit]")
        assert page.url == self.base + "/admin/"

    def sign(self, version_pk, *, password=PASSWORD, confirm_change_class=False):
        page = self.page
        page.goto(f"{self.base}/admin/review/versions/{version_pk}/")
        page.check("input[name=decision][value=approve]")
        if confirm_change_class:
            page.check("input[name=confirm_change_class]")
        page.fill("input[name=password]", password)
        self.submit("form[aria-labelledby=sign-off] input[type=submit]")

    def submit(self, selector):
        """Click a submit button and wait for the answer page (the database is read right after)."""
        with self.page.expect_navigation():
            self.page.click(selector)


# serialized_rollback, like the suite's other transactional tests: the migrations' rows (groups, content
# types) are restored for the next test instead of being created again beside the restored copy.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dose_change_goes_from_the_editor_to_the_spanish_page_and_handout(story, live_server, settings):
    from playwright.sync_api import expect, sync_playwright
    from pypdf import PdfReader

    from guide_cms.guides.models import Version

    started = time.monotonic()
    guide, people = story
    with sync_playwright() as p, orm_connections_closed():
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(15_000)
        s = Story(page, live_server.url)

        # The editor changes the dose and submits it as a clinical change.
        s.log_in(people["editor"])
        page.goto(f"{live_server.url}/admin/guides/guide/{guide.pk}/change/")
        page.fill("textarea[name=sections-0-body_en]", "Take 10 mg at bedtime.")
        s.submit("input[name=_continue]")
        expect(page.locator("textarea[name=sections-0-body_en]")).to_have_value("Take 10 mg at bedtime.")
        page.click(f"a[href='/admin/review/guides/{guide.pk}/submit/en/']")
        page.select_option("select[name=change_class]", "clinical")
        s.shot("editor-submits-a-clinical-change")
        s.submit("input[type=submit].default")
        english = Version.objects.get(guide=guide, language="en", number=2)
        assert english.status == "in_review" and english.change_class == "clinical"

        # The first reviewer mistypes the password: told at the top, nothing recorded; then signs.
        s.log_in(people["reviewer1"])
        page.goto(f"{live_server.url}/admin/review/")
        expect(page.locator("body")).to_contain_text("0 of 2 approvals")
        s.shot("reviewer-queue")
        s.sign(english.pk, password="not my password", confirm_change_class=True)
        top_error = page.locator(".gc-top-error[role=alert]")
        expect(top_error).to_contain_text("Your signature was not recorded.")
        assert top_error.bounding_box()["y"] < 400
        s.shot("reviewer-wrong-password")
        s.sign(english.pk, confirm_change_class=True)
        # Back in the queue: the version waits for the second reviewer.
        expect(page.locator("body")).to_contain_text("1 of 2 approvals")
        expect(page.locator("body")).to_contain_text("you approved")
        s.shot("reviewer1-approved")

        s.log_in(people["reviewer2"])
        s.sign(english.pk, confirm_change_class=True)
        english.refresh_from_db()
        assert english.status == "approved"
        s.shot("reviewer2-approved")

        # The Spanish translator sees the change beside the outdated translation and updates it.
        s.log_in(people["translator"])
        page.goto(f"{live_server.url}/admin/guides/guide/{guide.pk}/change/")
        diff = page.locator(".gc-source-diff").first
        expect(diff).to_contain_text("10")
        expect(diff.locator("ins")).to_contain_text("10")
        s.shot("translator-sees-the-source-diff")
        spanish_body = page.locator("textarea[name=sections-0-body_es]")
        expect(spanish_body).to_have_value("Tome 5 mg al acostarse.")
        spanish_body.fill("Tome 10 mg al acostarse.")
        s.submit("input[name=_continue]")
        expect(page.locator("body")).to_contain_text("updated, not yet submitted")
        s.shot("translator-updated")
        page.goto(f"{live_server.url}/admin/review/guides/{guide.pk}/submit/es/")
        s.submit("input[type=submit].default")
        spanish = Version.objects.get(guide=guide, language="es", number=2)
        assert spanish.status == "in_review" and spanish.source_version == english

        # A Spanish reviewer signs the translation (two, as the guide is safety-critical).
        for reviewer in ("reviewer1", "reviewer2"):
            s.log_in(people[reviewer])
            s.sign(spanish.pk)
        spanish.refresh_from_db()
        assert spanish.status == "approved"
        s.shot("spanish-approved")

        # The publisher publishes both, confirming on a page with Cancel.
        s.log_in(people["publisher"])
        # At 1,400 px the guide list shows every language's column, the last (Vietnamese) included.
        page.goto(f"{live_server.url}/admin/guides/guide/")
        fits = "() => [document.documentElement.scrollWidth <= window.innerWidth, " \
               "document.querySelector('#result_list thead th:last-child').getBoundingClientRect().right <= window.innerWidth]"
        assert page.evaluate(fits) == [True, True]
        expect(page.locator("#result_list thead th:last-child")).to_contain_text("Vietnamese")
        s.shot("publisher-guide-list")
        page.goto(f"{live_server.url}/admin/guides/version/")
        assert page.evaluate(fits) == [True, True]
        for version in (english, spanish):
            page.check(f"input[name=_selected_action][value='{version.pk}']")
        page.select_option("select[name=action]", "publish")
        s.submit("button[name=index]")
        expect(page.locator("a.gc-cancel")).to_have_text("Cancel")
        s.shot("publisher-confirms")
        page.click("input[type=submit][value='Publish 2 versions']")
        expect(page.locator("p[role=status]")).to_contain_text("2 versions published", timeout=30_000)
        s.shot("published")

        # What a Spanish patient reads: the page (from the exported files) and the handout.
        exports = Path(settings.GUIDE_CMS_EXPORT_DIR)
        page.goto((exports / "site" / "es" / "baclofen" / "index.html").as_uri())
        expect(page.locator("section#dosing")).to_contain_text("Tome 10 mg al acostarse.")
        expect(page.locator("footer .version")).to_have_text("2")
        s.shot("spanish-page")
        browser.close()

    handout = PdfReader(io.BytesIO((exports / "handouts" / "es" / "baclofen.pdf").read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in handout.pages)
    assert "Tome 10 mg al acostarse." in text and "5 mg" not in text
    # About 25 s on two shared cores; printed rather than asserted, so a loaded machine does not fail it.
    print(f"\nstory: {time.monotonic() - started:.0f} s, screenshots in {ARTIFACTS} ({len(list(ARTIFACTS.glob('*.png')))} files)")
