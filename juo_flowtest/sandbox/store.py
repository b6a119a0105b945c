"""Runs in memory, isolated by tenant and customer, each changed under its own lock.

Lock choice (measured, see bench/README-sandbox.md): one ``threading.Lock`` per run. The app's
handlers are async and do no ``await`` between reading and writing a run, so under uvicorn's
single event loop every operation is already atomic; the per-run lock keeps that true for
threaded callers (the engine-level tests and any sync embedding) at ~0.1 us per operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, overload

from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.catalog import Catalog
from juo_flowtest.sandbox.clock import Clock
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.sandbox.engine import Run, RunError
from juo_flowtest.sandbox.jsoncodec import CODEC
from juo_flowtest.sandbox.registry import WorkflowStore

Owner = tuple[str, str]  # (tenant, customer)


class RunStore:
    """The sandbox's state: every run, by id. Every call answers the run state: a plain
    ``engine.state`` dict, or with ``wire`` the bytes the customer API sends (``wire_state``,
    encoded under the run's lock)."""

    def __init__(self, catalog: Catalog, clock: Clock) -> None:
        self.catalog = catalog
        self.clock = clock
        self.runs: dict[str, Run] = {}
        #: Each tenant's workflows, seeded from ``catalog``, as the Admin API edits them.
        self.workflows = WorkflowStore(catalog.workflows, clock)

    @overload
    def start(self, owner: Owner, flow_type: str, workflow_id: str | None,
              context: Mapping[str, Any], dry_run: bool, pins: Mapping[str, str] | None = None,
              *, wire: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    def start(self, owner: Owner, flow_type: str, workflow_id: str | None,
              context: Mapping[str, Any], dry_run: bool, pins: Mapping[str, str] | None = None,
              *, wire: Literal[True]) -> bytes: ...
    def start(self, owner: Owner, flow_type: str, workflow_id: str | None,
              context: Mapping[str, Any], dry_run: bool, pins: Mapping[str, str] | None = None,
              *, wire: bool = False) -> dict[str, Any] | bytes:
        workflow = self.workflows.find(owner[0], flow_type, workflow_id)
        if workflow is None:
            what = f"workflowId '{workflow_id}'" if workflow_id is not None else (
                f"flowType '{flow_type}'")
            raise RunError("workflow_not_found", f"no published workflow for {what}"
                           if workflow_id is None else f"no workflow with {what}")
        if pins:
            _check_pins(workflow, pins)
        concluded = self.workflows.concluded(owner[0], workflow)
        if concluded:  # a concluded experiment: new runs go where it was concluded
            pins = {**concluded, **(pins or {})}
        run = engine.start(workflow, context, owner, self.clock.now(), dry_run, pins=pins)
        self.runs[run.run_id] = run
        with run.lock:
            return wire_state(run) if wire else engine.state(run)

    @overload
    def read(self, owner: Owner, run_id: str, *,
             wire: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    def read(self, owner: Owner, run_id: str, *, wire: Literal[True]) -> bytes: ...
    def read(self, owner: Owner, run_id: str, *, wire: bool = False) -> dict[str, Any] | bytes:
        run = self._get(owner, run_id)
        with run.lock:
            engine.fire_timers(run, self.now(run))
            return wire_state(run) if wire else engine.state(run)

    def now(self, run: Run) -> float:
        """The run's own time: the clock, plus what the sandbox-only advance added."""
        return self.clock.now() + run.skew

    @overload
    def advance(self, owner: Owner, run_id: str, ms: float, *,
                wire: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    def advance(self, owner: Owner, run_id: str, ms: float, *, wire: Literal[True]) -> bytes: ...
    def advance(self, owner: Owner, run_id: str, ms: float, *,
                wire: bool = False) -> dict[str, Any] | bytes:
        """Sandbox-only: move this run's clock ``ms`` ahead, firing what falls due."""
        run = self._get(owner, run_id)
        with run.lock:
            run.skew += ms / 1000.0
            engine.fire_timers(run, self.now(run))
            return wire_state(run) if wire else engine.state(run)

    @overload
    def respond(self, owner: Owner, run_id: str, interaction_id: str, response_type: str,
                data: Mapping[str, Any] | None, expected: int | None, *,
                wire: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    def respond(self, owner: Owner, run_id: str, interaction_id: str, response_type: str,
                data: Mapping[str, Any] | None, expected: int | None, *,
                wire: Literal[True]) -> bytes: ...
    def respond(self, owner: Owner, run_id: str, interaction_id: str, response_type: str,
                data: Mapping[str, Any] | None, expected: int | None, *,
                wire: bool = False) -> dict[str, Any] | bytes:
        run = self._get(owner, run_id)
        with run.lock:
            now = self.now(run)
            if run.due is not None:
                engine.fire_timers(run, now)
            engine.respond(run, interaction_id, response_type, data, expected, now)
            return wire_state(run) if wire else engine.state(run)

    @overload
    def cancel(self, owner: Owner, run_id: str, expected: int | None, *,
               wire: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    def cancel(self, owner: Owner, run_id: str, expected: int | None, *,
               wire: Literal[True]) -> bytes: ...
    def cancel(self, owner: Owner, run_id: str, expected: int | None, *,
               wire: bool = False) -> dict[str, Any] | bytes:
        run = self._get(owner, run_id)
        with run.lock:
            now = self.now(run)
            engine.fire_timers(run, now)
            engine.cancel(run, expected, now)
            return wire_state(run) if wire else engine.state(run)

    def runs_of(self, tenant: str, workflow_id: str) -> list[Run]:
        """Every run of the tenant's workflow ``workflow_id``, its due timers applied."""
        found = [run for run in list(self.runs.values())
                 if run.owner[0] == tenant and run.workflow.id == workflow_id]
        for run in found:
            with run.lock:
                engine.fire_timers(run, self.now(run))
        return found

    def _get(self, owner: Owner, run_id: str) -> Run:
        run = self.runs.get(run_id)
        if run is None or run.owner != owner:  # another owner's run does not exist for you
            raise RunError("run_not_found", f"no run '{run_id}'")
        return run


def wire_state(run: Run) -> bytes:
    """The run state the customer API answers (``engine.state`` for the wire, encoded): call
    it holding the run's lock."""
    return CODEC.dumps(engine.state(run, wire=True))


def _check_pins(workflow: Workflow, pins: Mapping[str, str]) -> None:
    """Pinned variants must name experiment steps of the workflow and their variants."""
    for step_id, variant in pins.items():
        step = workflow.steps.get(step_id)
        if step is None or not step.variants:
            experiments = [s.id for s in workflow.steps.values() if s.variants] or ["none"]
            raise RunError("validation_error",
                           f"X-Sandbox-Variants: '{step_id}' is not an experiment step of "
                           f"workflow '{workflow.id}' (experiment steps: "
                           f"{', '.join(experiments)})")
        if variant not in {v.id for v in step.variants}:
            raise RunError("validation_error",
                           f"X-Sandbox-Variants: step '{step_id}' has no variant '{variant}' "
                           f"(variants: {', '.join(v.id for v in step.variants)})")
