"""The translator's day, as the guide page, the dashboard and the submit page show it (issue 12)."""
import pytest
from django.urls import reverse

from guide_cms.localization.selectors import translation_overviews
from guide_cms.localization.staleness import SectionState

pytestmark = pytest.mark.django_db


@pytest.fixture
def outdated(wf):
    """Spanish approved against source v1; then a clinical change to the English dosing (v2)."""
    wf.approve("en")
    wf.approve("es")
    wf.edit("dosing", "en", "Take 10 mg.")
    wf.approve("en", "clinical")
    return wf


def test_the_guide_page_shows_the_source_diff_beside_an_outdated_translation(client, outdated):
    client.force_login(outdated.translator_es)
    html = client.get(reverse("admin:guides_guide_change", args=[outdated.guide.pk])).content.decode()

    assert "What changed in the source since the Spanish translation:" in html
    assert '<del class="diff-del">5</del><ins class="diff-ins">10</ins>' in html
    assert "Tome 5 mg." in html  # their translation, beside it
    assert "Spanish: <strong>outdated</strong>" in html


def test_after_the_fix_is_saved_the_section_says_updated_not_yet_submitted(client, outdated):
    outdated.edit("dosing", "es", "Tome 10 mg.")

    states = {s.key: s.state for s in translation_overviews([outdated.guide], "es")[0].sections}
    assert states["dosing"] == SectionState.UPDATED
    client.force_login(outdated.translator_es)
    html = client.get(reverse("admin:guides_guide_change", args=[outdated.guide.pk])).content.decode()
    assert "Spanish: <strong>updated, not yet submitted</strong>" in html
    dashboard = client.get(reverse("review:translate")).content.decode()
    assert "updated, not yet submitted" in dashboard


def test_a_blocked_submit_page_lists_each_problem_once_and_offers_no_submit_button(client, outdated):
    outdated.edit("dosing", "es", "Tome 20 mg.")  # the numbers do not match the source's 10 mg
    client.force_login(outdated.translator_es)
    url = reverse("review:submit", args=[outdated.guide.pk, "es"])

    for response in (client.get(url), client.post(url, {})):
        html = response.content.decode()
        assert html.count("[numbers-mismatch]") == 1, html
        assert 'value="Submit for review"' not in html
        assert reverse("review:segments", args=[outdated.guide.slug, "es"]) in html  # where to fix it
    assert response.status_code == 400


def test_a_submit_link_is_offered_only_where_something_can_be_submitted(client, wf):
    client.force_login(wf.translator_es)
    submit_es = reverse("review:submit", args=[wf.guide.pk, "es"])
    # The English source has no approved version: nothing can be submitted in Spanish yet.
    assert submit_es not in client.get(reverse("admin:guides_guide_changelist")).content.decode()
    assert submit_es not in client.get(reverse("review:translate")).content.decode()

    wf.approve("en")
    assert submit_es in client.get(reverse("review:translate")).content.decode()
    wf.approve("es")
    # Approved and unchanged: submitting again could only be refused.
    assert submit_es not in client.get(reverse("review:translate")).content.decode()
    assert submit_es not in client.get(reverse("admin:guides_guide_changelist")).content.decode()
    wf.edit("dosing", "es", "Tome 5 mg con agua.")
    assert submit_es in client.get(reverse("admin:guides_guide_changelist")).content.decode()
