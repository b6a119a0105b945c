"""The run state machine: pure Python, no HTTP, time passed in by the caller.

A ``Run`` is a compact mutable record (slots); it references its immutable ``Workflow``
version, so a run stays on the version it started with. Every operation takes ``now``; due
timers (slow executions, timeouts) are applied lazily by ``fire_timers`` whenever a run is
read or written, each as its own state change at the time it fell due. Callers hold the run's
lock around each operation (see ``store``). Rejections raise ``RunError`` before any change.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import Any

from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.clock import iso
from juo_flowtest.sandbox.conditions import Scope, met
from juo_flowtest.sandbox.definitions import Step, Transition, Workflow, pending_interaction
from juo_flowtest.sandbox.ids import fresh_id

#: A guard against a runaway walk; load-time cycle checks make it unreachable in practice.
MAX_HOPS = 1000


class RunError(Exception):
    """A rejected call: ``code`` is one of ``assumptions.ERRORS``; nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Run:
    """One workflow run. Kept small: about 1-2 KB plus its context."""

    __slots__ = (
        "changed_at",
        "context",
        "dry_run",
        "due",
        "effects",
        "end_step",
        "error",
        "interaction_id",
        "invalidated",
        "lock",
        "outcome",
        "owner",
        "pins",
        "presented_at",
        "response_data",
        "response_type",
        "run_id",
        "skew",
        "started_at",
        "status",
        "step",
        "taken",
        "variants",
        "version",
        "visited",
        "workflow",
    )

    def __init__(self, run_id: str, workflow: Workflow, owner: tuple[str, str],
                 context: Mapping[str, Any], dry_run: bool, now: float = 0.0) -> None:
        self.run_id = run_id
        self.workflow = workflow
        self.owner = owner
        self.version = 0
        self.status = "running"
        self.step: Step = workflow.steps[workflow.initial]
        self.interaction_id: str | None = None
        self.presented_at = 0.0
        self.context = context
        self.dry_run = dry_run
        self.variants: dict[str, str] | None = None
        self.effects: list[dict[str, Any]] | None = None
        self.invalidated: list[str] | None = None
        self.response_type: str | None = None
        self.response_data: Mapping[str, Any] | None = None
        self.due: float | None = None
        self.outcome: Mapping[str, Any] | None = None
        self.end_step: dict[str, Any] | None = None
        self.error: dict[str, Any] | None = None
        self.visited: list[str] = []
        # result.transitions, what coverage counts: the transitions' own read-only records
        self.taken: list[Mapping[str, str]] = []
        self.pins: Mapping[str, str] = {}  # sandbox-only: variants chosen by the flow
        self.skew = 0.0  # sandbox-only: seconds this run's clock was moved ahead
        self.lock = threading.Lock()
        # For the Admin API's run summaries: when it started, when its state last changed
        # (a finished run never changes again, so that is also when it finished).
        self.started_at = self.changed_at = now


def start(workflow: Workflow, context: Mapping[str, Any], owner: tuple[str, str], now: float,
          dry_run: bool = False, run_id: str | None = None,
          pins: Mapping[str, str] | None = None) -> Run:
    """A new run, advanced to its first wait or end; ``runVersion`` is then 1.

    ``pins`` (sandbox-only) choose the variant of experiment steps instead of the hash.
    """
    if workflow.trigger_conditions is not None and not met(workflow.trigger_conditions,
                                                           Scope(context)):
        raise RunError("trigger_conditions_not_met",
                       f"the context does not meet the trigger conditions of workflow "
                       f"'{workflow.name or workflow.id}' ({workflow.id})")
    run = Run(run_id or fresh_id(), workflow, owner, context, dry_run, now)
    if pins:
        run.pins = pins
    _enter(run, workflow.initial, now)
    run.version = assumptions.FIRST_RUN_VERSION
    return run


def fire_timers(run: Run, now: float) -> None:
    """Apply every timer that fell due by ``now``, each at its own due time."""
    while run.due is not None and run.due <= now:
        at, run.due = run.due, None
        step = run.step
        if run.status == "running":  # a slow execution finished
            _after_execution(run, step, at)
        elif step.timeout is not None and step.timeout.target is not None:
            run.interaction_id = None
            _took(run, step.timeout)
            _enter(run, step.timeout.target, at)
        else:
            run.interaction_id = None
            if step.timeout is not None:
                _took(run, step.timeout)
            _finish(run, "cancelled", dict(assumptions.ABANDONED_OUTCOME), step, category=None)
        run.version += assumptions.RUN_VERSION_STEP
        run.changed_at = at


def respond(run: Run, interaction_id: str, response_type: str,
            response_data: Mapping[str, Any] | None, expected_version: int | None,
            now: float) -> None:
    """Answer the pending interaction (checks in ``assumptions.RESPOND_CHECK_ORDER``)."""
    if expected_version is not None and expected_version != run.version:
        raise RunError("run_version_conflict",
                       f"expectedRunVersion is {expected_version} but the run is at "
                       f"runVersion {run.version}")
    if run.status != "waiting_interaction":
        raise RunError("run_not_waiting", f"the run is {run.status}, not waiting_interaction")
    if interaction_id != run.interaction_id:
        raise RunError("interaction_mismatch",
                       f"interactionId '{interaction_id}' is not the pending interaction "
                       f"(step '{run.step.id}')")
    step = run.step
    if response_type not in step.response_types:
        raise RunError("invalid_response_type",
                       f"responseType '{response_type}' is not available at step '{step.id}'; "
                       f"available: {', '.join(r['type'] for r in step.responses)}")
    run.response_type, run.response_data = response_type, response_data
    run.interaction_id, run.due = None, None
    if response_type in step.accepting:
        _record(run, step, response_type)
    _leave(run, step, step.on_response.get(response_type, ()), now)
    run.version += assumptions.RUN_VERSION_STEP
    run.changed_at = now


def cancel(run: Run, expected_version: int | None, now: float | None = None) -> None:
    """Sandbox-only: end a running or waiting run as ``cancelled``."""
    if expected_version is not None and expected_version != run.version:
        raise RunError("run_version_conflict",
                       f"expectedRunVersion is {expected_version} but the run is at "
                       f"runVersion {run.version}")
    if run.status not in ("running", "waiting_interaction"):
        raise RunError("run_not_waiting", f"the run is already {run.status}")
    run.interaction_id, run.due = None, None
    _finish(run, "cancelled", dict(assumptions.CANCELLED_OUTCOME), run.step, category=None)
    run.version += assumptions.RUN_VERSION_STEP
    run.changed_at = run.changed_at if now is None else now


def _leave(run: Run, step: Step, candidates: tuple[Transition, ...], at: float) -> None:
    """Take the first of ``candidates`` whose conditions hold, to its target (or complete the
    run where none holds or it has no target)."""
    for chosen in candidates:
        if chosen.conditions is None or met(chosen.conditions, run):
            run.taken.append(chosen.taken)
            if chosen.target is not None:
                _enter(run, chosen.target, at)
                return
            break
    _finish(run, "completed", None, step, category=None)


def _enter(run: Run, step_id: str, at: float) -> None:
    """Walk from ``step_id`` through automatic steps to the next wait or end."""
    steps = run.workflow.steps
    for _ in range(MAX_HOPS):
        step = steps[step_id]
        run.step = step
        run.visited.append(step_id)
        if step.variants and (run.variants is None or step_id not in run.variants):
            _choose_variant(run, step)
        if step.interactive:  # present the interaction: the run waits for its answer
            run.status = "waiting_interaction"
            run.interaction_id = fresh_id()
            run.presented_at = at
            if step.timeout is not None and step.timeout.timeout_ms is not None:
                run.due = at + step.timeout.timeout_ms / 1000.0
            return
        if step.ends:
            config = step.action.config if step.action else {}
            _finish(run, "completed", config.get("outcome"), step, config.get("category"))
            return
        if step.executes:
            assert step.action is not None
            duration = step.action.config.get("durationMs") or 0
            if duration > 0:
                run.status, run.due = "running", at + duration / 1000.0
                return
            if not _execute(run, step):
                return
        chosen: Transition | None = None
        for chosen in step.auto:
            if chosen.conditions is None or met(chosen.conditions, run):
                break
        else:
            chosen = None
        if chosen is not None:
            run.taken.append(chosen.taken)
            if chosen.target is not None:
                step_id = chosen.target
                continue
        _finish(run, "completed", None, step, category=None)
        return
    raise RunError("validation_error", "the workflow kept moving automatically; giving up")


def _after_execution(run: Run, step: Step, at: float) -> None:
    if _execute(run, step):
        _leave(run, step, step.auto, at)


def _execute(run: Run, step: Step) -> bool:
    """Run an execution step's effect; ``False`` when it failed (the run is then failed)."""
    assert step.action is not None
    fail = step.action.config.get("fail")
    if fail is not None:
        run.status = "failed"
        run.error = {"message": str(fail.get("message", "execution failed")),
                     "code": str(fail.get("code", "execution_failed"))}
        return False
    _record(run, step, None)
    return True


def _record(run: Run, step: Step, response: str | None) -> None:
    """The effect of the step's action (an execution, or an offer accepted by ``response``)."""
    assert step.action is not None
    effect: dict[str, Any] = {"stepId": step.id, "type": step.action.type,
                              "config": step.action_config, "applied": not run.dry_run}
    if response is not None:
        effect["response"] = response
    if run.effects is None:
        run.effects = []
    run.effects.append(effect)
    if run.dry_run:
        return
    if run.invalidated is None:
        run.invalidated = []
    _invalidate(run.invalidated, step.resources)


def _took(run: Run, transition: Transition) -> None:
    run.taken.append(transition.taken)


def _choose_variant(run: Run, step: Step) -> None:
    pinned = run.pins.get(step.id)
    if pinned is not None:
        if run.variants is None:
            run.variants = {}
        run.variants[step.id] = pinned
        return
    digest = hashlib.sha256(f"{run.run_id}:{step.id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % assumptions.EXPERIMENT_BUCKETS
    point = bucket * 100.0 / assumptions.EXPERIMENT_BUCKETS
    total, chosen = 0.0, step.variants[-1].id
    for variant in step.variants:
        total += variant.traffic
        if point < total:
            chosen = variant.id
            break
    if run.variants is None:
        run.variants = {}
    run.variants[step.id] = chosen


def _invalidate(invalidated: list[str], resources: tuple[str, ...]) -> None:
    for resource in resources:
        if resource not in invalidated:
            invalidated.append(resource)


def _finish(run: Run, status: str, outcome: Mapping[str, Any] | None, step: Step,
            category: Any) -> None:
    run.status = status
    if status == "completed" and _cancels_by_default(run):
        if outcome is None:
            outcome = dict(assumptions.DEFAULT_CANCELLATION_OUTCOME)
        if (outcome or {}).get("type") == assumptions.DEFAULT_CANCELLATION_OUTCOME["type"]:
            _cancel_subscription(run, step)
    run.outcome = outcome
    end: dict[str, Any] = {"id": step.id, "label": step.name}
    if category is not None:
        end["category"] = category
    run.end_step = end


def _cancels_by_default(run: Run) -> bool:
    """Part B 13: a cancellation run that completes with no accepted offer cancels."""
    if run.workflow.trigger_type != assumptions.CANCELLATION_TRIGGER:
        return False
    for effect in run.effects or ():
        if "response" in effect:
            return False
    return True


def _cancel_subscription(run: Run, step: Step) -> None:
    """The documented default's effect, once (an explicit cancel_subscription step counts)."""
    kind = assumptions.DEFAULT_CANCELLATION_EFFECT
    for effect in run.effects or ():
        if effect["type"] == kind:
            return
    if run.effects is None:
        run.effects = []
    run.effects.append({"stepId": step.id, "type": kind, "config": {},
                        "applied": not run.dry_run})
    if not run.dry_run:
        if run.invalidated is None:
            run.invalidated = []
        _invalidate(run.invalidated, assumptions.EXECUTION_RESOURCES[kind])


def state(run: Run, wire: bool = False) -> dict[str, Any]:
    """The run as Part A's ``WorkflowRunState`` (absent optional fields are left out).

    ``wire``: a state to encode at once, under the run's lock (``store``): the parts that
    never change are the workflow's pre-encoded fragments where it has them
    (``Workflow.encoded``), and the run's own lists stand where the plain state has copies. It
    is fit only for ``jsoncodec.CODEC.dumps``, and encodes to the same text.
    """
    wf = run.workflow
    parts = wf.encoded if wire else None
    out: dict[str, Any] = {
        "workflowId": wf.id, "workflowVersion": wf.version, "runId": run.run_id,
        "runVersion": run.version, "status": run.status,
    }
    if run.interaction_id is not None:
        if parts is None:
            pending = pending_interaction(run.step, iso(run.presented_at))
        else:
            pending = dict(parts.pending[run.step.id])
            pending["presentedAt"] = iso(run.presented_at)
        pending["interactionId"] = run.interaction_id
        out["pendingInteraction"] = pending
    if wire:
        out["interactiveSteps"] = wf.interactive_steps if parts is None else parts.interactive_steps
        out["result"] = {"variants": run.variants or {}, "effects": run.effects or [],
                         "visitedSteps": run.visited, "transitions": run.taken,
                         "dryRun": run.dry_run}
        out["invalidatedResources"] = run.invalidated or []
    else:  # copies: the caller may keep the state, and read it after releasing the run's lock
        out["interactiveSteps"] = wf.interactive_steps
        out["result"] = {"variants": dict(run.variants or {}), "effects": list(run.effects or ()),
                         "visitedSteps": list(run.visited),
                         # each record is the workflow's own, shared by all its runs
                         "transitions": [dict(taken) for taken in run.taken],
                         "dryRun": run.dry_run}
        out["invalidatedResources"] = list(run.invalidated or ())
    if run.error is not None:
        out["error"] = run.error
    if run.end_step is not None:
        completion: dict[str, Any] = {"endStep": run.end_step}
        if run.outcome is not None:
            out["outcome"] = completion["outcome"] = run.outcome
        out["completionData"] = completion
    return out
