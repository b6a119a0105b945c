"""What the Admin API answers, shaped as Juo's Admin OpenAPI documents it (spec Part C).

``Workflow`` always carries ``publishedAt`` (``null`` until published); a ``WorkflowListItem``
and a ``WorkflowRunSummary`` leave ``publishedAt`` / ``completedAt`` out until there is one
(never ``null``). The Admin copy of a run state has no ``interactiveSteps``,
``invalidatedResources`` or top-level ``outcome``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.clock import iso
from juo_flowtest.sandbox.engine import Run
from juo_flowtest.sandbox.paging import Key
from juo_flowtest.sandbox.registry import Record

FINISHED = frozenset({"completed", "failed", "cancelled"})
#: Run-state fields the Admin copy does not have.
CUSTOMER_ONLY_FIELDS = ("interactiveSteps", "invalidatedResources", "outcome")


def workflow(record: Record) -> dict[str, Any]:
    """The full ``Workflow``: the editor's definition and the server-kept fields."""
    definition = record.definition
    out: dict[str, Any] = {"id": record.id, "resource": "workflow", "name": record.name}
    if isinstance(definition.get("description"), str):
        out["description"] = definition["description"]
    out.update({
        "version": record.version,
        "status": record.status,
        "triggerType": record.trigger_type,
        "trigger": definition.get("trigger", {}),
        "steps": definition.get("steps", []),
        "metadata": definition.get("metadata", {}),
        "hasUnpublishedChanges": record.has_unpublished_changes,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
        "publishedAt": iso(record.published_at) if record.published_at is not None else None,
    })
    return out


def list_item(record: Record) -> dict[str, Any]:
    """A ``WorkflowListItem`` (``publishedAt`` only once published)."""
    out: dict[str, Any] = {"id": record.id, "resource": "workflow", "name": record.name,
                           "status": record.status, "triggerType": record.trigger_type,
                           "createdAt": iso(record.created_at),
                           "updatedAt": iso(record.updated_at)}
    if record.published_at is not None:
        out["publishedAt"] = iso(record.published_at)
    return out


def workflow_key(record: Record, field: str) -> Key:
    """A record's place in a list sorted by ``field``."""
    value: Any = {"createdAt": record.created_at, "updatedAt": record.updated_at}.get(
        field, record.name)
    return (value, record.seq)


def run_summary(run: Run) -> dict[str, Any]:
    """A ``WorkflowRunSummary`` (``completedAt`` only once the run has finished)."""
    out: dict[str, Any] = {"id": run.run_id, "resource": "workflow_run", "customerId": run.owner[1],
                           "status": run.status, "workflowVersion": run.workflow.version,
                           "startedAt": iso(run.started_at), "updatedAt": iso(run.changed_at)}
    if run.status in FINISHED:
        out["completedAt"] = iso(run.changed_at)
    return out


def run_key(numbered: tuple[int, Run], field: str) -> Key:
    """A run's place in a list sorted by ``field``; ties go by start order (``numbered``)."""
    order, run = numbered
    return (run.started_at if field == "startedAt" else run.changed_at, order)


def run_state(run: Run) -> dict[str, Any]:
    """The Admin copy of a run's ``WorkflowRunState``."""
    with run.lock:
        state = engine.state(run)
    for name in CUSTOMER_ONLY_FIELDS:
        state.pop(name, None)
    return state


def stats(runs: Iterable[Run]) -> dict[str, Any]:
    """``runs/stats``: counts of what the runs did, step by step and experiment by experiment."""
    total = success = failed = 0
    nodes: Counter[str] = Counter()
    enrolments: dict[str, Counter[str]] = {}
    for run in runs:
        total += 1
        success += run.status == "completed"
        failed += run.status == "failed"
        nodes.update(run.visited)
        for step_id, variant in (run.variants or {}).items():
            enrolments.setdefault(step_id, Counter())[variant] += 1
    return {
        "totalRuns": total,
        "successRuns": success,
        "failedRuns": failed,
        "nodes": {step: {"executionCount": count} for step, count in sorted(nodes.items())},
        "experiments": {
            step: {"totalEnrollments": sum(counts.values()),
                   "variantEnrollments": dict(sorted(counts.items())), "metrics": []}
            for step, counts in sorted(enrolments.items())
        },
    }
