"""The translation memory admin shows signed text and its signers only in the languages a user may read."""
from django.urls import reverse

from guide_cms.core.roles import Role
from guide_cms.localization.models import MemoryEntry
from guide_cms.localization.services import memory_add_version
from tests.factories import make_user


def test_the_memory_admin_shows_each_user_only_the_languages_they_may_read(approved_workflow, client):
    wf = approved_workflow
    memory_add_version(version=wf.approve("es"))
    signers = MemoryEntry.objects.filter(language="es").values_list("signers", flat=True).first()
    assert signers and signers.startswith("Dr Person")
    url = reverse("admin:localization_memoryentry_changelist")
    seen = {}
    for name, user in {"Arabic translator": make_user(Role.TRANSLATOR, ("ar",)), "Spanish translator": wf.translator_es,
                       "Arabic reviewer": make_user(Role.REVIEWER, ("ar",)), "publisher": wf.publisher}.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, name
        seen[name] = ("Tome 5 mg." in response.content.decode(), signers in response.content.decode())
    assert seen == {"Arabic translator": (False, False), "Spanish translator": (True, True),
                    "Arabic reviewer": (False, False), "publisher": (True, True)}
