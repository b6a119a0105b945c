"""Traffic-weighted coverage: the share of production step executions the suite exercises.

The target's Admin API counts, per workflow, how often each step was executed
(``runs/stats``: ``nodes.<stepId>.executionCount``), read once before the suite runs, so the
suite's own runs do not count. A step the suite went through carries its whole count; the
figure is the exercised steps' executions over all executions, for each workflow and in
total ("the suite exercises steps that carry 97.4% of production traffic"). Read-only, and
optional: a target without statistics (the embedded sandbox, a target without an Admin key)
simply has no figure.

Stats are per workflow id (every version); the suite's steps are taken from every version it
ran of that id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: How many of the busiest steps the suite missed are listed per workflow.
TOP_MISSED = 5


@dataclass(frozen=True, slots=True)
class WorkflowTraffic:
    """One workflow's production step executions and the share the suite exercises."""

    workflow_id: str
    counts: Mapping[str, int]  # stepId -> executionCount
    exercised_steps: frozenset[str] = frozenset()

    @property
    def executions(self) -> int:
        return sum(self.counts.values())

    @property
    def exercised(self) -> int:
        return sum(n for step, n in self.counts.items() if step in self.exercised_steps)

    @property
    def percent(self) -> float:
        return _percent(self.exercised, self.executions)

    def missed(self) -> list[tuple[str, int]]:
        """The busiest steps the suite never went through, busiest first."""
        left = [(s, n) for s, n in self.counts.items() if s not in self.exercised_steps and n]
        return sorted(left, key=lambda item: (-item[1], item[0]))[:TOP_MISSED]


@dataclass(frozen=True, slots=True)
class Traffic:
    """Every workflow with production statistics; empty when the target has none."""

    workflows: dict[str, WorkflowTraffic] = field(default_factory=dict)

    @property
    def executions(self) -> int:
        return sum(w.executions for w in self.workflows.values())

    @property
    def exercised(self) -> int:
        return sum(w.exercised for w in self.workflows.values())

    @property
    def percent(self) -> float | None:
        """None when there is no production traffic to weigh by."""
        return _percent(self.exercised, self.executions) if self.executions else None


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def from_stats(stats: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """``{workflowId: runs/stats body}`` -> ``{workflowId: {stepId: executionCount}}``."""
    out: dict[str, dict[str, int]] = {}
    for wid, body in stats.items():
        nodes = body.get("nodes") if isinstance(body, Mapping) else None
        counts = {str(step): int(node.get("executionCount", 0))
                  for step, node in (nodes or {}).items()
                  if isinstance(node, Mapping) and isinstance(node.get("executionCount"), int)}
        if sum(counts.values()):
            out[wid] = counts
    return out


def weigh(counts: Mapping[str, Mapping[str, int]],
          exercised: Mapping[str, Iterable[str]]) -> Traffic:
    """The figure for the steps the suite exercised (``{workflowId: stepIds}``)."""
    return Traffic({
        wid: WorkflowTraffic(wid, dict(steps), frozenset(exercised.get(wid, ())))
        for wid, steps in sorted(counts.items())
    })


def to_json(traffic: Traffic, names: Mapping[str, str]) -> dict[str, Any]:
    """The ``traffic`` part of coverage.json."""
    return {
        "percent": traffic.percent,
        "executions": traffic.executions,
        "exercised": traffic.exercised,
        "workflows": {
            wid: {**({"name": names[wid]} if wid in names else {}),
                  "percent": w.percent, "executions": w.executions, "exercised": w.exercised,
                  "steps": dict(sorted(w.counts.items())),
                  "exercisedSteps": sorted(w.exercised_steps),
                  "missed": [[s, n] for s, n in w.missed()]}
            for wid, w in traffic.workflows.items()
        },
    }


def from_json(data: Any) -> Traffic:
    """Read back what ``to_json`` wrote (``Traffic()`` when there is none)."""
    workflows = data.get("workflows") if isinstance(data, Mapping) else None
    if not isinstance(workflows, Mapping):
        return Traffic()
    return Traffic({
        wid: WorkflowTraffic(wid, {str(s): int(n) for s, n in (w.get("steps") or {}).items()},
                             frozenset(str(s) for s in w.get("exercisedSteps") or ()))
        for wid, w in workflows.items() if isinstance(w, Mapping)
    })


def merge_traffic(traffics: Iterable[Traffic]) -> Traffic:
    """Several coverage files' figures as one (shards of one run read the same statistics,
    so a workflow's counts are taken once and its exercised steps joined)."""
    merged: dict[str, WorkflowTraffic] = {}
    for traffic in traffics:
        for wid, w in traffic.workflows.items():
            seen = merged.get(wid)
            steps = w.exercised_steps | (seen.exercised_steps if seen else frozenset())
            merged[wid] = WorkflowTraffic(wid, seen.counts if seen else w.counts, steps)
    return Traffic(dict(sorted(merged.items())))


def summary(traffic: Traffic, names: Mapping[str, str]) -> list[str]:
    """Terminal lines: the total, then each workflow with the busiest steps it missed."""
    if traffic.percent is None:
        return []
    lines = [(f"Production traffic: the suite exercises steps that carry {traffic.percent}% of "
             f"production step executions ({traffic.exercised:,} of {traffic.executions:,})")]
    for wid, w in traffic.workflows.items():
        name = f"{names[wid]} ({wid})" if wid in names else wid
        missed = ", ".join(f"{s} ({n:,})" for s, n in w.missed())
        lines.append(f"  {name}  {w.percent:5.1f}%" + (f"  missed: {missed}" if missed else ""))
    return lines
