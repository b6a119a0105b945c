"""Juo's Admin API (spec Part C) over an injected ``httpx.Client``: workflows, runs, stats.

Every call either returns the documented body, already checked against Juo's Admin schema
(``adminschema``), or raises ``AdminApiError`` saying what happened and what to do:
``unreachable`` (no answer within the target's timeout), ``contract`` (an answer the Admin API
does not document: a 5xx, a body that is not JSON or breaks the schema) or ``refused`` (a
documented 400/401/403/404/422, with the target's message).

The key is a secret: it travels in ``X-Juo-Admin-Api-Key`` only, is kept out of ``repr``, and
is scrubbed from every message (a target that echoes it never gets it printed).

Retries: a GET is idempotent, so a transport error on it is retried a bounded number of times
with a short backoff; a write (create, update, publish...) is never retried: it may have been
applied.

Example::

    admin = AdminClient(make_http_client(10.0), access)      # access: adminaccess.AdminAccess
    for item in admin.list_workflows(status="published"):
        definition = admin.get_workflow(item["id"])
"""

from __future__ import annotations

import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from juo_flowtest.base.errors import AdminApiError
from juo_flowtest.base.redaction import hide
from juo_flowtest.base.secrets import Secret
from juo_flowtest.target import adminschema
from juo_flowtest.target.adminaccess import AdminAccess
from juo_flowtest.target.transport import NO_BODY, Credential, Reply, Transport

#: Error statuses Juo documents for every Admin operation.
DOCUMENTED_ERRORS = frozenset({400, 401, 403, 404, 422})
PAGE_SIZE = 100
MAX_PAGES = 200  # 20,000 items: a bound against a target whose cursors never end
_HINTS = {
    401: "check the Admin API key (JUO_ADMIN_API_KEY or the environment's admin_token_env) "
         "and the tenant",
    403: "the key is not allowed to do this (a customer token is not an Admin API key)",
}


class AdminClient:
    """The Admin API of one target and tenant."""

    def __init__(self, http: httpx.Client, access: AdminAccess, *, get_retries: int = 2,
                 retry_backoff_s: float = 0.1, sleep: Callable[[float], None] = time.sleep
                 ) -> None:
        if access.url is None:
            raise ValueError("the Admin API's URL is not known yet (start the sandbox first)")
        self.url = access.url.rstrip("/")
        self._key = access.require_key()
        headers = {"Accept": "application/json"}
        if access.tenant:
            headers["X-Tenant-ID"] = access.tenant
        # Bounded like the customer client: one deadline per call, a body limit, no redirects,
        # the key revealed only when sent and hidden in whatever the target echoes.
        self._transport = Transport(http, self.url, timeout=access.timeout, headers=headers,
                                    credentials=[Credential("X-Juo-Admin-Api-Key",
                                                            Secret(self._key))],
                                    backoff_s=retry_backoff_s, sleep=sleep)
        self._get_retries = get_retries

    def __repr__(self) -> str:
        return f"AdminClient(url={self.url!r})"

    # -- workflows ----------------------------------------------------------------------------

    def list_workflows(self, *, status: str | None = None, trigger_type: str | None = None,
                       include_archived: bool = False) -> list[dict[str, Any]]:
        """Every ``WorkflowListItem`` the filters select, all pages followed."""
        params: dict[str, str] = {"sort": "createdAt:asc"}
        if status is not None:
            params["status"] = status
        if trigger_type is not None:
            params["triggerType"] = trigger_type
        if include_archived:
            params["includeArchived"] = "true"
        return self._all("/workflows", params, "WorkflowListItem")

    def get_workflow(self, workflow_id: str) -> dict[str, Any]:
        """The full ``Workflow``."""
        return self._object("GET", f"/workflows/{_seg(workflow_id)}", "Workflow")

    def find_workflow(self, workflow_id: str) -> dict[str, Any] | None:
        """The full ``Workflow``, or None when the target has no such workflow (404)."""
        try:
            return self.get_workflow(workflow_id)
        except AdminApiError as exc:
            if exc.kind == "refused" and exc.status == 404:
                return None
            raise

    def create_workflow(self, definition: dict[str, Any]) -> dict[str, Any]:
        """A new draft from ``definition`` (``name``, ``triggerType``, ``trigger``, ``steps``
        and optionally ``id``, ``description``, ``metadata``); answered 201."""
        return self._object("POST", "/workflows", "Workflow", body=definition, ok=201)

    def update_workflow(self, workflow_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """PUT: replace the given parts (``name``, ``description``, ``trigger``, ``steps``...)."""
        return self._object("PUT", f"/workflows/{_seg(workflow_id)}", "Workflow", body=changes)

    def publish(self, workflow_id: str) -> dict[str, Any]:
        return self._object("POST", f"/workflows/{_seg(workflow_id)}/publish", "Workflow")

    def unpublish(self, workflow_id: str) -> dict[str, Any]:
        return self._object("POST", f"/workflows/{_seg(workflow_id)}/unpublish", "Workflow")

    def archive(self, workflow_id: str) -> dict[str, Any]:
        return self._object("POST", f"/workflows/{_seg(workflow_id)}/archive", "Workflow")

    def duplicate(self, workflow_id: str) -> dict[str, Any]:
        return self._object("POST", f"/workflows/{_seg(workflow_id)}/duplicate", "Workflow",
                            ok=201)

    def delete_workflow(self, workflow_id: str) -> dict[str, Any]:
        return self._object("DELETE", f"/workflows/{_seg(workflow_id)}", "DeletedWorkflow")

    # -- runs ---------------------------------------------------------------------------------

    def list_runs(self, workflow_id: str) -> list[dict[str, Any]]:
        """Every ``WorkflowRunSummary`` of the workflow, newest first."""
        return self._all(f"/workflows/{_seg(workflow_id)}/runs", {}, "WorkflowRunSummary")

    def get_run(self, workflow_id: str, run_id: str) -> dict[str, Any]:
        return self._object("GET", f"/workflows/{_seg(workflow_id)}/runs/{_seg(run_id)}",
                            "WorkflowRunState")

    def run_stats(self, workflow_id: str) -> dict[str, Any]:
        """``{totalRuns, successRuns, failedRuns, nodes: {stepId: {executionCount}}, ...}``."""
        return self._object("GET", f"/workflows/{_seg(workflow_id)}/runs/stats",
                            "WorkflowRunStats")

    # -- the exchange -------------------------------------------------------------------------

    def _all(self, path: str, params: dict[str, str], item: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursors: set[str] = set()
        page_params = {**params, "limit": str(PAGE_SIZE)}
        for _ in range(MAX_PAGES):
            page = self._call("GET", path, params=page_params, schema=item + "List")
            items.extend(page["data"])
            cursor = page["endCursor"]
            if not page["hasNextPage"]:
                return items
            if not isinstance(cursor, str) or cursor in cursors:
                raise self._broken("GET", path, "hasNextPage is true but endCursor does not move")
            cursors.add(cursor)
            page_params["after"] = cursor
        raise self._broken("GET", path, f"more than {MAX_PAGES} pages of {PAGE_SIZE}")

    def _object(self, method: str, path: str, schema: str, *, body: Any = None,
                ok: int = 200) -> dict[str, Any]:
        result: dict[str, Any] = self._call(method, path, body=body, ok=ok, schema=schema)
        return result

    def _call(self, method: str, path: str, *, params: dict[str, str] | None = None,
              body: Any = None, ok: int = 200, schema: str) -> Any:
        retries = self._get_retries if method == "GET" else 0
        query = f"?{urlencode(params)}" if params else ""
        reply = self._transport.send(method, path + query, retries=retries,
                                     body=NO_BODY if body is None else body)
        if reply.status is None:
            why = (reply.failure or "no answer").replace(
                "check --juo-base-url", "check --juo-admin-url / --juo-base-url")
            raise AdminApiError(self._scrub(f"the Admin API is unreachable: {why}"),
                                "unreachable")
        if reply.failure is not None:  # too large, nested too deeply
            raise AdminApiError(self._scrub(f"{reply.failure} — the target breaks the Admin "
                                            "API contract"), "contract")
        return self._checked(method, path, reply, ok, schema)

    def _checked(self, method: str, path: str, reply: Reply, ok: int, schema: str) -> Any:
        status = reply.status
        data = reply.body if reply.is_json else None
        if status == ok and reply.body is not None and not reply.is_json:
            raise self._broken(method, path, f"{status} with a body that is not JSON")
        if status in DOCUMENTED_ERRORS:
            detail = data if isinstance(data, dict) else {}
            code = detail.get("code") if isinstance(detail.get("code"), str) else None
            phrase = _phrase(status)
            message = detail.get("message") or phrase
            hint = _HINTS.get(status)
            text = (f"{method} {self.url}{path}: {status} {code or phrase}: "
                    f"{message}" + (f" — {hint}" if hint else ""))
            raise AdminApiError(self._scrub(text), "refused", status, code)
        if status != ok:
            raise self._broken(method, path, f"answered {status}, which the Admin API does not "
                               f"document here (expected {ok})")
        problems = adminschema.problems(schema, data)
        if problems:
            raise self._broken(method, path, f"the {schema} breaks Juo's Admin API schema: "
                               + "; ".join(problems[:3]))
        return data

    def _broken(self, method: str, path: str, what: str) -> AdminApiError:
        return AdminApiError(self._scrub(f"{method} {self.url}{path}: {what} — the target "
                                         "breaks the Admin API contract"), "contract")

    def _scrub(self, text: str) -> str:
        return self._transport.hide(hide(text, (self._key,)))


def _seg(value: str) -> str:
    return quote(str(value), safe="")


def _phrase(status: int | None) -> str:
    try:
        return HTTPStatus(status or 0).phrase
    except ValueError:
        return "error"
