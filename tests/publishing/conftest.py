"""Fixtures shared by the publishing tests."""
import pytest

from guide_cms.guides.models import Version


@pytest.fixture
def published(approved_workflow, export_dir):
    """The guide's English and Spanish published on the site and the handouts, in the test's own export folder."""
    wf = approved_workflow
    wf.publish(Version.objects.get(language="en"), channels=("site", "handouts"))
    wf.publish(wf.approve("es"), channels=("site", "handouts"))
    return wf
