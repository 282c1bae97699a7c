from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guide_cms.guides.models import ChangeClass
from guide_cms.publishing.models import Publication



def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_publish_guide_publishes_and_exports(wf, export_dir):
    wf.approve("en")
    output = run("publish_guide", "baclofen", "en", "--user", wf.publisher.username, "--channel", "site")
    assert "Published baclofen [en] v1 on site (first publication)" in output
    assert (export_dir / "site" / "en" / "baclofen" / "index.html").exists()
    assert "Integrity OK" in run("verify_integrity")


def test_publish_guide_refusals_are_clear(wf):
    with pytest.raises(CommandError, match="no approved English version"):
        run("publish_guide", "baclofen", "en", "--user", wf.publisher.username)
    wf.approve("en")
    with pytest.raises(CommandError, match="Only publishers may publish"):
        run("publish_guide", "baclofen", "en", "--user", wf.editor.username)
    with pytest.raises(CommandError, match="no English version 7"):
        run("publish_guide", "baclofen", "en", "--user", wf.publisher.username, "--version", "7")
    with pytest.raises(CommandError, match="Unknown language"):
        run("publish_guide", "baclofen", "xx", "--user", wf.publisher.username)
    assert not Publication.objects.exists()


def test_publish_guide_names_the_blocking_sections(wf):
    wf.approve("en")
    wf.approve("es")
    wf.edit("dosing", "en", "Take 5 mg at night.")
    wf.approve("en", ChangeClass.CLINICAL)
    with pytest.raises(CommandError, match="Blocking sections: dosing"):
        run("publish_guide", "baclofen", "es", "--user", wf.publisher.username, "--version", "1")


def test_export_channels_reports_and_verify_catches_tampering(wf, export_dir):
    wf.publish(wf.approve("en"))  # publishing exported the site already
    assert "site: unchanged; 0 rendered, 1 reused" in run("export_channels", "--channel", "site")
    page = export_dir / "site" / "en" / "baclofen" / "index.html"
    page.write_text(page.read_text().replace("Take 5 mg.", "Take 50 mg."))
    with pytest.raises(CommandError):
        run("verify_integrity")
    output = run("export_channels", "--channel", "site")
    assert "site: updated; 1 rendered, 0 reused" in output
    assert "repaired 1 file(s) altered, added or deleted on disk: en/baclofen/index.html" in output
    assert "Take 5 mg." in page.read_text()
    assert "Integrity OK" in run("verify_integrity")
    with pytest.raises(CommandError, match="Unknown channel 'email'"):
        run("export_channels", "--channel", "email")


def test_publisher_uses_the_admin_action_with_a_confirmation_page(client, wf, export_dir, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from guide_cms.publishing.jobs import run_publish_job
    from guide_cms.publishing.models import PublishJob

    version = wf.approve("en")
    client.force_login(wf.publisher)
    url = reverse("admin:guides_version_changelist")
    data = {"action": "publish", "_selected_action": [version.pk]}
    response = client.post(url, data)
    assert response.status_code == 200 and b"first publication" in response.content
    assert not Publication.objects.exists()
    with django_capture_on_commit_callbacks():  # the job is left queued here, and run below
        response = client.post(url, {**data, "confirmed": "yes"})
    job = PublishJob.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse("publishing:job", args=[job.pk])
    assert not Publication.objects.exists()  # nothing published in the request
    run_publish_job(job.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Baclofen (English, v1)" in page and "published and exported" in page and "1 version published." in page
    assert Publication.objects.live().filter(version=version).count() == 2  # site and handouts
    assert (export_dir / "handouts" / "en" / "baclofen.pdf").exists()


def test_the_job_page_names_the_channels_in_the_publishers_language(client, wf):
    from django.urls import reverse
    from django.utils import timezone

    from guide_cms.publishing.jobs import enqueue_publish
    from guide_cms.publishing.models import PublishJob

    job = enqueue_publish([wf.approve("en")], wf.publisher)
    PublishJob.objects.filter(pk=job.pk).update(state="running", runner="worker.example/7", heartbeat=timezone.now(),
                                                phase="rendering", step="site en/baclofen", steps_done=1, steps_total=4)
    client.force_login(wf.publisher)
    page = client.get(reverse("publishing:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "الموقع:" in page and "site:" not in page and "en/baclofen" in page


def test_only_publishers_see_the_publish_action(client, wf):
    from django.urls import reverse

    version = wf.approve("en")
    client.force_login(wf.reviewer)
    response = client.post(reverse("admin:guides_version_changelist"), {"action": "publish", "_selected_action": [version.pk], "confirmed": "yes"})
    assert not Publication.objects.exists()
    assert response.status_code in (200, 302, 403)


def test_export_channels_exports_a_channel_named_twice_once(wf, tmp_path):
    wf.publish(wf.approve("en"))
    output = run("export_channels", "--channel", "site", "--channel", "site", "--output", str(tmp_path))
    assert [line.split(":")[0] for line in output.splitlines() if line.startswith("site")] == ["site"]
