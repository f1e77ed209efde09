"""The monitor page's silence, unsilence and "Generate webhook secret" buttons."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import AlertState
from tests.factories import AlertStateFactory, MonitorFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_url(monitor):
    return reverse("runs:monitor", args=[monitor.pk])


def action_url(name, monitor):
    return reverse(f"runs:{name}", args=[monitor.pk])


def test_silencing_for_4_hours_sets_the_alert_state_and_the_page_says_so(staff_client):
    monitor = MonitorFactory(name="checkout")
    before = timezone.now()

    response = staff_client.post(action_url("silence", monitor), {"length": "240", "reason": "db migration"}, follow=True)

    state = AlertState.objects.get(monitor=monitor)
    assert before + timedelta(hours=4) <= state.silenced_until <= timezone.now() + timedelta(hours=4)
    assert state.silence_reason == "db migration"
    assert response.redirect_chain == [(page_url(monitor), 302)]
    body = response.content.decode()
    shown = timezone.localtime(state.silenced_until).strftime("%Y-%m-%d %H:%M")
    assert f"Silenced until {shown}</strong> (db migration)" in body
    assert "is silenced until" in body  # the message
    assert "Unsilence" in body and 'name="length"' not in body


def test_silencing_until_a_date_and_time_uses_the_servers_time_zone(staff_client):
    monitor = MonitorFactory()
    until = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)

    staff_client.post(action_url("silence", monitor), {"length": "until", "until": until.strftime("%Y-%m-%dT%H:%M")})

    assert AlertState.objects.get(monitor=monitor).silenced_until == until


@pytest.mark.parametrize(("until", "error"), [
    ("", "Give the date and time the silence ends."),
    ("2020-01-01T10:00", "Must be in the future."),
    ("2999-01-01T10:00", "Must be at most 30 days from now."),
])
def test_a_bad_until_is_refused_with_the_field_named(staff_client, until, error):
    monitor = MonitorFactory()

    response = staff_client.post(action_url("silence", monitor), {"length": "until", "until": until}, follow=True)

    assert f"Not silenced. Until: {error}" in response.content.decode()
    assert not AlertState.objects.filter(monitor=monitor, silenced_until__isnull=False).exists()


def test_unsilence_ends_the_silence_and_the_page_offers_silence_again(staff_client):
    monitor = MonitorFactory()
    AlertStateFactory(monitor=monitor, silenced_until=timezone.now() + timedelta(hours=1), silence_reason="deploy")

    response = staff_client.post(action_url("unsilence", monitor), follow=True)

    state = AlertState.objects.get(monitor=monitor)
    assert (state.silenced_until, state.silence_reason) == (None, "")
    body = response.content.decode()
    assert "Silenced until" not in body and "no longer silenced" in body
    assert 'name="length"' in body


def test_an_ended_silence_is_not_shown(staff_client):
    monitor = MonitorFactory()
    AlertStateFactory(monitor=monitor, silenced_until=timezone.now() - timedelta(minutes=1), silence_reason="old")

    body = staff_client.get(page_url(monitor)).content.decode()

    assert "Silenced until" not in body and "(old)" not in body


def test_the_new_webhook_secret_is_shown_once_and_not_on_reload(staff_client):
    monitor = MonitorFactory()
    page = staff_client.get(page_url(monitor)).content.decode()
    assert 'data-confirm="Generate a new webhook secret?' in page

    response = staff_client.post(action_url("webhook-secret", monitor))

    secret = AlertState.objects.get(monitor=monitor).webhook_secret
    assert secret.startswith("whsec_")
    assert response.status_code == 200 and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Standard Webhooks" in response.content.decode()
    assert secret not in str(staff_client.session.items())
    reloaded = staff_client.get(page_url(monitor)).content.decode()
    assert secret not in reloaded
    assert "Webhook secret</dt><dd>set" in reloaded


@pytest.mark.parametrize("name", ["silence", "unsilence", "webhook-secret"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    monitor = MonitorFactory()

    response = client.post(action_url(name, monitor), {"length": "60"})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not AlertState.objects.exists()


@pytest.mark.parametrize("name", ["silence", "unsilence", "webhook-secret"])
def test_the_buttons_answer_post_only(staff_client, name):
    monitor = MonitorFactory()

    assert staff_client.get(action_url(name, monitor)).status_code == 405
    assert not AlertState.objects.exists()


def test_the_buttons_need_a_csrf_token(staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    monitor = MonitorFactory()

    assert client.post(action_url("webhook-secret", monitor)).status_code == 403
    assert not AlertState.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_silences_unsilences_and_confirms_a_new_secret_in_a_browser(page, live_server, screenshot):
    from playwright.sync_api import expect

    from tests.web.test_browser import log_in

    UserFactory(username="ops", is_staff=True)
    monitor = MonitorFactory(name="checkout")
    path = page_url(monitor)
    log_in(page, live_server, path)

    page.get_by_label("Silence for").select_option("1440")
    page.get_by_label("Reason").fill("db migration")
    page.get_by_role("button", name="Silence", exact=True).click()
    expect(page.locator("#silence-state")).to_contain_text("Silenced until")
    expect(page.locator("#silence-state")).to_contain_text("(db migration)")
    screenshot(page, "monitor-silenced")
    page.get_by_role("button", name="Unsilence").click()
    expect(page.locator("#silence-state")).to_have_text("on")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Generate webhook secret").click()
    assert not AlertState.objects.get(monitor=monitor).webhook_secret  # dismissed: nothing generated
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Generate webhook secret").click()
    expect(page.locator("#webhook-secret")).to_contain_text("whsec_")
    assert page.locator("#webhook-secret").inner_text().strip() == AlertState.objects.get(monitor=monitor).webhook_secret
    screenshot(page, "webhook-secret")
