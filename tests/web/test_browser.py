"""The pages in headless Chromium (Debian's, driven by Playwright): what an operator clicks through."""

import pytest
from playwright.sync_api import Page, expect

from monitors.models import Monitor
from runs.models import MonitorRun
from tests.factories import LogSourceFactory, MonitorFactory, MonitorRunFactory, TargetFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<script>window.__pwned=1</script><b>bold?</b>"


@pytest.fixture
def operator(db):
    return UserFactory(username="ops", is_staff=True, is_superuser=True)


def log_in(page: Page, live_server, next_path: str = "/app/") -> None:
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.get_by_label("Username").fill("ops")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{next_path}")


def test_an_operator_creates_runs_reads_and_disables_a_monitor(page: Page, live_server, operator, scripted_provider, screenshot):
    TargetFactory(name="web-01")
    log_in(page, live_server)
    expect(page.get_by_role("heading", name="No monitors yet")).to_be_visible()

    page.get_by_role("link", name="New monitor").first.click()
    page.get_by_label("Name").fill("checkout errors")
    page.get_by_label("Prompt").fill("Look for failed payments.")
    page.get_by_label("Label").fill("payments")
    page.get_by_label("Command").fill("echo 'VERDICT=CRITICAL payments failing'")
    page.get_by_role("button", name="+ Add input").click()
    page.locator("#id_inputs-1-label").fill("uptime")
    page.locator("#id_inputs-1-command").fill("uptime")
    page.get_by_label("LLM provider").select_option("scripted")
    screenshot(page, "monitor-form")
    page.get_by_role("button", name="Create monitor").click()

    expect(page.get_by_role("heading", name="checkout errors")).to_be_visible()
    monitor = Monitor.objects.get(name="checkout errors")
    assert [i["label"] for i in monitor.inputs] == ["payments", "uptime"]

    page.get_by_role("button", name="Run now").click()
    expect(page.locator("#run-summary")).to_have_text("Scripted verdict CRITICAL.")
    expect(page.locator("#verdict-status")).to_contain_text("Alert")
    expect(page.locator("#run-report")).to_contain_text("The logs asked for CRITICAL.")
    screenshot(page, "run-report")

    page.get_by_role("link", name="Back to monitor").click()
    page.get_by_role("button", name="Disable").click()
    expect(page.get_by_text("disabled: it is off the schedule")).to_be_visible()
    expect(page.get_by_role("button", name="Enable")).to_be_visible()
    screenshot(page, "monitor-disabled")
    monitor.refresh_from_db()
    assert monitor.enabled is False and MonitorRun.objects.get(monitor=monitor).status == "alert"


def test_a_form_error_shows_beside_the_field_and_removed_inputs_are_dropped(page: Page, live_server, operator, screenshot):
    TargetFactory()
    log_in(page, live_server, "/app/monitors/new/")
    page.get_by_label("Name").fill("half done")
    page.get_by_label("Prompt").fill("Anything odd?")
    page.get_by_label("Label").fill("first")
    page.get_by_label("Command").fill("echo one")
    page.get_by_role("button", name="+ Add input").click()
    page.locator("#id_inputs-1-label").fill("second")  # no command: invalid
    page.get_by_label("Email recipients").fill("not-an-email")
    page.get_by_role("button", name="Create monitor").click()

    expect(page.locator("#id_inputs-1-command_error")).to_have_text("This field is required when mode is 'command'.")
    screenshot(page, "monitor-form-errors")

    page.get_by_role("button", name="Remove input 2").click()
    page.get_by_role("button", name="Create monitor").click()
    expect(page.locator("#id_email_recipients_error")).to_contain_text("'not-an-email' is not a valid email address")
    page.get_by_label("Email recipients").fill("oncall@example.com")
    page.get_by_role("button", name="Create monitor").click()

    expect(page.get_by_role("heading", name="half done")).to_be_visible()
    assert [i["label"] for i in Monitor.objects.get(name="half done").inputs] == ["first"]


def test_the_admin_run_now_action_runs_the_monitor(page: Page, live_server, operator, scripted_provider, screenshot):
    MonitorFactory(name="from-admin", llm_provider=scripted_provider, inputs=[{"label": "app", "mode": "command", "command": "echo VERDICT=WARNING"}])
    log_in(page, live_server, "/admin/monitors/monitor/")

    page.get_by_role("checkbox", name="Select this object for an action - from-admin").check()
    page.locator("select[name=action]").select_option("run_now")
    page.get_by_role("button", name="Go").click()

    expect(page.locator(".messagelist")).to_contain_text("Scripted verdict WARNING.")
    screenshot(page, "admin-run-now")
    run = MonitorRun.objects.get(monitor__name="from-admin")
    assert (run.status, run.trigger) == ("warn", "manual")

    page.locator(".messagelist a").click()
    expect(page.locator("#run-summary")).to_have_text("Scripted verdict WARNING.")


def test_model_text_with_html_is_shown_as_text_and_never_run(page: Page, live_server, operator, screenshot):
    run = MonitorRunFactory(
        status="alert", summary=HOSTILE, report=f"Found this:\n{HOSTILE}\n\n- {HOSTILE}", recommendations=[HOSTILE],
        llm_response=HOSTILE, monitor=MonitorFactory(name="hostile", state="alert"),
    )
    log_in(page, live_server, f"/app/runs/{run.pk}/")

    expect(page.locator("#run-summary")).to_have_text(HOSTILE)
    expect(page.locator("#run-report")).to_contain_text(HOSTILE)
    expect(page.locator("#run-recommendations")).to_contain_text(HOSTILE)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#run-report b, #run-summary b").count() == 0
    screenshot(page, "hostile-report")

    page.goto(f"{live_server.url}/app/")
    expect(page.locator("tr[data-monitor=hostile] .why")).to_have_text(HOSTILE)
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_the_dashboard_refreshes_itself_without_a_reload(page: Page, live_server, operator, screenshot):
    MonitorFactory(name="first", state="ok")
    page.clock.install()
    log_in(page, live_server)
    page.evaluate("window.__same_page = true")
    expect(page.locator("tr[data-monitor]")).to_have_count(1)

    MonitorFactory(name="second", state="alert")
    page.clock.run_for(21_000)

    expect(page.locator("tr[data-monitor=second]")).to_be_visible()
    expect(page.locator("tr[data-monitor]").first).to_have_attribute("data-monitor", "second")  # worst first
    assert page.evaluate("window.__same_page") is True  # no full reload
    screenshot(page, "dashboard-refreshed")


def test_the_dashboard_fits_a_phone_screen(page: Page, live_server, operator, screenshot):
    for i, state in enumerate(["alert", "warn", "ok"]):
        MonitorRunFactory(monitor=MonitorFactory(name=f"service-{i}", state=state), status=state, summary="a reasonably long summary of what happened")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server)

    expect(page.locator("tr[data-monitor]")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "dashboard-phone")


def test_the_log_source_test_button_shows_a_sample_in_the_form(page: Page, live_server, operator, settings, tmp_path, screenshot):
    (tmp_path / "auth.log").write_text("Accepted password for ops\nFailed password for root\n")
    settings.LOG_FILE_ROOTS = [str(tmp_path)]
    source = LogSourceFactory(name="auth-log", config={"path": str(tmp_path / "auth.log")})
    TargetFactory()
    log_in(page, live_server, "/app/monitors/new/")

    expect(page.get_by_role("button", name="Test log source")).to_be_disabled()
    page.get_by_label("Log source").select_option(str(source.pk))
    page.get_by_role("button", name="Test log source").click()

    expect(page.locator("#log-source-test-output")).to_contain_text("Failed password for root")
    expect(page.locator("#log-source-test-output")).to_contain_text("Read 2 lines")
    screenshot(page, "log-source-test")
