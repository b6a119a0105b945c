"""A path played on the sandbox's own engine, in memory: the proof that it goes where it says.

``play`` builds the start context, the pinned variants and each respond's data from a
solution (``solver.solve``), drives the engine through the path's moves (moving the run's
clock for timeouts and slow executions), and returns the run states a flow will see — or why
the engine went elsewhere. The units the run really went through are read from the engine
(``result.transitions`` and how it ended), so coverage claims are never taken on trust.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from juo_flowtest.paths.search import State
from juo_flowtest.paths.solver import MISSING, Var
from juo_flowtest.paths.units import End, Unit, is_final
from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.definitions import Workflow

_OWNER = ("generate", "generate")
_START = 1_767_225_600.0  # a fixed time: generation is deterministic


@dataclass(frozen=True, slots=True)
class Act:
    """One call of the flow and the run state it returns: start, respond or advance."""

    kind: str
    state: dict[str, Any]
    response: str = ""
    data: dict[str, Any] | None = None
    ms: int = 0


@dataclass(slots=True)
class Trace:
    context: dict[str, Any]
    pins: dict[str, str]
    acts: list[Act] = field(default_factory=list)
    transitions: list[Unit] = field(default_factory=list)
    end: End | None = None


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1, "a.c": 2}`` -> ``{"a": {"b": 1, "c": 2}}``; missing values are left out.

    >>> nest({"items.0.sku": "x", "items.1.sku": "y", "n": 1})
    {'items': [{'sku': 'x'}, {'sku': 'y'}], 'n': 1}
    """
    out: dict[str, Any] = {}
    for path, value in sorted(values.items()):
        if value is MISSING or not path:
            continue
        node = out
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = copy.deepcopy(value)
    return {k: _lists(v) for k, v in out.items()}  # the top stays a mapping


def _lists(node: Any) -> Any:
    """Mappings keyed ``0``, ``1``... (paths such as ``items.0.sku``) become the lists those
    paths index; ``-1`` alone becomes a one-item list. Anything else stays a mapping."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and set(node) == {str(i) for i in range(len(node))}:
        return [node[str(i)] for i in range(len(node))]
    if list(node) == ["-1"]:
        return [node["-1"]]
    return node


def inputs(solution: dict[Var, Any]) -> tuple[dict[str, Any], dict[str, str],
                                               dict[int, dict[str, Any]]]:
    """The start context, the pinned variants and each respond's data of a solution."""
    context = nest({v[1]: val for v, val in solution.items() if v[0] == "context"})
    pins = {str(v[1]): str(val) for v, val in solution.items() if v[0] == "variant"}
    data: dict[int, dict[str, Any]] = {}
    for v, val in solution.items():
        if v[0] == "data":
            data.setdefault(int(v[1]), {})[str(v[2])] = val
    return context, pins, {i: nest(d) for i, d in data.items()}


def play(workflow: Workflow, path: State, solution: dict[Var, Any]) -> Trace | str:
    """Drive the engine along ``path``; the trace, or why the run went elsewhere."""
    context, pins, data = inputs(solution)
    trace = Trace(context, pins)
    try:
        run = engine.start(workflow, context, _OWNER, _START, pins=pins)
    except engine.RunError as exc:
        return f"the start was refused: {exc.message}"
    now = _START
    trace.acts.append(Act("start", copy.deepcopy(engine.state(run))))
    responds = 0
    for move in path.moves:
        if move.kind not in ("respond", "timeout"):
            continue
        now = _settle(run, trace, now)
        if run.status != "waiting_interaction" or run.step.id != move.step:
            return f"the run was not waiting at '{move.step}' (status {run.status})"
        if move.kind == "respond":
            answer = data.get(responds)
            engine.respond(run, str(run.interaction_id), move.response, answer, None, now)
            responds += 1
            trace.acts.append(Act("respond", copy.deepcopy(engine.state(run)), move.response,
                                  answer))
        else:
            now = _advance(run, trace, now)
    _settle(run, trace, now)
    trace.transitions = [_unit(workflow, t, run.variants or {}) for t in run.taken]
    trace.end = _end(workflow, run)
    wanted = [m.unit for m in path.moves if m.kind not in ("end",) and m.transition]
    if trace.transitions != wanted:
        return (f"the engine took {_names(trace.transitions)} instead of {_names(wanted)}")
    ends = [m.unit for m in path.moves if m.kind == "end"]
    if ends and trace.end != ends[-1]:
        return f"the run ended {trace.end} instead of {ends[-1]}"
    return trace


def _settle(run: engine.Run, trace: Trace, now: float) -> float:
    """Let a slow execution finish (moving the clock), as often as one is running."""
    while run.status == "running" and run.due is not None:
        now = _advance(run, trace, now)
    return now


def _advance(run: engine.Run, trace: Trace, now: float) -> float:
    due = run.due if run.due is not None else now
    ms = max(0, round((due - now) * 1000))
    now = now + ms / 1000.0
    engine.fire_timers(run, now)
    trace.acts.append(Act("advance", copy.deepcopy(engine.state(run)), ms=ms))
    return now


def _unit(workflow: Workflow, taken: Mapping[str, str], variants: dict[str, str]) -> Unit:
    step = workflow.steps[taken["stepId"]]
    t = next(t for t in step.transitions if t.id == taken["transitionId"])
    variant = variants.get(step.id, "") if step.variants and t.type == "auto" else ""
    return (step.id, t.id, variant)


def _end(workflow: Workflow, run: engine.Run) -> End | None:
    if run.status == "failed":
        return (run.step.id, "failed")
    if run.end_step is None:
        return None
    step_id = str(run.end_step["id"])
    if run.status == "cancelled":
        return (step_id, "abandoned")
    return (step_id, "final" if is_final(workflow.steps[step_id]) else "no_transition")


def _names(units: list[Unit] | list[Unit | End]) -> str:
    return ", ".join(f"{u[0]}/{u[1]}" for u in units) or "no transition"
