"""The one outbound HTTP seam for webhooks and remediation: ``post()``.

Every call has an explicit timeout, never follows redirects, ignores proxy
environment variables, and checks the address it is about to connect to
*at connect time* (after name resolution, on the very address the socket
uses), so a hostname that resolves to a cloud metadata or private address,
or is re-pointed there between a check and the request (DNS rebinding),
is refused before any packet is sent. Failures raise ``OutboundError``,
classified as transient (worth a retry) or permanent.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

MAX_RESPONSE_BYTES = 64 * 1024
# Cloud metadata services that do not sit in the link-local range
# (AWS IPv6, Alibaba); link-local itself (169.254/16, fe80::/10) is refused as a class.
METADATA_ADDRESSES = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}


class OutboundError(Exception):
    """Telling something outside failed. ``permanent`` when a retry cannot help.

    ``retry_after`` (seconds) is the peer's own hint (HTTP ``Retry-After``).
    """

    def __init__(self, message: str, *, permanent: bool = False, response_code: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.response_code = response_code
        self.retry_after = retry_after


class UnsafeURL(OutboundError):
    """The URL or the address it resolves to is not one we may send to."""

    def __init__(self, message: str):
        super().__init__(message, permanent=True)


@dataclass
class Response:
    status_code: int
    text: str = ""
    headers: dict = field(default_factory=dict)


def check_url(url: str) -> str:
    """Refuse anything but an absolute http(s) URL with a host; return the host."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL(f"'{url}' is not an http:// or https:// URL")
    if parts.username or parts.password:
        raise UnsafeURL("credentials in the URL are not allowed; use a signed webhook instead")
    return parts.hostname


def check_address(host: str, address: str) -> None:
    """Refuse link-local/metadata always, private/loopback unless the settings allow them."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_link_local or ip in METADATA_ADDRESSES:
        raise UnsafeURL(f"'{host}' resolves to {ip}, a link-local or cloud metadata address; refused")
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        raise UnsafeURL(f"'{host}' resolves to {ip}, which is not a unicast address; refused")
    if ip.is_private or ip.is_loopback or not ip.is_global:
        if settings.WEBHOOKS_ALLOW_PRIVATE_IPS or _allow_listed(host, ip):
            return
        raise UnsafeURL(
            f"'{host}' resolves to {ip}, a private or loopback address; "
            "allow it with WEBHOOKS_ALLOWED_HOSTS or WEBHOOKS_ALLOW_PRIVATE_IPS"
        )


def _allow_listed(host: str, ip) -> bool:
    for entry in settings.WEBHOOKS_ALLOWED_HOSTS:
        entry = entry.strip().strip("[]").lower()
        if not entry:
            continue
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            if host.lower().rstrip(".") == entry.rstrip("."):
                return True
    return False


def _safe_create_connection(host: str, port: int, timeout, source_address=None, socket_options=None) -> socket.socket:
    """Like ``socket.create_connection``, but every resolved address is vetted before use."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    for *_, sockaddr in infos:
        check_address(host, sockaddr[0])  # all of them: the OS could pick any on a retry
    last_error: OSError | None = None
    for family, socktype, proto, _, sockaddr in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            if timeout is not None and timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            last_error = exc
            sock.close()
    raise last_error or OSError(f"no address for {host}")


class _SafeConnectionMixin:
    def _new_conn(self):
        try:
            return _safe_create_connection(self._dns_host, self.port, self.timeout, self.source_address, self.socket_options)
        except UnsafeURL:
            raise
        except socket.gaierror as exc:
            raise NewConnectionError(self, f"Cannot resolve {self.host}: {exc}") from exc
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc


class SafeHTTPConnection(_SafeConnectionMixin, HTTPConnection):
    pass


class SafeHTTPSConnection(_SafeConnectionMixin, HTTPSConnection):
    pass


class SafeHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = SafeHTTPConnection


class SafeHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = SafeHTTPSConnection


class SafeAdapter(HTTPAdapter):
    """A requests adapter whose connections vet their address; no urllib3 retries (we retry as tasks)."""

    def __init__(self):
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": SafeHTTPConnectionPool, "https": SafeHTTPSConnectionPool}


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would connect for us, unchecked
    session.mount("http://", SafeAdapter())
    session.mount("https://", SafeAdapter())
    return session


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float | None = None) -> Response:
    """POST ``body`` to ``url``; return the response when 2xx, else raise OutboundError."""
    host = check_url(url)
    timeout = timeout if timeout is not None else settings.WEBHOOK_TIMEOUT_SECONDS
    with _session() as session:
        try:
            response = session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True)
        except UnsafeURL:
            raise
        except requests.ConnectionError as exc:
            unsafe = _find_cause(exc, UnsafeURL)
            if unsafe is not None:
                raise unsafe from None
            raise OutboundError(f"cannot connect to {host}: {_reason(exc)}") from None
        except requests.Timeout:
            raise OutboundError(f"{host} did not answer within {timeout:g} s") from None
        except requests.RequestException as exc:
            raise OutboundError(f"request to {host} failed: {exc}", permanent=True) from None
        with response:
            text = response.raw.read(MAX_RESPONSE_BYTES, decode_content=True).decode(response.encoding or "utf-8", "replace")
        result = Response(response.status_code, text, dict(response.headers))
    raise_for_status(result, host)
    return result


def raise_for_status(response: Response, host: str) -> None:
    """Classify a non-2xx answer: 408/425/429/5xx are transient, the rest permanent."""
    code = response.status_code
    if 200 <= code < 300:
        return
    snippet = " ".join(response.text.split())[:200]
    if 300 <= code < 400:
        location = response.headers.get("Location", "?")
        raise OutboundError(f"{host} answered {code} redirect to {location}; redirects are not followed", permanent=True, response_code=code)
    transient = code in (408, 425, 429) or code >= 500
    raise OutboundError(
        f"{host} answered HTTP {code}" + (f": {snippet}" if snippet else ""),
        permanent=not transient,
        response_code=code,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
    except (TypeError, ValueError):
        return None


def _find_cause(exc: BaseException, kind: type[BaseException]):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, kind):
            return exc
        for arg in getattr(exc, "args", ()):
            if isinstance(arg, BaseException):
                found = _find_cause(arg, kind)
                if found is not None:
                    return found
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "reason", None)
    return None


def _reason(exc: requests.ConnectionError) -> str:
    """The socket-level reason ("[Errno 111] Connection refused"), not urllib3's wrapper text."""
    cause = _find_cause(exc, NewConnectionError)
    text = cause._message if cause is not None else str(exc)
    return text.removeprefix("Failed to establish a new connection: ")[:200]
