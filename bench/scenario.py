"""The benchmark scenario, expressed three ways: juo-flowtest flows, Tavern tests, a plain loop.

Every flow starts one cancellation run (example workflow ``cancellation``) and answers M pending
interactions. The first answer is ``next`` (value_reminder -> reason_poll); after that the
customer goes round ``not_using`` (-> skip_offer), ``decline`` (-> confirm_cancel, because
cycle_count 2 is below the loyalty threshold) and ``back`` (-> reason_poll), so a flow can have
any number of respond steps. Each call checks the same fields in all three forms: the HTTP
status, ``status``, ``pendingInteraction.stepId`` and ``.actionType``; each respond sends the
current ``interactionId`` and ``runVersion`` (as ``expectedRunVersion``) from the state before.

``python bench/scenario.py floor BASE_URL FLOWS STEPS`` runs the floor: the same calls as an
``httpx.Client`` loop checking the same fields by hand. It reads the token from
``JUO_DELEGATED_TOKEN`` (the sandbox's documented default if unset), never from a file.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FLOW_TYPE = "subscription_cancellation_requested"
TENANT = "sandbox.myshopify.com"
TOKEN_ENV = "JUO_DELEGATED_TOKEN"
SANDBOX_TOKEN = "sandbox-token"  # the sandbox's documented default, not a secret
FIRST = ("value_reminder", "show_content")
CYCLE = (
    ("not_using", "skip_offer", "offer_skip"),
    ("decline", "confirm_cancel", "show_confirmation"),
    ("back", "reason_poll", "poll"),
)


@dataclass(frozen=True)
class Answer:
    """One respond call and what the run must show after it."""

    response: str
    step_id: str
    action_type: str


def plan(steps: int) -> list[Answer]:
    """The M answers of a flow, e.g. ``plan(2)`` = next, not_using."""
    answers = [Answer("next", "reason_poll", "poll")]
    answers += [Answer(*CYCLE[i % len(CYCLE)]) for i in range(steps - 1)]
    return answers[:steps]


def context(index: int) -> dict[str, object]:
    return {"subscriptionId": f"gid://shopify/SubscriptionContract/{900000 + index}",
            "subscription": {"cycle_count": 2}}


def juo_flow(index: int, steps: int) -> str:
    """One ``*.flow.yaml`` document: explicit checks on every call, threading left to the runner."""
    lines = [
        f"flow: bench flow {index:05d}",
        "start:",
        f"  flowType: {FLOW_TYPE}",
        f"  context: {json.dumps(context(index))}",
        "expect:",
        "  http: 200",
        "  status: waiting_interaction",
        f"  pending: {{stepId: {FIRST[0]}, actionType: {FIRST[1]}}}",
        "steps:",
    ]
    for answer in plan(steps):
        lines += [
            f"  - respond: {answer.response}",
            "    expect:",
            "      http: 200",
            "      status: waiting_interaction",
            f"      pending: {{stepId: {answer.step_id}, actionType: {answer.action_type}}}",
        ]
    return "\n".join(lines) + "\n"


def _tavern_response(step_id: str, action_type: str) -> list[str]:
    return [
        "    response:",
        "      status_code: 200",
        "      json:",
        "        status: waiting_interaction",
        "        pendingInteraction:",
        f"          stepId: {step_id}",
        f"          actionType: {action_type}",
        "      save:",
        "        json:",
        "          interaction_id: pendingInteraction.interactionId",
        "          run_version: runVersion",
    ]


HEADERS = ("      headers:\n"
           f"        X-Tenant-ID: {TENANT}\n"
           "        X-Delegated-Token: \"{tavern.env_vars.JUO_DELEGATED_TOKEN}\"")


def tavern_test(index: int, steps: int) -> str:
    """One ``test_*.tavern.yaml`` document with the same calls, checks and threading (save)."""
    lines = [
        f"test_name: bench flow {index:05d}",
        "strict:",
        "  - json:off",  # Tavern matches JSON bodies exactly unless told; we check a subset
        "stages:",
        "  - name: start",
        "    request:",
        "      url: \"{base_url}/workflows/start\"",
        "      method: POST",
        HEADERS,
        f"      json: {json.dumps({'flowType': FLOW_TYPE, 'context': context(index)})}",
        *_tavern_response(*FIRST),
        "          run_id: runId",
    ]
    for number, answer in enumerate(plan(steps), 1):
        lines += [
            f"  - name: respond {number} {answer.response}",
            "    request:",
            "      url: \"{base_url}/workflows/{run_id}/respond\"",
            "      method: POST",
            HEADERS,
            "      json:",
            "        interactionId: \"{interaction_id}\"",
            f"        responseType: {answer.response}",
            "        expectedRunVersion: !int \"{run_version}\"",
            *_tavern_response(answer.step_id, answer.action_type),
        ]
    return "\n".join(lines) + "\n"


PYTEST_INI = "[pytest]\n"  # makes the folder pytest's rootdir: no repo addopts leak in


def write_juo(folder: Path, flows: int, steps: int, first: int = 0) -> Path:
    """Write ``flows`` flow files (one flow each) into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text(PYTEST_INI)
    for index in range(first, first + flows):
        (folder / f"bench_{index:05d}.flow.yaml").write_text(juo_flow(index, steps))
    return folder


def write_tavern(folder: Path, flows: int, steps: int, base_url: str, first: int = 0) -> Path:
    """Write ``flows`` Tavern files (one test each) and the global config into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text(PYTEST_INI)
    (folder / "global.yaml").write_text(f"variables:\n  base_url: \"{base_url}\"\n")
    for index in range(first, first + flows):
        (folder / f"test_bench_{index:05d}.tavern.yaml").write_text(tavern_test(index, steps))
    return folder


class FloorFailure(Exception):
    """A call of the floor loop did not return what the scenario expects."""


def _check(response: object, step_id: str, action_type: str) -> dict[str, Any]:
    import httpx

    assert isinstance(response, httpx.Response)
    if response.status_code != 200:
        raise FloorFailure(f"{response.request.url}: HTTP {response.status_code}")
    state: dict[str, Any] = response.json()
    pending = state.get("pendingInteraction") or {}
    if (state.get("status"), pending.get("stepId"), pending.get("actionType")) != (
            "waiting_interaction", step_id, action_type):
        raise FloorFailure(f"unexpected state {state.get('status')} {pending.get('stepId')}")
    return state


def floor(base_url: str, flows: int, steps: int) -> int:
    """Run the scenario as a plain httpx loop; return the number of calls made."""
    import httpx

    token = os.environ.get(TOKEN_ENV) or SANDBOX_TOKEN
    headers = {"X-Tenant-ID": TENANT, "X-Delegated-Token": token}
    answers = plan(steps)
    calls = 0
    with httpx.Client(base_url=base_url.rstrip("/") + "/", headers=headers) as client:
        for index in range(flows):
            body: dict[str, Any] = {"flowType": FLOW_TYPE, "context": context(index)}
            state = _check(client.post("workflows/start", json=body), *FIRST)
            calls += 1
            for answer in answers:
                pending = state["pendingInteraction"]
                assert isinstance(pending, dict)
                body = {"interactionId": pending["interactionId"],
                        "responseType": answer.response,
                        "expectedRunVersion": state["runVersion"]}
                response = client.post(f"workflows/{state['runId']}/respond", json=body)
                state = _check(response, answer.step_id, answer.action_type)
                calls += 1
    return calls


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "floor":
        print("usage: python bench/scenario.py floor BASE_URL FLOWS STEPS", file=sys.stderr)
        return 4
    try:
        calls = floor(argv[1], int(argv[2]), int(argv[3]))
    except FloorFailure as exc:
        print(f"floor: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"floor: {calls} calls passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
