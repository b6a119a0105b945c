"""Concurrent responds to one interaction: exactly one wins, the others get 409, nothing lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sandbox_api import HEADERS, Api

from juo_flowtest.sandbox import Sandbox

CLIENTS = 20
ROUNDS = 30


@pytest.fixture(scope="module")
def clients(sandbox: Sandbox) -> Iterator[list[httpx.Client]]:
    pool = [httpx.Client(base_url=sandbox.base_url, headers=HEADERS, timeout=10)
            for _ in range(CLIENTS)]
    yield pool
    for client in pool:
        client.close()


def race(clients: list[httpx.Client], state: dict[str, Any],
         body: dict[str, Any]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(clients))

    def one(client: httpx.Client) -> httpx.Response:
        barrier.wait()
        return client.post(f"/workflows/{state['runId']}/respond", json=body)

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(one, clients))


@pytest.mark.parametrize("with_version", [True, False])
def test_exactly_one_respond_wins(api: Api, clients: list[httpx.Client],
                                  with_version: bool) -> None:
    for _ in range(ROUNDS):
        state = api.started()
        body: dict[str, Any] = {"interactionId": state["pendingInteraction"]["interactionId"],
                                "responseType": "next"}
        if with_version:
            body["expectedRunVersion"] = state["runVersion"]
        responses = race(clients, state, body)
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {200: 1, 409: CLIENTS - 1}, statuses
        codes = {r.json()["code"] for r in responses if r.status_code == 409}
        assert codes <= ({"run_version_conflict"} if with_version
                         else {"run_not_waiting", "interaction_mismatch"})
        winner = next(r.json() for r in responses if r.status_code == 200)
        final = api.get(state["runId"]).json()
        assert final["runVersion"] == 2 == winner["runVersion"]
        assert final["pendingInteraction"]["stepId"] == "reason_poll"
        assert final["result"]["visitedSteps"] == ["value_reminder", "reason_poll"]
