"""Transport over httpx.MockTransport: bounded bodies, deadlines, secrets, unbuildable requests.

Real sockets (trickling, hung, endless targets) are in tests/reliability.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from juo_flowtest.base.secrets import REDACTED, Secret, SecretSet
from juo_flowtest.target.transport import (
    MAX_JSON_DEPTH,
    Credential,
    Transport,
    make_http_client,
)

TOKEN = "tok-9f/x+y"
BASE = "http://api.test/v1"


def transport(handler: httpx.MockTransport | None = None, **kw: object) -> Transport:
    mock = handler or httpx.MockTransport(lambda r: httpx.Response(200, json={"ok": True}))
    options: dict[str, object] = {"timeout": 5.0,
                                  "credentials": [Credential("Authorization", Secret(TOKEN),
                                                             "Bearer ")]}
    options.update(kw)
    return Transport(httpx.Client(transport=mock), BASE, **options)  # type: ignore[arg-type]


def test_the_credential_is_revealed_only_on_the_wire() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    t = transport(httpx.MockTransport(handler), headers={"X-Tenant-ID": "shop"})
    reply = t.send("POST", "/things", body={"a": 1})
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[0].headers["x-tenant-id"] == "shop"
    assert seen[0].headers["content-type"] == "application/json"
    assert reply.exchange.request_headers["authorization"] == REDACTED
    assert (reply.status, reply.body, reply.is_json, reply.failure) == (200, {"ok": True}, True,
                                                                       None)
    for shown in (repr(t), repr(reply), repr(Credential("X", Secret(TOKEN))), str(t.secrets)):
        assert TOKEN not in shown


@pytest.mark.parametrize(("headers", "body", "why"), [
    ({"X-Note": "café ☕"}, None, "not ASCII ('é')"),
    ({"X-Delegated-Token": "tøken"}, None, "not ASCII ('ø')"),
    (None, {"v": float("inf")}, "a number JSON cannot carry"),
    (None, {"v": float("nan")}, "a number JSON cannot carry"),
    (None, {"v": object()}, "TypeError: Object of type object is not JSON serializable"),
])
def test_a_request_that_cannot_be_built_is_a_one_line_failure(
        headers: dict[str, str] | None, body: object, why: str) -> None:
    reply = transport().send("POST", "/x", body=body if body is not None else {}, headers=headers)
    assert reply.status is None and reply.failure is not None
    assert reply.failure.startswith(f"the POST request to {BASE}/x could not be built: ")
    assert why in reply.failure and "\n" not in reply.failure
    assert TOKEN not in reply.failure and "tøken" not in reply.failure


def test_a_value_sent_in_a_sensitive_header_becomes_a_secret_hidden_in_the_answer() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        other = request.headers["x-other-token"]
        return httpx.Response(200, json={"echo": other}, headers={"X-Echo": other})

    t = transport(httpx.MockTransport(echo))
    reply = t.send("GET", "/x", headers={"X-Other-Token": Secret("other-1")})
    assert reply.body == {"echo": REDACTED} and reply.headers["x-echo"] == REDACTED
    assert t.hide("other-1 and " + TOKEN) == f"{REDACTED} and {REDACTED}"


def test_the_token_in_any_encoding_is_hidden_in_body_headers_and_url() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        content = json.dumps({"raw": TOKEN, "esc": TOKEN.replace("/", "\\/"),
                              "url": "x?t=tok-9f%2Fx%2By"}).replace("\\\\/", "\\/")
        return httpx.Response(200, content=content.encode(), headers={f"X-{TOKEN[:6]}": TOKEN})

    reply = transport(httpx.MockTransport(echo)).send("GET", f"/runs/{TOKEN}")
    dumped = json.dumps([reply.body, reply.headers, reply.exchange.url,
                         reply.exchange.response_body, reply.exchange.response_headers])
    assert "tok-9f" not in dumped.replace("x-tok-9f", ""), dumped


def test_redirects_are_returned_not_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(307, headers={"Location": "http://thief.test/steal"})

    reply = transport(httpx.MockTransport(handler)).send("POST", "/x", body={})
    assert reply.status == 307 and seen == [f"{BASE}/x"]
    assert reply.headers["location"] == "http://thief.test/steal"


def test_a_declared_oversized_body_is_refused_unread() -> None:
    reads: list[int] = []

    def body() -> Iterator[bytes]:
        for _ in range(64):
            reads.append(1)
            yield b"x" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body(), headers={"Content-Length": str(64 * 65536)})

    reply = transport(httpx.MockTransport(handler), max_body_bytes=1024 * 1024).send("GET", "/x")
    assert reply.status == 200 and not reply.is_json and reply.body == ""
    assert reply.failure is not None
    assert "declares 4,194,304 bytes, more than the 1 MB body limit allows" in reply.failure
    assert len(reads) <= 1


def test_a_streamed_body_is_cut_at_the_limit() -> None:
    sent: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            sent.append(1)
            yield b"y" * 65536

    reply = transport(httpx.MockTransport(lambda r: httpx.Response(200, content=endless())),
                      max_body_bytes=1024 * 1024).send("GET", "/x")
    assert reply.failure is not None and "sends more than the 1 MB body limit" in reply.failure
    assert len(sent) == 17  # 16 chunks fit, the 17th goes over: nothing more is read
    assert len(reply.body) == 64 * 1024  # what the record keeps of it


def test_a_gzip_bomb_is_cut_at_the_inflated_limit() -> None:
    import gzip

    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    reply = transport(httpx.MockTransport(lambda r: httpx.Response(
        200, content=bomb, headers={"Content-Encoding": "gzip"})),
        max_body_bytes=1024 * 1024).send("GET", "/x")
    assert reply.failure is not None and "body limit" in reply.failure


def test_deep_json_is_refused_and_nan_is_not_json() -> None:
    deep = b"[" * (MAX_JSON_DEPTH + 5) + b"]" * (MAX_JSON_DEPTH + 5)
    reply = transport(httpx.MockTransport(lambda r: httpx.Response(200, content=deep))).send(
        "GET", "/x")
    assert reply.failure is not None and "nested more than 200 levels" in reply.failure
    deeper = b"[" * 100_000 + b"]" * 100_000
    reply = transport(httpx.MockTransport(lambda r: httpx.Response(200, content=deeper))).send(
        "GET", "/x")
    assert reply.failure is not None and "nested more than 200 levels" in reply.failure
    fine = b"[" * 150 + b"]" * 150
    assert transport(httpx.MockTransport(lambda r: httpx.Response(200, content=fine))).send(
        "GET", "/x").is_json
    nan = transport(httpx.MockTransport(lambda r: httpx.Response(
        200, content=b'{"v": NaN}'))).send("GET", "/x")
    assert (nan.is_json, nan.body, nan.failure) == (False, '{"v": NaN}', None)


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_retries_stay_inside_the_one_deadline() -> None:
    clock = _Clock()
    calls: list[float] = []

    def hung(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now)
        clock.now += 1.5  # each attempt burns 1.5 s of a 2 s deadline
        raise httpx.ReadTimeout("timed out", request=request)

    t = transport(httpx.MockTransport(hung), timeout=2.0, clock=clock, sleep=clock.sleep)
    reply = t.send("GET", "/x", retries=5)
    assert calls == [100.0, 101.6]  # the second attempt had 0.4 s; no pause fits after it
    assert reply.failure is not None and "within 2s (after 2 attempts)" in reply.failure


def test_retries_happen_while_time_is_left() -> None:
    clock = _Clock()
    calls: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            raise httpx.ReadError("reset", request=request)
        return httpx.Response(200, json={})

    t = transport(httpx.MockTransport(flaky), timeout=2.0, clock=clock, sleep=clock.sleep)
    reply = t.send("GET", "/x", retries=2)
    assert reply.status == 200 and reply.attempts == 3
    assert clock.now == pytest.approx(100.3)  # 0.1 + 0.2 of backoff


def test_a_post_failure_says_it_may_have_been_applied() -> None:
    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed", request=request)

    reply = transport(httpx.MockTransport(reset)).send("POST", "/runs/r/respond", body={})
    assert reply.failure is not None and reply.attempts == 1
    assert reply.failure.startswith(f"the connection was dropped during POST {BASE}/runs/r/")
    assert reply.failure.endswith("; the respond call may or may not have been applied "
                                  "(not retried)")


def test_secret_sets_are_shared_and_grow() -> None:
    shared = SecretSet()
    transport(secrets=shared)
    assert len(shared) == 1 and TOKEN in shared.values
    assert "tok-9f%2Fx%2By" in shared.values  # the percent-encoded form too


def test_the_real_client_has_the_deadline_backend_and_no_redirects() -> None:
    with make_http_client(3.0) as http:
        assert http.follow_redirects is False
        assert http.timeout.read == 3.0


def test_a_token_spelled_out_in_unicode_escapes_is_hidden() -> None:
    spelled = "".join(f"\\u{ord(c):04x}" for c in TOKEN)
    raw = f'{{"note": "{spelled}", "list": ["{spelled}!"]}}'.encode()
    t = transport(httpx.MockTransport(lambda r: httpx.Response(200, content=raw)))
    reply = t.send("GET", "/x")
    assert reply.body == {"note": REDACTED, "list": [f"{REDACTED}!"]}
    assert TOKEN not in json.dumps(reply.exchange.response_body, ensure_ascii=False)


def test_cookies_a_target_sets_go_back_on_the_next_calls() -> None:
    """A load balancer's sticky session: requests skip httpx's client layers, not its jar."""
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, json={"ok": True},
                              headers={"Set-Cookie": "AWSALB=node-7; Path=/"})

    t = transport(httpx.MockTransport(handler))
    t.send("POST", "/workflows/start", body={})
    t.send("POST", "/workflows/r1/respond", body={})
    assert seen == [None, "AWSALB=node-7"]


def test_httpx_request_line_is_logged_at_info_without_the_secret(
        caplog: pytest.LogCaptureFixture) -> None:
    mock = httpx.MockTransport(lambda r: httpx.Response(200, json={"echo": TOKEN}))
    t = transport(mock)
    with caplog.at_level("INFO", logger="httpx"):
        reply = t.send("GET", "/things/1")
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines == [f'HTTP Request: GET {BASE}/things/1 "HTTP/1.1 200 OK"']
    assert TOKEN not in json.dumps(reply.body)


def test_the_same_url_and_headers_are_built_once_and_recorded_apart() -> None:
    """URL parsing and the record's header view are kept between calls; each record still
    gets its own dict, and a header the step adds shows in its own record only."""
    t = transport(headers={"X-Tenant-ID": "shop"})
    first = t.send("POST", "/workflows/r1/respond", body={"a": 1})
    second = t.send("POST", "/workflows/r1/respond", body={"a": 2},
                    headers={"X-Trace": "t-1"})
    third = t.send("POST", "/workflows/r1/respond", body={"a": 3})
    assert first.exchange.request_headers == third.exchange.request_headers
    assert first.exchange.request_headers is not third.exchange.request_headers
    assert "x-trace" in second.exchange.request_headers
    assert "x-trace" not in third.exchange.request_headers
    assert first.exchange.request_headers["authorization"] == REDACTED


def test_a_secret_learnt_later_is_hidden_in_a_header_set_seen_before() -> None:
    t = transport(headers={"X-Tenant-ID": "shop", "X-Note": "later-secret"})
    assert t.send("GET", "/things/1").exchange.request_headers["x-note"] == "later-secret"
    t.secrets.add("later-secret")
    assert t.send("GET", "/things/1").exchange.request_headers["x-note"] == REDACTED


def test_a_response_header_echoing_the_token_is_hidden_and_others_are_kept() -> None:
    mock = httpx.MockTransport(lambda r: httpx.Response(
        200, json={"ok": True}, headers={"X-Echo": f"was {TOKEN}", "X-Plain": "fine"}))
    reply = transport(mock).send("GET", "/things/1")
    assert reply.headers["x-echo"] == f"was {REDACTED}"
    assert reply.headers["x-plain"] == "fine"
    assert TOKEN not in json.dumps(reply.exchange.response_headers)


def test_the_header_view_cache_keeps_no_credential() -> None:
    """Neither the credential header nor a secret sent under a plain name stays in the
    transport's cache of header views after the exchange."""
    t = transport(headers={"X-Tenant-ID": "shop"})
    t.send("GET", "/things/1")  # the usual call: kept, without the Authorization value
    t.send("GET", "/things/1", headers={"X-Trace": Secret(TOKEN)})
    t.send("GET", "/things/1", headers={"X-Copy": TOKEN})  # a plain name: hidden, not kept
    t.secrets.add(TOKEN)
    t.send("GET", "/things/1", headers={"X-Copy": TOKEN})
    kept = repr(t._shown_headers).encode()
    assert len(t._shown_headers) == 1 and TOKEN.encode() not in kept
