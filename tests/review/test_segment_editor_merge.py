"""Two tabs on the sentence editor: different sentences both kept; the same sentence a conflict, nothing lost."""
from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Section
from tests.review.segment_editor_fixtures import BODY_ES, URL


def open_tab(client):
    """The page as a tab holds it: its base and every box's value."""
    response = client.get(URL)
    return {"base": response.context["base"], **{f"target-{row.item.id}": row.value for row in response.context["rows"]}}


def test_stale_tabs_saving_different_sentences_keep_both(changed, client):
    tab_a, tab_b = open_tab(client), open_tab(client)
    tab_a["target-dosing.body.1.1"] = "Tome <1>5 mg</1> cada noche."
    assert client.post(URL, tab_a).status_code == 302
    tab_b["target-dosing.body.1.2"] = "Lea <2>el prospecto</2> primero."
    response = client.post(URL, tab_b)
    assert response.status_code == 302
    body = Section.objects.get(key="dosing").body_es
    assert body.startswith("Tome *5 mg* cada noche. Lea [el prospecto](https://example.org/leaflet) primero.")
    # Tab B wrote its one sentence: one text edit, not a revert of tab A's.
    edits = [e for e in AuditEvent.objects.filter(action="draft.edit").order_by("pk") if e.data["field"] == "body_es"]
    assert [e.data["new"].startswith("Tome *5 mg* cada noche.") for e in edits] == [True, True]


def test_stale_tabs_on_the_same_sentence_the_second_is_refused_naming_it_and_keeps_its_text(changed, client):
    tab_a, tab_b = open_tab(client), open_tab(client)
    tab_a["target-dosing.body.1.1"] = "Tome <1>5 mg</1> cada noche."
    assert client.post(URL, tab_a).status_code == 302
    tab_b["target-dosing.body.1.1"] = "Tome <1>5 mg</1> antes de dormir."
    tab_b["target-dosing.body.1.2"] = "Lea <2>el prospecto</2> primero."  # not conflicting, but part of the refused save
    response = client.post(URL, tab_b)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone else saved sentence 1 of paragraph 1, section &#x27;dosing&#x27;" in page
    assert "Tome &lt;1&gt;5 mg&lt;/1&gt; antes de dormir.</textarea>" in page  # what tab B typed, kept
    assert "Lea &lt;2&gt;el prospecto&lt;/2&gt; primero.</textarea>" in page
    assert 'dir="ltr">Tome &lt;1&gt;5 mg&lt;/1&gt; cada noche.</q>' in page  # theirs, beside it
    body = Section.objects.get(key="dosing").body_es
    assert body.startswith("Tome *5 mg* cada noche. Lea [el prospecto](https://example.org/leaflet) antes.")
    # Saving the page as it now stands applies tab B's choice deliberately.
    again = {"base": response.context["base"], **{f"target-{row.item.id}": row.value for row in response.context["rows"]}}
    assert client.post(URL, again).status_code == 302
    assert Section.objects.get(key="dosing").body_es.startswith("Tome *5 mg* antes de dormir. Lea [el prospecto](https://example.org/leaflet) primero.")


def test_a_missing_or_forged_base_is_refused_and_writes_nothing(changed, client):
    tab = open_tab(client)
    tab["target-dosing.body.1.1"] = "Tome <1>50 mg</1> por la noche."
    for base in (None, "garbage", tab["base"][:-3] + "abc"):
        data = {k: v for k, v in tab.items() if k != "base"}
        if base is not None:
            data["base"] = base
        response = client.post(URL, data)
        page = response.content.decode()
        assert response.status_code == 400
        assert "Nothing was saved" in page
        # What was typed is listed, and the boxes show the stored text under a fresh base.
        assert "Not saved, as you typed it: Tome &lt;1&gt;50 mg&lt;/1&gt; por la noche." in page
        assert "Tome &lt;1&gt;5 mg&lt;/1&gt; por la noche.</textarea>" in page
    assert Section.objects.get(key="dosing").body_es == BODY_ES
    # Someone saves a sentence; the refused page, saved as it now stands, reverts nothing.
    other = open_tab(client)
    other["target-dosing.body.1.2"] = "Lea <2>el prospecto</2> primero."
    assert client.post(URL, other).status_code == 302
    again = {"base": response.context["base"], **{f"target-{row.item.id}": row.value for row in response.context["rows"]}}
    assert client.post(URL, again).status_code == 302
    assert "Lea [el prospecto](https://example.org/leaflet) primero." in Section.objects.get(key="dosing").body_es
