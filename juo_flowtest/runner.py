"""Executes one flow (one case of it) against a ``JuoClient`` and returns a ``FlowResult``.

Imports neither pytest nor allure: the plugin and the CLI decide what a verdict means, and
reporters follow the run through the ``RunListener``.

A step: build its request (templates rendered through a scope snapshotted *before* the call,
so ``${run.id}`` in its ``expect`` still means the run as it was), make the call, judge the
response, save values, and update the current run from the run state. Judging, in order:
transport failure, unexpected 5xx, invalid JSON, contract violation on a 2xx are BROKEN; then
every expectation (and every save) is checked and all mismatches are reported together as
FAILED. The first step that is not PASSED stops the flow.

This module is longer than the house ~300 lines because it is one concept (the execution of
a flow) whose parts share the run's mutable state; splitting it would pass that state around.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from juo_flowtest import model, templating
from juo_flowtest.client import ApiResponse, JuoClient
from juo_flowtest.matchers import MISSING
from juo_flowtest.result import (
    CallRecord,
    CoverageSample,
    FlowResult,
    Mismatch,
    NullListener,
    RunListener,
    StepResult,
    Verdict,
)
from juo_flowtest.runstate import check_run_state

Clock = Callable[[], float]
Sleep = Callable[[float], None]

_BACKOFF_FACTOR = 1.5
_BACKOFF_CAP_S = 2.0
_NO_HEADERS = model.Headers()
_RUN_BUILTINS = frozenset({"run.id", "run.version", "pending.interactionId", "pending.stepId"})


class _NoValue(Exception):
    """A known variable that has no value right now (``${run.id}`` before any run, unset env)."""


class _Run(NamedTuple):
    """The current run as its last successful run state showed it; replaced, never mutated.

    A NamedTuple rather than a frozen dataclass: one is built per call, and it is 4x cheaper.
    """

    run_id: str
    version: Any
    workflow_key: str
    status: Any
    interaction_id: str | None  # of the pending interaction, None when there is none
    step_id: str | None
    action_type: str | None
    last_interaction_id: str | None  # survives the pending interaction going away


class _Scope:
    """Resolves ``${...}``: built-ins from ``run`` (a snapshot), ``env:``, then variables."""

    __slots__ = ("env", "run", "values")

    def __init__(self, values: dict[str, Any], run: _Run | None, env: Mapping[str, str]):
        self.values, self.run, self.env = values, run, env

    def resolve(self, name: str) -> Any:
        if name == "uuid":
            return str(uuid.uuid4())
        if name in _RUN_BUILTINS:
            return self._builtin(name)
        if name.startswith(templating.ENV_PREFIX):
            var = name[len(templating.ENV_PREFIX):]
            if var not in self.env:
                raise _NoValue(f"${{{name}}}: the environment variable {var} is not set")
            return self.env[var]
        try:
            return self.values[name]
        except KeyError:
            raise templating.UnknownVariable(name) from None

    def _builtin(self, name: str) -> Any:
        run = self.run
        if run is None:
            raise _NoValue(f"${{{name}}} has no value yet: no run has been started or attached")
        if name == "run.id":
            return run.run_id
        if name == "run.version":
            return run.version
        value = run.interaction_id if name == "pending.interactionId" else run.step_id
        if value is None:
            raise _NoValue(f"${{{name}}} has no value: the run has no pending interaction "
                           f"(status {run.status})")
        return value

    def known(self) -> str:
        return ", ".join(sorted(self.values) + sorted(templating.BUILTINS) + ["env:NAME"])


@dataclass(slots=True)
class _Outcome:
    """What one step produced, before it becomes a ``StepResult``."""

    calls: list[CallRecord]
    mismatches: list[Mismatch]
    broken: str | None = None


def run_flow(
    flow: model.Flow,
    case: model.Case | None,
    client: JuoClient,
    listener: RunListener | None = None,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    env: Mapping[str, str] | None = None,
) -> FlowResult:
    """Run ``flow`` (with ``case``'s values) through ``client``; never raises for a bad target.

    Example::

        client = JuoClient(make_http_client(10.0), base_url, tenant, Auth("delegated", token))
        result = run_flow(flow, None, client, listener)
        result.verdict, result.message   # Verdict.FAILED, 'step 3 "respond accept" (...) failed:...'

    ``clock`` (monotonic seconds) and ``sleep`` drive ``wait`` steps; ``env`` backs
    ``${env:NAME}`` (default ``os.environ``).
    """
    run = _FlowRun(flow, case, client, listener or NullListener(), clock, sleep,
                   os.environ if env is None else env)
    return run.execute()


class _FlowRun:
    """The state of one flow execution: variables, the current run, coverage, results."""

    def __init__(self, flow: model.Flow, case: model.Case | None, client: JuoClient,
                 listener: RunListener, clock: Clock, sleep: Sleep, env: Mapping[str, str]):
        self.flow, self.case, self.client, self.listener = flow, case, client, listener
        self.clock, self.sleep, self.env = clock, sleep, env
        self.values: dict[str, Any] = {}
        self.saved: dict[str, Any] = {}
        self.run: _Run | None = None
        self.known: dict[str, set[tuple[str, str]]] = {}
        self.exercised: dict[str, set[tuple[str, str]]] = {}

    def scope(self) -> _Scope:
        return _Scope(self.values, self.run, self.env)

    def execute(self) -> FlowResult:
        started = time.time()
        steps: list[StepResult] = []
        message = ""
        try:
            self._declare(self.case.values if self.case else {}, overwrite=True)
            self._declare(self.flow.vars, overwrite=False)  # a case's value wins over vars
        except (templating.UnknownVariable, _NoValue) as exc:
            message = f"vars: {self._variable_problem(exc)}"
        if not message:
            for index, step in enumerate(self.flow.steps):
                result = self._step(index, step)
                steps.append(result)
                if result.verdict is not Verdict.PASSED:
                    message = self._summary(result, len(self.flow.steps) - index - 1)
                    break
        verdict = steps[-1].verdict if steps else (Verdict.BROKEN if message else Verdict.PASSED)
        return FlowResult(
            flow_name=self.flow.name,
            case_id=self.case.id if self.case else None,
            verdict=verdict,
            steps=tuple(steps),
            message=self.client.scrub(message),
            coverage=CoverageSample(
                known={k: frozenset(v) for k, v in self.known.items()},
                exercised={k: frozenset(v) for k, v in self.exercised.items()},
            ),
            variables=dict(self.saved),
            started_at=started,
            stopped_at=time.time(),
        )

    def _declare(self, values: Mapping[str, Any], overwrite: bool) -> None:
        """Render variables in order, so each may use env, built-ins and the ones before it."""
        for name, value in values.items():
            if overwrite or name not in self.values:
                self.values[name] = templating.render(value, self.scope().resolve)

    # -- one step ----------------------------------------------------------------------------

    def _step(self, index: int, step: model.Step) -> StepResult:
        started = time.time()
        before = self.scope()  # the run as it is before this step's call, for its expect
        outcome = _Outcome([], [])
        title = step.name or _plain_title(step.action)
        try:
            title = step.name or self._title(step.action, before)
        except (templating.UnknownVariable, _NoValue) as exc:
            outcome.broken = self._variable_problem(exc)
        self.listener.step_started(index, title)
        if outcome.broken is None:
            try:
                self._act(step, before, outcome)
            except (templating.UnknownVariable, _NoValue) as exc:
                outcome.broken = self._variable_problem(exc)
        if outcome.broken is not None:
            verdict = Verdict.BROKEN
        else:
            verdict = Verdict.FAILED if outcome.mismatches else Verdict.PASSED
        result = StepResult(
            index=index,
            title=title,
            verdict=verdict,
            calls=tuple(outcome.calls),
            mismatches=tuple(outcome.mismatches),
            broken=outcome.broken,
            position=step.position,
            started_at=started,
            stopped_at=time.time(),
        )
        self.listener.step_finished(result)
        return result

    def _act(self, step: model.Step, before: _Scope, out: _Outcome) -> None:
        action = step.action
        headers = self._headers(step, before)
        if isinstance(action, model.WaitAction):
            self._wait(step, action, headers, before, out)
            return
        respond: dict[str, Any] | None = None
        pending_step = self.run.step_id if self.run else None
        if isinstance(action, model.StartAction):
            body = templating.render(action.body, before.resolve)
            kind, title = "start", f"start {_flow_type(body)}"
            response = self.client.start(body, headers)
        elif isinstance(action, model.AttachAction):
            run_id = _text(templating.render(action.run_id, before.resolve))
            kind, title = "attach", f"attach {run_id}"
            response = self.client.get(run_id, headers)
        elif self.run is None:
            out.broken = (f"{_plain_title(action)} needs a current run, and there is none: "
                          "the flow must start or attach a run first")
            return
        elif isinstance(action, model.GetAction):
            kind, title = "get", "get"
            response = self.client.get(self.run.run_id, headers)
        else:
            respond = self._respond_body(action, before, out)
            if respond is None:
                return
            kind, title = "respond", self._respond_title(respond["responseType"])
            response = self.client.respond(self.run.run_id, respond, headers)
        self._record(kind, title, response, step.expect, before, out)
        if out.broken is not None:
            return
        self._save(step.save, response, out)
        if response.ok:
            if respond is not None and pending_step is not None and self.run is not None:
                pair = (pending_step, _text(respond["responseType"]))
                self.exercised.setdefault(self.run.workflow_key, set()).add(pair)
            self._observe(response.body)

    def _respond_body(self, action: model.RespondAction, scope: _Scope,
                      out: _Outcome) -> dict[str, Any] | None:
        run = self.run
        assert run is not None
        body: dict[str, Any] = {}
        if action.interaction_id is model.UNSET:
            interaction = run.interaction_id or run.last_interaction_id
            if interaction is None:
                out.broken = (f"respond: the run {run.run_id} has no pending interaction to "
                              f"answer (status {run.status}); write interactionId explicitly")
                return None
        else:
            interaction = templating.render(action.interaction_id, scope.resolve)
        body["interactionId"] = interaction
        body["responseType"] = templating.render(action.response_type, scope.resolve)
        if action.data is not None:
            body["responseData"] = templating.render(action.data, scope.resolve)
        version = (run.version if action.expected_run_version is model.UNSET
                   else templating.render(action.expected_run_version, scope.resolve))
        if version is not None:
            body["expectedRunVersion"] = version
        return body

    def _respond_title(self, response_type: Any) -> str:
        run = self.run
        if run is None or run.step_id is None:
            return f"respond {_text(response_type)} (no pending interaction)"
        return f"respond {_text(response_type)} to {run.action_type} (step {run.step_id})"

    def _wait(self, step: model.Step, action: model.WaitAction, headers: dict[str, Any] | None,
              before: _Scope, out: _Outcome) -> None:
        if self.run is None:
            out.broken = "wait needs a current run, and there is none: start or attach one first"
            return
        run_id = self.run.run_id
        wait_title = _wait_title(action.until, before)
        deadline = self.clock() + action.timeout_s
        delay = action.interval_s
        polls = 0
        while True:
            polls += 1
            response = self.client.get(run_id, headers)
            poll = _Outcome(out.calls, [])
            self._record("poll", f"poll {polls} of {wait_title}", response, action.until,
                         before, poll)
            if poll.broken is not None:
                out.broken = f"poll {polls} of {wait_title}: {poll.broken}"
                return
            if response.ok:
                self._observe(response.body)
            if not poll.mismatches:
                break
            remaining = deadline - self.clock()
            if remaining <= 0:
                out.mismatches.append(_timeout_mismatch(action, polls, response))
                out.mismatches.extend(poll.mismatches)
                return
            self.sleep(min(delay, remaining))  # the last sleep ends at the deadline, not after
            delay = min(delay * _BACKOFF_FACTOR, max(_BACKOFF_CAP_S, action.interval_s))
        if step.expect is not None:
            out.mismatches.extend(_expectations(step.expect, response, before.resolve))
        self._save(step.save, response, out)

    # -- judging a response ------------------------------------------------------------------

    def _record(self, kind: str, title: str, response: ApiResponse,
                expect: model.Expect | None, scope: _Scope, out: _Outcome) -> None:
        """Judge ``response`` into ``out`` and report the call to the listener."""
        started = time.time() - response.elapsed_ms / 1000.0
        mismatches: list[Mismatch] = []
        broken = _broken(response, expect, scope.resolve)
        if broken is None and response.ok and (expect is None or expect.schema):
            mismatches = check_run_state(response.body)
            if mismatches:
                broken = (f"the 2xx body of {response.exchange.method} {response.exchange.url} "
                          "breaks the documented run-state schema (contract violation)")
        if broken is None:
            mismatches = _expectations(expect, response, scope.resolve)
        record = CallRecord(kind, title, response.exchange, tuple(mismatches), broken,
                            started, started + response.elapsed_ms / 1000.0)
        out.calls.append(record)
        out.mismatches.extend(mismatches)
        out.broken = broken
        self.listener.call_finished(record)

    def _save(self, specs: tuple[model.SaveSpec, ...], response: ApiResponse,
              out: _Outcome) -> None:
        for spec in specs:
            if spec.header is not None:
                value = response.headers.get(spec.header.lower(), MISSING)
                source = f"header {spec.header}"
            else:
                value = _find(spec.parsed, response.body)
                source = str(spec.jsonpath)
            if value is MISSING:
                out.mismatches.append(Mismatch(
                    f"save {spec.name}", source, MISSING,
                    f"save '{spec.name}': {source} matched nothing", spec.position))
            else:
                self.values[spec.name] = self.saved[spec.name] = value

    def _observe(self, body: Any) -> None:
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
        self.run = _Run(body["runId"], body.get("runVersion"), key, body.get("status"),
                        interaction, pending.get("stepId"), pending.get("actionType"), last)
        steps = body.get("interactiveSteps")
        if isinstance(steps, list) and steps:
            known = self.known.setdefault(key, set())
            for s in steps:
                if isinstance(s, dict) and isinstance(s.get("availableResponses"), list):
                    for r in s["availableResponses"]:
                        rtype = r.get("type") if isinstance(r, dict) else r
                        if isinstance(rtype, str):
                            known.add((str(s.get("stepId")), rtype))

    # -- text --------------------------------------------------------------------------------

    def _title(self, action: model.Action, scope: _Scope) -> str:
        if isinstance(action, model.StartAction):
            return f"start {_flow_type(templating.render(action.body, scope.resolve))}"
        if isinstance(action, model.AttachAction):
            return f"attach {_text(templating.render(action.run_id, scope.resolve))}"
        if isinstance(action, model.RespondAction):
            return f"respond {_text(templating.render(action.response_type, scope.resolve))}"
        if isinstance(action, model.WaitAction):
            return _wait_title(action.until, scope)
        return "get"

    def _headers(self, step: model.Step, scope: _Scope) -> dict[str, Any] | None:
        action_headers = getattr(step.action, "headers", _NO_HEADERS)
        pairs = self.flow.headers.values + action_headers.values + step.headers.values
        if not pairs:
            return None
        return {name: (None if value is None else _text(templating.render(value, scope.resolve)))
                for name, value in pairs}

    def _variable_problem(self, exc: Exception) -> str:
        if isinstance(exc, templating.UnknownVariable):
            return f"unknown variable ${{{exc.name}}}; known: {self.scope().known()}"
        return str(exc)

    def _summary(self, step: StepResult, not_run: int) -> str:
        where = step.position or self.flow.position
        state = "is broken" if step.verdict is Verdict.BROKEN else "failed"
        lines = [f'step {step.index + 1} "{step.title}" ({where.path}:{where.line}) {state}'
                 + (f": {step.broken}" if step.broken else ":")]
        for m in step.mismatches:
            lines.append(f"  {m.path}: {m.message}")
            if m.diff:
                lines.extend("    " + line for line in m.diff.splitlines())
        if not_run:
            lines.append(f"({not_run} later step{'s were' if not_run > 1 else ' was'} not run)")
        return "\n".join(lines)


def _broken(response: ApiResponse, expect: model.Expect | None,
            resolve: Callable[[str], Any]) -> str | None:
    """Why ``response`` cannot be judged, or None: no response, unexpected 5xx, not JSON."""
    if response.failure is not None:
        return response.failure
    status = response.status
    assert status is not None
    explicit = expect is not None and expect.http is not None and expect.http.holds(status, resolve)
    where = f"{response.exchange.method} {response.exchange.url}"
    if status >= 500 and not explicit:
        return (f"unexpected HTTP {status} from {where}{_error_summary(response.body)}"
                " — the target failed; check its logs")
    if response.body is not None and not response.is_json and not explicit:
        text = str(response.body)
        return (f"the response to {where} (HTTP {status}) is not valid JSON: "
                f"{text[:120]!r}{'…' if len(text) > 120 else ''}")
    return None


def _expectations(expect: model.Expect | None, response: ApiResponse,
                  resolve: Callable[[str], Any]) -> list[Mismatch]:
    """Every mismatch of ``expect`` against ``response`` (all of them, not the first)."""
    out: list[Mismatch] = []
    status, body = response.status, response.body
    if expect is None or expect.http is None:
        if not response.ok:
            out.append(Mismatch("http", "2xx", status,
                                f"expected a 2xx, got {status}{_error_summary(body)}"))
        if expect is None:
            return out
    else:
        out += expect.http.match(status, "http", resolve)
    for check in expect.fields:
        if check.label == "error" and not response.ok:
            actual = MISSING if body is None else body
        else:
            actual = _walk(body, check.path)
        out += check.matcher.match(actual, check.label, resolve)
    for jp in expect.jsonpath:
        out += jp.matcher.match(_find(jp.parsed, body), f"jsonpath {jp.expression}", resolve)
    if expect.headers is not None:
        out += expect.headers.match(response.headers, "headers", resolve)
    if expect.max_ms is not None and response.elapsed_ms > expect.max_ms:
        out.append(Mismatch("maxMs", expect.max_ms, round(response.elapsed_ms, 1),
                            f"took {response.elapsed_ms:.0f} ms, over the budget of "
                            f"{expect.max_ms:g} ms", expect.position))
    return out


def _walk(body: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(body, dict) or key not in body:
            return MISSING
        body = body[key]
    return body


def _find(parsed: Any, body: Any) -> Any:
    """A JSONPath's value: MISSING for no match, the value for one, a list for several."""
    if body is None:
        return MISSING
    found = parsed.find(body)
    if not found:
        return MISSING
    return found[0].value if len(found) == 1 else [m.value for m in found]


def _error_summary(body: Any) -> str:
    """`` run_version_conflict: <message>`` from an error body, whatever shape it has."""
    if isinstance(body, dict):
        code, message = body.get("code") or body.get("error"), body.get("message")
        parts = [str(p) for p in (code, message) if p]
        return " " + ": ".join(parts) if parts else ""
    return f" {str(body)[:80]}" if body else ""


def _timeout_mismatch(action: model.WaitAction, polls: int, last: ApiResponse) -> Mismatch:
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


def _wait_title(until: model.Expect, scope: _Scope) -> str:
    parts: list[str] = []
    try:
        for check in until.fields:
            parts.append(f"{check.label}={_short(check.matcher.expected(scope.resolve))}")
        for jp in until.jsonpath:
            parts.append(f"{jp.expression}={_short(jp.matcher.expected(scope.resolve))}")
        if until.http is not None:
            parts.append(f"http={_short(until.http.expected(scope.resolve))}")
    except (templating.UnknownVariable, _NoValue):
        parts = [c.label for c in until.fields]
    return "wait until " + (", ".join(parts) or "a 2xx")


_PLAIN_TITLES: dict[type, str] = {
    model.StartAction: "start", model.AttachAction: "attach", model.RespondAction: "respond",
    model.GetAction: "get", model.WaitAction: "wait"}


def _plain_title(action: model.Action) -> str:
    return _PLAIN_TITLES[type(action)]


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def _flow_type(body: Any) -> str:
    return _text(body.get("flowType") if isinstance(body, dict) else None)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _version_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
