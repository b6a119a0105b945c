"""Actions and steps (``start``, ``attach``, ``respond``, ``get``, ``wait``) -> ``model``.

Request values are compiled to ``Value``s (``${...}`` -> ``Template``), with every variable use
recorded for the load-time scope check. Durations are ``10s``, ``250ms``, ``1.5s``, ``2m`` or a
number of seconds.
"""

from __future__ import annotations

import re
from typing import Any

from juo_flowtest.base.diagnostics import kind
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import Template
from juo_flowtest.flowfile.expectations import ExpectBuilder
from juo_flowtest.flowfile.model import (
    UNSET,
    Action,
    AttachAction,
    GetAction,
    Headers,
    RespondAction,
    StartAction,
    Step,
    WaitAction,
)
from juo_flowtest.flowfile.variables import Variables
from juo_flowtest.source.fields import Reader, as_mapping
from juo_flowtest.source.problems import Problems

START_KEYS = ("flowType", "context", "workflowId", "dryRun", "headers")
ATTACH_KEYS = ("runId", "headers")
ACTIONS = ("respond", "get", "wait", "start")
STEP_KEYS = (*ACTIONS, "name", "expect", "save", "headers")
RESPOND_KEYS = ("type", "data", "interactionId", "expectedRunVersion")
WAIT_KEYS = ("until", "timeout", "interval")

_DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0}
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def parse_duration(raw: Any) -> float | None:
    """Seconds for ``10s``/``250ms``/``1.5s``/``2m``/a number; None when not a duration."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        m = _DURATION.fullmatch(raw.strip())
        if m:
            return float(m.group(1)) * _UNIT[m.group(2)]
    return None


class StepBuilder:
    """Builds actions and steps, reporting into one ``Problems``."""

    def __init__(self, problems: Problems, variables: Variables, expects: ExpectBuilder):
        self.problems = problems
        self.variables = variables
        self.expects = expects

    def headers(self, raw: Any, at: Position, what: str = "headers") -> Headers:
        node = as_mapping(self.problems, raw, at, what)
        if node is None:
            return Headers()
        values: list[tuple[str, Any]] = []
        for name, value in node.items():
            if not _HEADER_NAME.fullmatch(name):
                self.problems.add(node.key_position(name), f"'{name}' is not a valid header name")
            if isinstance(value, (dict, list)):
                self.problems.add(node.value_position(name), f"header '{name}': expected a string "
                                  f"(or null to remove it), got {kind(value)}")
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (int, float)):
                value = str(value)
            values.append((name, self.variables.value(value, node.value_position(name))))
        return Headers(tuple(values))

    def start(self, raw: Any, at: Position) -> StartAction | None:
        node = as_mapping(self.problems, raw, at, "start")
        if node is None:
            return None
        r = Reader(self.problems, node, "start")
        r.keys(START_KEYS, required=("flowType",))
        body: dict[str, Any] = {}
        for key, expected in _START_TYPES.items():
            if r.has(key):
                value = self.variables.value(node[key], r.at(key))
                if not (_fits(key, value) or _is_whole_template(value)):
                    r.wrong(key, expected)
                body[key] = value
        body.setdefault("context", {})  # the API requires it; an empty context is the default
        headers = self.headers(node["headers"], r.at("headers")) if r.has("headers") else Headers()
        return StartAction(body, headers)

    def attach(self, raw: Any, at: Position) -> AttachAction | None:
        if isinstance(raw, str):  # `attach: ${run}` shorthand for {runId: ...}
            return AttachAction(self.variables.value(raw, at))
        node = as_mapping(self.problems, raw, at, "attach")
        if node is None:
            return None
        r = Reader(self.problems, node, "attach")
        r.keys(ATTACH_KEYS, required=("runId",))
        run_id = self.variables.value(r.get("runId"), r.at("runId"))
        if r.has("runId") and not isinstance(run_id, (str, Template)):
            r.wrong("runId", "a string")
        headers = self.headers(node["headers"], r.at("headers")) if r.has("headers") else Headers()
        return AttachAction(run_id, headers)

    def step(self, raw: Any, at: Position) -> Step | None:
        """One item of ``steps:``; ``at`` is where it is written (for a mapping, its ``pos``)."""
        node = as_mapping(self.problems, raw, at, "a step")
        if node is None:
            return None
        r = Reader(self.problems, node, "a step")
        r.keys(STEP_KEYS)
        actions = [key for key in ACTIONS if key in node]
        if len(actions) != 1:
            unknown = any(key not in STEP_KEYS for key in node)
            if actions or not unknown:  # a typo'd action is reported once
                got = "none" if not actions else " and ".join(actions)
                self.problems.add(at, f"a step has exactly one action (respond, get, wait or "
                                  f"start), got {got}")
        action = self.action(actions[0], node[actions[0]], r) if actions else None
        expect = self.expects.expect(node["expect"], r.at("expect")) if "expect" in node else None
        save = self.expects.save(node["save"], r.at("save")) if "save" in node else ()
        headers = self.headers(node["headers"], r.at("headers")) if "headers" in node else _NO_HEADERS
        if action is None:
            return None
        name = r.text("name", nonempty=True) if "name" in node else None
        return Step(action, name, expect, save, headers, at)

    def action(self, key: str, raw: Any, r: Reader) -> Action | None:
        if key == "respond":
            if raw.__class__ is str and "${" not in raw:  # `respond: TYPE`, most steps
                return _shorthand(raw)
            return self.respond(raw, r.at(key))
        at = r.at(key)
        if key == "wait":
            return self.wait(raw, at)
        if key == "start":
            return self.start(raw, at)
        if raw is not None and raw != {}:
            self.problems.add(at, f"get takes no options, got {kind(raw)}", "write get: {}")
        return GetAction()

    def respond(self, raw: Any, at: Position) -> RespondAction | None:
        if isinstance(raw, str):
            return RespondAction(self.variables.value(raw, at))
        node = as_mapping(self.problems, raw, at, "respond (a response type or a mapping)")
        if node is None:
            return None
        r = Reader(self.problems, node, "respond")
        r.keys(RESPOND_KEYS, required=("type",))
        response_type = r.text("type", nonempty=True)
        fields = {key: self.variables.value(node[key], r.at(key))
                  for key in ("data", "interactionId", "expectedRunVersion") if key in node}
        if response_type is None:
            return None
        return RespondAction(
            self.variables.value(response_type, r.at("type")),
            data=fields.get("data"),
            interaction_id=fields.get("interactionId", UNSET),
            expected_run_version=fields.get("expectedRunVersion", UNSET),
        )

    def wait(self, raw: Any, at: Position) -> WaitAction | None:
        node = as_mapping(self.problems, raw, at, "wait")
        if node is None:
            return None
        r = Reader(self.problems, node, "wait")
        r.keys(WAIT_KEYS, required=("until",))
        until = self.expects.expect(node["until"], r.at("until"), "until") if r.has("until") else None
        timeout = self.duration(r, "timeout", 10.0)
        interval = self.duration(r, "interval", 0.25)
        if timeout is not None and interval is not None and interval > timeout:
            self.problems.add(r.at("interval"), f"wait interval ({node.get('interval')}) is longer "
                              f"than its timeout ({node.get('timeout', '10s')})")
        if until is None or timeout is None or interval is None:
            return None
        return WaitAction(until, timeout, interval)

    def duration(self, r: Reader, key: str, default: float) -> float | None:
        if not r.has(key):
            return default
        seconds = parse_duration(r.get(key))
        if seconds is None or seconds <= 0:
            value = r.get(key)
            shown = repr(value) if isinstance(value, (str, int, float)) else kind(value)
            self.problems.add(r.at(key), f"bad duration {shown} for '{key}'",
                              "write 10s, 250ms, 1.5s, 2m or a positive number of seconds")
            return None
        return seconds


_NO_HEADERS = Headers()
#: ``respond: TYPE`` actions by TYPE: frozen and position-free, so one object serves every step
#: answering TYPE (bounded; a flow suite uses a few dozen response types).
_SHORTHANDS: dict[str, RespondAction] = {}


def _shorthand(response_type: str) -> RespondAction:
    action = _SHORTHANDS.get(response_type)
    if action is None:
        action = RespondAction(response_type)
        if len(_SHORTHANDS) < 1024:
            _SHORTHANDS[response_type] = action
    return action

_START_TYPES = {"flowType": "a string", "context": "a mapping", "workflowId": "a string",
                "dryRun": "true or false"}


def _fits(key: str, value: Any) -> bool:
    if key == "context":
        return isinstance(value, dict)
    if key == "dryRun":
        return isinstance(value, bool)
    return isinstance(value, (str, Template)) and str(value).strip() != ""


def _is_whole_template(value: Any) -> bool:
    return isinstance(value, Template) and value.whole is not None

