"""The sandbox's HTTP API as a Starlette app (Part A endpoints + the sandbox-only cancel).

Handlers are async and never ``await`` between reading a run and writing it (the body is read
first), so under uvicorn's single event loop each state change is atomic; ``store`` also locks
per run for threaded callers. Check order: tenant (400), token (401), body (400), run (404),
then the engine's own checks. Tokens are never echoed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from juo_flowtest.sandbox import assumptions, control, payload
from juo_flowtest.sandbox.admin import admin_routes
from juo_flowtest.sandbox.adminopenapi import combined
from juo_flowtest.sandbox.catalog import Catalog
from juo_flowtest.sandbox.clock import Clock, SystemClock
from juo_flowtest.sandbox.engine import RunError
from juo_flowtest.sandbox.faults import FaultConfig, FaultInjector
from juo_flowtest.sandbox.loading import (
    EXAMPLES_DIR,  # noqa: F401  (re-exported: where the examples live)
    WorkflowDirs,
    directories,
    load_directories,
)
from juo_flowtest.sandbox.openapi import openapi_document
from juo_flowtest.sandbox.responses import JSON, error_response
from juo_flowtest.sandbox.store import Owner, RunStore
from juo_flowtest.sandbox.tenants import SandboxConfig


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _owner(request: Request, config: SandboxConfig) -> Owner:
    tenant = request.headers.get("x-tenant-id")
    if not tenant:
        raise RunError("tenant_required", "the X-Tenant-ID header is required")
    token = request.headers.get("x-delegated-token")
    if token is None:
        auth = request.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else None
    if not token:
        raise RunError("unauthorized", "send X-Delegated-Token or Authorization: Bearer")
    customer = config.customer(tenant, token)
    if customer is None:
        raise RunError("unauthorized", "the token is not valid for this tenant")
    return (tenant, customer)


def _field(body: dict[str, Any], name: str, kind: str, required: bool) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise _Invalid(f"body/{name}: required {kind} is missing")
        return None
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "object":
        ok = isinstance(value, dict)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    else:
        ok = payload.integer_in_range(value)
    if kind == "integer" and payload.out_of_range(value):
        raise _Invalid(f"body/{name}: out of range: an integer from {-payload.MAX_INTEGER} "
                       f"to {payload.MAX_INTEGER}")
    if not ok:
        raise _Invalid(f"body/{name}: must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}, "
                       f"got {type(value).__name__}")
    return int(value) if kind == "integer" else value


Handler = Callable[[Request, Owner], Awaitable[dict[str, Any]]]


def _endpoint(config: SandboxConfig, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return JSON(await handler(request, _owner(request, config)))
        except RunError as exc:
            return error_response(exc.code, exc.message)
        except _Invalid as exc:
            return error_response("validation_error", exc.message)
        except payload.PayloadError as exc:
            return error_response("validation_error", str(exc))
    return endpoint


def _routes(store: RunStore, config: SandboxConfig, prefix: str) -> list[Route]:
    async def start(request: Request, owner: Owner) -> dict[str, Any]:
        body = payload.json_object(await request.body())
        return store.start(owner, _field(body, "flowType", "string", True),
                           _field(body, "workflowId", "string", False),
                           _field(body, "context", "object", True),
                           bool(_field(body, "dryRun", "boolean", False)),
                           control.pins(request.headers))

    async def respond(request: Request, owner: Owner) -> dict[str, Any]:
        body = payload.json_object(await request.body())
        return store.respond(owner, request.path_params["run_id"],
                             _field(body, "interactionId", "string", True),
                             _field(body, "responseType", "string", True),
                             _field(body, "responseData", "object", False),
                             _field(body, "expectedRunVersion", "integer", False))

    async def read(request: Request, owner: Owner) -> dict[str, Any]:
        return store.read(owner, request.path_params["run_id"])

    async def cancel(request: Request, owner: Owner) -> dict[str, Any]:
        body = payload.json_object(await request.body(), required=False)
        return store.cancel(owner, request.path_params["run_id"],
                            _field(body, "expectedRunVersion", "integer", False))

    return [
        Route(f"{prefix}/workflows/start", _endpoint(config, start), methods=["POST"]),
        Route(f"{prefix}/workflows/{{run_id}}/respond", _endpoint(config, respond),
              methods=["POST"]),
        Route(f"{prefix}/workflows/{{run_id}}/cancel", _endpoint(config, cancel),
              methods=["POST"]),
        Route(f"{prefix}/workflows/{{run_id}}", _endpoint(config, read), methods=["GET"]),
        *(Route(path, _endpoint(config, handler), methods=["POST"])
          for path, handler in control.routes(store, prefix)),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = "route_not_found" if exc.status_code == 404 else "method_not_allowed"
    if exc.status_code not in (404, 405):
        return JSON({"statusCode": exc.status_code, "error": HTTPStatus(exc.status_code).phrase,
                     "code": "http_error", "message": str(exc.detail)}, exc.status_code)
    return error_response(code, f"{request.method} {request.url.path} is not part of the API")


def create_app(
    workflows_dir: WorkflowDirs = None,
    config: SandboxConfig | None = None,
    faults: FaultConfig | None = None,
    clock: Clock | None = None,
    prefix: str = assumptions.DEFAULT_PREFIX,
    store: RunStore | None = None,
) -> ASGIApp:
    """The sandbox as an ASGI app with fresh state; raises ``WorkflowDefinitionError``."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    if store is None:
        catalog = Catalog(load_directories(directories(workflows_dir)))
        store = RunStore(catalog, clock or SystemClock())
    config = config or SandboxConfig()
    document = combined(openapi_document(prefix), prefix)

    async def openapi(request: Request) -> Response:
        return JSON(document)

    routes = [Route("/openapi.json", openapi, methods=["GET"]), *_routes(store, config, prefix),
              *admin_routes(store, config)]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.store = store
    if faults is not None and faults.active:
        return FaultInjector(app, faults, prefix)
    return app
