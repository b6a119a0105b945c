"""The customer client against the hostile server, over real sockets: every misbehaviour ends
as a one-line failure within the deadline, with flat memory, and no credential follows a
redirect."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import pytest
from hostile_target import Hostile

from juo_flowtest.base.secrets import SecretSet
from juo_flowtest.target.client import ApiResponse, Auth, JuoClient, make_http_client

TOKEN = "LEAKCHECK-transport-7f3a"
TIMEOUT = 0.5
#: What "within the deadline" may overshoot by: one scheduling slice on a loaded machine.
MARGIN = 0.6


@pytest.fixture
def client_for(hostile: Hostile) -> Iterator[object]:
    clients = []

    def make(mode: str, scheme: str = "delegated") -> JuoClient:
        http = make_http_client(TIMEOUT)
        clients.append(http)
        return JuoClient(http, hostile.base(mode), "shop.test", Auth(scheme, TOKEN),  # type: ignore[arg-type]
                         secrets=SecretSet(), max_body_bytes=1024 * 1024)

    yield make
    for http in clients:
        http.close()


def _timed_get(client: JuoClient) -> tuple[ApiResponse, float]:
    begun = time.monotonic()
    response = client.get("run-1")
    return response, time.monotonic() - begun


@pytest.mark.parametrize("mode", ["trickle", "slow-headers", "hang", "endless"])
def test_a_slow_or_endless_answer_ends_within_the_deadline(client_for: object, mode: str) -> None:
    response, took = _timed_get(client_for(mode))  # type: ignore[operator]
    assert response.failure is not None and not response.ok
    assert "no complete response to GET" in response.failure
    assert f"within {TIMEOUT:g}s" in response.failure
    assert TIMEOUT * 0.9 <= took < TIMEOUT + MARGIN, took  # retries stay inside it too


@pytest.mark.parametrize(("mode", "says"), [
    ("huge", "declares 52,428,800 bytes, more than the 1 MB body limit"),
    ("huge-chunked", "sends more than the 1 MB body limit"),
    ("gzip-bomb", "sends more than the 1 MB body limit"),
    ("deep-json", "nested more than 200 levels deep"),
])
def test_an_oversized_answer_is_cut_with_flat_memory(client_for: object, mode: str,
                                                     says: str) -> None:
    client = client_for(mode)  # type: ignore[operator]
    client.get("warm-up")  # the first call builds the connection pool: not the body's memory
    tracemalloc.start()
    try:
        response, took = _timed_get(client)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.failure is not None and says in response.failure
    assert peak < 8 * 1024 * 1024, peak  # the limit (1 MB) plus decoding, never the 50 MB
    assert took < TIMEOUT + MARGIN


@pytest.mark.parametrize(("mode", "says"), [
    ("drop", "the connection was dropped during GET"),
    ("half-body", "the connection was dropped during GET"),
    ("bad-status", "the connection was dropped during GET"),
])
def test_a_broken_connection_is_a_failure_after_bounded_retries(client_for: object, mode: str,
                                                                 says: str) -> None:
    response, took = _timed_get(client_for(mode))  # type: ignore[operator]
    assert response.failure is not None and response.failure.startswith(says)
    assert response.attempts == 3 and took < TIMEOUT + MARGIN


@pytest.mark.parametrize("scheme", ["delegated", "bearer"])
def test_credentials_never_follow_a_redirect(client_for: object, hostile: Hostile,
                                             scheme: str) -> None:
    before = len(hostile.thief_hits)
    client = client_for("redirect-307", scheme)  # type: ignore[operator]
    for response in (client.start({"flowType": "x", "context": {}}), client.get("r"),
                     client.respond("r", {"responseType": "accept"})):
        assert response.status == 307 and response.headers["location"].endswith("/thief/"
                                                                                 "customer/v1/steal")
    assert len(hostile.thief_hits) == before  # nothing at all went to the thief


@pytest.mark.parametrize("scheme", ["delegated", "bearer"])
@pytest.mark.parametrize("mode", ["echo-header", "echo-body", "echo-error", "echo-text"])
def test_an_echoed_token_is_hidden_everywhere_in_the_response(client_for: object, mode: str,
                                                              scheme: str) -> None:
    client = client_for(mode, scheme)  # type: ignore[operator]
    for response in (client.start({"flowType": "x", "context": {}}), client.get("run-1")):
        shown = repr((response.headers, response.body, response.exchange, response.failure))
        assert TOKEN not in shown
        assert response.status is not None


def test_a_foreign_run_id_is_kept_for_the_judge(client_for: object) -> None:
    response = client_for("foreign-run").get("run-1")  # type: ignore[operator]
    assert response.ok and response.run_id == "run-1"
    assert response.body["runId"] == "run-of-someone-else"


@pytest.mark.parametrize(("mode", "says"), [
    ("huge-header", "has headers larger than HTTP clients accept"),
    ("chunk-garbage", "breaks HTTP's chunked framing"),
])
def test_broken_framing_is_named(client_for: object, mode: str, says: str) -> None:
    response, _ = _timed_get(client_for(mode))  # type: ignore[operator]
    assert response.status is None and response.failure is not None
    assert says in response.failure, response.failure
