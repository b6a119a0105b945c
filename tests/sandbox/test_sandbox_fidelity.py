"""Fidelity to Juo's docs: the documented cancellation default, interactions only under
customer-initiated triggers, strict timeouts, integer traffic shares, strict condition keys,
and whole-number ``expectedRunVersion`` values."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_api import HEADERS

from juo_flowtest.base.errors import WorkflowDefinitionError
from juo_flowtest.sandbox import ManualClock, Sandbox
from juo_flowtest.sandbox.loading import load_files

CANCEL = "subscription_cancellation_requested"
WORKFLOW = """\
id: 1c7e9f00-0000-4000-8000-000000000001
name: Short cancellation
version: 1
status: published
triggerType: subscription_cancellation_requested
trigger: {id: t, type: subscription_cancellation_requested, category: customer_initiated}
steps:
  - id: ask
    name: Ask
    isInitial: true
    action: {id: a, type: poll, config: {options: [{id: stay}, {id: leave}, {id: offer}]}}
    transitions:
      - {id: to_saved, type: response, responseType: stay, targetStepId: kept}
      - {id: to_offer, type: response, responseType: offer, targetStepId: offer}
  - id: offer
    name: Offer
    action: {id: o, type: offer_skip}
    transitions:
      - {id: took, type: response, responseType: accept, targetStepId: done}
      - {id: left, type: response, responseType: decline, targetStepId: done}
  - id: kept
    name: Kept
    isFinal: true
    action: {id: k, type: end, config: {outcome: {type: saved}, category: retained}}
  - id: done
    name: Done
    isFinal: true
    action: {id: d, type: end, config: {category: ended}}
"""


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[httpx.Client]:
    (tmp_path / "short.workflow.yaml").write_text(WORKFLOW)
    with Sandbox(tmp_path, clock=ManualClock()) as sb, httpx.Client(
            base_url=sb.base_url, headers=HEADERS, timeout=10) as client:
        yield client


def finish(client: httpx.Client, *answers: str, dry: bool = False) -> dict[str, Any]:
    state: dict[str, Any] = client.post("/workflows/start", json={
        "flowType": CANCEL, "context": {}, "dryRun": dry}).json()
    for answer in answers:
        state = client.post(f"/workflows/{state['runId']}/respond", json={
            "interactionId": state["pendingInteraction"]["interactionId"],
            "responseType": answer}).json()
    return state


def test_a_cancellation_that_ends_with_no_accepted_offer_cancels(
        served: httpx.Client) -> None:
    for answers in (("leave",), ("offer", "decline")):  # no transition / a declined offer
        state = finish(served, *answers)
        assert state["status"] == "completed"
        assert state["outcome"] == state["completionData"]["outcome"] == {"type": "cancelled"}
        assert [e["type"] for e in state["result"]["effects"]] == ["cancel_subscription"]
        assert state["result"]["effects"][0]["applied"] is True
        assert "subscription" in state["invalidatedResources"]


def test_the_default_is_not_applied_in_a_dry_run_and_not_after_an_accepted_offer(
        served: httpx.Client) -> None:
    dry = finish(served, "leave", dry=True)
    assert dry["outcome"] == {"type": "cancelled"} and dry["invalidatedResources"] == []
    assert [(e["type"], e["applied"]) for e in dry["result"]["effects"]] == [
        ("cancel_subscription", False)]
    accepted = finish(served, "offer", "accept")
    assert "outcome" not in accepted  # saved by the offer: no default
    assert [e["type"] for e in accepted["result"]["effects"]] == ["offer_skip"]
    kept = finish(served, "stay")  # the final step's config says otherwise
    assert kept["outcome"] == {"type": "saved"} and kept["result"]["effects"] == []


def test_an_explicit_cancellation_step_is_not_doubled() -> None:
    with Sandbox(clock=ManualClock()) as sb, httpx.Client(
            base_url=sb.base_url, headers=HEADERS, timeout=10) as client:
        state: dict[str, Any] = client.post("/workflows/start", json={
            "flowType": CANCEL, "context": {}}).json()
        for answer in ("next", "other", "confirm"):
            state = client.post(f"/workflows/{state['runId']}/respond", json={
                "interactionId": state["pendingInteraction"]["interactionId"],
                "responseType": answer}).json()
        assert [e["type"] for e in state["result"]["effects"]] == ["cancel_subscription"]
        assert state["outcome"]["type"] == "cancelled"


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "w.workflow.yaml"
    path.write_text(textwrap.dedent(text))
    with pytest.raises(WorkflowDefinitionError) as caught:
        load_files([path])
    return [f"{d.position.line}:{d.position.column}: {d.message}"
            for d in caught.value.diagnostics]


def test_an_interaction_under_a_system_event_trigger_is_a_load_error(tmp_path: Path) -> None:
    text = WORKFLOW.replace("category: customer_initiated", "category: system_event")
    found = problems(tmp_path, text)
    assert found[0] == ("11:21: step 'ask': interaction 'poll' in a 'system_event' workflow: "
                        "interactions need a customer present")
    assert len(found) == 2  # ask and offer; executions and end steps are fine


@pytest.mark.parametrize(("timeout", "message"), [
    ("0", "'timeout' must be a positive number of milliseconds, got 0"),
    ("-5", "'timeout' must be a positive number of milliseconds, got -5"),
    ("1.5", "'timeout' must be a whole number, got 1.5"),
    ('"300"', "'timeout' must be a whole number, got str"),
    ("true", "'timeout' must be a whole number, got bool"),
])
def test_a_timeout_is_a_positive_whole_number_of_ms(tmp_path: Path, timeout: str,
                                                   message: str) -> None:
    text = WORKFLOW.replace(
        "      - {id: left, type: response, responseType: decline, targetStepId: done}",
        "      - {id: left, type: response, responseType: decline, targetStepId: done}\n"
        f"      - {{id: late, type: timeout, timeout: {timeout}, targetStepId: done}}")
    (found,) = problems(tmp_path, text)
    assert found.endswith(message)


def test_one_timeout_transition_per_step(tmp_path: Path) -> None:
    text = WORKFLOW.replace(
        "      - {id: left, type: response, responseType: decline, targetStepId: done}",
        "      - {id: left, type: response, responseType: decline, targetStepId: done}\n"
        "      - {id: late, type: timeout, timeout: 100, targetStepId: done}\n"
        "      - {id: later, type: timeout, timeout: 200, targetStepId: kept}")
    assert problems(tmp_path, text) == [
        "22:9: step 'offer': a second timeout transition"]


def test_traffic_percentages_are_integers(tmp_path: Path) -> None:
    text = WORKFLOW.replace(
        "    isInitial: true\n",
        "    isInitial: true\n    experimentConfig:\n      variants:\n"
        "        - {id: a, trafficPercentage: 50.5}\n        - {id: b, trafficPercentage: 49.5}\n")
    found = problems(tmp_path, text)
    assert [f.split(": ", 1)[1] for f in found][:2] == [
        "step 'ask' variants[0]: 'trafficPercentage' must be a whole number, got 50.5",
        "step 'ask' variants[1]: 'trafficPercentage' must be a whole number, got 49.5"]


def test_whole_numbers_written_with_a_point_are_whole_numbers(tmp_path: Path) -> None:
    """JSON has one number type: Juo reads ``1000.0`` as the integer its schema asks for."""
    text = WORKFLOW.replace(
        "    isInitial: true\n",
        "    isInitial: true\n    experimentConfig:\n      variants:\n"
        "        - {id: a, trafficPercentage: 60.0}\n        - {id: b, trafficPercentage: 40}\n"
    ).replace(
        "      - {id: left, type: response, responseType: decline, targetStepId: done}",
        "      - {id: left, type: response, responseType: decline, targetStepId: done}\n"
        "      - {id: late, type: timeout, timeout: 1000.0, targetStepId: done}")
    path = tmp_path / "w.workflow.yaml"
    path.write_text(textwrap.dedent(text))
    (workflow,) = load_files([path])
    step = next(s for s in workflow.steps.values() if s.variants)
    assert [v.traffic for v in step.variants] == [60.0, 40.0]
    (late,) = [t for s in workflow.steps.values() for t in s.transitions if t.type == "timeout"]
    assert late.timeout_ms == 1000 and isinstance(late.timeout_ms, int)


def test_unknown_and_nested_condition_keys_are_errors(tmp_path: Path) -> None:
    text = WORKFLOW.replace(
        "      - {id: to_saved, type: response, responseType: stay, targetStepId: kept}",
        "      - id: to_saved\n        type: response\n        responseType: stay\n"
        "        targetStepId: kept\n        conditions:\n          rootLogic: and\n"
        "          groups:\n            - id: g\n              logic: and\n"
        "              items:\n                - id: i\n                  left: {resolver: value, "
        "params: {value: 1}}\n                  operater: equals\n"
        "                  right: {resolver: value, params: {value: 1}}\n"
        "                - {id: j, rootLogic: or, groups: []}\n")
    found = problems(tmp_path, text)
    assert ("25:19: step 'ask' transition 'to_saved': unknown key 'operater' in a condition "
            "item") in found
    assert ("27:27: step 'ask' transition 'to_saved': a nested condition in a condition "
            "item") in found
    # the nested condition is one error, not one per item key it lacks
    assert [f for f in found if f.startswith("27:")] == [
        "27:27: step 'ask' transition 'to_saved': a nested condition in a condition item"]


def test_expected_run_version_takes_any_whole_number(served: httpx.Client) -> None:
    state = served.post("/workflows/start", json={"flowType": CANCEL, "context": {}}).json()
    body = {"interactionId": state["pendingInteraction"]["interactionId"],
            "responseType": "offer"}
    fraction = served.post(f"/workflows/{state['runId']}/respond",
                           json={**body, "expectedRunVersion": 1.5})
    assert fraction.status_code == 400
    assert fraction.json()["message"].startswith("body/expectedRunVersion")
    whole = served.post(f"/workflows/{state['runId']}/respond",
                        json={**body, "expectedRunVersion": 1.0})
    assert whole.status_code == 200 and whole.json()["runVersion"] == 2
