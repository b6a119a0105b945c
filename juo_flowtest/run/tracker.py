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

    __slots__ = ("_last", "_steps_seen", "exercised", "known", "paths", "run", "steps")

    def __init__(self, index: WorkflowIndex | None = None) -> None:
        self.paths = PathTracker(index)
        self.run: CurrentRun | None = None
        self.known: dict[str, set[tuple[str, str]]] = {}
        self.exercised: dict[str, set[tuple[str, str]]] = {}
        #: workflow key -> the steps its runs were pending at (for traffic-weighted coverage)
        self.steps: dict[str, set[str]] = {}
        #: run id -> (workflow key, its last run state): the end step and the visited steps
        #: are read from it once, in ``coverage`` (they only grow during a run).
        self._last: dict[str, tuple[str, dict[str, Any]]] = {}
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
        step = pending.get("stepId")
        if isinstance(step, str):
            seen = self.steps.get(key)
            if seen is None:
                seen = self.steps[key] = set()
            seen.add(step)
        self._last[body["runId"]] = (key, body)
        steps = body.get("interactiveSteps")
        if isinstance(steps, list) and steps and steps != self._steps_seen.get(key):
            self._steps_seen[key] = steps
            self._learn(self.known.setdefault(key, set()), steps)
        self.paths.observe(key, body)

    def _seen_at(self, key: str, body: dict[str, Any]) -> None:
        """The end step, and the steps a run state lists as visited (the sandbox's)."""
        seen = self.steps.setdefault(key, set())
        completion = body.get("completionData")
        end = completion.get("endStep") if isinstance(completion, dict) else None
        if isinstance(end, dict) and isinstance(end.get("id"), str):
            seen.add(end["id"])
        result = body.get("result")
        visited = result.get("visitedSteps") if isinstance(result, dict) else None
        if isinstance(visited, list):  # the sandbox lists them; Juo's result is free-form
            seen.update(step for step in visited if isinstance(step, str))

    def exercise(self, workflow_key: str, step_id: str, response_type: str,
                 run_id: str | None = None) -> None:
        """Count a respond call to ``step_id`` with ``response_type`` as covered."""
        self.exercised.setdefault(workflow_key, set()).add((step_id, response_type))
        if run_id is not None:
            self.paths.answered(run_id, response_type)

    def coverage(self) -> CoverageSample:
        for key, body in self._last.values():
            self._seen_at(key, body)
        p = self.paths
        return CoverageSample(
            known={k: frozenset(v) for k, v in self.known.items()},
            exercised={k: frozenset(v) for k, v in self.exercised.items()},
            steps={k: frozenset(v) for k, v in self.steps.items() if v},
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
