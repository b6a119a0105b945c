"""The Admin API's part of the sandbox's ``/openapi.json`` (spec Part C's shapes).

``combined`` joins it to the customer API's document: one document for the whole server, so
its paths are written in full (``/customer/v1/workflows/start``, ``/admin/v1/workflows``) under
``servers: [{url: "/"}]`` (the two APIs both have a ``/workflows/{id}``). Sandbox-only parts
carry ``x-sandbox-only: true``.
"""

from __future__ import annotations

import copy
from typing import Any

from juo_flowtest.sandbox import assumptions

_TS = {"type": "string", "format": "date-time"}
_UUID = {"type": "string", "format": "uuid"}
_STATUS = {"type": "string", "enum": ["draft", "published", "archived"]}
_REF = "#/components/schemas/"

_TRANSITION = {
    "type": "object", "required": ["id", "type"],
    "properties": {
        "id": {"type": "string"},
        "type": {"type": "string", "enum": ["auto", "response", "timeout"]},
        "targetStepId": {"type": "string", "description": (
            "Required by Juo's schema. The sandbox also accepts a timeout transition without "
            "it (abandonment: a sandbox extension, never pushed to Juo).")},
        "responseType": {"type": "string"},
        "timeout": {"type": "integer", "minimum": 1},
        "conditions": {"type": "object"},
    },
}
_STEP = {
    "type": "object", "required": ["id", "name"],
    "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "action": {"type": "object", "required": ["id", "type"], "properties": {
            "id": {"type": "string"}, "type": {"type": "string"},
            "config": {"type": "object"}}},
        "transitions": {"type": "array", "items": _TRANSITION},
        "isInitial": {"type": "boolean"}, "isFinal": {"type": "boolean"},
        "experimentConfig": {"type": "object"},
    },
}
_TRIGGER = {
    "type": "object", "required": ["id", "type", "category"],
    "properties": {"id": {"type": "string"}, "type": {"type": "string"},
                   "category": {"type": "string", "enum": ["system_event", "customer_initiated",
                                                           "admin_initiated", "time_based"]},
                   "conditions": {"type": "object"}},
}


def _list_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["resource", "data", "hasNextPage", "hasPrevPage", "startCursor",
                     "endCursor"],
        "properties": {
            "resource": {"const": "list"},
            "data": {"type": "array", "items": {"$ref": _REF + item}},
            "hasNextPage": {"type": "boolean"}, "hasPrevPage": {"type": "boolean"},
            "startCursor": {"type": ["string", "null"]}, "endCursor": {"type": ["string", "null"]},
        },
    }


def _admin_run_state(run_state: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(run_state)
    for name in ("interactiveSteps", "invalidatedResources", "outcome"):
        schema["properties"].pop(name, None)
    schema["not"] = {"anyOf": [{"required": [name]} for name in
                               ("interactiveSteps", "invalidatedResources", "outcome")]}
    return schema


SCHEMAS: dict[str, Any] = {
    "Workflow": {
        "type": "object",
        "required": ["id", "resource", "name", "version", "status", "triggerType", "trigger",
                     "steps", "metadata", "hasUnpublishedChanges", "createdAt", "updatedAt",
                     "publishedAt"],
        "properties": {
            "id": _UUID, "resource": {"const": "workflow"},
            "name": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": {"type": "string"}, "version": {"type": "integer", "minimum": 1},
            "status": _STATUS, "triggerType": {"type": "string"}, "trigger": _TRIGGER,
            "steps": {"type": "array", "items": _STEP}, "metadata": {"type": "object"},
            "hasUnpublishedChanges": {"type": "boolean"}, "createdAt": _TS, "updatedAt": _TS,
            "publishedAt": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "WorkflowListItem": {
        "type": "object",
        "required": ["id", "resource", "name", "status", "triggerType", "createdAt", "updatedAt"],
        "properties": {"id": _UUID, "resource": {"const": "workflow"}, "name": {"type": "string"},
                       "status": _STATUS, "triggerType": {"type": "string"},
                       "createdAt": _TS, "updatedAt": _TS, "publishedAt": _TS},
    },
    "WorkflowRunSummary": {
        "type": "object",
        "required": ["id", "resource", "customerId", "status", "workflowVersion", "startedAt",
                     "updatedAt"],
        "properties": {"id": _UUID, "resource": {"const": "workflow_run"},
                       "customerId": {"type": "string"},
                       "status": {"type": "string", "enum": ["running", "waiting_interaction",
                                                             "completed", "failed", "cancelled"]},
                       "workflowVersion": {"type": "integer", "minimum": 1},
                       "startedAt": _TS, "completedAt": _TS, "updatedAt": _TS},
    },
    "WorkflowList": _list_of("WorkflowListItem"),
    "WorkflowRunList": _list_of("WorkflowRunSummary"),
    "WorkflowRunStats": {
        "type": "object",
        "required": ["totalRuns", "successRuns", "failedRuns", "nodes", "experiments"],
        "properties": {
            "totalRuns": {"type": "integer"}, "successRuns": {"type": "integer"},
            "failedRuns": {"type": "integer"},
            "nodes": {"type": "object", "additionalProperties": {
                "type": "object", "required": ["executionCount"],
                "properties": {"executionCount": {"type": "integer", "minimum": 0}}}},
            "experiments": {"type": "object", "additionalProperties": {
                "type": "object", "required": ["totalEnrollments", "variantEnrollments"],
                "properties": {"totalEnrollments": {"type": "integer"},
                               "variantEnrollments": {"type": "object", "additionalProperties":
                                                      {"type": "integer"}},
                               "metrics": {"type": "array"}}}},
        },
    },
    "DeletedWorkflow": {
        "type": "object", "required": ["id", "resource", "deleted"],
        "properties": {"id": _UUID, "resource": {"const": "workflow"},
                       "deleted": {"const": True}},
    },
}

_CREATE = {"type": "object", "required": ["name", "triggerType", "trigger", "steps"],
           "properties": {"id": _UUID, "name": {"type": "string", "minLength": 1,
                                                  "maxLength": 255},
                          "description": {"type": "string"}, "triggerType": {"type": "string"},
                          "trigger": _TRIGGER, "steps": {"type": "array", "items": _STEP},
                          "metadata": {"type": "object"}}}
_UPDATE = {"type": "object",
           "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 255},
                          "description": {"type": "string"}, "status": _STATUS,
                          "trigger": _TRIGGER, "steps": {"type": "array", "items": _STEP},
                          "metadata": {"type": "object"}}}


def _param(name: str, where: str, schema: dict[str, Any], required: bool = False
           ) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema}


_TENANT = _param("X-Tenant-ID", "header", {"type": "string", "minLength": 1}, True)
_ID = _param("id", "path", _UUID, True)
_RUN_ID = _param("runId", "path", _UUID, True)
_PAGING = [_param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100}),
           _param("after", "query", {"type": "string"}),
           _param("before", "query", {"type": "string"})]


_CONCLUDE = {"type": "object", "required": ["action"], "properties": {
    "action": {"type": "string", "enum": ["select_winner", "stop"]},
    "winnerVariantId": {"type": "string"}}}


def _operation(op_id: str, summary: str, ok: str, schema: str | None,
               params: list[dict[str, Any]], body: dict[str, Any] | None = None
               ) -> dict[str, Any]:
    responses: dict[str, Any] = {ok: {"description": summary}}
    if schema is not None:
        responses[ok]["content"] = {"application/json": {"schema": {"$ref": _REF + schema}}}
    for status in (400, 401, 403, 404, 422):
        responses[str(status)] = {"description": "error (sandbox's Fastify-style shape)",
                                  "content": {"application/json": {
                                      "schema": {"$ref": _REF + "Error"}}}}
    operation: dict[str, Any] = {"operationId": op_id, "summary": summary, "tags": ["admin"],
                                 "parameters": [_TENANT, *params], "responses": responses,
                                 "security": [{"adminApiKey": []}, {"bearer": []}]}
    if body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    return operation


def _paths() -> dict[str, Any]:
    list_params = [*_PAGING, _param("sort", "query", {"type": "string", "enum": [
        f"{f}:{d}" for f in ("createdAt", "updatedAt", "name") for d in ("asc", "desc")]}),
        _param("includeArchived", "query", {"type": "boolean"}),
        _param("filterNonInteractive", "query", {"type": "boolean"}),
        _param("excludeInteractive", "query", {"type": "boolean"}),
        _param("triggerType", "query", {"type": "string"}),
        _param("status", "query", _STATUS)]
    run_params = [*_PAGING, _param("sort", "query", {"type": "string", "enum": [
        f"{f}:{d}" for f in ("startedAt", "updatedAt") for d in ("asc", "desc")]})]
    op = _operation
    return {
        "/workflows": {
            "get": op("listWorkflows", "List workflows", "200", "WorkflowList", list_params),
            "post": op("createWorkflow", "Create a draft", "201", "Workflow", [], _CREATE)},
        "/workflows/{id}": {
            "get": op("getWorkflow", "Get a workflow", "200", "Workflow", [_ID]),
            "put": op("updateWorkflow", "Replace a workflow", "200", "Workflow", [_ID], _UPDATE),
            "delete": op("deleteWorkflow", "Delete (soft)", "200", "DeletedWorkflow", [_ID])},
        **{f"/workflows/{{id}}/{action}": {"post": op(
            f"{action}Workflow", summary, status, "Workflow", [_ID])}
           for action, summary, status in (
               ("archive", "Archive", "200"), ("duplicate", "Copy as a new draft", "201"),
               ("publish", "Publish", "200"), ("unpublish", "Back to draft", "200"))},
        "/workflows/{id}/experiment/{stepId}/conclude": {
            "post": op("concludeExperiment", "Conclude an experiment: new runs take the winner "
                       "(stop: the first variant); runs in flight keep their variant", "204",
                       None, [_ID, _param("stepId", "path", {"type": "string"}, True)], _CONCLUDE)},
        "/workflows/{id}/runs": {
            "get": op("listWorkflowRuns", "List runs", "200", "WorkflowRunList",
                      [_ID, *run_params])},
        "/workflows/{id}/runs/stats": {
            "get": op("getWorkflowRunStats", "Run statistics", "200", "WorkflowRunStats", [_ID])},
        "/workflows/{id}/runs/{runId}": {
            "get": op("getWorkflowRun", "One run (Admin copy)", "200", "AdminWorkflowRunState",
                      [_ID, _RUN_ID])},
    }


def combined(customer: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The customer API's document (served under ``prefix``) with the Admin API added."""
    document = copy.deepcopy(customer)
    document["info"]["title"] = "Juo customer and Admin workflow APIs (juo-flowtest sandbox)"
    document["servers"] = [{"url": "/"}]
    document["paths"] = {
        **{prefix + path: item for path, item in customer["paths"].items()},
        **{assumptions.ADMIN_PREFIX + path: item for path, item in _paths().items()},
    }
    components = document["components"]
    components["schemas"].update(copy.deepcopy(SCHEMAS))
    components["schemas"]["AdminWorkflowRunState"] = _admin_run_state(
        components["schemas"]["WorkflowRunState"])
    components["securitySchemes"]["adminApiKey"] = {
        "type": "apiKey", "in": "header", "name": "X-Juo-Admin-Api-Key"}
    return document
