"""The sandbox's OpenAPI 3.1 document, served at ``/openapi.json`` (root, outside the prefix).

Paths are relative to ``servers[0].url`` (the prefix). The run-state schema is Part A's
``WorkflowRunState``; sandbox-only parts carry ``x-sandbox-only: true``.
"""

from __future__ import annotations

from typing import Any

from juo_flowtest.sandbox import assumptions

_OUTCOME = {"type": "object", "properties": {"type": {"type": "string"},
                                             "message": {"type": "string"}}}
_RESPONSE = {"type": "object", "required": ["type", "label"],
             "properties": {"type": {"type": "string"}, "label": {"type": "string"}}}

RUN_STATE: dict[str, Any] = {
    "type": "object",
    "required": ["workflowId", "workflowVersion", "runId", "runVersion", "status"],
    "properties": {
        "workflowId": {"type": "string"},
        "workflowVersion": {"type": "number"},
        "runId": {"type": "string", "format": "uuid"},
        "runVersion": {"type": "number"},
        "status": {"type": "string", "enum": ["running", "waiting_interaction", "completed",
                                              "failed", "cancelled"]},
        "pendingInteraction": {
            "type": "object",
            "required": ["interactionId", "stepId", "actionType", "actionBehavior",
                         "actionConfig", "availableResponses", "presentedAt"],
            "properties": {
                "interactionId": {"type": "string"}, "stepId": {"type": "string"},
                "actionType": {"type": "string"},
                "actionBehavior": {"type": "string", "enum": ["input"]},
                "actionConfig": {"type": "object"},
                "availableResponses": {"type": "array", "items": _RESPONSE},
                "presentedAt": {"type": "string", "format": "date-time"},
                "timeoutMs": {"type": "number"},
            },
        },
        "interactiveSteps": {"type": "array", "items": {
            "type": "object",
            "properties": {"stepId": {"type": "string"}, "actionType": {"type": "string"},
                           "actionConfig": {"type": "object"},
                           "availableResponses": {"type": "array", "items": _RESPONSE}}}},
        "result": {"type": "object"},
        "error": {"type": "object", "required": ["message"],
                  "properties": {"message": {"type": "string"}, "code": {"type": "string"}}},
        "invalidatedResources": {"type": "array", "items": {"type": "string"}},
        "outcome": _OUTCOME,
        "completionData": {"type": "object", "properties": {
            "outcome": _OUTCOME,
            "endStep": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "category": {"type": "string"},
                "label": {"type": "string"}}}}},
    },
}

ERROR: dict[str, Any] = {
    "type": "object", "x-sandbox-only": True,
    "required": list(assumptions.ERROR_FIELDS),
    "properties": {"statusCode": {"type": "integer"}, "error": {"type": "string"},
                   "code": {"type": "string", "enum": sorted(assumptions.ERRORS)},
                   "message": {"type": "string"}},
}


def _responses(*statuses: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "run state", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/WorkflowRunState"}}}}}
    for status in (400, 401, *statuses, 503):
        out[str(status)] = {"description": "error (sandbox's Fastify-style shape)", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return out


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


_RUN_ID = {"name": "runId", "in": "path", "required": True,
           "schema": {"type": "string", "format": "uuid"}}
_TENANT = {"name": "X-Tenant-ID", "in": "header", "required": True,
           "schema": {"type": "string", "minLength": 1}}


def openapi_document(prefix: str) -> dict[str, Any]:
    """The whole document for a sandbox served under ``prefix``."""
    version_field = {"expectedRunVersion": {"type": "integer"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Juo customer workflow API (juo-flowtest sandbox)", "version": "1"},
        "servers": [{"url": prefix or "/"}],
        "security": [{"delegatedToken": []}, {"bearer": []}],
        "paths": {
            "/workflows/start": {"post": {
                "operationId": "startWorkflow", "parameters": [_TENANT],
                "requestBody": _body({"flowType": {"type": "string", "examples": [
                                          "subscription_cancellation_requested"]},
                                      "context": {"type": "object", "examples": [{}]},
                                      "workflowId": {"type": "string"},
                                      "dryRun": {"type": "boolean"}}, ["flowType", "context"]),
                "responses": _responses(404, 422)}},
            "/workflows/{runId}/respond": {"post": {
                "operationId": "respondToWorkflow", "parameters": [_TENANT, _RUN_ID],
                "requestBody": _body({"interactionId": {"type": "string"},
                                      "responseType": {"type": "string"},
                                      "responseData": {"type": "object"}, **version_field},
                                     ["interactionId", "responseType"]),
                "responses": _responses(404, 409, 422)}},
            "/workflows/{runId}": {"get": {
                "operationId": "getWorkflowRun", "parameters": [_TENANT, _RUN_ID],
                "responses": _responses(404)}},
            "/workflows/{runId}/cancel": {"post": {
                "operationId": "cancelWorkflowRun", "x-sandbox-only": True,
                "parameters": [_TENANT, _RUN_ID],
                "requestBody": {"required": False, "content": {"application/json": {
                    "schema": {"type": "object", "properties": version_field}}}},
                "responses": _responses(404, 409)}},
            "/workflows/{runId}/advance": {"post": {
                "operationId": "advanceWorkflowRunClock", "x-sandbox-only": True,
                "parameters": [_TENANT, _RUN_ID],
                "requestBody": _body({"ms": {"type": "number", "minimum": 0,
                                             "maximum": 366 * 24 * 3600 * 1000}}, ["ms"]),
                "responses": _responses(404)}},
        },
        "components": {
            "schemas": {"WorkflowRunState": RUN_STATE, "Error": ERROR},
            "securitySchemes": {
                "delegatedToken": {"type": "apiKey", "in": "header", "name": "X-Delegated-Token"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }
