"""Two tabs of one user, in Chromium against a live server: a stale tab's save never reverts the other tab's.

Both tabs are opened before either saves. Different boxes: both saves are kept. The same box: the second
save is refused whole (400), the box shows the other tab's saved value beside the user's text, which stays
in the box; saving again stores it. On the guide change page and on the sentence editor. Screenshots of
the two conflict pages: the test's tmp_path (printed).
"""
import time

import pytest
from playwright.sync_api import expect

from guide_cms.guides.models import Guide, Section
from tests.e2e.test_story_in_browser import ARGS, CHROMIUM, Story, orm_connections_closed
from tests.e2e.test_story_in_browser import pytestmark as needs_chromium
from tests.review.segment_editor_fixtures import BODY_ES
from tests.review.segment_editor_fixtures import URL as SENTENCES
from tests.review.segment_editor_fixtures import changed  # noqa: F401 (a fixture: Spanish body of 3 sentences)

# Transactional like the story: the live server's thread must see the fixtures' rows.
pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAVED = "Someone else changed the same sentences after you opened the page. Their version of them:"
SENTENCE_SAVED = "Someone else saved this sentence after you opened the page. Their saved text:"


class Tab(Story):
    """One tab: the story's log_in, and a submit that returns the answer (its status), without the story's folder."""

    def __init__(self, page, base):
        self.page, self.base, self.step = page, base, 0

    def submit(self, selector):
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        return navigation.value


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are not async code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as p, orm_connections_closed():  # the test's own, made in Playwright's context
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
    print(f"\nbrowser part: {time.monotonic() - started:.1f} s")


def two_tabs(browser, live_server, user, path):
    """Two tabs of one browser (one session) logged in as user, both showing path before either saves."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    tabs = []
    for n in range(2):
        tab = Tab(context.new_page(), live_server.url)
        if n == 0:
            tab.log_in(user)
        tab.page.goto(live_server.url + path)
        tabs.append(tab)
    return tabs


def change_page(guide):
    return f"/admin/guides/guide/{guide.pk}/change/"


BODY = "textarea[name=sections-0-body_en]"


def test_a_stale_tab_saving_a_section_keeps_the_flag_the_other_tab_set(browser, live_server, guide, editor):
    flag = not guide.safety_critical
    a, b = two_tabs(browser, live_server, editor, change_page(guide))
    expect(b.page.locator(BODY)).to_have_value("Take 5 mg.")

    a.page.set_checked("input[name=safety_critical]", flag)
    assert a.submit("input[name=_continue]").status == 200
    expect(a.page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert Guide.objects.get(pk=guide.pk).safety_critical is flag

    # Tab B still shows the old flag; it changes only the section's text.
    expect(b.page.locator("input[name=safety_critical]")).to_be_checked(checked=not flag)
    b.page.fill(BODY, "Take 10 mg at bedtime.")
    assert b.submit("input[name=_continue]").status == 200
    expect(b.page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    expect(b.page.locator("input[name=safety_critical]")).to_be_checked(checked=flag)
    expect(b.page.locator(BODY)).to_have_value("Take 10 mg at bedtime.")

    guide.refresh_from_db()
    assert guide.safety_critical is flag  # the bug: tab B's save used to put the old flag back
    assert guide.sections.get(key="dosing").body_en == "Take 10 mg at bedtime."


def test_two_tabs_changing_the_same_section_text_the_second_is_refused_and_keeps_its_text(browser, live_server, guide, editor,
                                                                                          tmp_path):
    a, b = two_tabs(browser, live_server, editor, change_page(guide))
    a.page.fill(BODY, "Take 10 mg at bedtime.")
    assert a.submit("input[name=_continue]").status == 200

    b.page.fill(BODY, "Take 20 mg at bedtime.")
    assert b.submit("input[name=_continue]").status == 400
    page = b.page
    # Said at the top of the page too, where a long guide's section is far below.
    expect(page.locator(".messagelist .error")).to_contain_text("Someone else saved section 'dosing', text (English)")
    expect(page.locator("#content")).to_contain_text(
        "Someone else saved section 'dosing', text (English) after you opened this; your change there was not saved."
    )
    field = page.locator(".form-row", has=page.locator(BODY))
    expect(field.locator(".errorlist")).to_contain_text(SAVED)
    expect(field.locator(".gc-theirs")).to_have_text("Take 10 mg at bedtime.")
    expect(page.locator(BODY)).to_have_value("Take 20 mg at bedtime.")  # what B typed, kept
    expect(page.locator("textarea[name=sections-1-body_en]")).to_have_value("> [!WARNING]\n> Do not drive.")
    shot = tmp_path / "guide-change-conflict.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nconflict page: {shot}")
    assert Section.objects.get(guide=guide, key="dosing").body_en == "Take 10 mg at bedtime."

    # Saving the page as it now stands keeps B's text, deliberately.
    assert b.submit("input[name=_continue]").status == 200
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    expect(page.locator(BODY)).to_have_value("Take 20 mg at bedtime.")
    assert Section.objects.get(guide=guide, key="dosing").body_en == "Take 20 mg at bedtime."
    assert Section.objects.get(guide=guide, key="warnings").body_en == "> [!WARNING]\n> Do not drive."


def sentence(n):
    return f"textarea[name='target-dosing.body.1.{n}']"


def spanish_body(guide):
    return Section.objects.get(guide=guide, key="dosing").body_es


def test_stale_tabs_saving_different_sentences_keep_both(browser, live_server, changed):  # noqa: F811
    a, b = two_tabs(browser, live_server, changed.translator_es, SENTENCES)
    expect(b.page.locator("textarea[name^='target-dosing.body.']")).to_have_count(3)
    expect(b.page.locator(sentence(1))).to_have_value("Tome <1>5 mg</1> por la noche.")

    a.page.fill(sentence(1), "Tome <1>5 mg</1> cada noche.")
    assert a.submit("input[type=submit].default").status == 200
    expect(a.page.locator(".messagelist")).to_contain_text("Saved: 1 text(s) changed.")
    assert spanish_body(changed.guide).startswith("Tome *5 mg* cada noche. Lea")

    # Tab B still shows sentence 1 as it was; it changes sentence 2 only.
    expect(b.page.locator(sentence(1))).to_have_value("Tome <1>5 mg</1> por la noche.")
    b.page.fill(sentence(2), "Lea <2>el prospecto</2> primero.")
    assert b.submit("input[type=submit].default").status == 200
    expect(b.page.locator(".messagelist")).to_contain_text("Saved: 1 text(s) changed.")
    expect(b.page.locator(sentence(1))).to_have_value("Tome <1>5 mg</1> cada noche.")
    expect(b.page.locator(sentence(2))).to_have_value("Lea <2>el prospecto</2> primero.")

    assert spanish_body(changed.guide) == (
        "Tome *5 mg* cada noche. Lea [el prospecto](https://example.org/leaflet) primero. No conduzca después."
    )


def test_stale_tabs_on_the_same_sentence_the_second_is_refused_and_keeps_its_text(browser, live_server, changed,  # noqa: F811
                                                                                  tmp_path):
    a, b = two_tabs(browser, live_server, changed.translator_es, SENTENCES)
    a.page.fill(sentence(1), "Tome <1>5 mg</1> cada noche.")
    assert a.submit("input[type=submit].default").status == 200

    b.page.fill(sentence(1), "Tome <1>5 mg</1> antes de dormir.")
    assert b.submit("input[type=submit].default").status == 400
    page = b.page
    expect(page.locator(".errornote")).to_contain_text("Someone else saved sentence 1 of paragraph 1, section 'dosing'")
    row = page.locator("tr", has=page.locator(sentence(1)))
    expect(row.locator(".gc-theirs")).to_contain_text(SENTENCE_SAVED)
    expect(row.locator(".gc-theirs q")).to_have_text("Tome <1>5 mg</1> cada noche.")
    expect(page.locator(sentence(1))).to_have_value("Tome <1>5 mg</1> antes de dormir.")  # what B typed, kept
    expect(page.locator(".gc-theirs")).to_have_count(1)
    shot = tmp_path / "sentence-editor-conflict.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nconflict page: {shot}")
    assert spanish_body(changed.guide) == BODY_ES.replace("por la noche", "cada noche")

    # Saving the page as it now stands keeps B's sentence, deliberately.
    assert b.submit("input[type=submit].default").status == 200
    expect(page.locator(".messagelist")).to_contain_text("Saved: 1 text(s) changed.")
    expect(page.locator(sentence(1))).to_have_value("Tome <1>5 mg</1> antes de dormir.")
    assert spanish_body(changed.guide) == BODY_ES.replace("por la noche", "antes de dormir")
