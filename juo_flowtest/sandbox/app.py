"""The sandbox's HTTP API as an ASGI app: the customer API (Part A endpoints + the sandbox-only
cancel and advance, ``customerapi``), the Admin API (``admin``) and the OpenAPI document.

Starlette routes it all, behind ``Front``, which answers the customer API's calls itself with
the same bytes (``front``). Handlers never ``await`` between reading a run and writing it (the
body is read first), so under uvicorn's single event loop each state change is atomic;
``store`` also locks per run for threaded callers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from http import HTTPStatus

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.admin import admin_routes
from juo_flowtest.sandbox.adminopenapi import combined
from juo_flowtest.sandbox.call import Call, Handler
from juo_flowtest.sandbox.catalog import Catalog
from juo_flowtest.sandbox.clock import Clock, SystemClock
from juo_flowtest.sandbox.customerapi import answer, endpoints
from juo_flowtest.sandbox.faults import FaultConfig, FaultInjector
from juo_flowtest.sandbox.front import Answer, Front
from juo_flowtest.sandbox.loading import (
    EXAMPLES_DIR,  # noqa: F401  (re-exported: where the examples live)
    WorkflowDirs,
    directories,
    load_directories,
)
from juo_flowtest.sandbox.openapi import openapi_document
from juo_flowtest.sandbox.responses import JSON, error_response
from juo_flowtest.sandbox.store import RunStore
from juo_flowtest.sandbox.tenants import SandboxConfig


def _endpoint(config: SandboxConfig, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A customer API handler as a Starlette endpoint (what ``Front`` leaves to Starlette)."""
    async def endpoint(request: Request) -> Response:
        status, body = answer(config, handler, await Call.of(request))
        return Response(body, status, media_type=JSON.media_type)
    return endpoint


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

    routing: list[tuple[BaseRoute, tuple[Answer, bool] | None]] = [
        (Route("/openapi.json", openapi, methods=["GET"]), None)]
    for e in endpoints(store, prefix):
        routing.append((Route(e.path, _endpoint(config, e.handler), methods=[e.method]),
                        (partial(answer, config, e.handler), e.reads_body)))
    routing.extend((route, None) for route in admin_routes(store, config))
    starlette = Starlette(routes=[route for route, _ in routing],
                          exception_handlers={HTTPException: _http_error})
    starlette.state.store = store
    app = Front(starlette, routing)
    if faults is not None and faults.active:
        return FaultInjector(app, faults, prefix)
    return app
