"""The run-state contract check: what it accepts, what it reports, and that the fast path
agrees with the JSON Schema validator on every mutation of a valid run state."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from juo_flowtest.target.runstate import _VALIDATOR, RUN_STATE_SCHEMA, check_run_state, conforms


def valid_state() -> dict[str, Any]:
    return {
        "workflowId": "wf-cancel",
        "workflowVersion": 2,
        "runId": "6f1c6a43-2a55-4a43-8a4f-5c3b1c2d9e10",
        "runVersion": 3,
        "status": "waiting_interaction",
        "pendingInteraction": {
            "interactionId": "int-1",
            "stepId": "discount_offer",
            "actionType": "offer_discount",
            "actionBehavior": "input",
            "actionConfig": {"percentage": 20},
            "availableResponses": [
                {"type": "accept", "label": "Yes"},
                {"type": "decline", "label": "No"},
            ],
            "presentedAt": "2025-03-01T10:00:00.000Z",
            "timeoutMs": 60000,
        },
        "interactiveSteps": [
            {
                "stepId": "discount_offer",
                "actionType": "offer_discount",
                "actionConfig": {},
                "availableResponses": [{"type": "accept", "label": "Yes"}],
            }
        ],
        "result": {"effects": []},
        "error": {"message": "boom", "code": "x"},
        "invalidatedResources": ["subscription"],
        "outcome": {"type": "saved", "message": "kept"},
        "completionData": {
            "outcome": {"type": "saved", "message": "kept"},
            "endStep": {"id": "end", "category": "retained", "label": "End"},
        },
    }


def test_a_documented_run_state_conforms() -> None:
    assert check_run_state(valid_state()) == []
    minimal = {k: valid_state()[k] for k in RUN_STATE_SCHEMA["required"]}
    assert check_run_state(minimal) == []


def test_extra_fields_are_allowed() -> None:
    state = valid_state()
    state["somethingNew"] = {"x": 1}
    state["pendingInteraction"]["extra"] = True
    assert conforms(state)


def test_every_problem_is_reported_with_its_path() -> None:
    state = valid_state()
    del state["runVersion"]
    del state["pendingInteraction"]["presentedAt"]
    state["status"] = "paused"
    state["completionData"]["endStep"] = {"category": "retained"}
    state["error"] = {"code": "x"}
    paths = [m.path for m in check_run_state(state)]
    assert paths == [
        "schema runVersion",
        "schema completionData.endStep.id",
        "schema error.message",
        "schema pendingInteraction.presentedAt",
        "schema status",
    ]
    status = next(m for m in check_run_state(state) if m.path == "schema status")
    assert status.actual == "paused"
    assert "is not one of" in status.message and status.message.startswith("contract violation")


def test_a_non_object_body_is_a_violation() -> None:
    assert [m.path for m in check_run_state([1, 2])] == ["schema $"]
    assert check_run_state("text")[0].message.startswith("contract violation")


def test_a_bool_is_not_a_number() -> None:
    state = valid_state()
    state["runVersion"] = True
    assert [m.path for m in check_run_state(state)] == ["schema runVersion"]


def test_presented_at_must_be_a_date_time() -> None:
    state = valid_state()
    state["pendingInteraction"]["presentedAt"] = "yesterday"
    assert [m.path for m in check_run_state(state)] == ["schema pendingInteraction.presentedAt"]


_WRONG_VALUES: list[Any] = [None, 7, 1.5, True, "s", [], {}, ["x"], {"type": 1}]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield prefix + (i,)
            yield from _paths(value, prefix + (i,))


def _mutations() -> Iterator[dict[str, Any]]:
    base = valid_state()
    for path in list(_paths(base)):
        for wrong in _WRONG_VALUES + ["__delete__"]:
            doc = copy.deepcopy(base)
            parent = doc
            for part in path[:-1]:
                parent = parent[part]
            if wrong == "__delete__":
                if isinstance(parent, dict):
                    del parent[path[-1]]
                else:
                    parent.pop(path[-1])
            else:
                parent[path[-1]] = copy.deepcopy(wrong)
            yield doc
    for status in ["running", "completed", "failed", "cancelled", "RUNNING", ""]:
        doc = copy.deepcopy(base)
        doc["status"] = status
        yield doc


def test_the_fast_check_agrees_with_the_schema_on_every_mutation() -> None:
    count = 0
    for doc in _mutations():
        count += 1
        assert conforms(doc) == _VALIDATOR.is_valid(doc), doc
    assert count > 400


@pytest.mark.parametrize("body", [None, 1, "x", [], {"status": ["a"]}, {"status": {}}])
def test_odd_bodies_do_not_crash(body: Any) -> None:
    assert conforms(body) is False
    assert check_run_state(body)
