"""Outbound URL safety: the address is checked at connect time, before any socket to it is opened.

Name resolution is patched to answer private and metadata addresses; a spy on
``socket.connect`` proves no connection to them was even attempted (no
traffic ever goes to a private address from these tests).
"""

import socket

import pytest

from logmonitor.lib import http
from notifications.models import Delivery
from runs.pipeline import run_monitor
from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import inputs_saying
from tests.fakes.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def connects(monkeypatch):
    """Every address a socket tried to connect to; only loopback connections really happen."""
    attempts = []
    real_connect = socket.socket.connect

    def spy(sock, address):
        attempts.append(address[0])
        if address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"a socket was opened to {address[0]}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return attempts


@pytest.fixture
def resolve_to(monkeypatch):
    """Make hostnames ending in .example.test resolve to chosen addresses."""
    answers = {}
    real_getaddrinfo = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in answers[host]
            ]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers


def remediated_monitor(url):
    return MonitorFactory(
        llm_provider="scripted", inputs=inputs_saying("CRITICAL"),
        remediation_config={"enabled": True, "remediation_endpoint": url},
    )


@pytest.mark.parametrize("address", ["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "fe80::1", "::ffff:169.254.169.254"])
def test_metadata_and_link_local_addresses_are_refused_even_when_private_ips_are_allowed(settings, connects, resolve_to, address):
    settings.WEBHOOKS_ALLOW_PRIVATE_IPS = True
    settings.WEBHOOKS_ALLOWED_HOSTS = ["metadata.example.test", "0.0.0.0/0", "::/0"]
    resolve_to["metadata.example.test"] = [address]

    run = run_monitor(remediated_monitor("http://metadata.example.test/latest/meta-data/"))

    delivery = Delivery.objects.get()
    assert delivery.outcome == "failed"
    assert "link-local or cloud metadata address; refused" in delivery.error
    assert delivery.next_attempt_at is None  # permanent
    assert connects == []
    run.refresh_from_db()
    assert run.status == "alert"


def test_a_private_address_is_refused_by_default(connects, resolve_to):
    resolve_to["intranet.example.test"] = ["10.0.0.5"]

    run_monitor(remediated_monitor("http://intranet.example.test/hook"))

    delivery = Delivery.objects.get()
    assert "resolves to 10.0.0.5, a private or loopback address" in delivery.error
    assert connects == []


def test_a_name_that_also_resolves_to_a_private_address_is_refused(settings, connects, resolve_to):
    settings.WEBHOOKS_ALLOWED_HOSTS = ["127.0.0.1"]  # loopback is fine here; 10.0.0.5 is not
    resolve_to["rebind.example.test"] = ["127.0.0.1", "10.0.0.5"]

    run_monitor(remediated_monitor("http://rebind.example.test/hook"))

    assert "10.0.0.5" in Delivery.objects.get().error
    assert connects == []


def test_loopback_is_refused_by_default_and_allowed_by_the_allow_list(settings, connects):
    with WebhookServer() as agent:
        run_monitor(remediated_monitor(agent.url()))
        assert agent.received == [] and connects == []
        assert "127.0.0.1, a private or loopback address" in Delivery.objects.get().error

        settings.WEBHOOKS_ALLOWED_HOSTS = ["127.0.0.0/8"]
        run_monitor(remediated_monitor(agent.url()))

    assert len(agent.received) == 1
    assert connects == ["127.0.0.1"]


def test_an_allow_listed_hostname_resolves_and_connects(settings, resolve_to):
    settings.WEBHOOKS_ALLOWED_HOSTS = ["agent.example.test"]
    with WebhookServer() as agent:
        resolve_to["agent.example.test"] = ["127.0.0.1"]
        run_monitor(remediated_monitor(agent.url(host="agent.example.test")))

    assert len(agent.received) == 1
    assert agent.received[0].headers["host"] == f"agent.example.test:{agent.port}"


def test_redirects_are_not_followed(loopback_allowed, connects):
    with WebhookServer(default_status=302, extra_headers={"Location": "http://169.254.169.254/latest/"}) as agent:
        run_monitor(remediated_monitor(agent.url()))

    delivery = Delivery.objects.get()
    assert len(agent.received) == 1
    assert "redirects are not followed" in delivery.error
    assert (delivery.response_code, delivery.next_attempt_at) == (302, None)
    assert connects == ["127.0.0.1"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "http://user:pw@example.com/", "http:///nohost"])
def test_only_http_urls_without_credentials_are_sent_to(url, connects):
    with pytest.raises(http.UnsafeURL):
        http.post(url, body=b"{}", headers={})
    assert connects == []


def test_a_monitor_config_with_a_non_http_endpoint_is_refused_naming_the_field():
    from monitors import schemas

    with pytest.raises(schemas.ConfigError) as caught:
        schemas.parse("remediation_config", schemas.RemediationConfig, {"enabled": True, "remediation_endpoint": "file:///etc/passwd"})

    assert caught.value.lines == ["remediation_config.remediation_endpoint: must be an http:// or https:// URL"]
