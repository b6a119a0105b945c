"""What a flow run learns from the run states it sees: the current run, and workflow coverage.

Every successful run state replaces the ``CurrentRun`` (the built-ins ``${run.id}``,
``${pending.interactionId}``... and the threading of respond calls read it) and adds its
workflow's interactive steps to the known (step, response) pairs; each successful respond
adds the pair it exercised.

Example::

    >>> tracker = RunTracker()
    >>> tracker.observe({"runId": "r-1", "workflowId": "wf", "workflowVersion": 3,
    ...                  "status": "waiting_interaction",
    ...                  "pendingInteraction": {"interactionId": "i-1", "stepId": "poll"},
    ...                  "interactiveSteps": [{"stepId": "poll", "availableResponses": ["a"]}]})
    >>> tracker.run.workflow_key, tracker.coverage().known
    ('wf@3', {'wf@3': frozenset({('poll', 'a')})})
"""

from __future__ import annotations

from typing import Any

from juo_flowtest.coverage.model import CoverageSample
from juo_flowtest.flowfile.scope import CurrentRun
from juo_flowtest.paths.index import WorkflowIndex
from juo_flowtest.run.pathtracker import PathTracker


class RunTracker:
    """The current run and the coverage of one flow execution.

    ``index``: the workflow definitions at hand, for transition and end-step coverage.
    """

    __slots__ = ("_steps_seen", "exercised", "known", "paths", "run")

    def __init__(self, index: WorkflowIndex | None = None) -> None:
        self.paths = PathTracker(index)
        self.run: CurrentRun | None = None
        self.known: dict[str, set[tuple[str, str]]] = {}
        self.exercised: dict[str, set[tuple[str, str]]] = {}
        #: workflow key -> the last interactiveSteps scanned for it; a workflow sends the same
        #: list in every run state, and comparing it is far cheaper than rescanning it.
        self._steps_seen: dict[str, list[Any]] = {}

    def observe(self, body: Any) -> None:
        """Track the current run and coverage from a successful run state."""
        if not isinstance(body, dict) or not isinstance(body.get("runId"), str):
            return
        key = f"{body.get('workflowId')}@{_version_text(body.get('workflowVersion'))}"
        p = body.get("pendingInteraction")
        pending = p if isinstance(p, dict) else {}
        interaction = pending.get("interactionId")
        previous = self.run
        last = interaction or (previous.last_interaction_id
                               if previous and previous.run_id == body["runId"] else None)
        self.run = CurrentRun(body["runId"], body.get("runVersion"), key, body.get("status"),
                              interaction, pending.get("stepId"), pending.get("actionType"), last)
        steps = body.get("interactiveSteps")
        if isinstance(steps, list) and steps and steps != self._steps_seen.get(key):
            self._steps_seen[key] = steps
            self._learn(self.known.setdefault(key, set()), steps)
        self.paths.observe(key, body)

    def exercise(self, workflow_key: str, step_id: str, response_type: str,
                 run_id: str | None = None) -> None:
        """Count a respond call to ``step_id`` with ``response_type`` as covered."""
        self.exercised.setdefault(workflow_key, set()).add((step_id, response_type))
        if run_id is not None:
            self.paths.answered(run_id, response_type)

    def coverage(self) -> CoverageSample:
        p = self.paths
        return CoverageSample(
            known={k: frozenset(v) for k, v in self.known.items()},
            exercised={k: frozenset(v) for k, v in self.exercised.items()},
            transitions_known={k: frozenset(v) for k, v in p.transitions_known.items()},
            transitions_exercised={k: frozenset(v) for k, v in p.transitions_exercised.items()},
            ends_known={k: frozenset(v) for k, v in p.ends_known.items()},
            ends_exercised={k: frozenset(v) for k, v in p.ends_exercised.items()},
            never={k: frozenset(v) for k, v in p.never.items()},
            names=dict(p.names),
            notes={k: frozenset(v) for k, v in p.notes.items()},
        )

    @staticmethod
    def _learn(known: set[tuple[str, str]], steps: list[Any]) -> None:
        for s in steps:
            if isinstance(s, dict) and isinstance(s.get("availableResponses"), list):
                for r in s["availableResponses"]:
                    rtype = r.get("type") if isinstance(r, dict) else r
                    if isinstance(rtype, str):
                        known.add((str(s.get("stepId")), rtype))


def _version_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
