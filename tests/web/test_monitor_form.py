"""Create and edit monitors: nested configs as widgets, the API's messages beside the right field."""

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from monitors.models import Monitor
from tests.factories import MonitorFactory, TargetFactory

pytestmark = pytest.mark.django_db
CREATE = reverse("monitors:create")


def form_data(target, inputs=(), **overrides):
    """What the browser posts: the monitor's widgets plus the inputs formset."""
    data = {
        "name": "nginx errors", "target": target.pk, "enabled": "on", "interval_seconds": "120",
        "prompt": "Look for 5xx bursts.", "log_source": "", "window_max_lines": "", "window_max_chars": "",
        "email_recipients": "", "sms_recipients": "", "notify_on": "alert_only",
        "remediation_endpoint": "", "remediation_trigger_on": ["CRITICAL"], "max_auto_actions": "5",
        "require_human_approval": "on", "llm_provider": "", "llm_provider_metadata": "",
        "inputs-TOTAL_FORMS": str(len(inputs)), "inputs-INITIAL_FORMS": "0",
        "inputs-MIN_NUM_FORMS": "0", "inputs-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(inputs):
        for key, value in item.items():
            data[f"inputs-{index}-{key}"] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def error_beside(body: str, field_id: str) -> list[str]:
    """The messages rendered in the error list that belongs to the widget with this id."""
    block = re.search(rf'<ul class="errorlist" id="{field_id}_error"[^>]*>(.*?)</ul>', body, re.S)
    assert block, f"no error next to #{field_id}"
    return [html.unescape(re.sub(r"\s+", " ", m).strip()) for m in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def test_it_creates_a_monitor_with_two_command_inputs_and_nested_configs(root_client):
    target = TargetFactory()
    data = form_data(
        target,
        inputs=[
            {"label": "errors", "mode": "command", "command": "tail -n 50 /var/log/nginx/error.log", "timeout_seconds": "5"},
            {"label": "disk", "mode": "command", "command": "df -h | sort", "shell": "on"},
        ],
        email_recipients="a@example.com, b@example.com", sms_recipients="+15551234567\n", notify_on="warn_and_alert",
        remediation_enabled="on", remediation_endpoint="https://agent.example.com/hook", remediation_trigger_on=["WARNING", "CRITICAL"],
        window_max_lines="500",
    )

    response = root_client.post(CREATE, data)

    monitor = Monitor.objects.get(name="nginx errors")
    assert response.status_code == 302 and response["Location"] == reverse("runs:monitor", args=[monitor.pk])
    assert monitor.inputs == [
        {"label": "errors", "mode": "command", "command": "tail -n 50 /var/log/nginx/error.log", "shell": False, "timeout_seconds": 5.0},
        {"label": "disk", "mode": "command", "command": "df -h | sort", "shell": True},
    ]
    assert monitor.notification_config["email_recipients"] == ["a@example.com", "b@example.com"]
    assert monitor.notification_config["sms_recipients"] == ["+15551234567"]
    assert monitor.notification_config["notify_on"] == "warn_and_alert"
    assert monitor.remediation_config["trigger_on"] == ["WARNING", "CRITICAL"]
    assert monitor.remediation_config["remediation_endpoint"] == "https://agent.example.com/hook"
    assert monitor.window_config["max_lines"] == 500

    assert monitor.enabled and monitor.next_run_at is not None


def test_a_missing_command_is_reported_beside_that_inputs_command_box(root_client):
    data = form_data(TargetFactory(), inputs=[
        {"label": "ok", "mode": "command", "command": "uptime"},
        {"label": "broken", "mode": "command", "command": ""},
    ])

    response = root_client.post(CREATE, data)

    assert response.status_code == 400
    assert error_beside(response.content.decode(), "id_inputs-1-command") == ["This field is required when mode is 'command'."]
    assert not Monitor.objects.exists()


def test_a_bad_label_is_reported_beside_the_label(root_client):
    response = root_client.post(CREATE, form_data(TargetFactory(), inputs=[{"label": "no spaces please", "mode": "command", "command": "uptime"}]))

    assert error_beside(response.content.decode(), "id_inputs-0-label") == ["use 1-64 letters, digits, '_', '.', ':' or '-'"]


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"email_recipients": "not-an-email"}, "id_email_recipients", "'not-an-email' is not a valid email address"),
        ({"sms_recipients": "555-1234"}, "id_sms_recipients", "'555-1234' is not a phone number in E.164 form (+15551234567)"),
        ({"remediation_enabled": "on"}, "id_remediation_endpoint", "This field is required when remediation is enabled."),
        ({"remediation_endpoint": "ftp://x"}, "id_remediation_endpoint", "must be an http:// or https:// URL"),
        ({"prompt": "   "}, "id_prompt", "This field may not be blank."),
        ({"llm_provider_metadata": "{not json"}, "id_llm_provider_metadata", "Enter valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)."),
        ({"llm_provider_metadata": '{"nonsense": 1}'}, "id_llm_provider_metadata", "llm_provider_metadata.nonsense: Unknown field."),
        ({"interval_seconds": "0"}, "id_interval_seconds", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_config_errors_appear_beside_their_widget(root_client, overrides, field_id, message):
    response = root_client.post(CREATE, form_data(TargetFactory(), inputs=[{"label": "up", "mode": "command", "command": "uptime"}], **overrides))

    assert response.status_code == 400
    assert message in error_beside(response.content.decode(), field_id)


def test_a_duplicate_name_is_reported_beside_the_name(root_client):
    existing = MonitorFactory(name="taken")

    response = root_client.post(CREATE, form_data(existing.target, name="taken"))

    assert error_beside(response.content.decode(), "id_name") == ["Monitor with this Name already exists."]


def test_editing_shows_current_values_and_saves_changes(root_client):
    monitor = MonitorFactory(
        name="api", inputs=[{"label": "one", "mode": "command", "command": "echo 1"}, {"label": "two", "mode": "file", "path": "/var/log/syslog"}],
        notification_config={"email_recipients": ["x@example.com"], "notify_on": "all"},
    )
    url = reverse("monitors:edit", args=[monitor.pk])

    body = root_client.get(url).content.decode()
    assert 'value="echo 1"' in body and 'value="/var/log/syslog"' in body and "x@example.com" in body

    data = form_data(monitor.target, name="api", inputs=[
        {"label": "one", "mode": "command", "command": "echo 1"},
        {"label": "two", "mode": "file", "path": "/var/log/syslog", "DELETE": "on"},
    ], **{"inputs-INITIAL_FORMS": "2", "interval_seconds": "900"})
    response = root_client.post(url, data)

    assert response.status_code == 302
    monitor.refresh_from_db()
    assert [i["label"] for i in monitor.inputs] == ["one"]
    assert monitor.interval_seconds == 900


def test_disabling_through_the_form_takes_the_monitor_off_the_schedule(root_client):
    monitor = MonitorFactory(name="api", enabled=True)
    data = form_data(monitor.target, name="api", enabled=None, inputs=[{"label": "echo", "mode": "command", "command": "echo all good"}])

    root_client.post(reverse("monitors:edit", args=[monitor.pk]), data)

    monitor.refresh_from_db()
    assert monitor.enabled is False and monitor.next_run_at is None


def test_staff_without_the_permission_cannot_add_a_command_but_can_add_a_file(staff_client):
    target = TargetFactory()

    refused = staff_client.post(CREATE, form_data(target, inputs=[{"label": "sh", "mode": "command", "command": "rm -rf /tmp/x"}]))
    accepted = staff_client.post(CREATE, form_data(target, name="files", inputs=[{"label": "sys", "mode": "file", "path": "/var/log/syslog"}]))

    assert refused.status_code == 400
    assert "needs the 'monitors.manage_command_inputs' permission" in html.unescape(refused.content.decode())
    assert accepted.status_code == 302 and Monitor.objects.filter(name="files").exists()


def test_staff_with_the_permission_can_add_a_command(staff_client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="manage_command_inputs"))

    response = staff_client.post(CREATE, form_data(TargetFactory(), inputs=[{"label": "up", "mode": "command", "command": "uptime"}]))

    assert response.status_code == 302
    assert [(i["label"], i["command"]) for i in Monitor.objects.get().inputs] == [("up", "uptime")]


def test_the_form_renders_a_template_row_for_adding_inputs(root_client):
    TargetFactory()
    body = root_client.get(CREATE).content.decode()

    assert '<template id="inputs-empty">' in body and 'name="inputs-__prefix__-command"' in body
    assert 'data-formset-add' in body and 'for="id_inputs-0-label"' in body


def test_without_targets_the_form_says_to_add_one_first(root_client):
    assert "First, add a target" in root_client.get(CREATE).content.decode()


def test_a_new_monitor_form_suggests_state_change_alerts_with_reminders(root_client):
    TargetFactory()
    body = root_client.get(CREATE).content.decode()

    assert re.search(r'<input[^>]*name="notification_mode"[^>]*value="state_change"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="renotify_interval_minutes"[^>]*value="120"', body)
