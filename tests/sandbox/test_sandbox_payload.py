"""Hostile request bodies: every one a 400 validation_error naming the field, never a 500; the
server stays up and no run changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox_api import Api

from juo_flowtest.sandbox.payload import MAX_DEPTH, PayloadError, json_object, out_of_range


def _post(api: Api, path: str, raw: bytes) -> httpx.Response:
    return api.client.post(path, content=raw, headers={"Content-Type": "application/json"})


def _validation(response: httpx.Response, says: str) -> None:
    assert response.status_code == 400, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == "validation_error" and says in body["message"], body


@pytest.mark.parametrize(("version", "says"), [
    ("1" + "0" * 400, "body/expectedRunVersion: out of range"),
    ("1e400", "body/expectedRunVersion: out of range"),
    ("-1e400", "body/expectedRunVersion: out of range"),
    ("9223372036854775808", "body/expectedRunVersion: out of range"),
    ("NaN", "body: not valid JSON"),
    ("Infinity", "body: not valid JSON"),
    ("9" * 5000, "body: not valid JSON"),
])
def test_an_out_of_range_version_is_a_validation_error(api: Api, version: str, says: str) -> None:
    state = api.started()
    interaction = state["pendingInteraction"]["interactionId"]
    raw = (f'{{"interactionId": "{interaction}", "responseType": "next", '
           f'"expectedRunVersion": {version}}}').encode()
    _validation(_post(api, f"/workflows/{state['runId']}/respond", raw), says)
    _validation(_post(api, f"/workflows/{state['runId']}/cancel", raw.replace(
        b'"interactionId"', b'"x"')), says)
    assert api.get(state["runId"]).json() == state  # nothing changed


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 2_000, 100_000])
def test_over_deep_json_is_a_validation_error_naming_the_field(api: Api, levels: int) -> None:
    deep = b"[" * levels + b"]" * levels
    start = b'{"flowType": "x", "context": {"nested": ' + deep + b"}}"
    _validation(_post(api, "/workflows/start", start), "body/context: nested more than 100")
    _validation(_post(api, "/workflows/start", deep), "body: nested more than 100 levels")
    state = api.started()
    respond = (b'{"interactionId": "i", "responseType": "x", "responseData": {"a": '
               + deep + b"}}")
    _validation(_post(api, f"/workflows/{state['runId']}/respond", respond),
                "body/responseData: nested more than 100 levels")
    assert api.get(state["runId"]).json() == state


def test_strings_with_brackets_are_not_nesting() -> None:
    text = b'{"a": "' + b"[" * 5000 + b'", "b": {"c": "]]]\\"[[["}}'
    assert json_object(text)["a"] == "[" * 5000
    assert json_object(b"{\"x\": " + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}")
    with pytest.raises(PayloadError, match="must be a JSON object"):
        json_object(b"[1]")


def test_out_of_range_is_about_whole_numbers_only() -> None:
    assert out_of_range(10**400) and out_of_range(float("inf")) and out_of_range(1e300)
    assert not out_of_range(2**63 - 1) and not out_of_range(1.5) and not out_of_range(True)
    assert not out_of_range("1" * 400)


@pytest.mark.parametrize(("raw", "says"), [
    (b'{"flowType": "x", "context": {"a": [1, -1e400]}}', "body/context/a/1: out of range"),
    (b'{"flowType": "x", "context": {"b": 1' + b"0" * 400 + b'.5}}', "body/context/b: out of range"),
])
def test_an_infinite_number_anywhere_is_a_validation_error(api: Api, raw: bytes,
                                                            says: str) -> None:
    _validation(_post(api, "/workflows/start", raw), says)


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000, b'{"ms": NaN}',
                                 b'{"ms": 1e400}', b"{"])
def test_advance_refuses_hostile_bodies_with_a_400(api: Api, raw: bytes) -> None:
    state = api.started()
    _validation(_post(api, f"/workflows/{state['runId']}/advance", raw), "body/ms")
    assert api.get(state["runId"]).json() == state
