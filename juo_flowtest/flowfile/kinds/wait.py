"""``wait``: GET the current run until ``until`` matches (same language as ``expect``) or the
timeout passes; then the step fails, showing the last state and what did not match.

Polling starts at ``interval`` and backs off (x1.5, capped at 2 s or the interval if longer);
the last sleep ends at the deadline, never after it.

.. code-block:: yaml

    - wait: {until: {status: completed}, timeout: 5s, interval: 100ms}
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from juo_flowtest.base.outcome import Mismatch
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.expect.checks import Expect
from juo_flowtest.flowfile.builders import Builders
from juo_flowtest.flowfile.kinds.kind import Kind, StepRun
from juo_flowtest.flowfile.model import Action
from juo_flowtest.flowfile.scope import Scope, VariableError
from juo_flowtest.source.fields import Reader, as_mapping
from juo_flowtest.target.client import ApiResponse

WAIT_KEYS = ("until", "timeout", "interval")
BACKOFF_FACTOR = 1.5
BACKOFF_CAP_S = 2.0


@record
class WaitAction(Action):
    """GET until ``until`` matches or ``timeout_s`` passes (backoff from ``interval_s``)."""

    KEY: ClassVar[str] = "wait"
    until: Expect
    timeout_s: float = 10.0
    interval_s: float = 0.25


class Wait(Kind):
    key = "wait"
    action = WaitAction
    summary = "Poll GET /workflows/{runId} until a condition holds or a timeout passes."
    schema: ClassVar[dict[str, Any]] = {
        "type": "object", "required": ["until"], "additionalProperties": False, "properties": {
            "until": {"$ref": "#/$defs/expect",
                      "description": "GET until the response matches this (as expect)."},
            "timeout": {"$ref": "#/$defs/duration",
                        "description": "Give up after this long (default 10s)."},
            "interval": {"$ref": "#/$defs/duration",
                         "description": "First polling interval, with backoff (default 250ms)."},
        }}

    def parse(self, raw: Any, at: Position, build: Builders) -> WaitAction | None:
        node = as_mapping(build.problems, raw, at, "wait")
        if node is None:
            return None
        r = Reader(build.problems, node, "wait")
        r.keys(WAIT_KEYS, required=("until",))
        until = (build.expects.expect(node["until"], r.at("until"), "until")
                 if r.has("until") else None)
        timeout = build.duration(r, "timeout", 10.0)
        interval = build.duration(r, "interval", 0.25)
        if timeout is not None and interval is not None and interval > timeout:
            build.problems.add(r.at("interval"), f"wait interval ({node.get('interval')}) is "
                               f"longer than its timeout ({node.get('timeout', '10s')})")
        if until is None or timeout is None or interval is None:
            return None
        return WaitAction(until, timeout, interval)

    def render(self, action: WaitAction, scope: Scope) -> Any:
        return wait_title(action.until, scope)

    def title(self, action: WaitAction, rendered: Any) -> str:
        return str(rendered)

    def run(self, action: WaitAction, rendered: Any, step: StepRun) -> None:
        run = step.current
        if run is None:
            step.broken("wait needs a current run, and there is none: start or attach one first")
            return
        deadline = step.clock() + action.timeout_s
        delay = action.interval_s
        polls = 0
        while True:
            polls += 1
            response = step.client.get(run.run_id, step.headers)
            record = step.poll(f"poll {polls} of {rendered}", response, action.until)
            if step.stopped or not record.mismatches:
                break
            if _finished(response):  # a finished run never changes: waiting is pointless
                step.fail(finished_mismatch(action, polls, response), *record.mismatches)
                return
            remaining = deadline - step.clock()
            if remaining <= 0:
                step.fail(timeout_mismatch(action, polls, response), *record.mismatches)
                return
            step.sleep(min(delay, remaining))
            delay = min(delay * BACKOFF_FACTOR, max(BACKOFF_CAP_S, action.interval_s))
        if not step.stopped:
            step.settle(response)


def timeout_mismatch(action: WaitAction, polls: int, last: ApiResponse) -> Mismatch:
    """The mismatch of a ``wait`` whose ``until`` never held, naming the last state seen."""
    body = last.body
    if isinstance(body, dict):
        pending = body.get("pendingInteraction")
        step = pending.get("stepId") if isinstance(pending, dict) else None
        state = (f"status={body.get('status')}, runVersion={body.get('runVersion')}, "
                 f"pending={step or 'none'}")
    else:
        state = f"HTTP {last.status}"
    return Mismatch("wait", f"a match within {action.timeout_s:g}s", body,
                    f"timed out after {action.timeout_s:g}s and {polls} polls; "
                    f"last state: {state}; what did not match:", action.until.position)


_TERMINAL = frozenset({"completed", "failed", "cancelled"})


def _finished(response: ApiResponse) -> bool:
    body = response.body
    return response.ok and isinstance(body, dict) and body.get("status") in _TERMINAL


def finished_mismatch(action: WaitAction, polls: int, last: ApiResponse) -> Mismatch:
    """The mismatch of a ``wait`` stopped early: the run finished without matching ``until``."""
    status = last.body.get("status") if isinstance(last.body, dict) else None
    return Mismatch("wait", "a match within the timeout", last.body,
                    f"the run finished (status {status}) after {polls} poll"
                    f"{'s' if polls != 1 else ''} and can no longer match; stopped waiting; "
                    "what did not match:", action.until.position)


def wait_title(until: Expect, scope: Scope) -> str:
    """``wait until status=completed, http=200``; labels only when a value cannot render."""
    parts: list[str] = []
    try:
        for check in until.fields:
            parts.append(f"{check.label}={_short(check.matcher.expected(scope.resolve))}")
        for jp in until.jsonpath:
            parts.append(f"{jp.expression}={_short(jp.matcher.expected(scope.resolve))}")
        if until.http is not None:
            parts.append(f"http={_short(until.http.expected(scope.resolve))}")
    except VariableError:
        parts = [c.label for c in until.fields]
    return "wait until " + (", ".join(parts) or "a 2xx")


def _short(value: Any) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, default=str)
    return shown if len(shown) <= 40 else shown[:39] + "…"


KIND = Wait()
