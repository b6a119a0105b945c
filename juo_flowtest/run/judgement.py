"""Judging one response: can it be judged at all (BROKEN), and which expectations fail (FAILED).

In order: a transport failure, any 3xx (the Juo API does not redirect), an unexpected 5xx, a
body that is not JSON, a 2xx body that breaks the documented run-state schema, and a run state
of another run than the one asked about (respond, get) make the call BROKEN; otherwise every
expectation is checked and all mismatches are returned together (an absent ``expect`` means
"a 2xx").

Example::

    record = judge("get", "get", response, step.expect, scope.resolve)
    record.broken, [m.message for m in record.mismatches]
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from juo_flowtest.base.outcome import Mismatch
from juo_flowtest.expect.checks import Expect
from juo_flowtest.expect.matchers import MISSING
from juo_flowtest.run.result import CallRecord
from juo_flowtest.target.client import ApiResponse
from juo_flowtest.target.runstate import check_run_state

Resolve = Callable[[str], Any]


def judge(kind: str, title: str, response: ApiResponse, expect: Expect | None,
          resolve: Resolve) -> CallRecord:
    """The record of one call: why it cannot be judged, or every mismatch of ``expect``."""
    started = time.time() - response.elapsed_ms / 1000.0
    mismatches: list[Mismatch] = []
    broken = unjudgeable(response, expect, resolve)
    if broken is None and response.ok and (expect is None or expect.schema):
        mismatches = check_run_state(response.body)
        if mismatches:
            broken = (f"the 2xx body of {response.exchange.method} {response.exchange.url} "
                      "breaks the documented run-state schema (contract violation)")
    if broken is None and response.ok:
        broken = foreign_run(response)
    if broken is None:
        mismatches = expectations(expect, response, resolve)
    return CallRecord(kind, title, response.exchange, tuple(mismatches), broken,
                      started, started + response.elapsed_ms / 1000.0)


def unjudgeable(response: ApiResponse, expect: Expect | None,
                resolve: Resolve) -> str | None:
    """Why ``response`` cannot be judged, or None: no response, unexpected 5xx, not JSON."""
    if response.failure is not None:
        return response.failure
    status = response.status
    assert status is not None
    explicit = expect is not None and expect.http is not None and expect.http.holds(status, resolve)
    where = f"{response.exchange.method} {response.exchange.url}"
    if 300 <= status < 400:
        location = response.headers.get("location")
        to = f" to {_short(location)}" if location else ""
        return (f"HTTP {status} redirect from {where}{to} — the Juo API does not redirect "
                "(contract violation); it was not followed, so no credentials went there; "
                "check --juo-base-url")
    if status >= 500 and not explicit:
        return (f"unexpected HTTP {status} from {where}{error_summary(response.body)}"
                " — the target failed; check its logs")
    if response.body is not None and not response.is_json and not explicit:
        text = str(response.body)
        return (f"the response to {where} (HTTP {status}) is not valid JSON: "
                f"{text[:120]!r}{'…' if len(text) > 120 else ''}")
    return None


def foreign_run(response: ApiResponse) -> str | None:
    """Why a run state is not of the run the call asked about, or None."""
    asked, body = response.run_id, response.body
    if asked is None or not isinstance(body, dict) or "runId" not in body:
        return None
    if body["runId"] == asked:
        return None
    return (f"the run state from {response.exchange.method} {response.exchange.url} is of run "
            f"{_short(body['runId'])}, not of the run asked about ({_short(asked)}) — "
            "contract violation")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:80] + "…") if len(text) > 80 else repr(text)


def expectations(expect: Expect | None, response: ApiResponse,
                 resolve: Resolve) -> list[Mismatch]:
    """Every mismatch of ``expect`` against ``response`` (all of them, not the first)."""
    out: list[Mismatch] = []
    status, body = response.status, response.body
    if expect is None or expect.http is None:
        if not response.ok:
            out.append(Mismatch("http", "2xx", status,
                                f"expected a 2xx, got {status}{error_summary(body)}"))
        if expect is None:
            return out
    else:
        out += expect.http.match(status, "http", resolve)
    for check in expect.fields:
        if check.label == "error" and not response.ok:
            actual = MISSING if body is None else body
        else:
            actual = _walk(body, check.path)
        out += check.matcher.match(actual, check.label, resolve)
    for jp in expect.jsonpath:
        out += jp.matcher.match(find(jp.parsed, body), f"jsonpath {jp.expression}", resolve)
    if expect.headers is not None:
        out += expect.headers.match(response.headers, "headers", resolve)
    if expect.max_ms is not None and response.elapsed_ms > expect.max_ms:
        out.append(Mismatch("maxMs", expect.max_ms, round(response.elapsed_ms, 1),
                            f"took {response.elapsed_ms:.0f} ms, over the budget of "
                            f"{expect.max_ms:g} ms", expect.position))
    return out


def find(parsed: Any, body: Any) -> Any:
    """A JSONPath's value: MISSING for no match, the value for one, a list for several."""
    if body is None:
        return MISSING
    found = parsed.find(body)
    if not found:
        return MISSING
    return found[0].value if len(found) == 1 else [m.value for m in found]


def error_summary(body: Any) -> str:
    """`` run_version_conflict: <message>`` from an error body, whatever shape it has."""
    if isinstance(body, dict):
        code, message = body.get("code") or body.get("error"), body.get("message")
        parts = [str(p) for p in (code, message) if p]
        return " " + ": ".join(parts) if parts else ""
    return f" {str(body)[:80]}" if body else ""


def _walk(body: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(body, dict) or key not in body:
            return MISSING
        body = body[key]
    return body
