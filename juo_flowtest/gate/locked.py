"""The ``locked_workflows`` rule: every flow ran the workflow versions the lock file pins.

A flow's result names each workflow version it saw (``"<workflowId>@<version>"`` labels). A
flow is *stale* when it saw a workflow the lock lists at another version: its expectations
were written (or last checked) against a definition the target no longer runs, or the run
went to a target that has moved on. Workflows the lock does not list (drafts under test,
workflows pulled elsewhere) are not judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from juo_flowtest.base.errors import ConfigError, ResultsError
from juo_flowtest.gate.results import FlowOutcome
from juo_flowtest.workflows import lockfile
from juo_flowtest.workflows.lockfile import Lock


@dataclass(frozen=True, slots=True)
class StaleFlow:
    outcome: FlowOutcome
    why: str  # e.g. "ran Cancellation flow v2 (969c...), the lock pins v1"


def read_lock(where: str) -> Lock:
    """The lock at ``where`` (the file, or the folder holding ``workflows.lock.json``)."""
    path = Path(where)
    if path.is_dir():
        path = path / lockfile.LOCK_NAME
    try:
        lock = lockfile.read(path)
    except ConfigError as exc:
        raise ResultsError(str(exc)) from None
    if lock is None:
        raise ResultsError(f"no workflows lock file at {path} (locked_workflows): "
                           "juo-flowtest workflows pull writes one")
    return lock


def stale_flows(outcomes: Iterable[FlowOutcome], lock: Lock) -> list[StaleFlow]:
    """The flows that saw a locked workflow at another version than the lock's."""
    pinned = lock.by_id()
    found: list[StaleFlow] = []
    for outcome in outcomes:
        reasons = []
        for key in outcome.workflows:
            wid, _, version = key.rpartition("@")
            entry = pinned.get(wid)
            if entry is not None and version != str(entry.version):
                reasons.append(f"ran {entry.name} v{version} ({wid}), the lock pins "
                               f"v{entry.version}")
        if reasons:
            found.append(StaleFlow(outcome, "; ".join(reasons)))
    return found
