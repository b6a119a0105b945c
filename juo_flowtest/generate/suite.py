"""One workflow's generated flow file: every planned path as a flow a QA engineer would keep.

Each flow starts the workflow with the context its conditions need (and, on the sandbox, the
variants it covers pinned), answers what the path answers, moves the run's clock where the path
waits (``advance``), and checks at every step what a tester checks: the pending step, its
action type and its available responses; at the end the status, outcome, end step, effects
and invalidated resources. Then one flow per way the trigger's conditions can refuse a start.
The text is a function of the definition alone: the same definitions give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from juo_flowtest.generate import naming
from juo_flowtest.generate.yamltext import folded, inline, mapping
from juo_flowtest.paths.plan import Plan, Refusal
from juo_flowtest.paths.search import State
from juo_flowtest.paths.simulate import Act, Trace
from juo_flowtest.paths.units import End, Unit, workflow_key
from juo_flowtest.sandbox.definitions import Workflow

GENERATED_TAG = "generated"


@dataclass(slots=True)
class WorkflowSuite:
    """The generated file of one workflow, and what it covers."""

    workflow: Workflow
    text: str
    flows: int
    covered: set[Unit | End] = field(default_factory=set)
    never: dict[Unit | End, str] = field(default_factory=dict)
    units: list[Unit | End] = field(default_factory=list)


def expect_of(state: dict[str, Any], before: dict[str, Any] | None,
              pins: dict[str, str] | None = None) -> dict[str, Any]:
    """What a tester checks of a run state (``before``: the state the call started from).

    Only the variants the flow pins (``pins``) are expected: any other was drawn by chance
    when the path was played, and the sandbox may draw another for the flow.
    """
    status = state["status"]
    out: dict[str, Any] = {"status": status}
    if status == "waiting_interaction":
        p = state["pendingInteraction"]
        out["pending"] = {"stepId": p["stepId"], "actionType": p["actionType"],
                          "availableResponses": [r["type"] for r in p["availableResponses"]]}
    elif status == "running":
        out["pending"] = None
    else:
        if state.get("outcome"):
            out["outcome"] = {"type": state["outcome"].get("type")}
        end = (state.get("completionData") or {}).get("endStep")
        if end:
            out["endStep"] = {k: end[k] for k in ("id", "category") if k in end}
        if state.get("error"):
            out["error"] = {"code": state["error"].get("code")}
        out["invalidatedResources"] = list(state.get("invalidatedResources", []))
        effects = [e["type"] for e in state["result"].get("effects", [])]
        if len(effects) == 1:
            out["jsonpath"] = {"$.result.effects[*].type": effects[0]}
        elif effects:
            out["jsonpath"] = {"$.result.effects[*].type": effects}
        else:
            out["result"] = {"effects": []}
    variants = state["result"].get("variants") or {}
    new = {k: v for k, v in variants.items() if k in (pins or {})
           and (before is None or k not in (before["result"].get("variants") or {}))}
    if new:
        out.setdefault("result", {})["variants"] = new
    return out


def _start(workflow: Workflow, trace: Trace, pinned: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"flowType": workflow.trigger_type}
    if workflow.status != "published":
        body["workflowId"] = workflow.id
    body["context"] = trace.context
    if pinned and trace.pins:
        body["variants"] = dict(sorted(trace.pins.items()))
    return body


def _act_lines(workflow: Workflow, act: Act, before: dict[str, Any],
               pins: dict[str, str]) -> list[str]:
    lines: list[str] = []
    if act.kind == "respond":
        step = workflow.steps[before["pendingInteraction"]["stepId"]]
        label = next((r["label"] for r in step.responses if r["type"] == act.response),
                     act.response)
        lines.append(f"  - name: {inline(f'{step.name}: {label}')}")
        if act.data:
            lines.append(f"    respond: {inline({'type': act.response, 'data': act.data})}")
        else:
            lines.append(f"    respond: {inline(act.response)}")
    else:
        what = ("no answer" if before["status"] == "waiting_interaction"
                else "the execution finishes")
        lines.append(f"  - name: {inline(f'{what} within {naming.duration(act.ms)}')}")
        lines.append(f"    advance: {naming.duration(act.ms)}")
    lines.append("    expect:")
    lines += mapping(expect_of(act.state, before, pins), "      ")
    return lines


def _covers(trace: Trace) -> list[str]:
    units = [f"{u[0]}/{u[1]}" + (f"[{u[2]}]" if u[2] else "") for u in trace.transitions]
    if trace.end is not None:
        units.append(f"{trace.end[0]} ({trace.end[1]})")
    return units


def flow_text(workflow: Workflow, name: str, path: State, trace: Trace) -> list[str]:
    """One flow document for one planned path."""
    end = path.moves[-1]
    story = workflow.steps[end.step].name if end.how == "final" else naming.segments(
        workflow, State(None, (end,), (), path.last), trace)[0]
    context = "; ".join(f"{k} = {inline(v)}" for k, v in _flat(trace.context)) or "none"
    description = (f"Generated from workflow '{workflow.name}' ({workflow_key(workflow)}). "
                   f"Context: {context}. Covers: {', '.join(_covers(trace))}.")
    lines = [f"flow: {inline(name)}", *folded("description", description),
             f"tags: {inline([GENERATED_TAG, naming.tag(workflow.name)])}",
             "severity: normal", f"feature: {inline(workflow.name)}", f"story: {inline(story)}",
             "start:", *mapping(_start(workflow, trace, True), "  "),
             "expect:", *mapping(expect_of(trace.acts[0].state, None, trace.pins), "  ")]
    if len(trace.acts) > 1:
        lines.append("steps:")
        for before, act in zip(trace.acts, trace.acts[1:]):
            lines += _act_lines(workflow, act, before.state, trace.pins)
    return lines


def _flat(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict) and data:
        return [item for k, v in data.items() for item in _flat(v, f"{prefix}{k}.")]
    return [(prefix.rstrip("."), data)] if prefix else []


def refusal_text(workflow: Workflow, refusal: Refusal) -> tuple[str, list[str]]:
    """A flow whose start the trigger's conditions refuse (422)."""
    why = " and ".join(naming.describe_literal(lit) for lit in refusal.literals)
    name = naming._safe(f"Start refused: {why}")
    body: dict[str, Any] = {"flowType": workflow.trigger_type}
    if workflow.status != "published":
        body["workflowId"] = workflow.id
    body["context"] = refusal.context
    description = (f"Generated from workflow '{workflow.name}' ({workflow_key(workflow)}): "
                   f"a context where {why} does not meet the trigger's conditions, so no run "
                   "starts.")
    return name, [*folded("description", description),
                  f"tags: {inline([GENERATED_TAG, naming.tag(workflow.name), 'trigger'])}",
                  "severity: normal", f"feature: {inline(workflow.name)}",
                  "story: Trigger conditions", "start:", *mapping(body, "  "),
                  "expect:", "  http: 422", "  error: {code: trigger_conditions_not_met}"]


def build(workflow: Workflow, planned: Plan, source: str) -> WorkflowSuite:
    """The file text of ``workflow``'s suite (``source``: the definition file's name)."""
    names = naming.unique([naming.flow_name(workflow, p, t) for p, t in planned.paths])
    documents = [[f"flow: {inline(n)}", *flow_text(workflow, n, p, t)[1:]]
                 for n, (p, t) in zip(names, planned.paths)]
    refused = [refusal_text(workflow, r) for r in planned.refusals]
    for name, (_, body) in zip(naming.unique([n for n, _ in refused]), refused):
        documents.append([f"flow: {inline(name)}", *body])
    covered: set[Unit | End] = set()
    for _, trace in planned.paths:
        covered.update(trace.transitions)
        if trace.end is not None:
            covered.add(trace.end)
    header = [(f"# Generated by `juo-flowtest generate` from {source} "
               f"({workflow_key(workflow)}): {len(documents)} flows."),
              "# Meant to be kept and edited: regenerate into another folder to compare."]
    not_reached = [u for u in planned.units if u in planned.never]
    for unit in not_reached:
        label = f"{unit[0]}/{unit[1]}" if len(unit) == 3 else f"{unit[0]} ({unit[1]})"
        header.append(f"# Not covered: {label}: {planned.never[unit]}")
    text = "\n".join(header) + "\n" + "\n---\n".join("\n".join(d) for d in documents) + "\n"
    return WorkflowSuite(workflow, text, len(documents), covered, dict(planned.never),
                         list(planned.units))
