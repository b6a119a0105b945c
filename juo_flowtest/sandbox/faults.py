"""Fault injection for testing clients: latency, 503s, dropped connections, corrupt bodies.

The n-th API request (counted from 0 per app, in arrival order) gets a fate that depends only
on the seed and n (``fate``). 503 and drop are decided BEFORE the request reaches the app, so
such a respond was NOT applied; malformed and missing-field corrupt the response AFTER the
app ran, so such a respond WAS applied (``assumptions.FAULTS_BEFORE_STATE`` / ``_AFTER_``).
``/openapi.json`` is never faulted.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from juo_flowtest.sandbox import assumptions


@dataclass(frozen=True)
class FaultConfig:
    """Rates are fractions of requests (0..1); latency is added to every API request."""

    seed: int = 0
    latency_ms: float = 0.0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    malformed_rate: float = 0.0
    missing_field_rate: float = 0.0

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.drop_rate, self.malformed_rate, self.missing_field_rate)
        if any(r < 0 or r > 1 for r in rates) or sum(rates) > 1 or self.latency_ms < 0:
            raise ValueError("fault rates must be within 0..1 and add up to at most 1; "
                             "latency_ms must be >= 0")

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.error_rate or self.drop_rate
                    or self.malformed_rate or self.missing_field_rate)


def fate(config: FaultConfig, n: int) -> str:
    """``ok``, ``drop``, ``error``, ``malformed`` or ``missing_field`` for request ``n``."""
    u = random.Random(f"{config.seed}:{n}").random()  # str seeds hash stably (SHA-512)
    for kind, rate in (("drop", config.drop_rate), ("error", config.error_rate),
                       ("malformed", config.malformed_rate),
                       ("missing_field", config.missing_field_rate)):
        if u < rate:
            return kind
        u -= rate
    return "ok"


class FaultInjector:
    """ASGI middleware that applies each request's fate around the sandbox app."""

    def __init__(self, app: ASGIApp, config: FaultConfig, prefix: str) -> None:
        self.app, self.config, self.prefix = app, config, prefix
        self.count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix + "/"):
            await self.app(scope, receive, send)
            return
        n, self.count = self.count, self.count + 1
        kind = fate(self.config, n)
        if self.config.latency_ms:
            await asyncio.sleep(self.config.latency_ms / 1000.0)
        if kind == "drop":
            await _drop(send)
        elif kind == "error":
            await _send_json(send, 503, {
                "statusCode": 503, "error": "Service Unavailable", "code": "fault_injected",
                "message": f"injected fault (request {n})"})
        elif kind in ("malformed", "missing_field"):
            await self._corrupt(scope, receive, send, kind)
        else:
            await self.app(scope, receive, send)

    async def _corrupt(self, scope: Scope, receive: Receive, send: Send, kind: str) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body, status = b"".join(chunks), int(start.get("status", 500))
        if kind == "malformed":
            body = body[: max(len(body) // 2, 1)] + b'<<not json'
        elif 200 <= status < 300:
            data = json.loads(body)
            data.pop(assumptions.MISSING_FIELD, None)
            body = json.dumps(data, separators=(",", ":")).encode()
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, content: dict[str, Any]) -> None:
    body = json.dumps(content).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Send) -> None:
    """Close the connection without a byte of response.

    ASGI has no "abort"; uvicorn's ``send`` is a bound method of its request cycle, which holds
    the transport. Aborting it and yielding once lets uvicorn see the disconnect, so it neither
    logs nor writes a 500. Under another server we fall back to raising after the response
    start, which every ASGI server turns into an abrupt close.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        await asyncio.sleep(0)
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise ConnectionAbortedError("injected dropped connection")
