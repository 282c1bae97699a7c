"""Run by tests/publishing/test_publish_killed.py in a fresh process, on a SQLite file of its own.

Usage: python -m tests.publishing.batch_publisher DB EXPORT_DIR setup|publish|publish-slow [STATE]

DB is a SQLite file's path, or a postgres:// URL (the test database of a transactional test).

- setup: migrates, publishes a guide in English and Spanish on the site, then approves a new version of
  each (not published): prints {"versions": [their ids]}.
- publish: publishes those versions as one batch (services.publish_versions) on the site.
- publish-slow: the same, with the site channel rendering each entry slowly enough to be killed while it
  writes its release.
"""
import json
import os
import sys
import time


def _slow_site():
    from guide_cms.publishing.channels.site import SiteChannel

    class SlowSite(SiteChannel):
        def render_entry(self, entry):
            files = super().render_entry(entry)
            time.sleep(0.7)
            return files

    return SlowSite


SlowSite = None  # set in main: settings.GUIDE_CMS_CHANNELS names it by its dotted path


def setup() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from guide_cms.core.roles import Role
    from guide_cms.guides.models import Version
    from guide_cms.publishing.services import publish_versions
    from tests.factories import GuideFactory, SectionFactory, make_user
    from tests.workflow import Workflow

    guide = GuideFactory(slug="baclofen", title_en="Baclofen", title_es="Baclofeno", summary_es="Un resumen breve.")
    SectionFactory(guide=guide, key="dosing", position=1, title_en="Dosing", body_en="Take 5 mg.", title_es="Dosis", body_es="Tome 5 mg.")
    SectionFactory(guide=guide, key="warnings", position=2, title_en="Warnings", body_en="> [!WARNING]\n> Do not drive.", body_es="")
    wf = Workflow(guide, make_user(Role.EDITOR, username="editor"), make_user(Role.TRANSLATOR, ("es",), username="translator_es"))
    publish_versions(versions=[wf.approve("en"), wf.approve("es")], user=wf.publisher, channels=["site"])
    wf.edit("dosing", "en", "Swallow 5 mg.")
    english = wf.approve("en", "editorial")
    wf.edit("dosing", "es", "Trague 5 mg.")
    spanish = wf.approve("es")
    assert Version.objects.filter(pk__in=[english.pk, spanish.pk], publications__isnull=True).count() == 2
    return {"versions": [english.pk, spanish.pk], "publisher": wf.publisher.pk}


def publish(ids: list[int], publisher: int) -> dict:
    from django.contrib.auth import get_user_model

    from guide_cms.guides.models import Version
    from guide_cms.publishing.services import publish_versions

    versions = sorted(Version.objects.filter(pk__in=ids), key=lambda v: ids.index(v.pk))
    result = publish_versions(versions=versions, user=get_user_model().objects.get(pk=publisher), channels=["site"])
    return {"published": [v.pk for v in result.versions]}


def main(argv: list[str]) -> dict:
    global SlowSite
    db, exports, mode, *rest = argv
    os.environ["DJANGO_SETTINGS_MODULE"] = "guide_cms.settings.test"
    os.environ["DATABASE_URL"] = db if db.startswith("postgres") else f"sqlite:///{db}"
    os.environ["GUIDE_CMS_EXPORT_DIR"] = exports
    import django
    from django.conf import settings

    django.setup()
    settings.GUIDE_CMS_EXPORT_DIR = exports
    if mode == "setup":
        return setup()
    if mode == "publish-slow":
        SlowSite = _slow_site()
        settings.GUIDE_CMS_CHANNELS = {**settings.GUIDE_CMS_CHANNELS, "site": f"{__name__}.SlowSite"}
        print("publishing", flush=True)
    state = json.loads(rest[0])
    return publish(state["versions"], state["publisher"])


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])), flush=True)
