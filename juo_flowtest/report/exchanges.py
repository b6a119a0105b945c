"""The text of HTTP exchanges in the report: one call, a flow's calls in order, a failure's call.

Three places show an exchange, and every body goes through ``body_text`` (scrubbed, compact
or indented) — the one place where a body becomes report text:

- ``http_attachment``: one call as Allure 3's HTTP exchange view
  (``application/vnd.allure.http+json``: method and URL, status, time, request and response
  panels with their bodies and headers). A flow that did not pass has one on each call's step.
- ``calllog.CallLog``: every call of a flow, in order, as plain text ("Requests and
  responses", one attachment per flow), written short; it builds on the helpers here.
- ``call_alone``: one call on its own, for a failure's details.

Run states are written with what a reader looks for first (``status``, ``outcome``,
``pendingInteraction``, ``result``, ``error``) and the long ``interactiveSteps`` last.

Why not one attachment per call for every flow: Allure 3 adds ~0.9 KB of its own data to the
single-file report per attachment, and a suite of 1,000 flows of 10 responds makes 11,000 calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

import orjson

from juo_flowtest.base.redaction import (
    REDACTED,
    is_sensitive,
    may_need_scrub,
    scrub,
    scrub_json,
    scrub_text,
)
from juo_flowtest.report.truncation import truncated
from juo_flowtest.target.client import Exchange

#: Allure 3's own view for one HTTP exchange.
HTTP_TYPE = "application/vnd.allure.http+json"
#: Members of a run state a reader looks for first, in this order; ``LAST`` goes last.
FIRST = ("status", "outcome", "pendingInteraction", "result", "error")
LAST = ("interactiveSteps",)


_stdlib_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
#: Dates and dataclasses go to ``default=str``, as the standard library writes them.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def compact(value: Any) -> str:
    """``value`` as compact JSON: ``json.dumps(value, ensure_ascii=False, separators=(",",
    ":"), default=str)``, written by orjson (the call log encodes each changed member of every
    call's body: the standard library's encoder cost ~9x more). Strings are escaped alike;
    a float under 1e-4 is written without an exponent (``0.00001``). What orjson refuses (keys
    that are not text, integers over 64 bits, nesting deeper than 254) goes to the standard
    library."""
    try:
        return orjson.dumps(value, default=str, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return _stdlib_compact(value)


def ordered(body: Any) -> Any:
    """A run state with ``FIRST`` members first and ``LAST`` last; anything else as it is."""
    if type(body) is not dict or "status" not in body:
        return body
    head = {key: body[key] for key in FIRST if key in body}
    tail = {key: body[key] for key in LAST if key in body}
    middle = {key: value for key, value in body.items() if key not in head and key not in tail}
    return {**head, **middle, **tail}


def body_text(value: Any, secrets: tuple[str, ...], *, indent: bool = False) -> str:
    """A body (or a part of one) as scrubbed JSON: compact, or indented for a whole body."""
    if indent:
        return scrub_json(value, secrets)
    text = compact(value)
    return compact(scrub(value, secrets)) if may_need_scrub(text, secrets) else text


def status_line(exchange: Exchange) -> str:
    answer = str(exchange.status) if exchange.status is not None else "no response"
    return f"{answer} in {exchange.elapsed_ms:.1f} ms"


# ----- one call: Allure 3's HTTP exchange view -------------------------------------------------


def header(name: str, value: str, secrets: tuple[str, ...]) -> tuple[str, str]:
    """A header as the report shows it: a sensitive one's value is never shown."""
    shown = REDACTED if is_sensitive(name) else scrub_text(value, secrets)
    return scrub_text(name, secrets), shown


def _pairs(headers: Mapping[str, str], secrets: tuple[str, ...]) -> list[dict[str, str]]:
    return [dict(zip(("name", "value"), header(name, value, secrets), strict=True))
            for name, value in headers.items()]


def _http_body(value: Any, secrets: tuple[str, ...]) -> dict[str, str] | None:
    """A body for the HTTP view, bounded (``truncation``): no report file grows with an answer."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"contentType": "text/plain", "value": truncated(scrub_text(value, secrets))}
    text = body_text(ordered(value), secrets, indent=True)
    short = truncated(text)
    return {"contentType": "application/json" if short is text else "text/plain", "value": short}


def http_attachment(exchange: Exchange, secrets: tuple[str, ...],
                    error: tuple[str, str] | None = None) -> str:
    """One call for Allure 3's HTTP view; ``error``: (what, why) when the call did not pass."""
    request: dict[str, Any] = {"method": exchange.method,
                               "url": scrub_text(exchange.url, secrets),
                               "headers": _pairs(exchange.request_headers, secrets)}
    body = _http_body(exchange.request_body, secrets)
    if body is not None:
        request["body"] = body
    data: dict[str, Any] = {"request": request}
    if exchange.status is not None:
        response: dict[str, Any] = {"status": str(exchange.status),
                                    "headers": _pairs(exchange.response_headers, secrets)}
        body = _http_body(exchange.response_body, secrets)
        if body is not None:
            response["body"] = body
        data["response"] = response
    # The view prints stop - start as the call's time, in whole milliseconds.
    data["start"], data["stop"] = 0, round(exchange.elapsed_ms)
    if error is not None:
        data["error"] = {"name": error[0], "message": scrub_text(error[1], secrets)}
    return compact(data)


# ----- one call on its own ---------------------------------------------------------------------


def call_alone(number: int, title: str, exchange: Exchange | None,
               secrets: tuple[str, ...]) -> str:
    """One call on its own, for a failure's details: the URL and both bodies (a response body
    one member per line), no headers, and a run state's ``interactiveSteps`` only counted (the
    step's "Request and response" has them, and the headers)."""
    lines = [f"── {number} {scrub_text(title, secrets)}"]
    if exchange is None:
        return "\n".join([*lines, "  no request was sent"])
    lines.append(f"{exchange.method} {scrub_text(exchange.url, secrets)}")
    if exchange.request_body is not None:
        lines.append(f"  body {plain(exchange.request_body, secrets)}")
    lines.append(f"← {status_line(exchange)}")
    body = exchange.response_body
    if exchange.status is None or body is None:
        return "\n".join(lines)
    if type(body) is not dict or not body:
        return "\n".join([*lines, f"  body {plain(body, secrets)}"])
    if may_need_scrub(compact(body), secrets):
        body = scrub(body, secrets)
    lines.append("  body {")
    for key, value in ordered(body).items():
        text = compact(value)
        if key in LAST and type(value) is list:
            text = f'"… {len(value)} steps (in Request and response)"'
        lines.append(f"    {encode_basestring(str(key))}: {text}")
    return "\n".join([*lines, "  }"])


def plain(value: Any, secrets: tuple[str, ...]) -> str:
    """A body compact (``body_text``), or a text body scrubbed as it is."""
    return scrub_text(value, secrets) if isinstance(value, str) else body_text(value, secrets)
