"""Transition and end-step coverage learnt from run states: listed by the sandbox, or
inferred from the steps seen when a target does not list them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from juo_flowtest.paths.index import WorkflowIndex
from juo_flowtest.run.pathtracker import PathTracker
from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.loading import load_directory, load_files

WORKFLOWS = {w.name: w for w in load_directory(EXAMPLES_DIR)}
CANCEL, REMOVAL, PORTAL, SKIP = "Cancellation flow", "Remove an item", "Renew now offer in the portal", "Skip next renewal"


def key(name: str) -> str:
    return f"{WORKFLOWS[name].id}@{WORKFLOWS[name].version}"
INDEX = WorkflowIndex(WORKFLOWS.values())
OWNER = ("t", "c")


def _walk(workflow_id: str, context: dict[str, Any], answers: list[str],
          advance: float = 0.0) -> list[tuple[str | None, dict[str, Any]]]:
    """(response answered before the state, run state) for a run driven through the engine."""
    run = engine.start(WORKFLOWS[workflow_id], context, OWNER, 0.0)
    states: list[tuple[str | None, dict[str, Any]]] = [(None, copy.deepcopy(engine.state(run)))]
    for answer in answers:
        engine.respond(run, str(run.interaction_id), answer, None, None, 0.0)
        states.append((answer, copy.deepcopy(engine.state(run))))
    if advance:
        engine.fire_timers(run, advance)
        states.append((None, copy.deepcopy(engine.state(run))))
    return states


def _track(states: list[tuple[str | None, dict[str, Any]]], listed: bool,
           index: WorkflowIndex = INDEX) -> PathTracker:
    tracker = PathTracker(index)
    for answer, state in copy.deepcopy(states):
        if not listed:
            del state["result"]["transitions"]
            del state["result"]["visitedSteps"]
        if answer is not None:
            tracker.answered(state["runId"], answer)
        tracker.observe(f"{state['workflowId']}@{state['workflowVersion']}", state)
    return tracker


def test_inferred_transitions_equal_the_ones_the_sandbox_lists() -> None:
    states = _walk(CANCEL, {"subscription": {"cycle_count": 8}},
                   ["next", "other", "decline", "confirm"])
    listed, inferred = _track(states, True), _track(states, False)
    cancel = key(CANCEL)
    assert listed.transitions_exercised[cancel] == inferred.transitions_exercised[cancel]
    assert ("loyalty_check", "loyalty_check_loyal", "") in inferred.transitions_exercised[cancel]
    assert inferred.ends_exercised[cancel] == {("cancelled", "final")}
    assert not inferred.notes


def test_a_variant_route_and_a_timeout_are_learnt_both_ways() -> None:
    states = _walk(CANCEL, {}, ["next", "too_expensive"])
    variant = states[-1][1]["result"]["variants"]["price_experiment"]
    for listed in (True, False):
        done = _track(states, listed).transitions_exercised[key(CANCEL)]
        assert any(u[0] == "price_experiment" and u[2] == variant for u in done)
    states = _walk(PORTAL, {}, [], advance=86_400.0)
    for listed in (True, False):
        tracker = _track(states, listed)
        assert tracker.transitions_exercised[key(PORTAL)] == {
            ("renew_offer", "renew_timeout", "")}
        assert tracker.ends_exercised[key(PORTAL)] == {("renew_offer", "abandoned")}


def test_a_failed_run_ends_at_its_failing_step() -> None:
    states = _walk(REMOVAL, {}, ["confirm"])
    for listed in (True, False):
        assert _track(states, listed).ends_exercised[key(REMOVAL)] == {
            ("remove_item", "failed")}


def test_a_move_several_paths_explain_is_noted_not_guessed(tmp_path: Path) -> None:
    (tmp_path / "a.workflow.yaml").write_text("""
id: a
name: A
version: 1
status: published
triggerType: t
trigger: {id: t, type: t, category: customer_initiated}
steps:
  - id: ask
    name: Ask
    isInitial: true
    action: {id: a, type: offer_skip}
    transitions:
      - {id: yes, type: response, responseType: accept, targetStepId: route}
      - {id: no, type: response, responseType: decline, targetStepId: done}
  - id: route
    name: Route
    transitions:
      - id: vip
        type: auto
        targetStepId: done
        conditions:
          rootLogic: and
          groups: [{id: g, logic: and, items: [{id: i, left: {resolver: context, params: {path: vip}}, operator: equals, right: {resolver: value, params: {value: true}}}]}]
      - {id: other, type: auto, targetStepId: done}
  - {id: done, name: Done, isFinal: true}
""")
    workflow = load_files([tmp_path / "a.workflow.yaml"])[0]
    run = engine.start(workflow, {"vip": True}, OWNER, 0.0)
    first = copy.deepcopy(engine.state(run))
    engine.respond(run, str(run.interaction_id), "accept", None, None, 0.0)
    states = [(None, first), ("accept", copy.deepcopy(engine.state(run)))]
    tracker = _track(states, False, WorkflowIndex([workflow]))
    assert tracker.transitions_exercised.get("a@1", set()) == set()
    assert any("fits several paths" in n for n in tracker.notes["a@1"])
    assert tracker.ends_exercised["a@1"] == {("done", "final")}
    assert _track(states, True, WorkflowIndex([workflow])).transitions_exercised["a@1"] == {
        ("ask", "yes", ""), ("route", "vip", "")}


def test_without_definitions_nothing_is_counted_and_it_says_why() -> None:
    tracker = _track(_walk(SKIP, {"subscription": {"status": "active"}}, ["skip_next"]), True,
                     WorkflowIndex([]))
    assert tracker.transitions_exercised == {}
    assert any("--juo-workflows" in n for n in tracker.notes[key(SKIP)])
