"""loader: flow files -> model, and golden files pinning the exact error text.

Golden files: ``tests/golden/invalid/NAME.flow.yaml`` with ``NAME.txt`` holding the exact
rendered ``FlowFileError`` (path shown as the bare file name). Rewrite them after an intended
change with ``JUO_UPDATE_GOLDEN=1 pytest tests/flowfile/test_flowfile_loader.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juo_flowtest.base.errors import FlowFileError
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import Template, render
from juo_flowtest.expect.matchers import MISSING
from juo_flowtest.flowfile.kinds.attach import AttachAction
from juo_flowtest.flowfile.kinds.get import GetAction
from juo_flowtest.flowfile.kinds.respond import RespondAction
from juo_flowtest.flowfile.kinds.start import StartAction
from juo_flowtest.flowfile.kinds.wait import WaitAction
from juo_flowtest.flowfile.loader import load_file, load_text, report_name
from juo_flowtest.flowfile.model import UNSET, Case

GOLDEN = Path(__file__).parents[1] / "golden"
INVALID = sorted((GOLDEN / "invalid").glob("*.flow.yaml"))
VALID = sorted((GOLDEN / "valid").glob("*.flow.yaml"))


def errors_of(text: str, path: str = "t.flow.yaml") -> list[str]:
    with pytest.raises(FlowFileError) as info:
        load_text(text, path)
    return [d.message for d in info.value.diagnostics]


def resolve_from(scope: dict[str, Any]) -> Any:
    return scope.__getitem__


@pytest.mark.parametrize("flow_path", INVALID, ids=lambda p: p.name.removesuffix(".flow.yaml"))
def test_invalid_golden(flow_path: Path) -> None:
    expected_path = flow_path.with_name(flow_path.name.removesuffix(".flow.yaml") + ".txt")
    with pytest.raises(FlowFileError) as info:
        load_text(flow_path.read_text(encoding="utf-8"), flow_path.name)
    rendered = "\n\n".join(d.render() for d in info.value.diagnostics) + "\n"
    if os.environ.get("JUO_UPDATE_GOLDEN") == "1":
        expected_path.write_text(rendered, encoding="utf-8")
    assert rendered == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("flow_path", VALID, ids=lambda p: p.name)
def test_valid_golden_loads(flow_path: Path) -> None:
    flow_file = load_file(flow_path)
    assert flow_file.flows and flow_file.path == str(flow_path)


SPEC_EXAMPLE = GOLDEN / "valid" / "spec_example.flow.yaml"


def test_spec_example_becomes_the_model() -> None:
    (flow,) = load_file(SPEC_EXAMPLE).flows
    assert flow.name == "Price objection is saved by a discount"
    assert flow.tags == ("smoke", "cancellation") and flow.severity == "critical"
    assert flow.links[0].name == "JUO-412" and flow.feature == "Cancellation flow"
    opening, first, second, third = flow.steps
    assert isinstance(opening.action, StartAction)
    body = render(opening.action.body, resolve_from(flow.vars))
    assert body == {"flowType": "subscription_cancellation_requested",
                    "context": {"subscriptionId": "gid://shopify/SubscriptionContract/1001"}}
    assert opening.expect is not None
    assert [(c.label, c.path) for c in opening.expect.fields] == [
        ("status", ("status",)), ("pending", ("pendingInteraction",))]
    assert opening.save[0].name == "first_version"
    assert opening.save[0].parsed.find({"runVersion": 3})[0].value == 3
    assert isinstance(first.action, RespondAction)
    assert first.action.response_type == "next"
    assert first.action.interaction_id is UNSET and first.action.expected_run_version is UNSET
    assert second.name == 'Customer picks "too expensive"'
    assert isinstance(third.action, RespondAction) and third.action.data == {"note": "from the flow"}
    assert third.expect is not None
    labels = {c.label: c for c in third.expect.fields}
    assert labels["endStep"].path == ("completionData", "endStep")
    assert labels["endStep"].position == Position(str(SPEC_EXAMPLE), 37, 16)


def test_field_checks_match_like_the_runner_will() -> None:
    (flow,) = load_file(SPEC_EXAMPLE).flows
    pending_check = flow.steps[2].expect.fields[0]  # type: ignore[union-attr]
    actual = {"actionType": "offer_discount", "actionConfig": {"percentage": 25},
              "availableResponses": [{"type": "accept", "label": "A"},
                                     {"type": "decline", "label": "D"}]}
    (mismatch,) = pending_check.matcher.match(actual, "pending", resolve_from({}))
    assert mismatch.path == "pending.actionConfig.percentage"
    assert mismatch.position is not None and mismatch.position.line == 29
    invalidated = flow.steps[3].expect.fields[-1]  # type: ignore[union-attr]
    assert invalidated.matcher.match(MISSING, "invalidatedResources", resolve_from({}))


def test_expectation_keys_and_paths() -> None:
    text = """
flow: All expect keys
start: {flowType: t}
expect:
  http: [200, 201]
  status: running
  completion: {outcome: null}
  error: null
  result: {}
  interactiveSteps: {$len: {$gte: 1}}
  body: {runVersion: {$type: integer}}
  jsonpath: {"$.result.effects[?(@.type=='apply_discount')].config.percentage": 20}
  headers: {Content-Type: {$regex: json}}
  maxMs: 500
  schema: false
"""
    expect = load_text(text, "t.flow.yaml").flows[0].steps[0].expect
    assert expect is not None
    assert expect.http is not None and expect.http.match(201, "http", resolve_from({})) == []
    assert expect.http.match(404, "http", resolve_from({}))
    assert [c.path for c in expect.fields] == [("status",), ("completionData",), ("error",),
                                               ("result",), ("interactiveSteps",), ()]
    (check,) = expect.jsonpath
    body = {"result": {"effects": [{"type": "apply_discount", "config": {"percentage": 20}}]}}
    assert [m.value for m in check.parsed.find(body)] == [20]
    assert expect.headers is not None
    assert expect.headers.match({"content-type": "application/json"}, "headers",
                                resolve_from({})) == []
    assert expect.max_ms == 500.0 and expect.schema is False


def test_steps_of_every_kind() -> None:
    text = """
flow: Every step
attach: {runId: "${run}", headers: {X-Tenant-ID: other}}
vars: {run: "r-1"}
headers: {X-Delegated-Token: null, X-Trace: 7}
steps:
  - get:
  - get: {}
  - wait: {until: {status: completed}, timeout: 2m, interval: 1.5s}
  - respond: {type: accept, data: {n: 1}, interactionId: i-1, expectedRunVersion: null}
  - respond: {type: accept, expectedRunVersion: 99}
    headers: {X-Delegated-Token: sandbox-token-2}
  - start: {flowType: t, workflowId: w, dryRun: true}
    name: second run
"""
    (flow,) = load_text(text, "t.flow.yaml").flows
    opening, get1, get2, wait, respond1, respond2, start = flow.steps
    assert isinstance(opening.action, AttachAction)
    assert render(opening.action.run_id, resolve_from(flow.vars)) == "r-1"
    assert opening.action.headers.values == (("X-Tenant-ID", "other"),)
    assert flow.headers.values == (("X-Delegated-Token", None), ("X-Trace", "7"))
    assert isinstance(get1.action, GetAction) and isinstance(get2.action, GetAction)
    assert isinstance(wait.action, WaitAction)
    assert (wait.action.timeout_s, wait.action.interval_s) == (120.0, 1.5)
    assert isinstance(respond1.action, RespondAction)
    assert respond1.action.expected_run_version is None
    assert respond1.action.interaction_id == "i-1" and respond1.action.data == {"n": 1}
    assert isinstance(respond2.action, RespondAction)
    assert respond2.action.expected_run_version == 99
    assert respond2.headers.values == (("X-Delegated-Token", "sandbox-token-2"),)
    assert isinstance(start.action, StartAction) and start.name == "second run"
    assert start.action.body == {"flowType": "t", "workflowId": "w", "dryRun": True, "context": {}}


def test_parametrize_cases_and_report_names() -> None:
    text = """
flow: Reasons
parametrize:
  - {id: frequency, reason: too_much_product, offer: offer_change_frequency}
  - {id: skip, reason: not_using, offer: offer_skip}
start: {flowType: t, context: {reason: "${reason}"}}
steps:
  - respond: "${offer}"
"""
    (flow,) = load_text(text, "t.flow.yaml").flows
    assert [c.id for c in flow.cases] == ["frequency", "skip"]
    assert flow.cases[1].values == {"reason": "not_using", "offer": "offer_skip"}
    assert report_name(flow, flow.cases[0]) == "Reasons[frequency]"
    assert report_name(flow, None) == "Reasons"
    assert isinstance(flow.cases[0], Case)
    respond = flow.steps[1].action
    assert isinstance(respond, RespondAction) and isinstance(respond.response_type, Template)


def test_multi_document_file_keeps_order() -> None:
    text = "flow: one\nstart: {flowType: t}\n---\nflow: two\nstart: {flowType: t}\n---\n"
    assert [f.name for f in load_text(text, "t.flow.yaml").flows] == ["one", "two"]


def test_saved_names_are_known_from_the_next_step() -> None:
    text = """
flow: Saves
start: {flowType: t}
save: {run: $.runId, trace: {header: X-Trace-Id}}
steps:
  - attach_like: no
"""
    assert any("unknown key 'attach_like' in a step" in e for e in errors_of(text))
    ok = """
flow: Saves
start: {flowType: t}
save: {run: $.runId, trace: {header: X-Trace-Id}}
steps:
  - get: {}
    expect: {body: {runId: "${run}"}}
  - get: {}
    headers: {X-Trace: "${trace}"}
"""
    (flow,) = load_text(ok, "t.flow.yaml").flows
    assert flow.steps[0].save[1].header == "X-Trace-Id"


def test_vars_see_earlier_vars_env_and_case_values() -> None:
    text = """
flow: Vars
parametrize: [{id: a, n: 1}]
vars: {base: "x", full: "${base}-${n}-${env:HOME}", bad: "${later}", later: 1}
start: {flowType: t}
"""
    assert errors_of(text) == ["variable 'later' is not known here"]


def test_yaml_11_surprises_are_avoided() -> None:
    text = """
flow: Scalars
start: {flowType: t, context: {a: no, b: on, c: 010, d: 2024-05-01, e: 1.50, f: yes}}
"""
    body = load_text(text, "t.flow.yaml").flows[0].steps[0].action.body  # type: ignore[union-attr]
    assert body["context"] == {"a": "no", "b": "on", "c": "010", "d": "2024-05-01", "e": 1.5,
                               "f": "yes"}


def test_values_in_the_model_are_plain_data() -> None:
    text = "flow: p\nstart: {flowType: t, context: {a: [1, {b: 2}]}}\n"
    body = load_text(text, "t.flow.yaml").flows[0].steps[0].action.body  # type: ignore[union-attr]
    assert type(body) is dict and type(body["context"]["a"]) is list
    assert type(body["context"]["a"][1]) is dict


def test_load_file_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(FlowFileError) as info:
        load_file(tmp_path / "missing.flow.yaml")
    assert "cannot read the file" in info.value.diagnostics[0].message
    latin = tmp_path / "latin.flow.yaml"
    latin.write_bytes("flow: caf\xe9\n".encode("latin-1"))
    with pytest.raises(FlowFileError) as info:
        load_file(latin)
    assert "not UTF-8" in info.value.diagnostics[0].message


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    text = "flow: deep\nstart: {flowType: t, context: " + "[" * 3000 + "]" * 3000 + "}\n"
    try:
        load_text(text, "t.flow.yaml")
    except FlowFileError as exc:
        assert exc.diagnostics


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                     st.sampled_from(["${x}", "${", "$.a", "10s", "flow", "start", "$eq"]))
_keys = st.sampled_from(["flow", "start", "attach", "steps", "expect", "save", "vars", "respond",
                         "wait", "until", "flowType", "context", "jsonpath", "pending", "$gt",
                         "$regex", "$len", "parametrize", "id", "headers", "timeout", "get"])
_yaml_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)), max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_yaml_values)
def test_fuzz_random_documents_never_crash(value: Any) -> None:
    import yaml

    text = yaml.safe_dump(value, sort_keys=False)
    try:
        load_text(text, "fuzz.flow.yaml")
    except FlowFileError as exc:
        assert all(d.render() for d in exc.diagnostics)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_random_text_never_crashes(text: str) -> None:
    try:
        load_text(text, "fuzz.flow.yaml")
    except FlowFileError as exc:
        assert exc.diagnostics


def _shape(matcher: Any) -> Any:
    """A compiled expectation as comparable data: node type, position, value or children."""
    children = getattr(matcher, "items", None) or ()
    inner = [(c[0], _shape(c[1])) if isinstance(c, tuple) else _shape(c) for c in children]
    return (type(matcher).__name__, matcher.position, getattr(matcher, "value", None), inner)


@pytest.mark.parametrize("literal", [
    "200", "1.5", "true", "false", "waiting_interaction", "''", "'$$ {x}'", "null",
    "{stepId: reason_poll, actionType: poll}", "{a: {b: 1, c: null}, d: x}", "{}",
    "{a: {$gt: 1}}", "{a: [1]}", "{availableResponses: [accept]}", "{a: '${v}'}",
])
def test_an_expectation_compiles_as_the_matcher_language_would(literal: str) -> None:
    """The loader builds literal expectations itself (a fast path): the same nodes, positions
    and values as compile_matcher; anything else goes through compile_matcher."""
    from juo_flowtest.expect.matchers import compile_matcher
    from juo_flowtest.source.yamlsource import child_position, parse

    text = f"flow: f\nvars: {{v: 1}}\nstart: {{flowType: t}}\nexpect:\n  status: {literal}\n"
    (check,) = load_text(text, "t.flow.yaml").flows[0].steps[0].expect.fields  # type: ignore[union-attr]
    ((doc, _),) = parse(text, "t.flow.yaml").documents
    raw = doc["expect"]["status"]
    expected = compile_matcher(raw, child_position(doc["expect"], "status"), child_position)
    assert _shape(check.matcher) == _shape(expected)
    assert check.position == expected.position == Position("t.flow.yaml", 5, 11)
