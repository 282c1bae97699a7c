"""A signature's seal: changing a sealed field, the signer or the version breaks it; a key rotation keeps old seals
valid while the old key is a fallback (review.seals)."""
import copy
import datetime

import pytest
from django.test import override_settings

from guide_cms.guides.models import VersionStatus
from guide_cms.review.models import Decision, Signature
from guide_cms.review.seals import compute_seal, seal_is_valid
from guide_cms.review.services import version_submit
from tests.review.sign_off_helpers import approved_source, edit, fill_spanish, sign
from tests.tamper import as_table_owner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field, value",
    [
        ("printed_name", "Dr Somebody Else"),
        ("credentials", "PhD"),
        ("signed_at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("meaning_text", "faithful translation of source version 9"),
        ("comment", "added later"),
        ("content_hash", "a" * 64),
    ],
)
def test_changing_a_sealed_field_breaks_the_seal(source_version, reviewer, field, value):
    signature = sign(source_version, reviewer)
    assert seal_is_valid(Signature.objects.get(pk=signature.pk))

    with as_table_owner():
        Signature.objects.filter(pk=signature.pk).update(**{field: value})

    assert not seal_is_valid(Signature.objects.get(pk=signature.pk))


def test_turning_a_change_request_into_an_approval_breaks_the_seal(source_version, reviewer):
    signature = sign(source_version, reviewer, decision=Decision.REQUEST_CHANGES, comment="Please check the dose.")
    assert seal_is_valid(Signature.objects.get(pk=signature.pk))

    with as_table_owner():
        Signature.objects.filter(pk=signature.pk).update(decision=Decision.APPROVE)

    assert not seal_is_valid(Signature.objects.get(pk=signature.pk))


def test_changing_the_signer_breaks_the_seal(source_version, reviewer, second_reviewer):
    signature = sign(source_version, reviewer)

    with as_table_owner():
        Signature.objects.filter(pk=signature.pk).update(signer=second_reviewer)

    assert not seal_is_valid(Signature.objects.get(pk=signature.pk))


def test_a_seal_cannot_be_moved_to_another_version(guide, editor, reviewer, translator_es):
    source = approved_source(guide, editor, reviewer)
    source_signature = source.signatures.get()
    fill_spanish(guide, translator_es)
    spanish = version_submit(guide=guide, language="es", user=translator_es)

    forged = copy.copy(source_signature)
    forged.pk = None
    forged.version = spanish

    assert seal_is_valid(source_signature)
    assert not seal_is_valid(forged)


def test_a_seal_cannot_be_moved_to_a_version_with_the_same_text(guide, editor, reviewer, second_reviewer):
    v1 = version_submit(guide=guide, language="en", user=editor)
    signature = sign(v1, reviewer, decision=Decision.REQUEST_CHANGES, comment="Please check.")
    edit(guide, editor, body_en="Take 10 mg.")
    v2 = version_submit(guide=guide, language="en", user=editor)
    edit(guide, editor, body_en="Take 5 mg.")
    v3 = version_submit(guide=guide, language="en", user=editor)  # the same text as v1
    assert v3.content_hash == v1.content_hash and v2.status == VersionStatus.IN_REVIEW

    forged = copy.copy(Signature.objects.get(pk=signature.pk))
    forged.pk = None
    forged.version = v3

    assert not seal_is_valid(forged)


def test_a_key_rotation_with_the_old_key_as_fallback_keeps_old_seals_valid(source_version, reviewer, settings):
    old_key = settings.SECRET_KEY
    signature = sign(source_version, reviewer)
    signature = Signature.objects.get(pk=signature.pk)

    with override_settings(SECRET_KEY="a-brand-new-secret-key-for-the-rotation-test-0123456789", SECRET_KEY_FALLBACKS=[old_key]):
        assert seal_is_valid(signature)
    with override_settings(SECRET_KEY="a-brand-new-secret-key-for-the-rotation-test-0123456789", SECRET_KEY_FALLBACKS=[]):
        assert not seal_is_valid(signature)


def test_seals_made_after_a_rotation_use_the_new_key(source_version, reviewer, settings):
    old_key = settings.SECRET_KEY
    new_key = "a-brand-new-secret-key-for-the-rotation-test-0123456789"

    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
        signature = sign(source_version, reviewer)
        signature = Signature.objects.get(pk=signature.pk)
        assert signature.seal == compute_seal(signature, new_key)
        assert seal_is_valid(signature)
    assert not seal_is_valid(signature)
