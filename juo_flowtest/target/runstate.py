"""The documented run-state schema (juo-api.md Part A, ``WorkflowRunState``) and its check.

Every 2xx body the runner receives is checked against it unless the step says ``schema: false``;
a violation is a contract violation (verdict BROKEN), because the flow cannot be judged on a
body that breaks the documented shape.

Only Part A is encoded here: documented fields, their types, the required ones and the status
enum. Extra fields are allowed (the API may add some). The sandbox's Part B choices (error
shape, codes, version arithmetic) deliberately do not appear.

The check uses one compiled Draft 2020-12 validator, built at import. Valid bodies take the
fast ``is_valid`` path; the detailed error walk runs only for invalid ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from juo_flowtest.base.outcome import Mismatch

_OUTCOME: dict[str, Any] = {
    "type": "object",
    "properties": {"type": {"type": "string"}, "message": {"type": "string"}},
}

_RESPONSE_OPTION: dict[str, Any] = {
    "type": "object",
    "required": ["type", "label"],
    "properties": {"type": {"type": "string"}, "label": {"type": "string"}},
}

_PENDING_INTERACTION: dict[str, Any] = {
    "type": "object",
    "required": [
        "interactionId",
        "stepId",
        "actionType",
        "actionBehavior",
        "actionConfig",
        "availableResponses",
        "presentedAt",
    ],
    "properties": {
        "interactionId": {"type": "string"},
        "stepId": {"type": "string"},
        "actionType": {"type": "string"},
        "actionBehavior": {"enum": ["input"]},
        "actionConfig": {"type": "object"},
        "availableResponses": {"type": "array", "items": _RESPONSE_OPTION},
        "presentedAt": {"type": "string", "format": "date-time"},
        "timeoutMs": {"type": "number"},
    },
}

#: ``WorkflowRunState`` as Juo documents it (Part A of juo-api.md), as a JSON Schema.
RUN_STATE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "WorkflowRunState",
    "type": "object",
    "required": ["workflowId", "workflowVersion", "runId", "runVersion", "status"],
    "properties": {
        "workflowId": {"type": "string"},
        "workflowVersion": {"type": "number"},
        "runId": {"type": "string"},
        "runVersion": {"type": "number"},
        "status": {
            "enum": ["running", "waiting_interaction", "completed", "failed", "cancelled"]
        },
        "pendingInteraction": _PENDING_INTERACTION,
        "interactiveSteps": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "stepId": {"type": "string"},
                    "actionType": {"type": "string"},
                    "actionConfig": {"type": "object"},
                    "availableResponses": {"type": "array"},
                },
            },
        },
        "result": {"type": "object"},
        "error": {
            "type": "object",
            "required": ["message"],
            "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
        },
        "invalidatedResources": {"type": "array", "items": {"type": "string"}},
        "outcome": _OUTCOME,
        "completionData": {
            "type": "object",
            "properties": {
                "outcome": _OUTCOME,
                "endStep": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string"},
                        "category": {"type": "string"},
                        "label": {"type": "string"},
                    },
                },
            },
        },
    },
}

_FORMATS = FormatChecker(formats=())


def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time; jsonschema's own check needs an extra package, so do it here."""
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        raise ValueError(f"{value!r} has no time part")
    datetime.fromisoformat(value)
    return True


_FORMATS.checks("date-time", raises=ValueError)(_is_date_time)
Draft202012Validator.check_schema(RUN_STATE_SCHEMA)
_VALIDATOR = Draft202012Validator(RUN_STATE_SCHEMA, format_checker=_FORMATS)


def check_run_state(body: Any) -> list[Mismatch]:
    """Every way ``body`` breaks the documented run-state schema; ``[]`` when it conforms.

    >>> check_run_state({"runId": "r"})[0].path
    'schema workflowId'
    """
    if conforms(body):
        return []
    out: list[Mismatch] = []
    seen: set[str] = set()
    for error in sorted(_VALIDATOR.iter_errors(body), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            for name in error.validator_value:
                field = f"{where}.{name}" if where else str(name)
                if name not in present and field not in seen:
                    seen.add(field)
                    out.append(_violation(field, "required", None, "required field missing"))
            continue
        out.append(_violation(where or "$", error.validator_value, error.instance, error.message))
    return out


def _violation(where: str, expected: Any, actual: Any, message: str) -> Mismatch:
    return Mismatch(
        path=f"schema {where}",
        expected=expected,
        actual=actual,
        message=f"contract violation: {message}",
    )


# The fast path. jsonschema costs ~400 us per valid run state (measured), a third of a loopback
# HTTP call, so valid bodies are accepted by the hand-written check below, and only a rejected
# body goes through the validator for its messages. tests/test_runstate.py pins that both agree.

_STATUSES = frozenset(RUN_STATE_SCHEMA["properties"]["status"]["enum"])
_PENDING_REQUIRED = tuple(_PENDING_INTERACTION["required"])


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_str_or_absent(obj: dict[str, Any], key: str) -> bool:
    return key not in obj or isinstance(obj[key], str)


def _outcome_ok(value: object) -> bool:
    return isinstance(value, dict) and _is_str_or_absent(value, "type") and _is_str_or_absent(
        value, "message"
    )


def _pending_ok(p: object) -> bool:
    if not isinstance(p, dict) or any(k not in p for k in _PENDING_REQUIRED):
        return False
    if not (
        isinstance(p["interactionId"], str)
        and isinstance(p["stepId"], str)
        and isinstance(p["actionType"], str)
        and p["actionBehavior"] == "input"
        and isinstance(p["actionConfig"], dict)
        and isinstance(p["availableResponses"], list)
        and isinstance(p["presentedAt"], str)
    ):
        return False
    if "timeoutMs" in p and not _is_number(p["timeoutMs"]):
        return False
    for option in p["availableResponses"]:
        if not (
            isinstance(option, dict)
            and isinstance(option.get("type"), str)
            and isinstance(option.get("label"), str)
        ):
            return False
    try:
        return _is_date_time(p["presentedAt"])
    except ValueError:
        return False


def _interactive_steps_ok(steps: object) -> bool:
    if not isinstance(steps, list):
        return False
    for step in steps:
        if not (
            isinstance(step, dict)
            and _is_str_or_absent(step, "stepId")
            and _is_str_or_absent(step, "actionType")
            and isinstance(step.get("actionConfig", {}), dict)
            and isinstance(step.get("availableResponses", []), list)
        ):
            return False
    return True


def _completion_ok(c: object) -> bool:
    if not isinstance(c, dict) or ("outcome" in c and not _outcome_ok(c["outcome"])):
        return False
    if "endStep" not in c:
        return True
    end = c["endStep"]
    return (
        isinstance(end, dict)
        and isinstance(end.get("id"), str)
        and _is_str_or_absent(end, "category")
        and _is_str_or_absent(end, "label")
    )


def conforms(body: Any) -> bool:
    """True when ``body`` is a valid run state: the same answer as the schema, much faster."""
    b = body
    if not (
        isinstance(b, dict)
        and isinstance(b.get("workflowId"), str)
        and _is_number(b.get("workflowVersion"))
        and isinstance(b.get("runId"), str)
        and _is_number(b.get("runVersion"))
        and isinstance(b.get("status"), str)
        and b["status"] in _STATUSES
    ):
        return False
    if "pendingInteraction" in b and not _pending_ok(b["pendingInteraction"]):
        return False
    if "interactiveSteps" in b and not _interactive_steps_ok(b["interactiveSteps"]):
        return False
    if "result" in b and not isinstance(b["result"], dict):
        return False
    if "error" in b:
        err = b["error"]
        if not (isinstance(err, dict) and isinstance(err.get("message"), str)
                and _is_str_or_absent(err, "code")):
            return False
    if "invalidatedResources" in b:
        res = b["invalidatedResources"]
        if not (isinstance(res, list) and all(isinstance(r, str) for r in res)):
            return False
    if "outcome" in b and not _outcome_ok(b["outcome"]):
        return False
    return "completionData" not in b or _completion_ok(b["completionData"])
