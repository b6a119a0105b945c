"""The JSON Schema of workflow definition files (``juo_flowtest/sandbox/workflow.schema.json``).

It is an editor aid (``# yaml-language-server: $schema=...``), documented in
``docs/workflow-format.md``; the sandbox's loader stays the authority. These tests pin that the
schema accepts what the loader accepts (every example workflow, as YAML and as JSON), rejects
the obvious mistakes, and knows exactly the action types, operators and resolvers the sandbox
code knows.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from juo_flowtest.sandbox import assumptions, loading
from juo_flowtest.sandbox.conditions import OPERATORS
from juo_flowtest.sandbox.source import SourceFile

SANDBOX = resources.files("juo_flowtest.sandbox")
SCHEMA: dict[str, Any] = json.loads((SANDBOX / "workflow.schema.json").read_text("utf-8"))
EXAMPLES = sorted(
    p for pattern in loading.PATTERNS for p in Path(str(SANDBOX / "examples")).glob(pattern)
)
VALIDATOR = Draft202012Validator(SCHEMA)


def _read(path: Path) -> Any:
    """The file's data exactly as the sandbox reads it, as plain JSON data."""
    src = SourceFile(path)
    data = src.parse()
    assert not src.problems, [d.render() for d in src.problems]
    return json.loads(json.dumps(data))


def _errors(data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATOR.iter_errors(data)]


# -- (a) what the sandbox accepts, the schema accepts ---------------------------------------

def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_there_are_example_workflows() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_workflow_is_valid(path: Path) -> None:
    assert _errors(_read(path)) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_written_as_json_loads_and_is_valid(path: Path, tmp_path: Path) -> None:
    data = _read(path)
    twin = tmp_path / (path.name.split(".", 1)[0] + ".workflow.json")
    twin.write_text(json.dumps({"$schema": "workflow.schema.json", **data}, indent=2), "utf-8")
    (workflow,) = loading.load_files([twin])
    assert (workflow.id, workflow.version) == (data["id"], data["version"])
    assert _errors(json.loads(twin.read_text("utf-8"))) == []


# -- (b) obvious mistakes are rejected -------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "id": "minimal",
    "name": "Minimal",
    "version": 1,
    "status": "published",
    "triggerType": "customer_portal_opened",
    "trigger": {"id": "t", "type": "customer_portal_opened", "category": "customer_initiated"},
    "steps": [
        {
            "id": "ask",
            "name": "Ask",
            "isInitial": True,
            "action": {"id": "ask_action", "type": "offer_renew", "config": {"title": "Renew?"}},
            "transitions": [
                {"id": "yes", "type": "response", "responseType": "accept",
                 "targetStepId": "route"},
                {"id": "no", "type": "response", "responseType": "decline",
                 "targetStepId": "done"},
                {"id": "late", "type": "timeout", "timeout": 300},
            ],
        },
        {
            "id": "route",
            "name": "Route",
            "experimentConfig": {"variants": [{"id": "a", "trafficPercentage": 50},
                                              {"id": "b", "trafficPercentage": 50}]},
            "transitions": [
                {"id": "to_done", "type": "auto", "targetStepId": "done", "conditions": {
                    "rootLogic": "and",
                    "groups": [{"id": "g", "logic": "and", "items": [
                        {"id": "i",
                         "left": {"resolver": "variant", "params": {"stepId": "route"}},
                         "operator": "equals",
                         "right": {"resolver": "value", "params": {"value": "a"}}},
                        {"id": "j",
                         "left": {"resolver": "context", "params": {"path": "tags"}},
                         "operator": "is_not_empty"},
                    ]}],
                }},
                {"id": "fallback", "type": "auto", "targetStepId": "done"},
            ],
        },
        {
            "id": "done",
            "name": "Done",
            "isFinal": True,
            "action": {"id": "done_action", "type": "end",
                       "config": {"outcome": {"type": "renewed"}, "category": "retained"}},
        },
    ],
}


def _mutated(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    change(data)
    return data


def _transition(data: dict[str, Any], step: int, index: int) -> dict[str, Any]:
    transition: dict[str, Any] = data["steps"][step]["transitions"][index]
    return transition


def _condition(data: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = _transition(data, 1, 0)["conditions"]["groups"][0]["items"][0]
    return item


#: Mistakes that both the schema and the sandbox's loader reject.
REJECTED_BY_BOTH = {
    "transition without type": lambda d: _transition(d, 0, 0).pop("type"),
    "unknown transition type": lambda d: _transition(d, 0, 0).update(type="on_response"),
    "unknown operator": lambda d: _condition(d).update(operator="equal"),
    "unknown resolver": lambda d: _condition(d)["right"].update(resolver="literal"),
    "binary operator without right": lambda d: _condition(d).pop("right"),
    "context resolver without path": lambda d: _condition(d)["left"].update(
        resolver="context", params={}),
    "unknown action type": lambda d: d["steps"][0]["action"].update(type="offer_refund"),
    "response transition without responseType": lambda d: _transition(d, 0, 0).pop(
        "responseType"),
    "auto transition without target": lambda d: _transition(d, 1, 1).pop("targetStepId"),
    "timeout transition without timeout": lambda d: _transition(d, 0, 2).pop("timeout"),
    "version as a string": lambda d: d.update(version="1"),
    "version 0": lambda d: d.update(version=0),
    "unknown status": lambda d: d.update(status="live"),
    "unknown trigger category": lambda d: d["trigger"].update(category="customer"),
    "no steps key": lambda d: d.pop("steps"),
    "step without name": lambda d: d["steps"][2].pop("name"),
    "one experiment variant": lambda d: d["steps"][1]["experimentConfig"]["variants"].pop(),
    "misspelt isInitial": lambda d: d["steps"][0].update(isinitial=d["steps"][0].pop("isInitial")),
    "negative durationMs": lambda d: d["steps"][0]["action"]["config"].update(durationMs=-1),
    "fail without message": lambda d: d["steps"][0]["action"]["config"].update(
        fail={"code": "x"}),
    "rootLogic xor": lambda d: _transition(d, 1, 0)["conditions"].update(rootLogic="xor"),
}

#: Mistakes the loader lets through (it ignores keys it does not read, and does not check
#: what only final steps or timeouts use), which the schema flags for the editor.
REJECTED_BY_THE_SCHEMA = {
    "unknown top-level key": lambda d: d.update(stpes=[]),
    "unknown key in a step": lambda d: d["steps"][0].update(onTimeout="done"),
    "unknown key in a transition": lambda d: _transition(d, 0, 0).update(target="done"),
    "responseType on an auto transition": lambda d: _transition(d, 1, 1).update(
        responseType="accept"),
    "conditions on a timeout transition": lambda d: _transition(d, 0, 2).update(
        conditions=_transition(d, 1, 0)["conditions"]),
    "negative timeout": lambda d: _transition(d, 0, 2).update(timeout=-1),
    "outcome as a string": lambda d: d["steps"][2]["action"]["config"].update(outcome="saved"),
}


def _load(data: dict[str, Any], tmp_path: Path) -> Any:
    path = tmp_path / "case.workflow.json"
    path.write_text(json.dumps(data), "utf-8")
    return loading.load_files([path])


def test_the_minimal_workflow_is_valid_for_both(tmp_path: Path) -> None:
    assert _errors(MINIMAL) == []
    (workflow,) = _load(MINIMAL, tmp_path)
    assert workflow.initial == "ask"


@pytest.mark.parametrize("change", REJECTED_BY_BOTH.values(), ids=REJECTED_BY_BOTH)
def test_the_schema_and_the_loader_reject(change: Any, tmp_path: Path) -> None:
    data = _mutated(change)
    assert _errors(data) != []
    with pytest.raises(Exception) as raised:
        _load(data, tmp_path)
    # Checked by name, so that this test does not depend on the module defining the class.
    assert type(raised.value).__name__ == "WorkflowDefinitionError", raised.value


@pytest.mark.parametrize("change", REJECTED_BY_THE_SCHEMA.values(), ids=REJECTED_BY_THE_SCHEMA)
def test_the_schema_rejects(change: Any) -> None:
    assert _errors(_mutated(change)) != []


def test_a_target_less_timeout_is_accepted() -> None:
    """The sandbox extension: a timeout without targetStepId abandons the run."""
    assert "targetStepId" not in _transition(MINIMAL, 0, 2)
    assert _errors(MINIMAL) == []


# -- (c) the schema's vocabularies are the sandbox's ----------------------------------------

def _enum(name: str) -> list[str]:
    values: list[str] = SCHEMA["$defs"][name]["enum"]
    assert len(values) == len(set(values)), f"{name} lists a value twice"
    return values


def test_the_action_types_are_the_sandboxs() -> None:
    assert set(_enum("interactionType")) == assumptions.INTERACTION_TYPES
    assert set(_enum("executionType")) == set(assumptions.EXECUTION_RESOURCES)
    assert set(_enum("endType")) == assumptions.END_TYPES
    assert set(_enum("interactionType") + _enum("executionType") + _enum("endType")) == set(
        loading.KNOWN_ACTIONS)


def test_the_operators_are_the_sandboxs_in_order() -> None:
    assert _enum("operator") == list(OPERATORS)
    assert set(_enum("unaryOperator")) == assumptions.UNARY_OPERATORS


def test_the_resolvers_statuses_and_categories_are_the_sandboxs() -> None:
    assert set(_enum("resolver")) == assumptions.RESOLVERS
    assert _enum_of(SCHEMA["properties"]["status"]) == list(loading.STATUSES)
    assert _enum_of(SCHEMA["$defs"]["trigger"]["properties"]["category"]) == list(
        loading.CATEGORIES)


def test_the_engine_config_keys_are_described() -> None:
    described = set(SCHEMA["$defs"]["config"]["properties"])
    assert described == set(assumptions.ENGINE_CONFIG_KEYS)


def _enum_of(node: dict[str, Any]) -> list[str]:
    values: list[str] = node["enum"]
    return values
