"""Targets and log sources: list, create, edit, delete, and the log source test button."""

import html

import pytest
from django.urls import reverse

from monitors.models import LogSource, Target
from tests.factories import LogSourceFactory, MonitorFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_targets_are_listed_with_their_monitor_count(root_client):
    target = TargetFactory(name="web-01", host="10.0.0.5")
    MonitorFactory.create_batch(2, target=target)

    body = root_client.get(reverse("monitors:target-list")).content.decode()

    assert "web-01" in body and "10.0.0.5" in body
    assert f'href="{reverse("runs:dashboard")}?target={target.pk}">2</a>' in body


def test_a_target_is_created_and_edited(root_client):
    response = root_client.post(reverse("monitors:target-create"), {"name": "db-01", "host": "db.internal", "description": ""})
    target = Target.objects.get(name="db-01")
    assert response["Location"] == reverse("monitors:target-list")

    root_client.post(reverse("monitors:target-edit", args=[target.pk]), {"name": "db-01", "host": "db2.internal", "description": "primary"})

    target.refresh_from_db()
    assert (target.host, target.description) == ("db2.internal", "primary")


def test_a_duplicate_target_name_is_reported_beside_the_name(root_client):
    TargetFactory(name="db-01")

    response = root_client.post(reverse("monitors:target-create"), {"name": "db-01"})

    assert response.status_code == 400
    assert "Target with this Name already exists." in response.content.decode()


def test_creating_a_target_can_return_to_the_monitor_form(root_client):
    response = root_client.post(f"{reverse('monitors:target-create')}?next={reverse('monitors:create')}", {"name": "first"})

    assert response["Location"] == reverse("monitors:create")


def test_a_target_in_use_is_not_deleted(root_client):
    target = MonitorFactory(name="keeps-it").target

    response = root_client.post(reverse("monitors:target-delete", args=[target.pk]), follow=True)

    assert Target.objects.filter(pk=target.pk).exists()
    assert "is still used by: keeps-it" in html.unescape(response.content.decode())


def test_log_sources_are_listed_with_what_they_read(root_client):
    LogSourceFactory(name="syslog", config={"path": "/var/log/syslog"})
    LogSourceFactory(name="api-container", driver="docker", config={"container": "api"})

    body = root_client.get(reverse("monitors:log-source-list")).content.decode()

    assert "syslog" in body and "/var/log/syslog" in body and "Docker container" in body and "<code>api</code>" in body


def test_a_file_log_source_is_created_from_its_widgets(root_client):
    response = root_client.post(reverse("monitors:log-source-create"), {"name": "auth", "driver": "file", "path": "/var/log/auth.log", "max_lines": "300"})

    assert response.status_code == 302
    assert LogSource.objects.get(name="auth").config == {"path": "/var/log/auth.log", "max_lines": 300}


def test_a_file_log_source_without_a_path_is_refused_beside_the_path(root_client):
    response = root_client.post(reverse("monitors:log-source-create"), {"name": "auth", "driver": "file", "container": "api"})

    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_path_error"' in body and "This field is required." in body
    assert not LogSource.objects.exists()


def test_a_log_source_is_edited(root_client):
    source = LogSourceFactory(name="app", config={"path": "/var/log/app.log"})

    root_client.post(reverse("monitors:log-source-edit", args=[source.pk]), {"name": "app", "driver": "docker", "container": "app-1"})

    source.refresh_from_db()
    assert (source.driver, source.config["container"]) == ("docker", "app-1")


def test_the_test_button_reads_a_sample_of_the_source(root_client, settings, tmp_path):
    log = tmp_path / "app.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)) + "<script>alert(1)</script>\n")
    settings.LOG_FILE_ROOTS = [str(tmp_path)]
    source = LogSourceFactory(config={"path": str(log)})
    url = reverse("monitors:log-source-test", args=[source.pk])

    fragment = root_client.post(url, HTTP_X_REQUESTED_WITH="fetch").content.decode()
    page = root_client.post(url).content.decode()

    assert "line 99" in fragment and "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment and "<html" not in fragment
    assert "<html" in page and "line 99" in page


def test_the_test_button_shows_why_a_source_cannot_be_read(root_client, settings, tmp_path):
    settings.LOG_FILE_ROOTS = [str(tmp_path)]
    source = LogSourceFactory(config={"path": "/etc/shadow"})

    body = html.unescape(root_client.post(reverse("monitors:log-source-test", args=[source.pk]), HTTP_X_REQUESTED_WITH="fetch").content.decode())

    assert "Failed" in body and "outside the allowed log directories" in body
