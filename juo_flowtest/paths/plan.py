"""A set of paths that together reach every unit of a workflow that can be reached.

``plan`` asks the search (``paths.search``) for the shortest way to each unit not yet covered,
extends it to an end, solves its conditions (``paths.solver``) and plays it on the engine
(``paths.simulate``); what the engine really went through counts as covered. Units no path
reaches are returned with why. Trigger conditions are solved too: every path starts with a
context that meets them, and ``refusals`` gives one context per way to fail them.

    >>> p = plan(workflow)
    >>> len(p.paths), p.never
    (9, {('remove_item', 'remove_item_done', ''): "the execution of step 'remove_item' fails..."})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from juo_flowtest.paths.search import Search, State, domains
from juo_flowtest.paths.simulate import Trace, inputs, play
from juo_flowtest.paths.solver import Known, Literal, Var, alternatives, solve
from juo_flowtest.paths.units import End, Unit, structure
from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.definitions import Workflow


@dataclass(frozen=True, slots=True)
class Refusal:
    """A start the trigger refuses (422): the literals it breaks and the context used."""

    literals: tuple[Literal, ...]
    context: dict[str, Any]


@dataclass(slots=True)
class Plan:
    workflow: Workflow
    paths: list[tuple[State, Trace]] = field(default_factory=list)
    never: dict[Unit | End, str] = field(default_factory=dict)
    refusals: list[Refusal] = field(default_factory=list)
    units: list[Unit | End] = field(default_factory=list)


def plan(workflow: Workflow) -> Plan:
    """Paths covering every reachable unit of ``workflow``, and why the others are not."""
    units = structure(workflow)
    out = Plan(workflow, never=dict(units.never),
               units=[*units.transitions, *units.ends])
    out.refusals = refusals(workflow)
    starts = _start_literals(workflow)
    todo = [u for u in out.units if u not in units.never]
    if not starts:
        for unit in todo:
            out.never[unit] = "the trigger's conditions can never hold"
        return out
    # Each way the trigger can hold may open other branches (an or-group): explore them all,
    # the first way that reaches a unit is the one used for it.
    first: dict[Unit | End, tuple[Search, State]] = {}
    for start in starts:
        search = Search(workflow, start)
        for unit, state in search.explore().items():
            first.setdefault(unit, (search, state))
    covered: set[Unit | End] = set()
    for unit in todo:
        if unit in covered:
            continue
        found = first.get(unit)
        search = found[0] if found is not None else Search(workflow, starts[0])
        reason = _cover(workflow, search, found[1] if found is not None else None, unit, out)
        if reason is not None:
            out.never[unit] = reason
        else:
            trace = out.paths[-1][1]
            covered.update(trace.transitions)
            if trace.end is not None:
                covered.add(trace.end)
    out.paths = _prune(out.paths)
    return out


def _cover(workflow: Workflow, search: Search, state: State | None, unit: Unit | End,
           out: Plan) -> str | None:
    if state is None:
        return _why_unreached(workflow, unit)
    done = search.finish(state) or state  # no end after it: the flow stops mid-run
    solution = solve(done.literals, search.domains)
    if solution is None:  # pragma: no cover - the search keeps only solvable states
        return "no values satisfy every condition on the way"
    trace = play(workflow, done, solution)
    if isinstance(trace, str):
        return f"the engine did not follow the path found: {trace}"
    out.paths.append((done, trace))
    return None


def _why_unreached(workflow: Workflow, unit: Unit | End) -> str:
    step = workflow.steps[unit[0]]
    if len(unit) == 3:
        t = next((t for t in step.transitions if t.id == unit[1]), None)
        if t is not None and t.conditions is not None and not any(
                solve(lits, domains(workflow)) is not None
                for lits in alternatives(t.conditions, True, Known())):
            return "its conditions can never hold"
        return ("no way there satisfies its conditions together with the conditions of the "
                "transitions before it and on the way")
    if unit[1] == "no_transition":
        return "some transition always holds there"
    return "no way there satisfies every condition on the way"


#: At most this many ways for the trigger's conditions to hold are explored.
MAX_STARTS = 8


def _start_literals(workflow: Workflow) -> list[tuple[Literal, ...]]:
    """The ways the trigger's conditions can hold (each a set of literals), in order."""
    out: list[tuple[Literal, ...]] = []
    for lits in alternatives(workflow.trigger_conditions, True, Known()):
        if solve(lits, {}) is not None and lits not in out:
            out.append(lits)
            if len(out) >= MAX_STARTS:
                break
    return out


def refusals(workflow: Workflow) -> list[Refusal]:
    """Start contexts the trigger's conditions refuse (each checked: 422), so that every
    item that can fail fails in one of them. Or-groups fail together (each of them must), so
    their combinations are many; a combination whose every item already failed in an
    earlier one adds nothing and is left out."""
    out: list[Refusal] = []
    seen: list[dict[str, Any]] = []
    failed: set[Literal] = set()
    holds = _start_literals(workflow)
    for lits in alternatives(workflow.trigger_conditions, False, Known()):
        if lits and set(lits) <= failed:
            continue
        solution = _isolated(lits, holds)
        if solution is None:
            continue
        context = inputs(solution)[0]
        if context in seen:
            continue
        try:
            engine.start(workflow, context, ("generate", "generate"), 0.0)
            continue  # the engine accepts it after all: not a refusal
        except engine.RunError as exc:
            if exc.code != "trigger_conditions_not_met":
                continue
        seen.append(context)
        failed.update(lits)
        out.append(Refusal(lits, context))
    return out


def _isolated(lits: tuple[Literal, ...], holds: list[tuple[Literal, ...]]
              ) -> dict[Var, Any] | None:
    """Values breaking ``lits`` and, where they can, meeting every other condition of the
    trigger (from its first way to hold that fits), so the 422 is for this reason alone."""
    mine = {lit.var for lit in lits}
    for way in holds:
        rest = tuple(lit for lit in way if lit.var not in mine)
        solution = solve((*lits, *rest), {})
        if solution is not None:
            return solution
    return solve(lits, {})


def _prune(paths: list[tuple[State, Trace]]) -> list[tuple[State, Trace]]:
    """Drop paths whose every unit another kept path covers too (latest first)."""
    kept = list(paths)
    for candidate in reversed(paths):
        others = [p for p in kept if p is not candidate]
        mine = _covers(candidate[1])
        if others and mine <= set().union(*(_covers(p[1]) for p in others)):
            kept = others
    return kept


def _covers(trace: Trace) -> set[Unit | End]:
    found: set[Unit | End] = set(trace.transitions)
    if trace.end is not None:
        found.add(trace.end)
    return found
