"""A guide taken through the real services to publication, for publishing tests."""
from guide_cms.core.roles import Role
from guide_cms.guides.models import Section
from guide_cms.guides.services import section_update_drafts
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD, make_user


class Workflow:
    """Users and shortcuts for one guide: submit, approve, publish."""

    def __init__(self, guide, editor, translator_es):
        self.guide, self.editor, self.translator_es = guide, editor, translator_es
        self.reviewer = make_user(Role.REVIEWER, ("en", "es", "ar"), username="wf_reviewer")
        self.publisher = make_user(Role.PUBLISHER, username="wf_publisher")
        Section.objects.filter(guide=guide, key="warnings").update(title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")

    def approve(self, language, change_class=""):
        author = self.editor if language == "en" else self.translator_es
        version = version_submit(guide=self.guide, language=language, user=author, change_class=change_class)
        version_sign(version=version, signer=self.reviewer, password=PASSWORD, decision="approve", change_class_confirmed=change_class)
        version.refresh_from_db()
        return version

    def edit(self, key, language, body):
        user = self.editor if language == "en" else self.translator_es
        section = Section.objects.get(guide=self.guide, key=key)
        section_update_drafts(section=section, user=user, values={f"body_{language}": body})

    def publish(self, version, channels=("site",)):
        from guide_cms.publishing.services import publish_version

        return publish_version(version=version, user=self.publisher, channels=list(channels))
