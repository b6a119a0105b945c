"""``Front`` answers the customer API itself: with the very bytes Starlette answered, and only
where Starlette's router would have sent the call to the customer API."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sandbox_api import HEADERS
from starlette.routing import Match

from juo_flowtest.sandbox.app import create_app
from juo_flowtest.sandbox.clock import ManualClock
from juo_flowtest.sandbox.front import Front

P = "/customer/v1"
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


def _app() -> Front:
    app = create_app(clock=ManualClock())
    assert isinstance(app, Front)
    return app


def _call(app: Any, method: str, path: str, body: bytes | None = None,
          headers: dict[str, str] | None = None) -> Answer:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://sandbox") as client:
            return await client.request(method, path, content=body,
                                        headers=HEADERS if headers is None else headers)
    response = asyncio.run(go())
    return response.status_code, list(response.headers.raw), response.content


def _both(app: Front, method: str, path: str, body: bytes | None = None,
          headers: dict[str, str] | None = None) -> Answer:
    """The call answered by ``Front`` and by the Starlette app behind it: the same bytes."""
    fast = _call(app, method, path, body, headers)
    assert fast == _call(app.app, method, path, body, headers)
    return fast


def _started(app: Front) -> dict[str, Any]:
    status, _, body = _call(app, "POST", f"{P}/workflows/start",
                            b'{"flowType": "subscription_cancellation_requested", "context": {}}')
    assert status == 200
    state: dict[str, Any] = httpx.Response(200, content=body).json()
    return state


def test_a_run_reads_the_same_either_way_after_each_change() -> None:
    app = _app()
    state = _started(app)
    run = f"{P}/workflows/{state['runId']}"
    _both(app, "GET", run)
    for answer in ("next", "other", "confirm"):
        raw = (f'{{"interactionId": "{state["pendingInteraction"]["interactionId"]}", '
               f'"responseType": "{answer}", "expectedRunVersion": {state["runVersion"]}}}')
        status, headers, body = _call(app, "POST", f"{run}/respond", raw.encode())
        assert status == 200
        assert (status, headers, body) == _both(app, "GET", run)  # the state it answered
        state = httpx.Response(200, content=body).json()
    assert state["status"] == "completed"


@pytest.mark.parametrize(("method", "path", "body", "headers"), [
    ("GET", "/workflows/{run}", None, {}),                                   # no tenant
    ("GET", "/workflows/{run}", None, {"X-Tenant-ID": "sandbox.myshopify.com"}),  # no token
    ("GET", "/workflows/{run}", None, {"X-Tenant-ID": "sandbox.myshopify.com",
                                       "X-Delegated-Token": "wrong"}),
    ("GET", "/workflows/{run}", None, {"X-Tenant-ID": "sandbox.myshopify.com",
                                       "Authorization": "Bearer sandbox-token"}),
    ("GET", "/workflows/{run}", None, {"X-Tenant-ID": "sandbox.myshopify.com",
                                       "Authorization": "Basic sandbox-token"}),
    ("GET", "/workflows/no-such-run", None, None),
    ("GET", "/workflows/start", None, None),                                 # a run named start
    ("HEAD", "/workflows/{run}", None, None),
    ("POST", "/workflows/{run}/respond", b"{not json", None),
    ("POST", "/workflows/{run}/respond", b"[1]", None),
    ("POST", "/workflows/{run}/respond", b'{"interactionId": 1, "responseType": "x"}', None),
    ("POST", "/workflows/{run}/respond", b'{"interactionId": "x", "responseType": "next"}',
     None),
    ("POST", "/workflows/{run}/respond",
     b'{"interactionId": "x", "responseType": "next", "expectedRunVersion": 7}', None),
    ("POST", "/workflows/{run}/respond",
     b'{"interactionId": "x", "responseType": "n", "expectedRunVersion": 1e400}', None),
    ("POST", "/workflows/{run}/respond",
     b'{"interactionId": "x", "responseType": "n", "expectedRunVersion": true}', None),
    ("POST", "/workflows/{run}/cancel", b'{"expectedRunVersion": 9}', None),
    ("POST", "/workflows/{run}/advance", b'{"ms": -1}', None),
    ("POST", "/workflows/start", b'{"flowType": "nope", "context": {}}', None),
    ("POST", "/workflows/start", b'{"flowType": "subscription_cancellation_requested"}', None),
    ("POST", "/workflows/start", (b'{"flowType": "subscription_cancellation_requested", '
                                  b'"context": {}}'), {**HEADERS, "X-Sandbox-Variants": "nope"}),
    ("PUT", "/workflows/{run}/respond", b"{}", None),                        # 405
    ("POST", "/workflows/{run}", b"{}", None),                               # 405
    ("GET", "/workflows/{run}/nothing", None, None),                         # 404
    ("GET", "/workflows/", None, None),
    ("POST", "/workflows/start%0A", b"{}", None),
])
def test_a_call_that_changes_nothing_is_answered_alike(
        method: str, path: str, body: bytes | None, headers: dict[str, str] | None) -> None:
    app = _app()
    run = _started(app)["runId"]
    _both(app, method, P + path.format(run=run), body, headers)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/openapi.json"), ("GET", "/admin/v1/workflows"), ("GET", "/nowhere"),
])
def test_what_is_not_the_customer_api_is_answered_alike(method: str, path: str) -> None:
    app = _app()
    _both(app, method, path, None, {**HEADERS, "X-Juo-Admin-Api-Key": "sandbox-admin-key"})


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "PUT", "DELETE"])
@pytest.mark.parametrize("path", [
    "/workflows/start", "/workflows/r-1", "/workflows/r-1/respond", "/workflows/r-1/cancel",
    "/workflows/r-1/advance", "/workflows/r-1/other", "/workflows/", "/workflows/start\n",
    "/workflows/start\n\n", "/workflows/startx", "/workflows/r-1/respond\n",
    "/workflows/a/b/respond", "/openapi.json", "/admin/v1/workflows", "/admin/v1/workflows/r-1",
])
def test_the_fast_way_is_taken_exactly_where_the_router_goes_to_the_customer_api(
        method: str, path: str) -> None:
    app = _app()
    scope = {"type": "http", "method": method, "path": P + path, "root_path": ""}
    full = next((r for r in app.app.routes if r.matches(scope)[0] is Match.FULL), None)
    fast = {w.pattern.pattern for w in app.ways if w.answer is not None}
    expected = (full is not None and method != "HEAD"
                and full.path_regex.pattern in fast)  # type: ignore[attr-defined]
    found = app.find(method, P + path)
    assert (found is not None) == expected
    if found is not None:
        assert found[1] == (full.matches(scope)[1]["path_params"]  # type: ignore[union-attr]
                            .get("run_id", ""))


def test_the_customer_api_is_answered_by_the_fast_way() -> None:
    app = _app()
    assert app.find("POST", f"{P}/workflows/start") is not None
    assert app.find("POST", f"{P}/workflows/r-1/respond") == (app.ways[2], "r-1")
    assert app.find("GET", f"{P}/workflows/r-1") is not None
