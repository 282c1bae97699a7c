"""Shortcuts of the sign-off tests (review.services.version_sign), made through the services."""
from guide_cms.guides.services import section_update_drafts
from guide_cms.review.models import Decision
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD

WRONG = "not the password"


def sign(version, signer, decision=Decision.APPROVE, password=PASSWORD, **kwargs):
    kwargs.setdefault("content_hash_seen", version.content_hash)
    return version_sign(version=version, signer=signer, password=password, decision=decision, **kwargs)


def edit(guide, user, key="dosing", **values):
    section_update_drafts(section=guide.sections.get(key=key), user=user, values=values)


def fill_spanish(guide, translator):
    edit(guide, translator, key="warnings", title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")


def approved_source(guide, editor, reviewer):
    version = version_submit(guide=guide, language="en", user=editor)
    sign(version, reviewer)
    version.refresh_from_db()
    return version


def status_of(version):
    version.refresh_from_db()
    return version.status
