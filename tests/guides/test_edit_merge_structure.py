"""Sections added or removed by someone else while a page is open: a stale page saves what did not conflict,
names what did, and never answers with a server error (found by a tester: a stale page was stuck, and two
editors adding one key got an HTTP 500)."""
import html

from guide_cms.guides.models import Guide, Section
from guide_cms.guides.services import section_delete

from .test_edit_merge import open_tab, save


def add_section(data, key, title, body):
    """What "Add another Section" sends: one more (extra) form."""
    n = int(data["sections-TOTAL_FORMS"])
    data.update({f"sections-{n}-key": key, f"sections-{n}-position": str(n + 1), f"sections-{n}-title_en": title,
                 f"sections-{n}-body_en": body, "sections-TOTAL_FORMS": str(n + 1)})


def test_a_stale_page_saves_its_other_changes_after_someone_removed_a_section(editor, guide):
    tab, data = open_tab(editor, guide)
    section_delete(section=Section.objects.get(key="dosing"), user=editor)
    data["title_en"] = "Baclofen tablets"
    data["sections-1-body_en"] = "> [!WARNING]\n> Do not drink alcohol."
    response = save(tab, guide, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen tablets"
    assert list(Section.objects.values_list("key", "body_en")) == [("warnings", "> [!WARNING]\n> Do not drink alcohol.")]


def test_what_was_typed_into_a_section_removed_meanwhile_is_shown_not_dropped(editor, guide):
    tab, data = open_tab(editor, guide)
    section_delete(section=Section.objects.get(key="dosing"), user=editor)
    data["sections-0-body_en"] = "Take 10 mg at night."
    data["title_en"] = "Baclofen tablets"
    response = save(tab, guide, data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Someone else removed the section" in page and "What you typed in it was not saved: Take 10 mg at night." in page
    assert Guide.objects.get(pk=guide.pk).title_en != "Baclofen tablets"  # one outcome: nothing of this save


def test_two_editors_adding_a_section_with_one_key_the_second_is_told_to_choose_another(editor, guide):
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    add_section(data_a, "storage", "Storage", "Keep it dry.")
    assert save(tab_a, guide, data_a).status_code == 302
    add_section(data_b, "storage", "Storing it", "Keep it cool.")
    data_b["title_en"] = "Baclofen tablets"
    response = save(tab_b, guide, data_b)
    assert response.status_code == 400
    assert "A section with the key &#x27;storage&#x27; exists already" in response.content.decode()
    assert Section.objects.get(key="storage").title_en == "Storage"
    assert Guide.objects.get(pk=guide.pk).title_en != "Baclofen tablets"
