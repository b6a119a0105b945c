"""What generation discovers about a workflow definition, told like a loader problem.

``findings`` lists, each at ``path:line:col`` with the source line and a hint:

- steps no run can reach;
- transitions that can never be taken: conditions that never hold, shadowed by an earlier
  transition, after an execution that fails, or no way there meets every condition;
- offered responses with no transition (answering them ends the run where it stands);
- steps from which no end can be reached (a run entering them never finishes);
- experiments whose variants all route the same way (the split changes nothing).

They are warnings (``juo-flowtest lint``; errors with ``--strict``): the definition loads and
runs, but probably not as its author meant.
"""

from __future__ import annotations

from pathlib import Path

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.position import Position
from juo_flowtest.paths.plan import plan
from juo_flowtest.paths.units import End, Unit, fails, is_final, structure
from juo_flowtest.sandbox.definitions import Step, Workflow
from juo_flowtest.sandbox.source import SourceFile
from juo_flowtest.source import yamlsource
from juo_flowtest.source.yamlsource import PosDict, PosList


class _Places:
    """Where the steps, their transitions and their actions are written in the file."""

    def __init__(self, path: Path) -> None:
        self.src = SourceFile(path)
        self.steps: dict[str, PosDict] = {}
        root = self.src.parse()
        raw = root.get("steps") if isinstance(root, PosDict) else None
        for node in raw if isinstance(raw, PosList) else []:
            if isinstance(node, PosDict) and isinstance(node.get("id"), str):
                self.steps.setdefault(node["id"], node)

    def step(self, step_id: str) -> Position | None:
        node = self.steps.get(step_id)
        return yamlsource.position(node) if node is not None else None

    def transition(self, step_id: str, transition_id: str) -> Position | None:
        node = self.steps.get(step_id)
        raw = node.get("transitions") if node is not None else None
        if isinstance(raw, PosList):
            for item, at in zip(raw, raw.item_pos):
                if isinstance(item, PosDict) and item.get("id") == transition_id:
                    return at
        return self.step(step_id)

    def action(self, step_id: str) -> Position | None:
        node = self.steps.get(step_id)
        if node is not None and "action" in node:
            return yamlsource.key_position(node, "action") or self.step(step_id)
        return self.step(step_id)

    def diagnostic(self, at: Position | None, message: str, hint: str) -> Diagnostic:
        position = at or Position(str(self.src.path), 1, 1)
        lines = self.src.text.splitlines()
        line = lines[position.line - 1] if 0 < position.line <= len(lines) else ""
        return Diagnostic(position, message, line, hint, severity="warning")


def findings(workflow: Workflow) -> list[Diagnostic]:
    """The findings of one workflow version, in the order of its file."""
    places = _Places(Path(workflow.source))
    planned = plan(workflow)
    never = planned.never
    out: list[Diagnostic] = []
    reached = _reached(workflow, never)
    for step in workflow.steps.values():
        if step.id not in reached:
            out.append(places.diagnostic(
                places.step(step.id), f"step '{step.id}' cannot be reached from the initial "
                "step", "add a transition to it, or remove it"))
            continue
        out += _transitions(workflow, step, never, places)
        out += _unanswered(step, places)
    out += _no_end(workflow, never, reached, places)
    out += _same_routes(workflow, never, places)
    return sorted(out, key=lambda d: (d.position.line, d.position.column, d.message))


def _reached(workflow: Workflow, never: dict[Unit | End, str]) -> set[str]:
    reached = {workflow.initial}
    for step in workflow.steps.values():
        for t in step.transitions:
            units = ([(step.id, t.id, v.id) for v in step.variants]
                     if t.type == "auto" and step.variants else [(step.id, t.id, "")])
            if t.target is not None and any(u not in never for u in units):
                reached.add(t.target)
    # A target is reached only if its source is: walk from the initial step.
    walk, todo = {workflow.initial}, [workflow.initial]
    while todo:
        step = workflow.steps[todo.pop()]
        for t in step.transitions:
            if t.target in reached and t.target not in walk:
                walk.add(t.target)
                todo.append(t.target)
    return walk


def _transitions(workflow: Workflow, step: Step, never: dict[Unit | End, str],
                 places: _Places) -> list[Diagnostic]:
    out = []
    for t in step.transitions:
        units = ([(step.id, t.id, v.id) for v in step.variants]
                 if t.type == "auto" and step.variants else [(step.id, t.id, "")])
        reasons = [never[u] for u in units if u in never]
        if len(reasons) == len(units) and reasons and "cannot be reached" not in reasons[0]:
            out.append(places.diagnostic(
                places.transition(step.id, t.id),
                f"step '{step.id}': transition '{t.id}' can never be taken: {reasons[0]}",
                "reorder the transitions, fix the conditions, or remove it"))
    return out


def _unanswered(step: Step, places: _Places) -> list[Diagnostic]:
    if not step.interactive:
        return []
    handled = {t.response_type for t in step.transitions if t.type == "response"}
    missing = [r["type"] for r in step.responses if r["type"] not in handled]
    if not missing:
        return []
    return [places.diagnostic(
        places.action(step.id),
        f"step '{step.id}': the response{'s' if len(missing) > 1 else ''} "
        f"{', '.join(repr(m) for m in missing)} offered here "
        f"{'have' if len(missing) > 1 else 'has'} no transition: answering ends the run here "
        "with no outcome", "add a response transition for each, or stop offering them")]


def _no_end(workflow: Workflow, never: dict[Unit | End, str], reached: set[str],
            places: _Places) -> list[Diagnostic]:
    """Steps from which no run can finish (a loop with no way out)."""
    ends = [e for e in structure(workflow).ends if e not in never]
    can_end = {s.id for s in workflow.steps.values()
               if is_final(s) or fails(s) or any(e[0] == s.id for e in ends)}
    changed = True
    while changed:
        changed = False
        for step in workflow.steps.values():
            if step.id not in can_end and any(
                    t.target in can_end for t in step.transitions if t.target is not None):
                can_end.add(step.id)
                changed = True
    return [places.diagnostic(
        places.step(s.id), f"step '{s.id}': no end can be reached from here (the run never "
        "finishes)", "add a transition towards a final step, or a timeout")
        for s in workflow.steps.values() if s.id in reached and s.id not in can_end]


def _same_routes(workflow: Workflow, never: dict[Unit | End, str],
                 places: _Places) -> list[Diagnostic]:
    read = {str(op.params.get("stepId")) for s in workflow.steps.values()
            for t in s.transitions if t.conditions is not None
            for g in t.conditions.groups for i in g.items
            for op in (i.left, i.right) if op is not None and op.resolver == "variant"}
    out = []
    for step in workflow.steps.values():
        if not step.variants:
            continue
        autos = [t for t in step.transitions if t.type == "auto"]
        routes = {v.id: tuple(t.id for t in autos if (step.id, t.id, v.id) not in never)
                  for v in step.variants}
        if len(set(routes.values())) == 1 and not _read_elsewhere(step, read, workflow):
            out.append(places.diagnostic(
                places.step(step.id), f"step '{step.id}': every variant routes the same way "
                f"({', '.join(routes[step.variants[0].id]) or 'no transition'}): the "
                "experiment changes nothing", "give each variant its own transition (a "
                "condition on the variant resolver)"))
    return out


def _read_elsewhere(step: Step, read: set[str], workflow: Workflow) -> bool:
    """Whether conditions other than the step's own routing read this experiment's variant
    (another step's, or the step's own response transitions when it asks something)."""
    return any(step.id == s for s in read) and any(
        t.conditions is not None and any(
            op is not None and op.resolver == "variant" and op.params.get("stepId") == step.id
            for g in t.conditions.groups for i in g.items for op in (i.left, i.right))
        for other in workflow.steps.values()
        for t in other.transitions if other.id != step.id or t.type != "auto")
