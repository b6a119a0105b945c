"""The Juo customer workflow API (juo-api.md Part A) over an injected ``httpx.Client``.

Three calls: ``start``, ``respond``, ``get``. Each returns an ``ApiResponse`` value, never
raises for HTTP trouble: a transport failure comes back with ``status=None`` and ``failure``
saying what happened and what to check, so the runner can call the verdict BROKEN.

Secrets: the token lives in ``Auth`` (kept out of ``repr``/``str``). Every ``Exchange`` is
redacted (sensitive header values become ``"<redacted>"``), and the token, and any value sent in
a sensitive header, is scrubbed from bodies, header values and messages before they leave here.

Retries: GET is idempotent, so a transport error on it is retried a bounded number of times
with a short backoff. POSTs are not: a respond applied twice is a different test, so a
transport error on a POST is reported, never retried.

Example::

    client = JuoClient(make_http_client(10.0), "http://127.0.0.1:8000/customer/v1",
                       "sandbox.myshopify.com", Auth("delegated", token))
    first = client.start({"flowType": "subscription_cancellation_requested", "context": {}})
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import httpx

from juo_flowtest.base import jsonread
from juo_flowtest.base.redaction import REDACTED, hide, hide_in, is_sensitive, redact_headers
from juo_flowtest.base.version import __version__

_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")

Headers = Mapping[str, "str | None"]


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, already redacted (no token ever stored here)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int | None  # None when no response arrived
    response_headers: dict[str, str]
    response_body: Any  # parsed JSON, or the text when it was not JSON
    elapsed_ms: float


@dataclass(frozen=True, slots=True)
class Auth:
    """How the client authenticates: ``delegated`` (``X-Delegated-Token``) or ``bearer``."""

    scheme: Literal["delegated", "bearer"]
    token: str = field(repr=False)

    def __post_init__(self) -> None:
        if self.scheme not in ("delegated", "bearer"):
            raise ValueError(f"unknown auth scheme {self.scheme!r}: use 'delegated' or 'bearer'")

    def header(self) -> tuple[str, str]:
        if self.scheme == "delegated":
            return "X-Delegated-Token", self.token
        return "Authorization", f"Bearer {self.token}"

    def __str__(self) -> str:
        return f"{self.scheme} token {REDACTED}"


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """One call's outcome. ``status`` is None when no response arrived (see ``failure``).

    ``headers`` has lower-cased names; ``body`` is the parsed JSON, or the text when the body
    is not JSON (``is_json`` False), or None when empty. Secrets are already scrubbed.
    """

    status: int | None
    headers: dict[str, str]
    body: Any
    is_json: bool
    elapsed_ms: float
    exchange: Exchange
    failure: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def make_http_client(timeout: float) -> httpx.Client:
    """One keep-alive client per session or worker (building one costs ~50 ms)."""
    # Constant headers live on the client: httpx merges per-request headers slowly (~3 us each).
    return httpx.Client(
        headers={"Accept": "application/json", "User-Agent": f"juo-flowtest/{__version__}"},
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_keepalive_connections=8, keepalive_expiry=30.0),
        follow_redirects=False,
    )


class JuoClient:
    """The three workflow endpoints, with the target's tenant and auth headers."""

    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        tenant: str | None,
        auth: Auth | None,
        *,
        timeout: float | None = None,
        get_retries: int = 2,
        retry_backoff_s: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._timeout = httpx.Timeout(timeout) if timeout is not None else http.timeout
        self._get_retries = get_retries
        self._backoff = retry_backoff_s
        self._sleep = sleep
        defaults: dict[str, str] = {}
        if tenant is not None:
            defaults["X-Tenant-ID"] = tenant
        if auth is not None:
            name, value = auth.header()
            defaults[name] = value
        self._defaults = defaults
        self._secrets = (auth.token,) if auth is not None and auth.token else ()

    def __repr__(self) -> str:
        return f"JuoClient(base_url={self.base_url!r})"

    def start(self, body: Any, headers: Headers | None = None) -> ApiResponse:
        """POST /workflows/start."""
        return self._call("POST", "/workflows/start", body, headers, retries=0)

    def respond(self, run_id: str, body: Any, headers: Headers | None = None) -> ApiResponse:
        """POST /workflows/{runId}/respond (never retried: it may have been applied)."""
        return self._call("POST", f"/workflows/{_segment(run_id)}/respond", body, headers, 0)

    def get(self, run_id: str, headers: Headers | None = None) -> ApiResponse:
        """GET /workflows/{runId}, retrying transport errors a bounded number of times."""
        path = f"/workflows/{_segment(run_id)}"
        return self._call("GET", path, None, headers, retries=self._get_retries)

    def advance(self, run_id: str, ms: float, headers: Headers | None = None) -> ApiResponse:
        """POST /workflows/{runId}/advance: the sandbox-only move of that run's clock."""
        return self._call("POST", f"/workflows/{_segment(run_id)}/advance", {"ms": ms},
                          headers, 0)

    def scrub(self, text: str, extra: tuple[str, ...] = ()) -> str:
        """``text`` with the token (and ``extra`` secrets) replaced by ``<redacted>``."""
        return hide(text, self._secrets + extra)

    def _call(
        self, method: str, path: str, body: Any, overrides: Headers | None, retries: int
    ) -> ApiResponse:
        headers, removed, secrets = self._headers(overrides)
        url = self.base_url + path
        try:
            request = self._http.build_request(
                method, url, json=body, headers=headers, timeout=self._timeout
            )
        except httpx.InvalidURL as exc:
            reason = self.scrub(f"invalid URL {url}: {exc} — check --juo-base-url", secrets)
            exchange = Exchange(method, url, {}, None, None, {}, None, 0.0)
            return ApiResponse(None, {}, None, False, 0.0, exchange, reason)
        for name in removed:  # a null header also removes one the httpx client sets itself
            if name in request.headers:
                del request.headers[name]
        # What was really sent (the client's own headers included), redacted, for the record.
        redacted = redact_headers(_header_dict(request.headers))
        sent_body = body
        if secrets and body is not None and _mentions(request.content, secrets):
            sent_body = hide_in(body, secrets)
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                response = self._http.send(request)
                content = response.read()
            except httpx.RequestError as exc:
                elapsed = (time.perf_counter() - started) * 1000.0
                if attempt <= retries:
                    self._sleep(self._backoff * (2 ** (attempt - 1)))
                    continue
                reason = self.scrub(self._explain(exc, method, url, attempt), secrets)
                exchange = Exchange(method, url, redacted, sent_body, None, {}, None, elapsed)
                return ApiResponse(None, {}, None, False, elapsed, exchange, reason, attempt)
            elapsed = (time.perf_counter() - started) * 1000.0
            return self._response(request, response, content, elapsed, secrets, attempt,
                                  redacted, sent_body)

    def _response(
        self,
        request: httpx.Request,
        response: httpx.Response,
        content: bytes,
        elapsed: float,
        secrets: tuple[str, ...],
        attempt: int,
        redacted: dict[str, str],
        sent_body: Any,
    ) -> ApiResponse:
        body, is_json = _parse(content, response)
        resp_headers = _header_dict(response.headers)
        if secrets and _mentions(content, secrets):
            body = hide_in(body, secrets)
        if secrets:
            resp_headers = {k: hide(v, secrets) for k, v in resp_headers.items()}
        exchange = Exchange(
            request.method,
            str(request.url),
            redacted,
            sent_body,
            response.status_code,
            redact_headers(resp_headers),
            body,
            elapsed,
        )
        return ApiResponse(response.status_code, resp_headers, body, is_json, elapsed, exchange,
                           None, attempt)

    def _headers(
        self, overrides: Headers | None
    ) -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]:
        """The request headers, the names to remove, and the secrets to scrub from records."""
        if not overrides:
            return self._defaults, (), self._secrets
        merged = {name.lower(): (name, value) for name, value in self._defaults.items()}
        removed: list[str] = []
        for name, value in overrides.items():
            if value is None:
                merged.pop(name.lower(), None)
                removed.append(name)
            else:
                merged[name.lower()] = (name, str(value))
        headers = dict(merged.values())
        extra = tuple(v for k, v in headers.items() if is_sensitive(k) and v)
        extra += tuple(v.split(" ", 1)[1] for k, v in headers.items()
                       if k.lower() == "authorization" and " " in v)
        secrets = tuple(dict.fromkeys(self._secrets + extra))
        return headers, tuple(n for n in removed if n.lower() not in merged), secrets

    def _explain(self, exc: httpx.RequestError, method: str, url: str, attempts: int) -> str:
        """What happened, and what to check, in one line."""
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        timeout = self._timeout
        detail = _ERRNO.sub("", str(exc)).strip() or type(exc).__name__
        if isinstance(exc, httpx.ConnectTimeout):
            what = (f"target unreachable at {self.base_url}: no connection within "
                    f"{timeout.connect}s{tries} — is the environment up? check --juo-base-url")
        elif isinstance(exc, httpx.ConnectError):
            what = (f"target unreachable at {self.base_url}: {detail[:1].lower()}{detail[1:]}"
                    f"{tries} — is the environment up? check --juo-base-url")
        elif isinstance(exc, httpx.TimeoutException):
            what = (f"no response to {method} {url} within {timeout.read}s (read timeout){tries}"
                    " — the target is slow or hung; check it, or raise the environment's timeout")
        elif isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            what = (f"the connection was dropped during {method} {url}: {detail}{tries}"
                    " — check the target's logs")
        elif isinstance(exc, httpx.DecodingError):
            what = (f"the response to {method} {url} could not be decoded: {detail}{tries}"
                    " — check the target's Content-Encoding")
        else:
            what = f"{method} {url} failed: {type(exc).__name__}: {detail}{tries}"
        if method == "POST" and not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
            call = url.rsplit("/", 1)[-1]  # "respond" or "start"
            what += f"; the {call} call may or may not have been applied (not retried)"
        return what


def _segment(run_id: str) -> str:
    return quote(str(run_id), safe="")


def _parse(content: bytes, response: httpx.Response) -> tuple[Any, bool]:
    """Parse the body once: JSON when it is JSON, else its text (None when empty)."""
    if not content:
        return None, False
    try:
        return jsonread.read(content)[0], True  # orjson's speed, json's answers
    except ValueError:
        return response.text, False


def _mentions(content: bytes, secrets: tuple[str, ...]) -> bool:
    """Does raw ``content`` hold a secret, as is or JSON-escaped (``\\u00e9``, ``\\/``)?"""
    return any(form in content for secret in secrets for form in _encoded_forms(secret))


@functools.lru_cache(maxsize=64)
def _encoded_forms(secret: str) -> tuple[bytes, ...]:
    escaped = json.dumps(secret)[1:-1]
    forms = {secret, escaped, escaped.replace("/", "\\/")}
    return tuple(form.encode() for form in forms if form)


def _header_dict(headers: httpx.Headers) -> dict[str, str]:
    """Lower-cased names to values (repeats joined by ", "), like ``dict(headers.items())``.

    Written out because ``Headers.items()`` first decodes every header once more to pick an
    encoding, on each new request and response: measurably slower on the per-call path.
    """
    out: dict[str, str] = {}
    for key, value in headers.raw:
        name = key.decode("latin-1").lower()
        text = value.decode("utf-8", "replace")
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out
