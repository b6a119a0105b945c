"""The Juo customer workflow API (juo-api.md Part A) over an injected ``httpx.Client``.

Three calls: ``start``, ``respond``, ``get``. Each returns an ``ApiResponse`` value, never
raises for HTTP trouble or for a request that cannot be built: a failure comes back with
``failure`` saying what happened and what to check, so the runner can call the verdict BROKEN.

Every call goes through ``target.transport``: bounded streaming (``max_body_bytes``), one
deadline for the whole call (``timeout``), no redirects, the token revealed only when the
request is sent, and anything the target echoes hidden before it leaves here.

Secrets: the token lives in ``Auth`` as a ``Secret`` (its ``repr``/``str`` show
``<redacted>``). Every ``Exchange`` is redacted (sensitive header values become
``"<redacted>"``), and the token, and any value sent in a sensitive header, is hidden in
bodies, header values and messages.

Retries: GET is idempotent, so a transport error on it is retried a bounded number of times
with a short backoff, all inside the one deadline. POSTs are not: a respond applied twice is a
different test, so a transport error on a POST is reported, never retried.

Example::

    client = JuoClient(make_http_client(10.0), "http://127.0.0.1:8000/customer/v1",
                       "sandbox.myshopify.com", Auth("delegated", token))
    first = client.start({"flowType": "subscription_cancellation_requested", "context": {}})
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Literal
from urllib.parse import quote

import httpx

from juo_flowtest.base.records import record
from juo_flowtest.base.secrets import REDACTED, Secret, SecretSet
from juo_flowtest.target.transport import (
    DEFAULT_MAX_BODY_BYTES,
    Credential,
    Exchange,
    Reply,
    Transport,
    make_http_client,
)

__all__ = ["ApiResponse", "Auth", "Exchange", "JuoClient", "make_http_client"]

Headers = Mapping[str, "str | Secret | None"]


class Auth:
    """How the client authenticates: ``delegated`` (``X-Delegated-Token``) or ``bearer``.

    ``token`` may be given as text; it is kept as a ``Secret`` either way.
    """

    __slots__ = ("scheme", "token")

    def __init__(self, scheme: Literal["delegated", "bearer"], token: str | Secret) -> None:
        if scheme not in ("delegated", "bearer"):
            raise ValueError(f"unknown auth scheme {scheme!r}: use 'delegated' or 'bearer'")
        self.scheme = scheme
        self.token = token if isinstance(token, Secret) else Secret(token)

    def credential(self) -> Credential:
        """The header that carries the token, built only when a request is sent."""
        if self.scheme == "delegated":
            return Credential("X-Delegated-Token", self.token)
        return Credential("Authorization", self.token, "Bearer ")

    def __repr__(self) -> str:
        return f"Auth({self.scheme!r}, {REDACTED!r})"

    def __str__(self) -> str:
        return f"{self.scheme} token {REDACTED}"


@record
class ApiResponse:
    """One call's outcome. ``status`` is None when no response arrived (see ``failure``).

    ``headers`` has lower-cased names; ``body`` is the parsed JSON, or the text when the body
    is not JSON (``is_json`` False), or None when empty. Secrets are already hidden.
    ``run_id`` is the run the call asked about (respond, get), None for start.
    """

    status: int | None
    headers: dict[str, str]
    body: Any
    is_json: bool
    elapsed_ms: float
    exchange: Exchange
    failure: str | None = None
    attempts: int = 1
    run_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.failure is None


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
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        secrets: SecretSet | None = None,
    ) -> None:
        if timeout is None:
            timeout = http.timeout.read if http.timeout.read is not None else 10.0
        self._transport = Transport(
            http, base_url, timeout=timeout, max_body_bytes=max_body_bytes,
            headers={"X-Tenant-ID": tenant} if tenant is not None else None,
            credentials=[auth.credential()] if auth is not None and auth.token else (),
            secrets=secrets, backoff_s=retry_backoff_s, sleep=sleep)
        self.base_url = self._transport.base_url
        self._get_retries = get_retries

    def __repr__(self) -> str:
        return f"JuoClient(base_url={self.base_url!r})"

    @property
    def secrets(self) -> SecretSet:
        """Every secret this client has sent (the token, sensitive header values)."""
        return self._transport.secrets

    def start(self, body: Any, headers: Headers | None = None) -> ApiResponse:
        """POST /workflows/start."""
        return _response(self._transport.send("POST", "/workflows/start", body=body,
                                              headers=headers))

    def respond(self, run_id: str, body: Any, headers: Headers | None = None) -> ApiResponse:
        """POST /workflows/{runId}/respond (never retried: it may have been applied)."""
        reply = self._transport.send("POST", f"/workflows/{_segment(run_id)}/respond",
                                     body=body, headers=headers)
        return _response(reply, str(run_id))

    def get(self, run_id: str, headers: Headers | None = None) -> ApiResponse:
        """GET /workflows/{runId}, retrying transport errors inside the one deadline."""
        reply = self._transport.send("GET", f"/workflows/{_segment(run_id)}", headers=headers,
                                     retries=self._get_retries)
        return _response(reply, str(run_id))

    def advance(self, run_id: str, ms: float, headers: Headers | None = None) -> ApiResponse:
        """POST /workflows/{runId}/advance: the sandbox-only move of that run's clock."""
        reply = self._transport.send("POST", f"/workflows/{_segment(run_id)}/advance",
                                     body={"ms": ms}, headers=headers)
        return _response(reply, str(run_id))

    def scrub(self, text: str, extra: tuple[str, ...] = ()) -> str:
        """``text`` with every known secret (and ``extra`` ones) replaced by ``<redacted>``."""
        text = self._transport.hide(text)
        for secret in extra:
            if secret and secret in text:
                text = text.replace(secret, REDACTED)
        return text


def _response(reply: Reply, run_id: str | None = None) -> ApiResponse:
    return ApiResponse(reply.status, reply.headers, reply.body, reply.is_json, reply.elapsed_ms,
                       reply.exchange, reply.failure, reply.attempts, run_id)


def _segment(run_id: str) -> str:
    return quote(str(run_id), safe="")
