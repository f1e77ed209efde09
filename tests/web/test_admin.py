"""The admin: readable lists, actions through the services, read-only runs with their deliveries."""

import json

import pytest
from django.urls import reverse

from monitors.models import Monitor
from runs.models import MonitorRun
from tests.factories import DeliveryFactory, MonitorFactory, MonitorRunFactory, TargetFactory
from tests.fakes.verdict_provider import inputs_saying

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:monitors_monitor_changelist")


def admin_form(monitor_or_target, **overrides):
    target = getattr(monitor_or_target, "target", monitor_or_target)
    data = {
        "name": "via-admin", "target": target.pk, "enabled": "on", "interval_seconds": "60", "prompt": "Look.",
        "inputs": json.dumps([{"label": "up", "mode": "command", "command": "uptime"}]), "log_source": "",
        "window_config": "{}", "notification_config": "{}", "remediation_config": "{}", "llm_provider": "", "llm_provider_metadata": "{}",
    }
    data.update(overrides)
    return data


def test_the_monitor_list_shows_status_words_and_links_to_the_page(root_client):
    monitor = MonitorFactory(name="nginx", state="alert")

    body = root_client.get(CHANGELIST).content.decode()

    assert "nginx" in body and "Alert" in body and "css/badges.css" in body
    assert reverse("runs:monitor", args=[monitor.pk]) in body


def test_the_run_now_action_runs_each_selected_monitor(root_client, scripted_provider):
    monitors = [MonitorFactory(llm_provider=scripted_provider, inputs=inputs_saying(s)) for s in ("HEALTHY", "CRITICAL")]

    response = root_client.post(CHANGELIST, {"action": "run_now", "_selected_action": [m.pk for m in monitors]}, follow=True)

    runs = MonitorRun.objects.order_by("monitor_id")
    assert [(r.status, r.trigger) for r in runs] == [("ok", "manual"), ("alert", "manual")]
    body = response.content.decode()
    assert "Scripted verdict CRITICAL." in body and reverse("runs:run", args=[runs[1].pk]) in body


def test_the_enable_and_disable_actions_use_the_service(root_client):
    monitor = MonitorFactory(enabled=True)

    root_client.post(CHANGELIST, {"action": "disable", "_selected_action": [monitor.pk]})
    monitor.refresh_from_db()
    assert monitor.enabled is False and monitor.next_run_at is None

    root_client.post(CHANGELIST, {"action": "enable", "_selected_action": [monitor.pk]})
    monitor.refresh_from_db()
    assert monitor.enabled is True and monitor.next_run_at is not None


def test_json_configs_are_shown_indented(root_client):
    monitor = MonitorFactory(notification_config={"email_recipients": ["a@example.com"]})

    body = root_client.get(reverse("admin:monitors_monitor_change", args=[monitor.pk])).content.decode()

    assert "{\n  &quot;email_recipients&quot;: [\n    &quot;a@example.com&quot;\n  ]\n}" in body


def test_an_admin_created_monitor_is_validated_and_scheduled(root_client):
    target = TargetFactory()

    bad = root_client.post(reverse("admin:monitors_monitor_add"), admin_form(target, inputs=json.dumps([{"label": "up", "mode": "command"}])))
    good = root_client.post(reverse("admin:monitors_monitor_add"), admin_form(target))

    assert bad.status_code == 200 and "inputs[0].command: This field is required when mode is &#x27;command&#x27;." in bad.content.decode()
    assert good.status_code == 302
    assert Monitor.objects.get(name="via-admin").next_run_at is not None


def test_staff_without_the_permission_cannot_add_a_command_in_the_admin(client, staff_user):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(*Permission.objects.filter(codename__in=["add_monitor", "change_monitor", "view_monitor"]))
    client.force_login(staff_user)

    response = client.post(reverse("admin:monitors_monitor_add"), admin_form(TargetFactory()))

    assert response.status_code == 200 and not Monitor.objects.exists()
    assert "monitors.manage_command_inputs" in response.content.decode()


def test_runs_are_read_only_with_deliveries_inline_and_a_link_to_the_report(root_client):
    run = MonitorRunFactory(status="alert", summary="Disk full", report="<b>not bold</b>")
    DeliveryFactory(run=run, recipient="oncall@example.com", outcome="failed", error="SMTP said no")

    listing = root_client.get(reverse("admin:runs_monitorrun_changelist")).content.decode()
    detail = root_client.get(reverse("admin:runs_monitorrun_change", args=[run.pk])).content.decode()

    assert "Disk full" in listing and reverse("runs:run", args=[run.pk]) in listing
    assert "oncall@example.com" in detail and "SMTP said no" in detail
    assert "&lt;b&gt;not bold&lt;/b&gt;" in detail
    assert 'name="_save"' not in detail  # view only
    assert root_client.get(reverse("admin:runs_monitorrun_add")).status_code == 403


def test_deliveries_list_links_to_the_run_report(root_client):
    delivery = DeliveryFactory(error="timed out")

    body = root_client.get(reverse("admin:notifications_delivery_changelist")).content.decode()

    assert "timed out" in body and reverse("runs:run", args=[delivery.run_id]) in body
