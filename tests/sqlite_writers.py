"""Run by tests/test_sqlite_concurrency.py in a fresh process: concurrent writers on one SQLite file.

Usage: python -m tests.sqlite_writers DB_PATH [--no-options]
Prints one JSON line: the errors the writers met, and what was written.
"""
import json
import os
import sys
import threading


def main(path: str, with_options: bool) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "guide_cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django
    from django.conf import settings

    if not with_options:  # what the settings were before: deferred transactions, 5 s
        settings.DATABASES["default"]["OPTIONS"] = {}
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from guide_cms.core.roles import Role
    from guide_cms.guides.models import Guide, Section
    from guide_cms.guides.services import section_update_drafts
    from guide_cms.review.services import version_sign, version_submit
    from tests.factories import PASSWORD, GuideFactory, SectionFactory, make_user

    editor = make_user(Role.EDITOR, username="editor")
    guide = GuideFactory(slug="baclofen", safety_critical=True)
    sections = [SectionFactory(guide=guide, key=f"s{n}", position=n, body_en=f"Take {n} mg.") for n in range(1, 5)]
    version = version_submit(guide=guide, language="en", user=editor)
    reviewers = [make_user(Role.REVIEWER, ("en",), username=f"reviewer{n}") for n in range(2)]
    connection.close()

    errors: list[str] = []
    start = threading.Barrier(len(reviewers) + len(sections))

    def run(work):
        try:
            start.wait()
            work()
        except Exception as exc:  # what the user would have seen as a 500
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def approve(reviewer):
        return lambda: version_sign(version=version, signer=reviewer, password=PASSWORD, decision="approve")

    def edit(section):
        def work():
            for n in range(15):
                section_update_drafts(section=section, user=editor, values={"body_en": f"Take {n} mg, edit {n}."})
        return work

    threads = [threading.Thread(target=run, args=(approve(r),)) for r in reviewers]
    threads += [threading.Thread(target=run, args=(edit(s),)) for s in sections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    version.refresh_from_db()
    return {
        "errors": errors,
        "status": version.status,
        "approvals": version.signatures.count(),
        "edits": sum(Section.objects.get(pk=s.pk).body_en.endswith("edit 14.") for s in sections),
        "guide": Guide.objects.get(pk=guide.pk).slug,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], "--no-options" not in sys.argv)))
