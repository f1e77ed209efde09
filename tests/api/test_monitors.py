"""Monitors over the API: every documented field, validation that names the field, command-input permission."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from monitors.models import Monitor
from notifications.models import Delivery
from runs.models import MonitorRun
from tests.factories import DeliveryFactory, LogSourceFactory, MonitorFactory, TargetFactory, UserFactory


@pytest.fixture
def target(db):
    return TargetFactory(name="web-1")


def monitor_body(target, **overrides):
    body = {
        "name": "nginx errors",
        "target_id": target.pk,
        "interval_seconds": 120,
        "prompt": "Look for 5xx bursts.",
        "inputs": [{"label": "nginx", "mode": "command", "command": "echo all good"}],
        "llm_provider": "stub",
    }
    return {**body, **overrides}


def test_it_creates_a_monitor_with_every_documented_field(api, target, log_file):
    source = LogSourceFactory(config={"path": str(log_file)})
    body = monitor_body(
        target,
        log_source_id=source.pk,
        window_config={"max_lines": 500},
        notification_config={"email_recipients": ["ops@example.com"], "sms_recipients": ["+15551234567"], "notify_on": "all"},
        remediation_config={"enabled": True, "remediation_endpoint": "https://agent.example.com/incidents"},
        llm_provider_metadata={},
        enabled=False,
    )
    response = api.post("/monitors", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    for field in ("name", "target_id", "log_source_id", "interval_seconds", "prompt", "llm_provider", "enabled"):
        assert data[field] == body[field]
    assert data["inputs"] == [{"label": "nginx", "mode": "command", "command": "echo all good", "shell": False}]
    assert data["window_config"]["max_lines"] == 500
    assert data["notification_config"]["sms_recipients"] == ["+15551234567"]
    assert data["remediation_config"]["remediation_endpoint"] == "https://agent.example.com/incidents"
    assert data["last_run_at"] is None
    monitor = Monitor.objects.get()
    assert (monitor.log_source, monitor.enabled, monitor.next_run_at) == (source, False, None)


def test_an_enabled_monitor_is_due_at_once(api, target):
    response = api.post("/monitors", monitor_body(target), format="json")
    assert response.json()["next_run_at"] is not None
    assert Monitor.objects.get().next_run_at is not None


def test_last_run_at_is_read_only(api, target):
    response = api.post("/monitors", monitor_body(target, last_run_at="2020-01-01T00:00:00Z"), format="json")
    assert response.status_code == 201
    assert Monitor.objects.get().last_run_at is None


def test_it_lists_reads_and_replaces_monitors(api, target):
    monitor = MonitorFactory(name="a", target=target)
    MonitorFactory(name="b")
    assert [m["name"] for m in api.get("/monitors").json()["results"]] == ["a", "b"]
    assert api.get(f"/monitors/{monitor.pk}").json()["target_id"] == target.pk

    response = api.put(f"/monitors/{monitor.pk}", monitor_body(target, name="a2", interval_seconds=30), format="json")
    assert response.status_code == 200
    monitor.refresh_from_db()
    assert (monitor.name, monitor.interval_seconds) == ("a2", 30)


def test_deleting_a_monitor_deletes_its_runs_and_deliveries(api):
    delivery = DeliveryFactory()
    monitor = delivery.run.monitor
    assert api.delete(f"/monitors/{monitor.pk}").status_code == 204
    assert not Monitor.objects.exists()
    assert not MonitorRun.objects.exists()
    assert not Delivery.objects.exists()


def error_at(body, path):
    """The messages at ``path`` (keys and list indexes) of a DRF-shaped error body."""
    for step in path:
        body = body[step]
    return " ".join(body)


@pytest.mark.parametrize(
    ("overrides", "path", "phrase"),
    [
        ({"llm_provider": "gpt-9000"}, ("llm_provider",), "Unknown provider 'gpt-9000'"),
        ({"interval_seconds": 0}, ("interval_seconds",), "greater than or equal to 1"),
        ({"interval_seconds": -60}, ("interval_seconds",), "greater than or equal to 1"),
        ({"notification_config": {"email_recipients": ["ops@example.com", "nope"]}}, ("notification_config", "email_recipients"), "'nope'"),
        ({"notification_config": {"sms_recipients": ["555-1234"]}}, ("notification_config", "sms_recipients"), "E.164"),
        (
            {"remediation_config": {"enabled": True, "remediation_endpoint": "ftp://agent.example.com/"}},
            ("remediation_config", "remediation_endpoint"),
            "http:// or https://",
        ),
        ({"inputs": [{"label": "x", "command": "echo", "colour": "red"}]}, ("inputs", 0, "colour"), "Unknown field."),
        ({"window_config": {"max_lines": 0}}, ("window_config", "max_lines"), "greater than 0"),
        ({"prompt": "x" * 20_001}, ("prompt",), "no more than 20000 characters"),
        ({"prompt": "  "}, ("prompt",), "may not be blank"),
        ({"target_id": 999}, ("target_id",), "object does not exist"),
        ({"inputs": [{"label": "x", "command": "echo \x00"}]}, ("inputs",), "Null characters are not allowed."),
    ],
    ids=[
        "unknown provider", "zero interval", "negative interval", "bad email", "bad phone", "ftp endpoint",
        "unknown input field", "zero window", "long prompt", "blank prompt", "unknown target", "nul",
    ],
)
def test_invalid_input_is_a_400_naming_the_field_and_stores_nothing(api, target, overrides, path, phrase):
    response = api.post("/monitors", monitor_body(target, **overrides), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [path[0]]
    assert phrase in error_at(response.json(), path)
    assert not Monitor.objects.exists()


def test_a_bad_input_is_named_by_its_position_in_the_list(api, target):
    inputs = [{"label": "ok", "command": "echo 1"}, {"label": "nginx", "mode": "command"}]
    response = api.post("/monitors", monitor_body(target, inputs=inputs), format="json")
    assert response.status_code == 400
    assert response.json() == {"inputs": [{}, {"command": ["This field is required when mode is 'command'."]}]}


def test_a_bad_replace_changes_nothing(api, target):
    monitor = MonitorFactory(target=target, interval_seconds=60)
    response = api.put(f"/monitors/{monitor.pk}", monitor_body(target, interval_seconds=0, name="changed"), format="json")
    assert response.status_code == 400
    monitor.refresh_from_db()
    assert (monitor.interval_seconds, monitor.name) != (0, "changed")


def test_a_10_mb_prompt_is_a_400_naming_the_field(api, target):
    response = api.post("/monitors", monitor_body(target, prompt="x" * 10_000_000), format="json")
    assert response.status_code == 400
    assert "20000 characters" in response.json()["prompt"][0]
    assert not Monitor.objects.exists()


def test_a_body_over_the_upload_limit_is_a_413_naming_the_limit(api, target, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    response = api.post("/monitors", monitor_body(target, prompt="x" * 2_000_000), format="json")
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in detail and "prompt" in detail
    assert not Monitor.objects.exists()


def test_a_body_that_is_not_json_is_a_415(api, target):
    response = api.post("/monitors", "name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


class TestCommandInputs:
    """Creating or changing command inputs needs monitors.manage_command_inputs."""

    @pytest.fixture
    def olga(self, staff_user, user_key):
        return APIClient(HTTP_X_API_KEY=user_key(staff_user))

    def test_plain_staff_cannot_create_a_monitor_with_a_command(self, olga, target):
        response = olga.post("/monitors", monitor_body(target), format="json")
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Creating or changing command inputs needs the 'monitors.manage_command_inputs' permission."
        }
        assert not Monitor.objects.exists()

    def test_plain_staff_can_create_a_monitor_reading_files(self, olga, target, log_file):
        inputs = [{"label": "app", "mode": "file", "path": str(log_file)}]
        assert olga.post("/monitors", monitor_body(target, inputs=inputs), format="json").status_code == 201

    def test_plain_staff_can_change_other_fields_of_a_monitor_with_commands(self, olga, target):
        monitor = MonitorFactory(target=target)
        body = monitor_body(target, name="renamed", inputs=monitor.inputs)
        assert olga.put(f"/monitors/{monitor.pk}", body, format="json").status_code == 200
        # Leaving inputs out keeps them as they are.
        body.pop("inputs")
        assert olga.put(f"/monitors/{monitor.pk}", body, format="json").status_code == 200

    def test_plain_staff_cannot_change_a_command(self, olga, target):
        monitor = MonitorFactory(target=target)
        body = monitor_body(target, inputs=[{"label": "echo", "command": "cat /etc/passwd"}])
        assert olga.put(f"/monitors/{monitor.pk}", body, format="json").status_code == 403
        monitor.refresh_from_db()
        assert monitor.inputs[0]["command"] == "echo all good"

    def test_plain_staff_may_remove_a_command(self, olga, target):
        monitor = MonitorFactory(target=target)
        assert olga.put(f"/monitors/{monitor.pk}", monitor_body(target, inputs=[]), format="json").status_code == 200
        monitor.refresh_from_db()
        assert monitor.inputs == []

    def test_staff_granted_the_permission_can(self, staff_user, user_key, target):
        staff_user.user_permissions.add(Permission.objects.get(codename="manage_command_inputs"))
        client = APIClient(HTTP_X_API_KEY=user_key(staff_user))
        assert client.post("/monitors", monitor_body(target), format="json").status_code == 201
        assert Monitor.objects.get().inputs[0]["mode"] == "command"

    def test_superusers_and_the_token_holder_can(self, superuser, user_key, api, target):
        rita = APIClient(HTTP_X_API_KEY=user_key(superuser))
        assert rita.post("/monitors", monitor_body(target, name="one"), format="json").status_code == 201
        assert api.post("/monitors", monitor_body(target, name="two"), format="json").status_code == 201


def test_responses_never_carry_secrets(api, settings, target):
    settings.OPENAI_API_KEY = "sk-secret-do-not-leak"
    settings.TWILIO_AUTH_TOKEN = "twilio-secret-do-not-leak"
    settings.AWS_SECRET_ACCESS_KEY = "aws-secret-do-not-leak"
    monitor_id = api.post("/monitors", monitor_body(target), format="json").json()["id"]
    api.post(f"/monitors/{monitor_id}/run-once")
    bodies = b"".join(
        api.get(path).content
        for path in ("/monitors", f"/monitors/{monitor_id}", f"/monitors/{monitor_id}/runs/latest", "/monitors/status", "/api/schema/")
    )
    for secret in (settings.OPENAI_API_KEY, settings.TWILIO_AUTH_TOKEN, settings.AWS_SECRET_ACCESS_KEY, settings.API_TOKEN, settings.SECRET_KEY):
        assert secret.encode() not in bodies


def test_a_replace_that_disables_takes_the_monitor_off_the_schedule_and_back(api, target):
    monitor = MonitorFactory(target=target, interval_seconds=60)
    off = api.put(f"/monitors/{monitor.pk}", {**monitor_body(target), "name": monitor.name, "enabled": False}, format="json")
    assert off.status_code == 200 and off.json()["next_run_at"] is None

    on = api.put(f"/monitors/{monitor.pk}", {**monitor_body(target), "name": monitor.name, "enabled": True}, format="json")
    assert on.json()["next_run_at"] is not None
