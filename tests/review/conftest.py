"""Fixtures of the review pages' tests."""
from tests.review.segment_editor_fixtures import changed  # noqa: F401 (a fixture for this folder)
