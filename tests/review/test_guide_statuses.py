"""Per-language states of guides from the database (review.selectors.guide_statuses, review_queue)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guide_cms.core.roles import Role
from guide_cms.guides.models import ChangeClass, Guide, Version, VersionStatus
from guide_cms.guides.services import section_update_drafts
from guide_cms.guides.snapshots import build_snapshot, content_hash
from guide_cms.review.models import Decision
from guide_cms.review.selectors import guide_statuses, review_queue
from guide_cms.review.services import version_sign, version_submit
from guide_cms.review.status import LanguageState
from tests.factories import PASSWORD, GuideFactory, SectionFactory, make_user

pytestmark = pytest.mark.django_db


def sign(version, signer, decision=Decision.APPROVE, **kwargs):
    return version_sign(
        version=version, signer=signer, password=PASSWORD, decision=decision, content_hash_seen=version.content_hash, **kwargs
    )


def edit(guide, user, key="dosing", **values):
    section_update_drafts(section=guide.sections.get(key=key), user=user, values=values)


def states(guide):
    return {language: status.state for language, status in guide_statuses([guide])[guide.pk].items()}


def test_a_guide_without_versions_is_draft_where_it_has_text_and_not_started_elsewhere(guide):
    result = states(guide)

    assert result["en"] == LanguageState.DRAFT
    assert result["es"] == LanguageState.DRAFT  # the Spanish dosing section has text
    assert result["ar"] == LanguageState.NOT_STARTED
    assert result["vi"] == LanguageState.NOT_STARTED
    assert set(result) == {"en", "es", "ar", "zh-hans", "vi"}


def test_submitting_puts_the_language_in_review(guide, editor):
    version_submit(guide=guide, language="en", user=editor)

    result = states(guide)
    assert result["en"] == LanguageState.IN_REVIEW
    assert result["es"] == LanguageState.DRAFT


def test_a_signed_approval_makes_the_language_approved(guide, editor, reviewer):
    sign(version_submit(guide=guide, language="en", user=editor), reviewer)

    status = guide_statuses([guide])[guide.pk]["en"]
    assert status.state == LanguageState.APPROVED
    assert status.approved_number == 1
    assert status.changed_since_submitted is False


def test_a_change_request_shows_as_changes_requested(guide, editor, reviewer):
    sign(version_submit(guide=guide, language="en", user=editor), reviewer, decision=Decision.REQUEST_CHANGES, comment="Add the maximum dose.")

    assert states(guide)["en"] == LanguageState.CHANGES_REQUESTED


def test_editing_after_submission_shows_changed_since_submitted(guide, editor, reviewer):
    version = version_submit(guide=guide, language="en", user=editor)
    sign(version, reviewer)

    edit(guide, editor, body_en="Take 10 mg.")

    status = guide_statuses([guide])[guide.pk]["en"]
    assert status.changed_since_submitted is True
    assert status.state == LanguageState.APPROVED
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_a_superseded_version_does_not_count(guide, editor):
    version_submit(guide=guide, language="en", user=editor)
    edit(guide, editor, body_en="Take 10 mg.")
    version_submit(guide=guide, language="en", user=editor)

    status = guide_statuses([guide])[guide.pk]["en"]
    assert status.state == LanguageState.IN_REVIEW
    assert status.latest_number == 2
    assert status.changed_since_submitted is False


@pytest.fixture
def approved_translation(guide, editor, reviewer, translator_es):
    sign(version_submit(guide=guide, language="en", user=editor), reviewer)
    edit(guide, translator_es, key="warnings", title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")
    spanish = version_submit(guide=guide, language="es", user=translator_es)
    sign(spanish, reviewer)
    return spanish


def test_an_approved_translation_is_approved(guide, approved_translation):
    result = states(guide)

    assert result["en"] == LanguageState.APPROVED
    assert result["es"] == LanguageState.APPROVED


@pytest.mark.parametrize(
    "change_class, spanish_state",
    [
        (ChangeClass.EDITORIAL, LanguageState.APPROVED),
        (ChangeClass.CLINICAL, LanguageState.OUTDATED),
        (ChangeClass.SAFETY, LanguageState.OUTDATED),
    ],
)
def test_a_newer_approved_source_outdates_the_translation_by_its_change_class(
    guide, editor, second_reviewer, approved_translation, change_class, spanish_state
):
    edit(guide, editor, body_en="Swallow 5 mg.")  # a rewording: any class may be chosen for it
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=change_class)
    assert states(guide)["es"] == LanguageState.APPROVED  # not yet: v2 is only in review

    sign(v2, second_reviewer, change_class_confirmed=change_class)

    result = states(guide)
    assert result["en"] == LanguageState.APPROVED
    assert result["es"] == spanish_state


def test_states_are_per_guide(guide, editor, reviewer):
    other = GuideFactory()
    SectionFactory(guide=other)
    sign(version_submit(guide=guide, language="en", user=editor), reviewer)

    result = guide_statuses([guide, other])

    assert result[guide.pk]["en"].state == LanguageState.APPROVED
    assert result[other.pk]["en"].state == LanguageState.DRAFT


# --- a fixed number of queries -------------------------------------------------------------------


def make_guides_with_versions(count, author):
    """count guides, each with an approved English version, an approved Spanish one and a newer English one in review."""
    now = timezone.now()
    for index in range(count):
        guide = GuideFactory(title_es=f"Guía {index}")
        SectionFactory(guide=guide, key="dosing", position=1, title_es="Dosis", body_es="Tome 5 mg.")
        snapshots = {lang: build_snapshot(guide, lang, guide.sections.all()) for lang in ("en", "es")}

        def version(language, number, status, source=None, change_class="", guide=guide, snapshots=snapshots):
            return Version.objects.create(
                guide=guide, language=language, number=number, snapshot=snapshots[language], content_hash=content_hash(snapshots[language]),
                author=author, author_label=author.username, created_at=now, status=status, source_version=source, change_class=change_class, approvals_required=1,
            )

        en1 = version("en", 1, VersionStatus.APPROVED)
        version("es", 1, VersionStatus.APPROVED, source=en1)
        version("en", 2, VersionStatus.IN_REVIEW, change_class=ChangeClass.CLINICAL)


def count_queries(guides):
    with CaptureQueriesContext(connection) as queries:
        result = guide_statuses(guides)
    assert len(result) == len(guides)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_guides(editor):
    make_guides_with_versions(50, editor)
    guides = list(Guide.objects.order_by("pk"))
    assert Version.objects.count() == 150

    few = count_queries(guides[:5])
    many = count_queries(guides)

    assert few == many
    assert many <= 4  # sections, versions, live versions, live publications against the exports


def test_guide_statuses_accepts_a_queryset(editor):
    make_guides_with_versions(5, editor)

    first_two = list(Guide.objects.order_by("pk").values_list("pk", flat=True)[:2])
    with CaptureQueriesContext(connection) as few:
        guide_statuses(Guide.objects.filter(pk__in=first_two))
    make_guides_with_versions(20, editor)
    with CaptureQueriesContext(connection) as many:
        result = guide_statuses(Guide.objects.all())

    assert len(result) == 25
    assert len(few) == len(many)


# --- the review queue ------------------------------------------------------------------------------


def test_the_review_queue_lists_versions_in_review_in_the_reviewers_languages_oldest_first(guide, editor, reviewer, translator_es):
    english_only = make_user(Role.REVIEWER, ("en",))
    v1 = version_submit(guide=guide, language="en", user=editor)
    sign(v1, reviewer)
    edit(guide, translator_es, key="warnings", title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")
    spanish = version_submit(guide=guide, language="es", user=translator_es)
    edit(guide, editor, body_en="Swallow 5 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.EDITORIAL)

    assert review_queue(reviewer) == [spanish, v2]
    assert review_queue(english_only) == [v2]
    assert review_queue(translator_es) == []
