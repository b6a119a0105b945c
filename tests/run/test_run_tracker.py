"""tracker: the current run and the coverage a flow run learns from run states."""

from __future__ import annotations

from typing import Any

from juo_flowtest.run.tracker import RunTracker

STEPS = [{"stepId": "poll", "availableResponses": [{"type": "a", "label": "A"}, "b"]},
         {"stepId": "confirm", "availableResponses": [{"label": "no type"}]},
         "not a step"]


def state(run_id: str = "r-1", pending: str | None = "i-1", **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"runId": run_id, "workflowId": "wf", "workflowVersion": 2.0,
                            "runVersion": 1, "status": "waiting_interaction",
                            "interactiveSteps": STEPS, **kw}
    if pending:
        body["pendingInteraction"] = {"interactionId": pending, "stepId": "poll",
                                      "actionType": "poll"}
    return body


def test_a_run_state_becomes_the_current_run() -> None:
    tracker = RunTracker()
    tracker.observe(state())
    assert tracker.run is not None
    assert (tracker.run.run_id, tracker.run.workflow_key, tracker.run.interaction_id,
            tracker.run.step_id, tracker.run.action_type) == ("r-1", "wf@2", "i-1", "poll", "poll")


def test_the_last_interaction_survives_only_within_the_same_run() -> None:
    tracker = RunTracker()
    tracker.observe(state())
    tracker.observe(state(pending=None, status="completed"))
    assert tracker.run is not None and tracker.run.interaction_id is None
    assert tracker.run.last_interaction_id == "i-1"
    tracker.observe(state("r-2", pending=None))
    assert tracker.run is not None and tracker.run.last_interaction_id is None


def test_bodies_that_are_not_run_states_are_ignored() -> None:
    tracker = RunTracker()
    for body in (None, "text", {"code": "run_not_found"}, {"runId": 7}):
        tracker.observe(body)
    assert tracker.run is None and tracker.coverage().known == {}


def test_coverage_knows_offered_pairs_and_counts_exercised_ones() -> None:
    tracker = RunTracker()
    tracker.observe(state())
    tracker.exercise("wf@2", "poll", "a")
    sample = tracker.coverage()
    assert sample.known == {"wf@2": frozenset({("poll", "a"), ("poll", "b")})}
    assert sample.exercised == {"wf@2": frozenset({("poll", "a")})}


def test_a_changed_step_list_for_the_same_workflow_still_adds_its_pairs() -> None:
    # Unchanged lists are not rescanned; a different one must be.
    tracker = RunTracker()
    tracker.observe(state())
    tracker.observe(state(interactiveSteps=[{"stepId": "late", "availableResponses": ["x"]}]))
    tracker.observe(state())
    assert tracker.coverage().known == {
        "wf@2": frozenset({("poll", "a"), ("poll", "b"), ("late", "x")})}
