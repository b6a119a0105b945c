"""Fault injection, as an httpx client sees it: each kind, deterministic per seed."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from sandbox_api import CANCELLATION, HEADERS

from juo_flowtest.sandbox import FaultConfig, ManualClock, Sandbox
from juo_flowtest.sandbox.faults import fate

MIXED = {"error_rate": 0.2, "drop_rate": 0.2, "malformed_rate": 0.2, "missing_field_rate": 0.2}
START = {"flowType": CANCELLATION, "context": {}}


def seed_with(prefix: list[str]) -> FaultConfig:
    """The first seed whose first fates are ``prefix`` (the rule is public: ``fate``)."""
    for seed in range(100_000):
        config = FaultConfig(seed=seed, **MIXED)  # type: ignore[arg-type]
        if [fate(config, n) for n in range(len(prefix))] == prefix:
            return config
    raise AssertionError(f"no seed gives {prefix}")


def observe(client: httpx.Client, method: str, url: str, **kw: Any) -> tuple[str, Any]:
    """What the client saw: drop, error, malformed, missing_field or ok (with the body)."""
    try:
        response = client.request(method, url, **kw)
    except (httpx.RemoteProtocolError, httpx.ReadError):
        return "drop", None
    if response.status_code == 503:
        assert response.json()["code"] == "fault_injected"
        return "error", None
    try:
        body = response.json()
    except json.JSONDecodeError:
        return "malformed", None
    return ("ok" if "runVersion" in body else "missing_field"), body


def served(config: FaultConfig) -> Sandbox:
    return Sandbox(faults=config, clock=ManualClock())


def test_sequence_follows_seed_and_repeats() -> None:
    config = seed_with(["ok"])
    runs = []
    for _ in range(2):
        with served(config) as sb, httpx.Client(base_url=sb.base_url, headers=HEADERS) as c:
            kind, state = observe(c, "POST", "/workflows/start", json=START)
            assert kind == "ok"
            seen = [observe(c, "GET", f"/workflows/{state['runId']}")[0] for _ in range(40)]
            runs.append(seen)
    assert runs[0] == runs[1] == [fate(config, n) for n in range(1, 41)]
    assert set(runs[0]) == {"ok", "drop", "error", "malformed", "missing_field"}
    other = FaultConfig(seed=config.seed + 1, **MIXED)  # type: ignore[arg-type]
    assert [fate(other, n) for n in range(1, 41)] != runs[0]


@pytest.mark.parametrize(("kind", "applied"), [("drop", False), ("error", False),
                                               ("malformed", True), ("missing_field", True)])
def test_faulted_respond_applied_or_not(kind: str, applied: bool) -> None:
    config = seed_with(["ok", kind, "ok"])
    with served(config) as sb, httpx.Client(base_url=sb.base_url, headers=HEADERS) as c:
        _, state = observe(c, "POST", "/workflows/start", json=START)
        body = {"interactionId": state["pendingInteraction"]["interactionId"],
                "responseType": "next", "expectedRunVersion": 1}
        seen, _ = observe(c, "POST", f"/workflows/{state['runId']}/respond", json=body)
        assert seen == kind
        after_kind, after = observe(c, "GET", f"/workflows/{state['runId']}")
        assert after_kind == "ok"
        assert after["runVersion"] == (2 if applied else 1)


def test_latency_is_added() -> None:
    with served(FaultConfig(latency_ms=120)) as sb, httpx.Client(
            base_url=sb.base_url, headers=HEADERS) as c:
        began = time.perf_counter()
        assert c.post("/workflows/start", json=START).status_code == 200
        assert time.perf_counter() - began >= 0.12
        assert httpx.get(sb.base_url.removesuffix("/customer/v1") + "/openapi.json").is_success


def test_bad_rates_are_refused() -> None:
    with pytest.raises(ValueError):
        FaultConfig(error_rate=0.7, drop_rate=0.7)
