"""The sentence editor's test story: Spanish signed, then one English sentence changed clinically."""
import pytest

from guide_cms.guides.models import ChangeClass, Section

BODY_EN = "Take *5 mg* at night. Read [the leaflet](https://example.org/leaflet) first. Do not drive afterwards."
BODY_ES = "Tome *5 mg* por la noche. Lea [el prospecto](https://example.org/leaflet) antes. No conduzca después."
URL = "/admin/review/translate/baclofen/es/"


def save(client, data, url=URL):
    """POST the editor as the page would: with the base the page was loaded with."""
    base = client.get(url).context["base"]
    return client.post(url, {"base": base, **data})


@pytest.fixture
def changed(workflow, client):
    """Spanish signed; then one English sentence changed clinically."""
    Section.objects.filter(key="dosing").update(body_en=BODY_EN, body_es=BODY_ES)
    workflow.approve("en")
    workflow.approve("es")
    workflow.edit("dosing", "en", BODY_EN.replace("Do not drive afterwards.", "Do not drive for 8 hours afterwards."))
    workflow.approve("en", ChangeClass.CLINICAL)
    client.force_login(workflow.translator_es)
    return workflow


