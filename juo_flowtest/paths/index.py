"""The workflow definitions a run has at hand, and what coverage reads from them.

``WorkflowIndex`` maps a run state's workflow (``<id>@<version>``) to its ``WorkflowPaths``:
the units to cover (``paths.units`` refined by ``paths.analysis``), which unit a transition
taken is, how a finished run ended, and, when the target does not say which transitions it
took (only the sandbox lists them in ``result.transitions``), the transitions inferred from
the steps observed before and after a call::

    index = WorkflowIndex(load_directory(Path("workflows")))
    paths = index.get("cancellation@1")
    paths.infer("reason_poll", ("response", "other"), ("wait", "confirm_cancel"), {})
    # [('reason_poll', 'reason_other', ''), ('loyalty_check', 'loyalty_check_other', '')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from juo_flowtest.paths.units import End, Unit, Units, fails, is_final, workflow_key
from juo_flowtest.sandbox.definitions import Step, Transition, Workflow

#: What happened at a step: ``("start",)``, ``("response", type)`` or ``("timeout",)``.
Event = tuple[str, ...]
#: Where a call left the run: ``("wait", stepId)``, ``("end", stepId)``, ``("failed", "")``,
#: ``("abandoned", stepId)``.
Landing = tuple[str, str]
_Walk = tuple[tuple[tuple[Step, Transition], ...], Landing]


class WorkflowPaths:
    """One workflow version's units, and how observed run states map onto them."""

    def __init__(self, workflow: Workflow) -> None:
        from juo_flowtest.paths.analysis import analyse

        self.workflow = workflow
        self.key = workflow_key(workflow)
        self.units: Units = analyse(workflow)

    def unit(self, step_id: str, transition_id: str, variants: Mapping[str, Any]) -> Unit:
        """The unit of a transition taken (its variant, for an experiment step's routing)."""
        step = self.workflow.steps.get(step_id)
        transition = next((t for t in step.transitions if t.id == transition_id), None) \
            if step is not None else None
        if step is not None and step.variants and transition is not None \
                and transition.type == "auto":
            return (step_id, transition_id, str(variants.get(step_id, "")))
        return (step_id, transition_id, "")

    def position(self, taken: Iterable[tuple[str, str]]) -> str:
        """The step a run is at after the (step, transition) pairs ``taken``, in order."""
        at = self.workflow.initial
        for step_id, transition_id in taken:
            step = self.workflow.steps.get(step_id)
            t = next((t for t in step.transitions if t.id == transition_id), None) \
                if step is not None else None
            at = t.target if t is not None and t.target is not None else step_id
        return at

    def end(self, status: str, end_step: str | None, position: str | None) -> End | None:
        """The end unit of a finished run (None for a sandbox cancel, or an unknown step)."""
        steps = self.workflow.steps
        if status == "completed" and end_step is not None and end_step in steps:
            return (end_step, "final" if is_final(steps[end_step]) else "no_transition")
        if status == "failed" and position is not None and position in steps:
            return (position, "failed")
        if status == "abandoned" and end_step is not None and end_step in steps:
            return (end_step, "abandoned")
        return None

    def infer(self, at: str | None, event: Event, landing: Landing,
              variants: Mapping[str, Any]) -> tuple[list[Unit], str] | None:
        """The transitions from ``at`` (after ``event``) to ``landing``, and the step the run
        stopped at; None when several walks fit (ambiguous) or none does."""
        steps = self.workflow.steps
        walks: list[_Walk] = []
        if event[0] == "start":
            walks = self._enter(steps[self.workflow.initial], ())
        elif at is not None and at in steps:
            step = steps[at]
            if event[0] == "response":
                for t in step.transitions:
                    if t.type == "response" and t.response_type == event[1] and t.target:
                        walks += self._enter(steps[t.target], ((step, t),))
                walks.append(((), ("end", step.id)))
            elif event[0] == "timeout":
                timeout = next((t for t in step.transitions if t.type == "timeout"), None)
                if timeout is not None and timeout.target is None:
                    walks.append((((step, timeout),), ("abandoned", step.id)))
                elif timeout is not None and timeout.target is not None:
                    walks += self._enter(steps[timeout.target], ((step, timeout),))
        matches = {(tuple((s.id, t.id) for s, t in w), land[1]) for w, land in walks
                   if land == landing or (landing[0] == "failed" and land[0] == "failed")}
        if len(matches) != 1:
            return None
        taken, stop = next(iter(matches))
        return [self.unit(s, t, variants) for s, t in taken], stop

    def _enter(self, step: Step, path: tuple[tuple[Step, Transition], ...],
               depth: int = 0) -> list[_Walk]:
        """Every walk from entering ``step`` through automatic steps to where the run stops."""
        if is_final(step):
            return [(path, ("end", step.id))]
        if step.interactive:
            return [(path, ("wait", step.id))]
        if fails(step):
            return [(path, ("failed", step.id))]
        if depth > len(self.workflow.steps):
            return []
        walks: list[_Walk] = [(path, ("end", step.id))]  # no transition held
        for t in step.transitions:
            if t.type == "auto" and t.target is not None and t.target in self.workflow.steps:
                walks += self._enter(self.workflow.steps[t.target], (*path, (step, t)), depth + 1)
        return walks


class WorkflowIndex:
    """The workflow versions at hand, by ``<id>@<version>``; each analysed on first use."""

    def __init__(self, workflows: Iterable[Workflow]) -> None:
        self._workflows = {workflow_key(w): w for w in workflows}
        self._paths: dict[str, WorkflowPaths] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._workflows

    @property
    def workflows(self) -> dict[str, Workflow]:
        """The definitions, by ``<id>@<version>``."""
        return dict(self._workflows)

    def get(self, key: str) -> WorkflowPaths | None:
        if key not in self._workflows:
            return None
        if key not in self._paths:
            self._paths[key] = WorkflowPaths(self._workflows[key])
        return self._paths[key]
