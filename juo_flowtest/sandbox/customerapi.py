"""The customer API (Part A endpoints, plus the sandbox-only cancel and advance), framework-free.

Each endpoint is a path (Starlette's syntax), a method and a ``Handler`` over a ``Call``;
``answer`` runs one and gives the status and the encoded body, for ``front`` (the fast way
in) and for the Starlette routes of ``app`` alike. Check order: tenant (400), token (401), body
(400), run (404), then the engine's own checks. Tokens are never echoed. The store answers the
run state encoded (``store.wire_state``): the parts that never change go out pre-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from juo_flowtest.sandbox import control, payload
from juo_flowtest.sandbox.call import Call, Handler
from juo_flowtest.sandbox.engine import RunError
from juo_flowtest.sandbox.jsoncodec import CODEC
from juo_flowtest.sandbox.responses import error_content
from juo_flowtest.sandbox.store import Owner, RunStore
from juo_flowtest.sandbox.tenants import SandboxConfig


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: ``path`` as Starlette writes it (``{run_id}``), ``method``, ``handler``."""

    path: str
    method: str
    handler: Handler

    @property
    def reads_body(self) -> bool:
        return self.method != "GET"


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def owner(call: Call, config: SandboxConfig) -> Owner:
    """The (tenant, customer) the call's headers name, or ``RunError`` (400 or 401)."""
    headers = call.headers  # read here, not through ``call.header``: every call comes by
    raw = headers.get(b"x-tenant-id")
    if not raw:
        raise RunError("tenant_required", "the X-Tenant-ID header is required")
    tenant = raw.decode("latin-1")
    raw = headers.get(b"x-delegated-token")
    if raw is not None:
        token: str | None = raw.decode("latin-1")
    else:
        auth = call.header(b"authorization") or ""
        scheme, _, value = auth.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else None
    if not token:
        raise RunError("unauthorized", "send X-Delegated-Token or Authorization: Bearer")
    customer = config.customer(tenant, token)  # the one place tokens are looked up
    if customer is None:
        raise RunError("unauthorized", "the token is not valid for this tenant")
    return (tenant, customer)


#: The type a field of each kind has when it is plainly right (the first check, the cheap one).
_PLAIN = {"string": str, "object": dict, "boolean": bool}


def _field(body: dict[str, Any], name: str, kind: str, required: bool) -> Any:
    value = body.get(name)
    if kind == "integer":
        if type(value) is int and -payload.MAX_INTEGER <= value <= payload.MAX_INTEGER:
            return value
    elif type(value) is _PLAIN[kind]:
        return value
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


def answer(config: SandboxConfig, handler: Handler, call: Call) -> tuple[int, bytes]:
    """The status and the JSON body answering ``call`` (an error body for a rejected call)."""
    try:
        return 200, handler(call, owner(call, config))
    except RunError as exc:
        status, content = error_content(exc.code, exc.message)
    except _Invalid as exc:
        status, content = error_content("validation_error", exc.message)
    except payload.PayloadError as exc:
        status, content = error_content("validation_error", str(exc))
    return status, CODEC.dumps(content)


def endpoints(store: RunStore, prefix: str) -> list[Endpoint]:
    """The customer API's endpoints under ``prefix``, in the order they are routed."""

    # start and respond check their fields in one expression where each is plainly right
    # (the ``_field`` checks would give each back as it is), else through ``_field``, in order.

    def start(call: Call, owner: Owner) -> bytes:
        body = payload.json_object(call.body)
        flow_type, workflow_id = body.get("flowType"), body.get("workflowId")
        context, dry_run = body.get("context"), body.get("dryRun")
        if not (type(flow_type) is str and (workflow_id is None or type(workflow_id) is str)
                and type(context) is dict and (dry_run is None or type(dry_run) is bool)):
            flow_type = _field(body, "flowType", "string", True)
            workflow_id = _field(body, "workflowId", "string", False)
            context = _field(body, "context", "object", True)
            dry_run = _field(body, "dryRun", "boolean", False)
        return store.start(owner, flow_type, workflow_id, context, bool(dry_run),
                           control.pins(call.header(control.VARIANTS_HEADER_NAME)),
                           wire=True)

    def respond(call: Call, owner: Owner) -> bytes:
        body = payload.json_object(call.body)
        interaction, response_type = body.get("interactionId"), body.get("responseType")
        data, version = body.get("responseData"), body.get("expectedRunVersion")
        if not (type(interaction) is str and type(response_type) is str
                and (data is None or type(data) is dict)
                and (version is None or (type(version) is int
                                         and -payload.MAX_INTEGER <= version
                                         <= payload.MAX_INTEGER))):
            interaction = _field(body, "interactionId", "string", True)
            response_type = _field(body, "responseType", "string", True)
            data = _field(body, "responseData", "object", False)
            version = _field(body, "expectedRunVersion", "integer", False)
        return store.respond(owner, call.run_id, interaction, response_type, data, version,
                             wire=True)

    def read(call: Call, owner: Owner) -> bytes:
        return store.read(owner, call.run_id, wire=True)

    def cancel(call: Call, owner: Owner) -> bytes:
        body = payload.json_object(call.body, required=False)
        return store.cancel(owner, call.run_id,
                            _field(body, "expectedRunVersion", "integer", False), wire=True)

    return [
        Endpoint(f"{prefix}/workflows/start", "POST", start),
        Endpoint(f"{prefix}/workflows/{{run_id}}/respond", "POST", respond),
        Endpoint(f"{prefix}/workflows/{{run_id}}/cancel", "POST", cancel),
        Endpoint(f"{prefix}/workflows/{{run_id}}", "GET", read),
        *(Endpoint(path, "POST", handler) for path, handler in control.routes(store, prefix)),
    ]
