"""JuoClient over httpx.MockTransport (and one real refused connection)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from juo_flowtest.base.redaction import REDACTED
from juo_flowtest.target.client import ApiResponse, Auth, JuoClient, make_http_client

TOKEN = "s3cr3t-t0ken/xyz"
BASE = "http://juo.test/customer/v1"
STATE = {"workflowId": "wf", "workflowVersion": 1, "runId": "r-1", "runVersion": 1,
         "status": "running"}

Handler = Callable[[httpx.Request], httpx.Response]


def client_for(handler: Handler, auth: Auth | None = None, tenant: str | None = "shop.test",
               sleeps: list[float] | None = None) -> JuoClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    sleep_log = sleeps if sleeps is not None else []
    return JuoClient(http, BASE + "/", tenant, auth or Auth("delegated", TOKEN),
                     sleep=sleep_log.append)


def recording(seen: list[httpx.Request], response: httpx.Response | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return response if response is not None else httpx.Response(200, json=STATE)
    return handler


def test_start_posts_the_body_with_tenant_and_delegated_token() -> None:
    seen: list[httpx.Request] = []
    res = client_for(recording(seen)).start({"flowType": "x", "context": {}})
    req = seen[0]
    assert (req.method, str(req.url)) == ("POST", BASE + "/workflows/start")
    assert json.loads(req.content) == {"flowType": "x", "context": {}}
    assert req.headers["x-tenant-id"] == "shop.test"
    assert req.headers["x-delegated-token"] == TOKEN
    assert "authorization" not in req.headers
    assert res.status == 200 and res.body == STATE and res.is_json and res.ok
    assert res.elapsed_ms >= 0 and res.failure is None


def test_bearer_auth_and_paths_of_respond_and_get() -> None:
    seen: list[httpx.Request] = []
    client = client_for(recording(seen), auth=Auth("bearer", TOKEN))
    client.respond("r 1/x", {"responseType": "next"})
    client.get("r-1")
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-delegated-token" not in seen[0].headers
    assert seen[0].url.raw_path == b"/customer/v1/workflows/r%201%2Fx/respond"
    assert (seen[1].method, seen[1].url.path) == ("GET", "/customer/v1/workflows/r-1")
    assert seen[1].content == b""


def test_step_headers_merge_over_defaults_and_none_removes_case_insensitively() -> None:
    seen: list[httpx.Request] = []
    client = client_for(recording(seen))
    client.get("r", {"x-delegated-token": None, "X-TENANT-ID": "other.test", "X-Trace": 7})
    client.get("r", {"X-Tenant-ID": None})
    first, second = seen
    assert "x-delegated-token" not in first.headers
    assert first.headers["x-tenant-id"] == "other.test" and first.headers["x-trace"] == "7"
    assert "x-tenant-id" not in second.headers
    assert second.headers["x-delegated-token"] == TOKEN  # defaults are not mutated


def test_no_tenant_and_no_auth_send_neither() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(recording(seen)))
    JuoClient(http, BASE, None, None).get("r")
    assert not {"x-tenant-id", "x-delegated-token", "authorization"} & set(seen[0].headers)


def test_exchange_redacts_sensitive_headers_both_ways() -> None:
    reply = httpx.Response(200, json=STATE, headers={
        "Set-Cookie": "sid=abc", "X-Api-Key": "k", "X-Session-Token": "t", "X-Plain": "v"})
    res = client_for(recording([], reply)).get("r", {
        "Cookie": "c=1", "X-Client-Secret": "shh", "Authorization": "Bearer other-tok"})
    ex = res.exchange
    for name in ("x-delegated-token", "cookie", "x-client-secret", "authorization"):
        assert ex.request_headers[name] == REDACTED
    assert ex.request_headers["x-tenant-id"] == "shop.test"
    for name in ("set-cookie", "x-api-key", "x-session-token"):
        assert ex.response_headers[name] == REDACTED
    assert ex.response_headers["x-plain"] == "v"
    assert res.headers["set-cookie"] == "sid=abc"  # the runner still sees real values


def test_tokens_echoed_anywhere_are_scrubbed_from_the_record() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        token = request.headers["x-delegated-token"]
        body = dict(STATE, echo=f"you sent {token}", nested=[{token: "other-tok"}])
        return httpx.Response(200, json=body, headers={"X-Echo": token})

    res = client_for(echo).respond("r", {"note": TOKEN}, {"X-Other": "Bearer other-tok"})
    dumped = json.dumps([res.body, res.headers, res.exchange.request_body,
                         res.exchange.response_body, res.exchange.response_headers,
                         res.exchange.request_headers], default=str)
    assert TOKEN not in dumped and "s3cr3t" not in dumped
    assert res.body["echo"] == f"you sent {REDACTED}"
    assert res.exchange.request_body == {"note": REDACTED}


def test_a_json_escaped_token_is_still_found() -> None:
    escaped = json.dumps(TOKEN).replace("/", "\\/")
    content = ('{"workflowId": "wf", "echo": ' + escaped + "}").encode()
    res = client_for(lambda r: httpx.Response(200, content=content)).get("r")
    assert res.body["echo"] == REDACTED


def test_auth_and_client_reprs_hide_the_token() -> None:
    auth = Auth("delegated", TOKEN)
    client = client_for(recording([]), auth=auth)
    for text in (repr(auth), str(auth), repr(client), str(client)):
        assert TOKEN not in text
    with pytest.raises(ValueError, match="unknown auth scheme"):
        Auth("basic", "x")  # type: ignore[arg-type]


def test_non_json_and_empty_bodies() -> None:
    res = client_for(lambda r: httpx.Response(502, text="<html>bad gateway</html>")).get("r")
    assert (res.status, res.is_json, res.body) == (502, False, "<html>bad gateway</html>")
    empty = client_for(lambda r: httpx.Response(204)).get("r")
    assert (empty.body, empty.is_json) == (None, False)


def failing(exc: type[httpx.TransportError], calls: list[int], succeed_after: int = 99) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) > succeed_after:
            return httpx.Response(200, json=STATE)
        raise exc("boom", request=request)
    return handler


def test_respond_is_never_retried_and_says_it_may_have_applied() -> None:
    calls: list[int] = []
    sleeps: list[float] = []
    res = client_for(failing(httpx.ReadTimeout, calls), sleeps=sleeps).respond("r", {})
    assert calls == [1] and sleeps == []
    assert res.status is None and not res.ok and res.exchange.status is None
    assert res.failure is not None
    assert "no complete response to POST" in res.failure and "within 5s" in res.failure
    assert res.failure.endswith(
        "; the respond call may or may not have been applied (not retried)")


def test_start_is_not_retried_either() -> None:
    calls: list[int] = []
    res = client_for(failing(httpx.RemoteProtocolError, calls)).start({})
    assert calls == [1]
    assert res.failure is not None and "connection was dropped" in res.failure


def test_get_retries_transport_errors_with_backoff_then_succeeds() -> None:
    calls: list[int] = []
    sleeps: list[float] = []
    res = client_for(failing(httpx.ReadError, calls, succeed_after=2), sleeps=sleeps).get("r")
    assert res.status == 200 and res.attempts == 3 and len(calls) == 3
    assert sleeps == [0.1, 0.2]


def test_get_gives_up_after_bounded_retries() -> None:
    calls: list[int] = []
    sleeps: list[float] = []
    res = client_for(failing(httpx.ReadError, calls), sleeps=sleeps).get("r")
    assert len(calls) == 3 and len(sleeps) == 2
    assert res.failure is not None and "(after 3 attempts)" in res.failure
    assert "may or may not" not in res.failure


def test_a_refused_connection_names_the_target_and_what_to_check() -> None:
    with make_http_client(2.0) as http:
        client = JuoClient(http, "http://127.0.0.1:9/customer/v1", "t", Auth("bearer", TOKEN),
                           get_retries=0)
        res: ApiResponse = client.respond("r", {"responseType": "x"})
    assert res.failure is not None
    assert res.failure.startswith(
        "target unreachable at http://127.0.0.1:9/customer/v1: connection refused")
    assert "is the environment up? check --juo-base-url" in res.failure
    assert "may or may not" not in res.failure  # a refused connection sent nothing
    assert TOKEN not in res.failure


def test_make_http_client_bounds_every_timeout_and_asks_for_json() -> None:
    with make_http_client(3.5) as http:
        t = http.timeout
        assert (t.connect, t.read, t.write, t.pool) == (3.5, 3.5, 3.5, 3.5)
        assert http.headers["accept"] == "application/json"
        assert http.headers["user-agent"].startswith("juo-flowtest/")


def test_scrub_replaces_the_token_in_any_text() -> None:
    client = client_for(recording([]))
    assert client.scrub(f"a {TOKEN} b", ("x9",)) == f"a {REDACTED} b"
    assert client.scrub("x9 y", ("x9",)) == f"{REDACTED} y"


def test_null_also_removes_headers_the_http_client_sets_itself() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(recording(seen)),
                        headers={"Accept": "application/json", "User-Agent": "juo-flowtest/x"})
    client = JuoClient(http, BASE, "shop.test", Auth("delegated", TOKEN))
    client.get("r", {"accept": None, "User-Agent": None, "user-agent": "mine"})
    assert "accept" not in seen[0].headers
    assert seen[0].headers["user-agent"] == "mine"


def test_an_undecodable_body_is_a_failure_not_a_crash() -> None:
    def gzip_lie(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"not gzip", headers={"Content-Encoding": "gzip"})

    res = client_for(gzip_lie).respond("r", {})
    assert res.status is None and res.failure is not None
    assert "could not be decoded" in res.failure and "may or may not" in res.failure


def test_an_invalid_base_url_is_a_failure_not_a_crash() -> None:
    http = httpx.Client(transport=httpx.MockTransport(recording([])))
    res = JuoClient(http, "http://[::1/customer/v1", None, None).get("r")
    assert res.failure == ("invalid URL http://[::1/customer/v1/workflows/r: Invalid port: ':1'"
                           " — check --juo-base-url")
