"""The admin's Publish action enqueues one job for the batch and answers at once; the job publishes the batch
with one export per channel and one search index; its page and JSON endpoint show how it goes."""
import errno
import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guide_cms.core.roles import Role
from guide_cms.publishing import jobs
from guide_cms.publishing.models import Publication, PublishJob, PublishJobState
from tests.factories import make_user

CHANGELIST = "admin:guides_version_changelist"


@pytest.fixture
def site_only(settings):
    """The site channel only: no handout to render (the handouts' own tests render them)."""
    settings.GUIDE_CMS_CHANNELS = {"site": settings.GUIDE_CMS_CHANNELS["site"]}


def confirm(client, versions, **extra):
    return client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [v.pk for v in versions], "confirmed": "yes"},
                       **extra)


def test_the_action_enqueues_one_job_and_answers_at_once_without_rendering(client, wf, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    english, spanish = wf.approve("en"), wf.approve("es")
    rendered = []
    monkeypatch.setattr("guide_cms.publishing.export.stage_channel", lambda *a, **k: rendered.append(a))
    client.force_login(wf.publisher)
    with django_capture_on_commit_callbacks() as started:
        response = confirm(client, [english, spanish])
    job = PublishJob.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/admin/publishing/job/{job.pk}/"
    assert job.state == PublishJobState.QUEUED and job.requested_by == wf.publisher
    assert sorted(job.version_ids) == sorted([english.pk, spanish.pk])
    assert len(started) == 1  # one job for the batch, started once the request's transaction commits
    assert rendered == [] and not Publication.objects.exists()


def test_a_job_publishes_the_batch_with_one_export_per_channel_and_one_search_index(wf, export_dir, settings, monkeypatch):
    from guide_cms.publishing import export, services
    from guide_cms.publishing.channels import search

    settings.GUIDE_CMS_SITE_SEARCH = True
    calls = {"stage": [], "index": 0, "index_exports": 0}
    real_stage, real_index, real_export = export.stage_channel, search.build_index, services.export_channels

    def stage(channel, *args, **kwargs):
        calls["stage"].append((channel.name, "publication" if kwargs.get("defer_index") else "index"))
        return real_stage(channel, *args, **kwargs)

    def build_index(*args, **kwargs):
        calls["index"] += 1
        return real_index(*args, **kwargs)

    def export_channels(**kwargs):
        calls["index_exports"] += 1
        return real_export(**kwargs)

    wf.publish(wf.approve("en"), channels=export.channel_names())  # live already: the index follows the pages
    wf.edit("dosing", "en", "Swallow 5 mg.")
    english = wf.approve("en", "editorial")
    spanish = wf.approve("es")
    monkeypatch.setattr(export, "stage_channel", stage)
    monkeypatch.setattr(search, "build_index", build_index)
    monkeypatch.setattr(services, "export_channels", export_channels)
    job = jobs.enqueue_publish([english, spanish], wf.publisher)
    job = jobs.run_publish_job(job.pk)  # synchronously, here

    assert job.state == PublishJobState.DONE and job.error == ""
    assert job.published == [english.code, spanish.code] and job.refused == []
    assert Publication.objects.live().filter(version__in=[english, spanish]).count() == 2 * len(export.channel_names())
    # Each channel staged once for both versions; then one export brings the search index up to date, once.
    assert sorted(calls["stage"]) == sorted([(name, "publication") for name in export.channel_names()] + [("site", "index")])
    assert calls["index_exports"] == 1 and calls["index"] == 1
    assert (export_dir / "site" / "es" / "baclofen" / "index.html").exists()
    assert (export_dir / "handouts" / "es" / "baclofen.pdf").exists()
    assert job.steps_done == job.steps_total > 0 and job.started_at <= job.finished_at


def test_a_refused_version_is_listed_with_its_reason_and_the_others_are_published(wf, site_only):
    from guide_cms.review.services import version_submit

    english = wf.approve("en")
    in_review = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    job = jobs.run_publish_job(jobs.enqueue_publish([english, in_review], wf.publisher).pk)

    assert job.state == PublishJobState.DONE and job.published == [english.code]
    [refused] = job.refused
    assert refused["code"] == in_review.code and "only signed-off, approved versions are published" in refused["reason"]
    assert not Publication.objects.filter(version=in_review).exists()
    state = jobs.job_state(job)
    assert state["summary"] == "1 version published, 1 refused." and state["refused"][0]["label"] == str(in_review)


def test_an_export_folder_that_cannot_be_written_fails_the_job_and_records_nothing(wf, export_dir, site_only, monkeypatch):
    from guide_cms.core.models import AuditEvent
    from guide_cms.publishing import store

    english, spanish = wf.approve("en"), wf.approve("es")
    events = AuditEvent.objects.count()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(export_dir / "site"))

    monkeypatch.setattr(store.Release, "write", full)
    job = jobs.run_publish_job(jobs.enqueue_publish([english, spanish], wf.publisher).pk)

    assert job.state == PublishJobState.FAILED and job.published == []
    assert job.error == f"The export folder could not be written. Tell whoever runs guide_cms: No space left on device: {export_dir / 'site'}"
    assert not Publication.objects.exists() and AuditEvent.objects.count() == events
    state = jobs.job_state(job)
    assert state["nothing_recorded"] and state["finished"]
    assert state["summary"] == "Nothing was published and nothing was recorded: the previous files are still live."


def test_a_refusal_under_the_lock_fails_the_job_with_its_reason(wf, site_only):
    english = wf.approve("en")
    job = jobs.enqueue_publish([english], wf.publisher)
    wf.publisher.groups.clear()  # no longer a publisher when the job runs
    job = jobs.run_publish_job(job.pk)
    assert job.state == PublishJobState.FAILED and "Only publishers may publish" in job.error
    assert not Publication.objects.exists()


def test_the_page_and_the_endpoint_show_the_state_and_the_outcome(client, wf, site_only):
    english = wf.approve("en")
    client.force_login(wf.publisher)
    job = jobs.enqueue_publish([english], wf.publisher)
    page = client.get(reverse("publishing:job", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waiting to start." in html and str(english) in html
    assert '<noscript><meta http-equiv="refresh"' in html  # without JavaScript, the page reloads itself while it runs
    assert 'src="/static/publishing/job.js"' in html and "<script>" not in html  # no inline script under the policy
    data = client.get(reverse("publishing:job-state", args=[job.pk])).json()
    assert data["state"] == "queued" and not data["finished"] and "Waiting to start." in data["html"]

    jobs.run_publish_job(job.pk)
    data = client.get(reverse("publishing:job-state", args=[job.pk])).json()
    assert data["state"] == "done" and data["finished"] and data["published"] == [{"code": english.code, "label": str(english)}]
    html = client.get(reverse("publishing:job", args=[job.pk])).content.decode()  # a reload: the outcome, no more refresh
    assert "1 version published." in html and "published and exported" in html and "refresh" not in html


def test_the_page_is_in_the_readers_language(client, wf, site_only):
    english = wf.approve("en")
    client.force_login(wf.publisher)
    job = jobs.run_publish_job(jobs.enqueue_publish([english], wf.publisher).pk)
    html = client.get(reverse("publishing:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "1 versión publicada." in html


def test_only_the_publisher_who_asked_or_a_publisher_sees_a_job(client, wf):
    english = wf.approve("en")
    job = jobs.enqueue_publish([english], wf.publisher)
    another = make_user(Role.PUBLISHER, username="another_publisher")
    for url in (reverse("publishing:job", args=[job.pk]), reverse("publishing:job-state", args=[job.pk])):
        client.force_login(wf.reviewer)
        assert client.get(url).status_code == 403
        for publisher in (wf.publisher, another):
            client.force_login(publisher)
            assert client.get(url).status_code == 200
    client.force_login(wf.reviewer)
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied: the service refuses a non-publisher too
        jobs.enqueue_publish([english], wf.reviewer)


def test_a_non_publisher_cannot_confirm_the_action(client, wf):
    english = wf.approve("en")
    client.force_login(wf.reviewer)
    response = confirm(client, [english])
    assert response.status_code in (200, 302, 403)
    assert not PublishJob.objects.exists() and not Publication.objects.exists()


def test_a_running_job_without_a_heartbeat_is_shown_interrupted_with_nothing_recorded(client, wf):
    english = wf.approve("en")
    job = jobs.enqueue_publish([english], wf.publisher)
    long_ago = timezone.now() - jobs.STALE_AFTER - timedelta(seconds=5)
    PublishJob.objects.filter(pk=job.pk).update(state=PublishJobState.RUNNING, runner="another-machine/4242", started_at=long_ago,
                                                heartbeat=long_ago)
    job.refresh_from_db()
    state = jobs.job_state(job)
    assert state["state"] == "interrupted" and state["finished"] and state["nothing_recorded"]
    assert "Nothing was recorded" in state["summary"]

    PublishJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now())  # beating: running
    job.refresh_from_db()
    assert jobs.job_state(job)["state"] == "running"

    client.force_login(wf.publisher)
    PublishJob.objects.filter(pk=job.pk).update(heartbeat=long_ago)
    html = client.get(reverse("publishing:job", args=[job.pk])).content.decode()
    assert "Nothing was recorded" in html and "refresh" not in html


def test_a_job_whose_process_on_this_machine_is_gone_is_interrupted_at_once(wf):
    import subprocess
    import sys

    english = wf.approve("en")
    job = jobs.enqueue_publish([english], wf.publisher)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    PublishJob.objects.filter(pk=job.pk).update(state=PublishJobState.RUNNING, runner=f"{jobs.HOST}/{gone.stdout.strip()}",
                                                started_at=timezone.now(), heartbeat=timezone.now())
    job.refresh_from_db()
    assert jobs.job_state(job)["state"] == "interrupted"
    PublishJob.objects.filter(pk=job.pk).update(runner=f"{jobs.HOST}/{os.getppid()}")  # alive: running
    job.refresh_from_db()
    assert jobs.job_state(job)["state"] == "running"


def test_an_interrupted_job_is_never_run_again(wf, site_only):
    english = wf.approve("en")
    job = jobs.enqueue_publish([english], wf.publisher)
    long_ago = timezone.now() - jobs.STALE_AFTER - timedelta(seconds=5)
    PublishJob.objects.filter(pk=job.pk).update(state=PublishJobState.RUNNING, runner="another-machine/4242", heartbeat=long_ago)
    assert jobs.run_publish_job(job.pk) is None  # a queue task handed out again after its worker died
    job.refresh_from_db()
    assert job.state == PublishJobState.INTERRUPTED and not Publication.objects.exists()


def test_the_endpoint_asks_the_same_number_of_queries_for_one_version_or_many(client, wf, site_only):
    english = wf.approve("en")
    spanish = wf.approve("es")
    client.force_login(wf.publisher)
    counts = []
    for versions in ([english], [english, spanish]):
        job = jobs.run_publish_job(jobs.enqueue_publish(versions, wf.publisher).pk)
        url = reverse("publishing:job-state", args=[job.pk])
        client.get(url)  # the session and the roles, as on every request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).json()["state"] == "done"
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_on_the_task_queue_the_job_is_a_task(wf, settings, site_only, monkeypatch, django_capture_on_commit_callbacks):
    pytest.importorskip("celery")
    from guide_cms.publishing import tasks
    from guide_cms.publishing.celery_app import app

    settings.GUIDE_CMS_TASK_QUEUE = "celery"
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, *args)))
    english = wf.approve("en")
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue_publish([english], wf.publisher)
    assert sent == [("guide_cms.publishing.publish_job", job.pk)] and jobs.job_state(job)["summary"] == "Waiting for a worker of the task queue."
    answer = tasks.publish_job.run(job.pk)  # what a worker runs
    assert answer["state"] == "done" and Publication.objects.live().filter(version=english).exists()


def test_a_broker_that_is_down_leaves_the_job_to_a_thread_here(wf, settings, site_only, monkeypatch):
    pytest.importorskip("celery")
    from guide_cms.publishing.celery_app import app

    settings.GUIDE_CMS_TASK_QUEUE = "celery"

    def down(name, args):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(app, "send_task", down)
    started = []
    monkeypatch.setattr(jobs.threading.Thread, "start", lambda thread: started.append(thread.name))
    job = jobs.enqueue_publish([wf.approve("en")], wf.publisher)
    jobs.start_job(job.pk)
    job.refresh_from_db()
    assert started == [f"publish-job-{job.pk}"] and job.runner == jobs._me()
    jobs._ACTIVE.pop(job.pk, None)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test here: the next tests need the migrations' rows
def test_without_a_queue_the_job_runs_on_a_thread_after_the_commit(client, guide, editor, translator_es, site_only):
    from tests.workflow import Workflow

    wf = Workflow(guide, editor, translator_es)
    english = wf.approve("en")
    client.force_login(wf.publisher)
    response = confirm(client, [english])
    job = PublishJob.objects.get()
    assert response.status_code == 303
    job = jobs.wait_for_job(job, timeout=120)
    assert job.state == PublishJobState.DONE and job.published == [english.code]
    assert Publication.objects.live().filter(version=english).count() == 1
    assert client.get(reverse("publishing:job-state", args=[job.pk])).json()["state"] == "done"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test here: the next tests need the migrations' rows
def test_two_jobs_on_one_export_folder_run_one_after_the_other(guide, editor, translator_es, site_only, monkeypatch):
    import threading

    from guide_cms.publishing import services
    from tests.workflow import Workflow

    wf = Workflow(guide, editor, translator_es)
    english, spanish = wf.approve("en"), wf.approve("es")
    running, overlapped = [], []
    real = services.publish_versions
    lock = threading.Lock()

    def publish_versions(**kwargs):
        with lock:
            overlapped.append(bool(running))
            running.append(1)
        try:
            return real(**kwargs)
        finally:
            with lock:
                running.pop()

    monkeypatch.setattr(jobs, "publish_versions", publish_versions)
    first = jobs.enqueue_publish([english], wf.publisher)
    second = jobs.enqueue_publish([spanish], wf.publisher)
    assert {jobs.wait_for_job(first).state, jobs.wait_for_job(second).state} == {PublishJobState.DONE}
    assert overlapped == [False, False]
    assert Publication.objects.live().filter(version__in=[english, spanish]).count() == 2


def test_publishers_find_the_jobs_in_a_list_that_leads_to_their_pages(client, wf):
    english = wf.approve("en")
    job = jobs.enqueue_publish([english], wf.publisher)
    page = reverse("publishing:job", args=[job.pk])
    client.force_login(wf.publisher)
    html = client.get(reverse("admin:publishing_publishjob_changelist")).content.decode()
    assert f'href="{page}"' in html and str(english) in html
    assert client.get(reverse("admin:publishing_publishjob_change", args=[job.pk]))["Location"] == page
    client.force_login(wf.reviewer)
    assert client.get(reverse("admin:publishing_publishjob_changelist")).status_code == 403
