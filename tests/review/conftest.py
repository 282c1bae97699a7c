"""Fixtures of the review pages' tests."""
import pytest

from guide_cms.review.services import version_submit
from tests.review.segment_editor_fixtures import changed  # noqa: F401 (a fixture for this folder)


@pytest.fixture
def source_version(guide, editor):
    """The English source of the guide, submitted and in review."""
    return version_submit(guide=guide, language="en", user=editor)
