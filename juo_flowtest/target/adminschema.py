"""Juo's Admin API contract (``openapi-admin.json``, spec Part C) as JSON Schemas.

The Admin client checks every answer against these: a response that breaks them is the
target's fault (a *broken* outcome), never silently used. ``definition_problems`` checks a
local workflow definition against Juo's ``Workflow`` schema before it is pushed: what the
sandbox accepts but Juo does not (a ``timeout`` transition without ``targetStepId``, the
sandbox's abandonment extension; a non-uuid id) is named there.

The sandbox's own document (``sandbox/adminopenapi.py``) is pinned to these by a test.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_TS = {"type": "string", "minLength": 1}
_UUID = {"type": "string", "format": "uuid"}
_WORKFLOW_STATUS = {"enum": ["draft", "published", "archived"]}
_RUN_STATUS = {"enum": ["running", "waiting_interaction", "completed", "failed", "cancelled"]}

_CONDITIONS = {"type": "object", "required": ["rootLogic", "groups"], "properties": {
    "rootLogic": {"enum": ["and", "or"]},
    "groups": {"type": "array", "items": {
        "type": "object", "required": ["id", "logic", "items"], "properties": {
            "id": {"type": "string"}, "logic": {"enum": ["and", "or"]},
            "items": {"type": "array", "items": {
                "type": "object", "required": ["id", "left", "operator"], "properties": {
                    "left": {"type": "object", "required": ["resolver"]},
                    "right": {"type": "object", "required": ["resolver"]},
                    "operator": {"type": "string"}}}}}}}}}
_TRANSITION = {"oneOf": [
    {"type": "object", "required": ["id", "targetStepId", "type"], "properties": {
        "type": {"const": "auto"}, "targetStepId": {"type": "string"},
        "conditions": _CONDITIONS}},
    {"type": "object", "required": ["id", "targetStepId", "type", "responseType"], "properties": {
        "type": {"const": "response"}, "targetStepId": {"type": "string"},
        "responseType": {"type": "string"}, "conditions": _CONDITIONS}},
    {"type": "object", "required": ["id", "targetStepId", "type", "timeout"], "properties": {
        "type": {"const": "timeout"}, "targetStepId": {"type": "string"},
        "timeout": {"type": "number"}}},
]}
_STEP = {"type": "object", "required": ["id", "name"], "properties": {
    "id": {"type": "string"}, "name": {"type": "string"},
    "action": {"type": "object", "required": ["id", "type"], "properties": {
        "id": {"type": "string"}, "type": {"type": "string"}, "config": {"type": "object"}}},
    "transitions": {"type": "array", "items": _TRANSITION},
    "isInitial": {"type": "boolean"}, "isFinal": {"type": "boolean"},
    "experimentConfig": {"type": "object", "required": ["variants"], "properties": {
        "variants": {"type": "array", "minItems": 2, "items": {
            "type": "object", "required": ["id", "name", "trafficPercentage"]}}}}}}
_TRIGGER = {"type": "object", "required": ["id", "type", "category"], "properties": {
    "id": {"type": "string"}, "type": {"type": "string"},
    "category": {"enum": ["system_event", "customer_initiated", "admin_initiated",
                          "time_based"]},
    "conditions": _CONDITIONS}}

#: The definition a Workflow carries (what a create or update sends).
DEFINITION: dict[str, Any] = {
    "type": "object", "required": ["name", "triggerType", "trigger", "steps"],
    "properties": {"id": _UUID, "name": {"type": "string", "minLength": 1, "maxLength": 255},
                   "description": {"type": "string"}, "triggerType": {"type": "string"},
                   "trigger": _TRIGGER, "steps": {"type": "array", "items": _STEP},
                   "metadata": {"type": "object"}},
}


def _lenient_steps(schema: dict[str, Any]) -> dict[str, Any]:
    """A served Workflow's steps are checked for shape only: a sandbox may serve its own
    extensions; ``definition_problems`` is where Juo's step rules are enforced."""
    return {**schema, "properties": {**schema["properties"], "steps": {"type": "array", "items": {
        "type": "object", "required": ["id", "name"]}}, "trigger": {
        "type": "object", "required": ["id", "type", "category"]}}}


SCHEMAS: dict[str, dict[str, Any]] = {
    "Workflow": _lenient_steps({
        "type": "object",
        "required": ["id", "resource", "name", "version", "status", "triggerType", "trigger",
                     "steps", "metadata", "hasUnpublishedChanges", "createdAt", "updatedAt",
                     "publishedAt"],
        "properties": {
            "id": _UUID, "resource": {"const": "workflow"}, "name": {"type": "string"},
            "description": {"type": "string"}, "version": {"type": "integer", "minimum": 1},
            "status": _WORKFLOW_STATUS, "triggerType": {"type": "string"}, "trigger": _TRIGGER,
            "steps": {"type": "array"}, "metadata": {"type": "object"},
            "hasUnpublishedChanges": {"type": "boolean"}, "createdAt": _TS, "updatedAt": _TS,
            "publishedAt": {"type": ["string", "null"]},
        },
    }),
    "WorkflowListItem": {
        "type": "object",
        "required": ["id", "resource", "name", "status", "triggerType", "createdAt", "updatedAt"],
        "properties": {"id": _UUID, "resource": {"const": "workflow"}, "name": {"type": "string"},
                       "status": _WORKFLOW_STATUS, "triggerType": {"type": "string"},
                       "createdAt": _TS, "updatedAt": _TS, "publishedAt": _TS},
    },
    "WorkflowRunSummary": {
        "type": "object",
        "required": ["id", "resource", "customerId", "status", "workflowVersion", "startedAt",
                     "updatedAt"],
        "properties": {"id": _UUID, "resource": {"const": "workflow_run"},
                       "customerId": {"type": "string"}, "status": _RUN_STATUS,
                       "workflowVersion": {"type": "number"}, "startedAt": _TS,
                       "completedAt": _TS, "updatedAt": _TS},
    },
    "WorkflowRunState": {
        "type": "object",
        "required": ["workflowId", "workflowVersion", "runId", "runVersion", "status"],
        "properties": {"workflowId": {"type": "string"}, "workflowVersion": {"type": "number"},
                       "runId": {"type": "string"}, "runVersion": {"type": "number"},
                       "status": _RUN_STATUS},
    },
    "WorkflowRunStats": {
        "type": "object", "required": ["totalRuns", "successRuns", "failedRuns", "nodes"],
        "properties": {
            "totalRuns": {"type": "integer", "minimum": 0},
            "successRuns": {"type": "integer", "minimum": 0},
            "failedRuns": {"type": "integer", "minimum": 0},
            "nodes": {"type": "object", "additionalProperties": {
                "type": "object", "required": ["executionCount"],
                "properties": {"executionCount": {"type": "integer", "minimum": 0}}}},
            "experiments": {"type": "object"},
        },
    },
    "DeletedWorkflow": {
        "type": "object", "required": ["id", "resource", "deleted"],
        "properties": {"id": {"type": "string"}, "resource": {"const": "workflow"},
                       "deleted": {"const": True}},
    },
}


def list_schema(item: str) -> dict[str, Any]:
    """The list envelope around ``item``."""
    return {"type": "object",
            "required": ["resource", "data", "hasNextPage", "hasPrevPage", "startCursor",
                         "endCursor"],
            "properties": {"resource": {"const": "list"},
                           "data": {"type": "array", "items": SCHEMAS[item]},
                           "hasNextPage": {"type": "boolean"},
                           "hasPrevPage": {"type": "boolean"},
                           "startCursor": {"type": ["string", "null"]},
                           "endCursor": {"type": ["string", "null"]}}}


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    if name == "definition":
        schema = DEFINITION
    elif name.endswith("List"):
        schema = list_schema(name.removesuffix("List"))
    else:
        schema = SCHEMAS[name]
    # jsonschema costs ~0.1 s to import: only the Admin client needs it, not every run.
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema, format_checker=FormatChecker())


def problems(name: str, body: Any) -> list[str]:
    """Where ``body`` breaks schema ``name`` (``"Workflow"``, ``"WorkflowListItemList"``...)."""
    return [_where(error.absolute_path) + error.message
            for error in sorted(_validator(name).iter_errors(body), key=lambda e: e.path)]


def definition_issues(definition: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """What in a local definition Juo's Admin schema does not accept, each at its path in the
    document (``("steps", 3, "transitions", 1)``); empty when all is well."""
    extensions: dict[tuple[str | int, ...], str] = {}
    for i, step in enumerate(definition.get("steps") or []):
        for j, t in enumerate(step.get("transitions") or [] if isinstance(step, dict) else []):
            if isinstance(t, dict) and t.get("type") == "timeout" and "targetStepId" not in t:
                extensions[("steps", i, "transitions", j)] = (
                    "a timeout transition without targetStepId is the sandbox's abandonment "
                    "extension; Juo requires targetStepId")
    found: dict[tuple[str | int, ...], str] = {}
    for error in sorted(_validator("definition").iter_errors(definition), key=lambda e: e.path):
        path = tuple(error.absolute_path)
        if path not in extensions:  # its own words, not the schema's oneOf
            found.setdefault(path, error.message)
    found.update(extensions)
    return sorted(found.items(), key=lambda item: [str(p) for p in item[0]])


def definition_problems(definition: dict[str, Any]) -> list[str]:
    """``definition_issues`` as ``path: message`` lines."""
    return [_where(path) + message for path, message in definition_issues(definition)]


def _where(path: Any) -> str:
    parts = "/".join(str(p) for p in path)
    return f"{parts}: " if parts else ""
