"""What a workflow version has to cover: its transitions and the ways a run of it can end.

A **transition unit** is ``(stepId, transitionId, variantId)``: every transition of every step,
by its id within its step; the automatic transitions of an experiment step are counted once per
variant that can take them (``variantId``; ``""`` elsewhere), so each variant's route is its own
unit. An **end unit** is ``(stepId, how)``, ``how`` being one of ``ENDS``:

- ``final``          the run completed at a final step (``isFinal`` or an ``end`` action);
- ``no_transition``  the run completed at a step where no transition held;
- ``failed``         an execution with ``fail`` ended the run ``failed``;
- ``abandoned``      a timeout without a target ended the run ``cancelled``.

``structure`` lists every unit a definition has, and the ones that can never happen, with why,
from the step graph alone (``paths.analysis`` adds what the conditions rule out)::

    >>> units = structure(workflow)
    >>> units.transitions[0], units.ends[0]
    (('value_reminder', 'value_reminder_next', ''), ('saved', 'final'))
"""

from __future__ import annotations

from dataclasses import dataclass, field

from juo_flowtest.sandbox.conditions import Scope, met
from juo_flowtest.sandbox.definitions import Conditions, Step, Transition, Workflow

Unit = tuple[str, str, str]
End = tuple[str, str]
ENDS = ("final", "no_transition", "failed", "abandoned")


def workflow_key(workflow: Workflow) -> str:
    """``<id>@<version>``: how run states, coverage and reports name a workflow version."""
    return f"{workflow.id}@{workflow.version}"


def is_final(step: Step) -> bool:
    return step.is_final or (step.action is not None and step.action.kind == "end")


def fails(step: Step) -> bool:
    """An execution configured to fail: the run ends there, ``failed``."""
    action = step.action
    return (action is not None and action.kind == "execution" and not is_final(step)
            and action.config.get("fail") is not None)


def reads_only_variants(conditions: Conditions | None) -> bool:
    """True when the conditions read nothing but variants and literals (decidable per variant)."""
    if conditions is None:
        return True
    return all(op is None or op.resolver in ("variant", "value")
               for g in conditions.groups for i in g.items for op in (i.left, i.right))


def variant_holds(t: Transition, step: Step, variant: str) -> bool | None:
    """Whether ``t``'s conditions hold for ``variant`` of ``step``; None when they read more."""
    if not reads_only_variants(t.conditions):
        return None
    return met(t.conditions, Scope({}, variants={step.id: variant}))


@dataclass(frozen=True, slots=True)
class Units:
    """Every unit of one workflow version, and those that can never happen (unit -> why)."""

    key: str
    name: str
    transitions: tuple[Unit, ...]
    ends: tuple[End, ...]
    never: dict[Unit | End, str] = field(default_factory=dict)

    @property
    def known_transitions(self) -> frozenset[Unit]:
        return frozenset(u for u in self.transitions if u not in self.never)

    @property
    def known_ends(self) -> frozenset[End]:
        return frozenset(e for e in self.ends if e not in self.never)


def _step_units(step: Step, never: dict[Unit | End, str]) -> list[Unit]:
    units: list[Unit] = []
    first_timeout = next((t for t in step.transitions if t.type == "timeout"), None)
    for t in step.transitions:
        if t.type == "auto" and step.variants:
            for v in step.variants:
                unit = (step.id, t.id, v.id)
                units.append(unit)
                why = _variant_never(step, t, v.id)
                if why:
                    never[unit] = why
            continue
        unit = (step.id, t.id, "")
        units.append(unit)
        if is_final(step):
            never[unit] = f"step '{step.id}' is final: its transitions are never followed"
        elif fails(step):
            never[unit] = f"the execution of step '{step.id}' fails, so the run never leaves it"
        elif t.type == "timeout" and t is not first_timeout:
            never[unit] = (f"only the first timeout transition of step '{step.id}' counts "
                           f"('{first_timeout.id if first_timeout else ''}')")
        else:
            earlier = _shadowing(step, t)
            if earlier is not None:
                never[unit] = (f"shadowed by '{earlier.id}' before it, which always holds "
                               f"{_when(t)}")
    return units


def _when(t: Transition) -> str:
    return f"for the response '{t.response_type}'" if t.type == "response" else "first"


def _shadowing(step: Step, t: Transition) -> Transition | None:
    """An earlier transition of the same kind (and response) without conditions, if any."""
    for earlier in step.transitions:
        if earlier is t:
            return None
        if (earlier.type == t.type and earlier.type != "timeout"
                and earlier.response_type == t.response_type and earlier.conditions is None):
            return earlier
    return None


def _variant_never(step: Step, t: Transition, variant: str) -> str | None:
    if fails(step) or is_final(step):
        return f"step '{step.id}' never follows its transitions"
    for earlier in step.transitions:
        if earlier is t:
            break
        if earlier.type == "auto" and variant_holds(earlier, step, variant):
            return f"variant '{variant}' always takes '{earlier.id}' before it"
    if variant_holds(t, step, variant) is False:
        return f"its conditions never hold for variant '{variant}'"
    return None


def _step_ends(step: Step) -> list[End]:
    if is_final(step):
        return [(step.id, "final")]
    if fails(step):
        return [(step.id, "failed")]
    ends: list[End] = []
    if _may_find_no_transition(step):
        ends.append((step.id, "no_transition"))
    timeout = next((t for t in step.transitions if t.type == "timeout"), None)
    if step.interactive and timeout is not None and timeout.target is None:
        ends.append((step.id, "abandoned"))
    return ends


def _may_find_no_transition(step: Step) -> bool:
    """Statically: some case where no transition applies (the conditions may rule it out)."""
    if step.interactive:
        return any(
            not any(t.type == "response" and t.response_type == r and t.conditions is None
                    for t in step.transitions)
            for r in sorted(step.response_types))
    autos = [t for t in step.transitions if t.type == "auto"]
    if step.variants and all(reads_only_variants(t.conditions) for t in autos):
        return any(not any(variant_holds(t, step, v.id) for t in autos) for v in step.variants)
    return not any(t.conditions is None for t in autos)


def targets(step: Step, never: dict[Unit | End, str]) -> list[str]:
    """The steps a run can move to from ``step`` (transitions that may happen)."""
    out = []
    for t in step.transitions:
        units = ([(step.id, t.id, v.id) for v in step.variants]
                 if t.type == "auto" and step.variants else [(step.id, t.id, "")])
        if t.target is not None and any(u not in never for u in units):
            out.append(t.target)
    return out


def structure(workflow: Workflow) -> Units:
    """Every unit of ``workflow``, with those the graph rules out (unreachable steps...)."""
    never: dict[Unit | End, str] = {}
    transitions: list[Unit] = []
    ends: list[End] = []
    for step in workflow.steps.values():
        transitions.extend(_step_units(step, never))
        ends.extend(_step_ends(step))
    reached = reachable(workflow, never)
    for unit in transitions:
        if unit[0] not in reached and unit not in never:
            never[unit] = f"step '{unit[0]}' cannot be reached from the initial step"
    for end in ends:
        if end[0] not in reached and end not in never:
            never[end] = f"step '{end[0]}' cannot be reached from the initial step"
    return Units(workflow_key(workflow), workflow.name, tuple(transitions), tuple(ends), never)


def reachable(workflow: Workflow, never: dict[Unit | End, str]) -> set[str]:
    """Step ids reachable from the initial step through transitions that may happen."""
    seen = {workflow.initial}
    todo = [workflow.initial]
    while todo:
        for target in targets(workflow.steps[todo.pop()], never):
            if target in workflow.steps and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
