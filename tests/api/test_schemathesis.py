"""Schemathesis against the live schema: every operation, authenticated, no 5xx, answers as documented.

The app is called in-process through its WSGI handler; generated monitors
cannot run commands (COMMAND_INPUTS_ENABLED=False), read only a temporary log
directory, and reach no outside system.
"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from logmonitor.wsgi import application
from tests.api.conftest import API_TOKEN
from tests.factories import DeliveryFactory, LogSourceFactory, MonitorFactory

HEADERS = {"X-API-Key": API_TOKEN}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def seeded(log_file):
    """One of everything, so generated ids sometimes hit a real object."""
    monitor = MonitorFactory(name="seeded", log_source=LogSourceFactory(name="seeded-log", config={"path": str(log_file)}))
    delivery = DeliveryFactory(run__monitor=monitor, monitor=monitor)
    return {"monitor": monitor, "run": delivery.run}


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """As Django's test client does: a request must not close the connection holding the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def harmless(settings):
    settings.COMMAND_INPUTS_ENABLED = False
    settings.DOCKER_HOST = "tcp://127.0.0.1:9"  # nothing listens: docker sources fail at once
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"expensive": "100000/min"}}


def load_live_schema():
    """GET /api/schema/ from the running app (at collection time: the schema needs no database)."""
    with override_settings(API_TOKEN=API_TOKEN):
        loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=HEADERS)
    loaded.config.generation.update(
        max_examples=EXAMPLES_PER_OPERATION, modes=["positive"], deterministic=True, database="none", with_security_parameters=False
    )
    return loaded


# schemathesis.pytest.from_fixture would load it per test, but its lazy loader
# does not run under pytest 9 (it sets Function._nodeid, which is gone).
schema = load_live_schema()


@schema.parametrize()
# The seeded objects and settings are meant to be shared by every generated case.
@hypothesis.settings(suppress_health_check=list(hypothesis.HealthCheck), deadline=None)
def test_every_operation_answers_as_documented(case, seeded):
    # Half the generated ids point at the seeded objects, so the happy paths run too.
    monitor = seeded["monitor"]
    seeded_ids = {"targets": monitor.target_id, "log-sources": monitor.log_source_id, "monitors": monitor.pk, "runs": seeded["run"].pk}
    for name, value in (case.path_parameters or {}).items():
        if int(value) % 2:
            case.path_parameters[name] = seeded_ids["monitors" if name == "monitor_id" else case.path.split("/")[1]]
    # Generated foreign keys would almost never exist; point them at the seeded ones.
    if isinstance(case.body, dict) and "target_id" in case.body:
        case.body["target_id"] = seeded["monitor"].target_id
    if isinstance(case.body, dict) and case.body.get("log_source_id") is not None:
        case.body["log_source_id"] = seeded["monitor"].log_source_id
    case.call_and_validate(headers=HEADERS, checks=CHECKS)
