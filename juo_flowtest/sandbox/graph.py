"""Checks on a workflow's step graph: initial step, targets, responses, automatic cycles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from juo_flowtest.base.position import Position
from juo_flowtest.sandbox.definitions import Conditions, Step, Transition
from juo_flowtest.sandbox.source import SourceFile
from juo_flowtest.source.yamlsource import PosDict, PosList, key_position, position


def check_graph(src: SourceFile, raw_steps: list[Any], steps: Mapping[str, Step]) -> str | None:
    """Record every graph problem in ``src``; return the initial step id when there is one."""
    nodes = {n.get("id"): n for n in raw_steps if isinstance(n, PosDict) and n.get("id") in steps}
    initial = [s.id for s in steps.values() if s.is_initial]
    if not initial:
        src.problem(position(raw_steps), "no step has isInitial: true",
                    "mark the first step with isInitial: true")
    elif len(initial) > 1:
        second = nodes[initial[1]]
        src.problem(key_position(second, "isInitial") or second.pos,
                    f"several initial steps: {', '.join(initial)}",
                    "exactly one step may have isInitial: true")
    for step in steps.values():
        node = nodes[step.id]
        raw_transitions = node.get("transitions")
        positions = raw_transitions.item_pos if isinstance(raw_transitions, PosList) else []
        for transition, at in zip(step.transitions, positions):
            _check_transition(src, step, transition, at, steps, "action" in node)
    _check_auto_cycles(src, steps, nodes)
    return initial[0] if len(initial) == 1 else None


def _check_transition(src: SourceFile, step: Step, t: Transition, at: Position,
                      steps: Mapping[str, Step], wrote_action: bool) -> None:
    """Check one transition; a step whose action was already reported is not judged again."""
    if wrote_action and step.action is None:
        steps_ok = t.target is None or t.target in steps
        if not steps_ok:
            src.problem(at, f"step '{step.id}': transition '{t.id}' targets unknown step "
                        f"'{t.target}'", "known steps: " + ", ".join(steps))
        return
    if t.target is not None and t.target not in steps:
        src.problem(at, f"step '{step.id}': transition '{t.id}' targets unknown step "
                    f"'{t.target}'", "known steps: " + ", ".join(steps))
    if t.type == "response":
        if not step.interactive:
            src.problem(at, f"step '{step.id}': response transition '{t.id}' on a step that "
                        "asks the customer nothing", "use an auto transition here")
        elif t.response_type not in step.response_types:
            offered = ", ".join(sorted(step.response_types)) or "none"
            src.problem(at, f"step '{step.id}': response type '{t.response_type}' is not "
                        f"offered by action type '{step.action.type if step.action else ''}'",
                        f"offered responses: {offered}")
    elif t.type == "timeout" and not step.interactive:
        src.problem(at, f"step '{step.id}': timeout transition '{t.id}' on a step that waits "
                    "for nothing", "timeouts belong on interaction steps")
    elif t.type == "auto" and step.interactive:
        src.problem(at, f"step '{step.id}': auto transition '{t.id}' on an interaction step",
                    "an interaction step moves on a response or a timeout")
    for operand_step in _variant_steps(t.conditions):
        target = steps.get(operand_step)
        if target is None or not target.variants:
            src.problem(at, f"step '{step.id}': transition '{t.id}' reads the variant of "
                        f"'{operand_step}', which is not an experiment step",
                        "params.stepId must name a step with experimentConfig")


def _variant_steps(conditions: Conditions | None) -> list[str]:
    if conditions is None:
        return []
    return [str(op.params.get("stepId")) for g in conditions.groups for i in g.items
            for op in (i.left, i.right) if op is not None and op.resolver == "variant"]


def _check_auto_cycles(src: SourceFile, steps: Mapping[str, Step],
                       nodes: Mapping[object, PosDict]) -> None:
    """A loop made only of automatic transitions would never stop: reject it."""
    edges = {
        s.id: [t.target for t in s.transitions if t.type == "auto" and t.target in steps]
        for s in steps.values() if not s.interactive and not s.is_final
    }
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(sid: str, path: list[str]) -> None:
        state[sid] = 1
        for nxt in edges.get(sid, []):
            if nxt is None or nxt not in edges:
                continue
            if state.get(nxt) == 1:
                loop = path[path.index(nxt):] + [nxt]
                src.problem(nodes[nxt].pos,
                            "automatic transitions loop with no interaction: "
                            + " -> ".join(loop),
                            "put an interaction step in the loop or remove a transition")
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[sid] = 2

    for sid in edges:
        if sid not in state:
            visit(sid, [sid])
