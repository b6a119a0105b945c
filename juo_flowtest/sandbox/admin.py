"""The sandbox's Admin API (spec Part C) at ``/admin/v1``, over the same store as the customer API.

Auth: ``X-Juo-Admin-Api-Key: <key>`` or ``Authorization: Bearer <key>``, plus ``X-Tenant-ID``;
a tenant's keys come from ``SandboxConfig.admin_keys`` (default ``sandbox-admin-key`` for the
default tenant). Check order: tenant (400 ``tenant_required``), key (401 ``unauthorized``;
403 ``forbidden`` for a customer token), query or body (400 ``validation_error`` naming the
field), workflow or run (404), definition (422 ``invalid_workflow``). Only the statuses Juo
documents are used: 200, 201, 204 (conclude), 400, 401, 403, 404, 422 (no 409). Keys are
never echoed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from juo_flowtest.sandbox import adminviews as views
from juo_flowtest.sandbox import assumptions, payload
from juo_flowtest.sandbox.engine import RunError
from juo_flowtest.sandbox.paging import QueryError, choice, envelope, flag, page_request
from juo_flowtest.sandbox.registry import WorkflowStore, content
from juo_flowtest.sandbox.responses import JSON, error_response
from juo_flowtest.sandbox.store import RunStore
from juo_flowtest.sandbox.tenants import SandboxConfig

STATUSES = ("draft", "published", "archived")
WORKFLOW_SORTS = ("createdAt", "updatedAt", "name")
RUN_SORTS = ("startedAt", "updatedAt")
CONCLUSIONS = ("select_winner", "stop")
#: (field, JSON type, required on create) of a create body; PUT takes the same, none required.
_CREATE_FIELDS = (("id", "uuid", False), ("name", "name", True), ("description", "string", False),
                  ("triggerType", "string", True), ("trigger", "object", True),
                  ("steps", "array", True), ("metadata", "object", False))
_PUT_FIELDS = (("name", "name", False), ("description", "string", False),
               ("status", "status", False), ("trigger", "object", False),
               ("steps", "array", False), ("metadata", "object", False))

Handler = Callable[[Request, str], Awaitable[Response]]


class _Invalid(Exception):
    """A 400: the message names the field (``body/name``, ``querystring/limit``)."""


def admin_routes(store: RunStore, config: SandboxConfig,
                 prefix: str = assumptions.ADMIN_PREFIX) -> list[Route]:
    """The Admin API's routes, to mount beside the customer API's."""
    api = _AdminApi(store)
    base = f"{prefix}/workflows"

    def route(path: str, handler: Handler, method: str) -> Route:
        return Route(base + path, _endpoint(config, handler), methods=[method])

    return [
        route("", api.list, "GET"),
        route("", api.create, "POST"),
        route("/{id}/runs/stats", api.stats, "GET"),  # before /runs/{run_id}
        route("/{id}/runs/{run_id}", api.run, "GET"),
        route("/{id}/runs", api.runs, "GET"),
        route("/{id}/publish", api.publish, "POST"),
        route("/{id}/unpublish", api.unpublish, "POST"),
        route("/{id}/archive", api.archive, "POST"),
        route("/{id}/duplicate", api.duplicate, "POST"),
        route("/{id}/experiment/{step_id}/conclude", api.conclude, "POST"),
        route("/{id}", api.get, "GET"),
        route("/{id}", api.put, "PUT"),
        route("/{id}", api.delete, "DELETE"),
    ]


def _endpoint(config: SandboxConfig, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, _tenant(request, config))
        except RunError as exc:
            return error_response(exc.code, exc.message)
        except (_Invalid, QueryError, payload.PayloadError) as exc:
            return error_response("validation_error", str(exc))
    return endpoint


def _tenant(request: Request, config: SandboxConfig) -> str:
    """The calling tenant, once its Admin key is checked (the key is never echoed)."""
    tenant = request.headers.get("x-tenant-id")
    if not tenant:
        raise RunError("tenant_required", "the X-Tenant-ID header is required")
    key = request.headers.get("x-juo-admin-api-key")
    if key is None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else None
    if not key:
        raise RunError("unauthorized", "send X-Juo-Admin-Api-Key or Authorization: Bearer")
    if config.admin(tenant, key):
        return tenant
    if config.customer(tenant, key) is not None:
        raise RunError("forbidden", "a customer token cannot use the Admin API; "
                       "use an Admin API key")
    raise RunError("unauthorized", "the Admin API key is not valid for this tenant")


class _AdminApi:
    """The handlers; each returns a response or raises ``RunError`` / ``_Invalid``."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self.workflows: WorkflowStore = store.workflows

    async def list(self, request: Request, tenant: str) -> Response:
        query = request.query_params
        page = page_request(query, WORKFLOW_SORTS, "createdAt:desc")
        status = choice(query, "status", STATUSES)
        trigger_type = query.get("triggerType")
        archived = flag(query, "includeArchived") or status == "archived"
        only_interactive = flag(query, "filterNonInteractive")
        no_interactive = flag(query, "excludeInteractive")
        records = [
            r for r in self.workflows.visible(tenant)
            if (archived or r.status != "archived") and status in (None, r.status)
            and trigger_type in (None, r.trigger_type)
            and not (only_interactive and not r.interactive)
            and not (no_interactive and r.interactive)
        ]
        return JSON(envelope(records, page, views.workflow_key, views.list_item))

    async def create(self, request: Request, tenant: str) -> Response:
        body = _checked(payload.json_object(await request.body()), _CREATE_FIELDS)
        record = self.workflows.create(tenant, content(body), body.get("id"))
        return JSON(views.workflow(record), status_code=201)

    async def get(self, request: Request, tenant: str) -> Response:
        return JSON(views.workflow(self.workflows.get(tenant, _id(request))))

    async def put(self, request: Request, tenant: str) -> Response:
        body = _checked(payload.json_object(await request.body()), _PUT_FIELDS)
        wid = _id(request)
        record = self.workflows.update(tenant, wid, body)
        status = body.get("status")
        if status is not None and status != record.status:
            change = {"published": self.workflows.publish, "draft": self.workflows.unpublish,
                      "archived": self.workflows.archive}[status]
            record = change(tenant, wid)
        return JSON(views.workflow(record))

    async def delete(self, request: Request, tenant: str) -> Response:
        record = self.workflows.delete(tenant, _id(request))
        return JSON({"id": record.id, "resource": "workflow", "deleted": True})

    async def publish(self, request: Request, tenant: str) -> Response:
        return JSON(views.workflow(self.workflows.publish(tenant, _id(request))))

    async def unpublish(self, request: Request, tenant: str) -> Response:
        return JSON(views.workflow(self.workflows.unpublish(tenant, _id(request))))

    async def archive(self, request: Request, tenant: str) -> Response:
        return JSON(views.workflow(self.workflows.archive(tenant, _id(request))))

    async def duplicate(self, request: Request, tenant: str) -> Response:
        body = _checked(payload.json_object(await request.body(), required=False), (("name", "name", False),))
        record = self.workflows.duplicate(tenant, _id(request), body.get("name"))
        return JSON(views.workflow(record), status_code=201)

    async def conclude(self, request: Request, tenant: str) -> Response:
        body = payload.json_object(await request.body())
        action = body.get("action")
        if action not in CONCLUSIONS:
            raise _Invalid(f"body/action: must be one of {', '.join(CONCLUSIONS)}")
        winner = body.get("winnerVariantId")
        if action == "select_winner" and not isinstance(winner, str):
            raise _Invalid("body/winnerVariantId: required (a variant id) to select a winner")
        self.workflows.conclude(tenant, _id(request), str(request.path_params["step_id"]),
                                winner if action == "select_winner" else None)
        return Response(status_code=204)

    async def runs(self, request: Request, tenant: str) -> Response:
        page = page_request(request.query_params, RUN_SORTS, "startedAt:desc")
        record = self.workflows.get(tenant, _id(request))
        numbered = list(enumerate(self.store.runs_of(tenant, record.id)))
        return JSON(envelope(numbered, page, views.run_key, lambda n: views.run_summary(n[1])))

    async def run(self, request: Request, tenant: str) -> Response:
        record = self.workflows.get(tenant, _id(request))
        run_id = request.path_params["run_id"]
        found = next((r for r in self.store.runs_of(tenant, record.id) if r.run_id == run_id),
                     None)
        if found is None:
            raise RunError("run_not_found", f"no run '{run_id}' of workflow '{record.id}'")
        return JSON(views.run_state(found))

    async def stats(self, request: Request, tenant: str) -> Response:
        record = self.workflows.get(tenant, _id(request))
        return JSON(views.stats(self.store.runs_of(tenant, record.id)))


def _id(request: Request) -> str:
    return str(request.path_params["id"])


_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "string": ("a string", lambda v: isinstance(v, str)),
    "object": ("an object", lambda v: isinstance(v, dict)),
    "array": ("an array", lambda v: isinstance(v, list)),
    "name": ("a string of 1 to 255 characters", lambda v: isinstance(v, str) and 1 <= len(v) <= 255),
    "status": ("one of " + ", ".join(STATUSES), lambda v: v in STATUSES),
    "uuid": ("a uuid", lambda v: isinstance(v, str) and _is_uuid(v)),
}


def _checked(body: dict[str, Any], fields: tuple[tuple[str, str, bool], ...]) -> dict[str, Any]:
    """The known fields of ``body`` (null = absent), each of its documented type."""
    out: dict[str, Any] = {}
    for name, kind, required in fields:
        value = body.get(name)
        if value is None:
            if required:
                raise _Invalid(f"body/{name}: required, missing")
            continue
        what, ok = _KINDS[kind]
        if not ok(value):
            raise _Invalid(f"body/{name}: must be {what}")
        out[name] = value
    return out


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False
