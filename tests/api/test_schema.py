"""The OpenAPI schema and the docs page describe every documented endpoint, offline."""

import pytest
from django.contrib.staticfiles import finders

from tests.factories import MonitorFactory

DOCUMENTED = {
    "/targets": {"get", "post"},
    "/targets/{id}": {"get", "put", "delete"},
    "/log-sources": {"get", "post"},
    "/log-sources/{id}": {"get", "put", "delete"},
    "/log-sources/{id}/test": {"post"},
    "/monitors": {"get", "post"},
    "/monitors/{id}": {"get", "put", "delete"},
    "/monitors/{id}/run-once": {"post"},
    "/monitors/{id}/collect": {"post"},
    "/monitors/{id}/status": {"get"},
    "/monitors/{id}/usage": {"get"},  # LLM tokens and cost per day (issue 7)
    "/monitors/status": {"get"},
    "/monitors/{id}/enable": {"post"},
    "/monitors/{id}/disable": {"post"},
    "/monitors/{id}/silence": {"post"},
    "/monitors/{id}/unsilence": {"post"},
    "/monitors/{id}/webhook-secret": {"post"},
    "/monitors/{monitor_id}/runs": {"get"},
    "/monitors/{monitor_id}/runs/latest": {"get"},
    "/runs/{run_id}": {"get"},
}


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_lists_exactly_the_documented_endpoints(schema):
    paths = {path: {m for m in ops if m in {"get", "post", "put", "delete", "patch"}} for path, ops in schema["paths"].items()}
    assert paths == DOCUMENTED


def test_the_schema_describes_the_nested_configs(schema):
    monitor = schema["components"]["schemas"]["MonitorRequest"]["properties"]
    item = monitor["inputs"]["items"]
    assert {"label", "mode", "command", "shell", "timeout_seconds", "max_lines", "max_chars"} <= set(item["properties"])
    assert item["properties"]["mode"]["enum"] == ["command", "file", "docker"]
    assert "notify_on" in monitor["notification_config"]["properties"]
    assert "remediation_endpoint" in monitor["remediation_config"]["properties"]
    assert {"max_lines", "max_chars"} <= set(monitor["window_config"]["properties"])


def test_the_schema_describes_the_error_format_and_the_api_key(schema):
    create = schema["paths"]["/monitors"]["post"]["responses"]
    assert {"201", "400", "401", "403", "413"} <= set(create)
    assert schema["components"]["schemas"]["Error"]["properties"] == {"detail": {"type": "string"}}
    assert schema["paths"]["/targets/{id}"]["delete"]["responses"]["409"]
    assert schema["paths"]["/monitors/{id}/run-once"]["post"]["responses"].keys() >= {"201", "409", "429"}
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": "API_TOKEN, or a per-user key from `manage.py apikey create <username>`.",
    }


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_the_api_is_browsable_for_a_staff_session(staff_session):
    monitor = MonitorFactory()
    for path in ("/monitors", f"/monitors/{monitor.pk}", "/monitors/status", f"/monitors/{monitor.pk}/runs"):
        response = staff_session.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
