"""Log sources over the API, and ``POST /log-sources/{id}/test`` through the real driver."""

from monitors.models import LogSource
from tests.factories import LogSourceFactory, MonitorFactory, TargetFactory


def test_it_creates_and_replaces_a_file_source_with_its_config_normalised(api, log_file):
    target = TargetFactory()
    body = {"name": "app", "target_id": target.pk, "driver": "file", "config": {"path": str(log_file)}}
    created = api.post("/log-sources", body, format="json")
    assert created.status_code == 201
    assert created.json()["config"] == {"path": str(log_file), "max_lines": 200}
    assert created.json()["target_id"] == target.pk

    body["config"]["max_lines"] = 20
    replaced = api.put(f"/log-sources/{created.json()['id']}", body, format="json")
    assert replaced.status_code == 200
    assert LogSource.objects.get().config == {"path": str(log_file), "max_lines": 20}


def test_a_bad_config_is_a_400_naming_the_nested_field_and_stores_nothing(api):
    response = api.post("/log-sources", {"name": "web", "driver": "docker", "config": {"max_lines": 0}}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "config": {"container": ["This field is required."], "max_lines": ["Input should be greater than 0"]}
    }
    assert not LogSource.objects.exists()


def test_an_unknown_driver_is_a_400_naming_it(api):
    response = api.post("/log-sources", {"name": "x", "driver": "ftp", "config": {}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"driver": ['"ftp" is not a valid choice.']}


def test_deleting_a_source_used_by_a_monitor_is_a_409(api):
    monitor = MonitorFactory(log_source=LogSourceFactory(name="syslog"), name="sys")
    response = api.delete(f"/log-sources/{monitor.log_source_id}")
    assert response.status_code == 409
    assert response.json() == {"detail": "Log source 'syslog' is still used by: sys."}


def test_testing_a_source_returns_its_newest_lines(api, log_file):
    source = LogSourceFactory(config={"path": str(log_file), "max_lines": 200})
    response = api.post(f"/log-sources/{source.pk}/test")
    assert response.status_code == 200
    body = response.json()
    assert body["error"] == ""
    assert body["text"].splitlines()[-1] == "ERROR disk full"
    assert body["lines"] == 11


def test_testing_an_unreadable_source_is_a_422_with_the_drivers_error(api, tmp_path):
    source = LogSourceFactory(config={"path": str(tmp_path / "missing.log")})
    response = api.post(f"/log-sources/{source.pk}/test")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == body["error"]
    assert "missing.log" in body["detail"]


def test_testing_a_source_outside_the_allowed_roots_is_refused_by_the_driver(api):
    source = LogSourceFactory(config={"path": "/etc/shadow"})
    response = api.post(f"/log-sources/{source.pk}/test")
    assert response.status_code == 422
    assert "is outside the allowed log directories" in response.json()["detail"]


def test_testing_a_docker_source_without_a_daemon_is_a_422(api, settings):
    settings.DOCKER_HOST = "tcp://127.0.0.1:9"  # nothing listens on the discard port
    source = LogSourceFactory(driver="docker", config={"container": "web"})
    response = api.post(f"/log-sources/{source.pk}/test")
    assert response.status_code == 422
    assert response.json()["detail"]
