"""``engine.state`` for the wire (pre-encoded parts) encodes to the same text as the plain state."""

from __future__ import annotations

import json
import random

import pytest

from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.sandbox.jsoncodec import CODEC
from juo_flowtest.sandbox.loading import load_directory

OWNER = ("t", "c")
_stdlib = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
EXAMPLES = load_directory(EXAMPLES_DIR)


def _walks(workflow: Workflow, walks: int = 40) -> list[engine.Run]:
    """Runs of ``workflow`` answered at random, checked at each state by ``_same``."""
    runs = []
    for seed in range(walks):
        pick = random.Random(seed)
        context = {"cycleCount": pick.randrange(10), "subscriptionId": "s-1",
                   "subscription": {"status": "active"}}
        try:
            run = engine.start(workflow, context, OWNER, 1_767_225_600.0 + seed)
        except engine.RunError:
            continue
        _same(run)
        now = 1_767_225_700.0
        for _ in range(15):
            if run.status == "running" and run.due is not None:
                engine.fire_timers(run, run.due)
            elif run.status == "waiting_interaction":
                answer = pick.choice(run.step.responses)["type"]
                now += pick.random() * 100
                engine.respond(run, run.interaction_id or "", answer, None, None, now)
            else:
                break
            _same(run)
        runs.append(run)
    return runs


def _same(run: engine.Run) -> None:
    assert CODEC.dumps(engine.state(run, wire=True)) == CODEC.dumps(engine.state(run))


@pytest.mark.parametrize("workflow", EXAMPLES, ids=[w.name for w in EXAMPLES])
def test_the_wire_state_reads_as_the_plain_state(workflow: Workflow) -> None:
    assert workflow.encoded is not None  # the examples take the fast way
    runs = _walks(workflow)
    assert runs and any(r.status != "waiting_interaction" for r in runs)


def test_a_workflow_orjson_would_write_otherwise_is_encoded_per_call() -> None:
    cancellation = next(w for w in EXAMPLES if w.trigger_type.endswith("cancellation_requested"))
    steps = dict(cancellation.steps)
    first = steps[cancellation.initial]
    assert first.action is not None
    odd = type(first.action)(first.action.id, first.action.type,
                             {**first.action.config, "ratio": float("nan"), "big": 2**70})
    steps[first.id] = type(first)(**{**{f: getattr(first, f) for f in first.__slots__},
                                     "action": odd,
                                     "action_config": {**first.action_config, "ratio": 1e-7}})
    workflow = Workflow(cancellation.id, cancellation.name, 1, "published",
                        cancellation.trigger_type, None, steps, cancellation.initial, "x")
    assert workflow.encoded is None
    run = engine.start(workflow, {}, OWNER, 0.0)
    assert engine.state(run, wire=True) == engine.state(run)
    assert CODEC.dumps(engine.state(run, wire=True)) == CODEC.dumps(engine.state(run))


def test_a_plain_state_is_the_callers_to_change() -> None:
    """A plain state shares nothing a caller could change with the run or other runs: the
    transition records are the workflow's own, made once when it loads."""
    walked = [r for w in EXAMPLES for r in _walks(w, 5) if engine.state(r)["result"]["transitions"]]
    first, second = walked[0], next(r for r in walked[1:] if r.workflow is walked[0].workflow)
    before = CODEC.dumps(engine.state(second))
    mine = engine.state(first)
    for record in mine["result"]["transitions"]:
        record["stepId"] = "changed by the caller"
    mine["result"]["visitedSteps"].append("changed by the caller")
    assert b"changed by the caller" not in CODEC.dumps(engine.state(first))
    assert CODEC.dumps(engine.state(second)) == before
