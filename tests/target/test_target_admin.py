"""The Admin client against httpx.MockTransport: paging, contract checks, errors, retries,
and the key kept out of every message."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from juo_flowtest.base.errors import AdminApiError
from juo_flowtest.target.admin import AdminClient
from juo_flowtest.target.adminaccess import AdminAccess

KEY = "adm-SECRET-7f3a"
ACCESS = AdminAccess("https://juo.test/admin/v1", "shop.myshopify.com", KEY)
WID = "3f0c1d2e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
ITEM = {"id": WID, "resource": "workflow", "name": "Cancel", "status": "published",
        "triggerType": "subscription_cancellation_requested",
        "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
        "publishedAt": "2026-01-01T00:00:00.000Z"}
WORKFLOW = {**ITEM, "version": 3, "trigger": {"id": "t", "type": ITEM["triggerType"],
                                              "category": "customer_initiated"},
            "steps": [{"id": "a", "name": "A", "transitions": []}], "metadata": {},
            "hasUnpublishedChanges": False}


def client(handler: Callable[[httpx.Request], httpx.Response],
           sleeps: list[float] | None = None) -> AdminClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return AdminClient(http, ACCESS, sleep=(sleeps.append if sleeps is not None else
                                            lambda _: None))


def page(items: list[dict[str, Any]], more: bool, cursor: str | None) -> dict[str, Any]:
    return {"resource": "list", "data": items, "hasNextPage": more, "hasPrevPage": False,
            "startCursor": cursor, "endCursor": cursor}


def test_every_page_is_read_with_the_tenant_and_key_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "after" not in request.url.params:
            return httpx.Response(200, json=page([ITEM], True, "c1"))
        return httpx.Response(200, json=page([{**ITEM, "id": WID[:-1] + "0"}], False, "c2"))

    items = client(handler).list_workflows(status="published", include_archived=True)
    assert [i["id"] for i in items] == [WID, WID[:-1] + "0"]
    first, second = seen
    assert first.headers["x-juo-admin-api-key"] == KEY
    assert first.headers["x-tenant-id"] == "shop.myshopify.com"
    assert first.url.params["status"] == "published" and first.url.params["limit"] == "100"
    assert first.url.params["includeArchived"] == "true"
    assert second.url.params["after"] == "c1"


def test_a_cursor_that_does_not_move_is_a_contract_break() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=page([ITEM], True, "same"))

    with pytest.raises(AdminApiError) as caught:
        client(handler).list_workflows()
    assert caught.value.kind == "contract" and "endCursor does not move" in str(caught.value)


@pytest.mark.parametrize(("body", "why"), [
    ({**ITEM, "publishedAt": None}, "publishedAt"),  # a list item omits it, never null
    ({**ITEM, "id": "not-a-uuid"}, "id"),
    ({k: v for k, v in ITEM.items() if k != "resource"}, "resource"),
])
def test_a_list_item_breaking_juos_schema_is_a_contract_break(body: dict[str, Any],
                                                              why: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=page([body], False, "c"))

    with pytest.raises(AdminApiError) as caught:
        client(handler).list_workflows()
    assert caught.value.kind == "contract" and why in str(caught.value)
    assert "breaks Juo's Admin API schema" in str(caught.value)


def test_a_workflow_carries_publishedat_even_when_null() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={**WORKFLOW, "publishedAt": None, "status": "draft"})

    assert client(handler).get_workflow(WID)["publishedAt"] is None
    missing = {k: v for k, v in WORKFLOW.items() if k != "publishedAt"}
    with pytest.raises(AdminApiError, match="publishedAt"):
        client(lambda r: httpx.Response(200, json=missing)).get_workflow(WID)


def test_create_expects_201_and_sends_the_definition() -> None:
    sent: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(201, json={**WORKFLOW, "status": "draft", "publishedAt": None})

    created = client(handler).create_workflow({"name": "Cancel", "steps": []})
    assert created["status"] == "draft" and sent == [{"name": "Cancel", "steps": []}]
    with pytest.raises(AdminApiError) as caught:
        client(lambda r: httpx.Response(200, json=WORKFLOW)).create_workflow({})
    assert caught.value.kind == "contract" and "expected 201" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_documented_errors_are_refusals_with_the_targets_message(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"statusCode": status, "code": "some_code",
                                            "message": f"no good (you sent {KEY})"})

    with pytest.raises(AdminApiError) as caught:
        client(handler).get_workflow(WID)
    error = caught.value
    assert (error.kind, error.status, error.code) == ("refused", status, "some_code")
    assert "no good" in str(error) and KEY not in str(error)


def test_find_workflow_is_none_on_404_only() -> None:
    assert client(lambda r: httpx.Response(404, json={})).find_workflow(WID) is None
    with pytest.raises(AdminApiError):
        client(lambda r: httpx.Response(401, json={})).find_workflow(WID)


@pytest.mark.parametrize(("response", "why"), [
    (httpx.Response(500, json={"message": "boom"}), "answered 500"),
    (httpx.Response(409, json={}), "answered 409"),  # Juo documents no 409
    (httpx.Response(200, content=b"<html>"), "not JSON"),
])
def test_undocumented_answers_are_contract_breaks(response: httpx.Response, why: str) -> None:
    with pytest.raises(AdminApiError) as caught:
        client(lambda r: response).run_stats(WID)
    assert caught.value.kind == "contract" and why in str(caught.value)


def test_a_get_is_retried_on_transport_errors_and_a_write_never() -> None:
    calls: list[str] = []
    sleeps: list[float] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"totalRuns": 0, "successRuns": 0, "failedRuns": 0,
                                         "nodes": {}})

    assert client(flaky, sleeps).run_stats(WID)["totalRuns"] == 0
    assert calls == ["GET"] * 3 and sleeps == [0.1, 0.2]

    writes: list[str] = []

    def dropped(request: httpx.Request) -> httpx.Response:
        writes.append(request.method)
        raise httpx.ReadError("connection reset", request=request)

    with pytest.raises(AdminApiError) as caught:
        client(dropped).publish(WID)
    assert writes == ["POST"] and caught.value.kind == "unreachable"
    assert "may or may not have been applied" in str(caught.value)


def test_the_key_is_never_in_repr_or_messages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach (header {KEY})", request=request)

    admin = client(handler)
    assert KEY not in repr(admin) and KEY not in repr(ACCESS)
    with pytest.raises(AdminApiError) as caught:
        admin.get_workflow(WID)
    assert KEY not in str(caught.value) and "unreachable" in str(caught.value)


def test_a_missing_key_says_where_it_is_looked_for() -> None:
    from juo_flowtest.base.errors import ConfigError

    with pytest.raises(ConfigError, match="JUO_ADMIN_API_KEY"):
        AdminClient(httpx.Client(), AdminAccess("https://x/admin/v1", "t", None,
                                                target_name="staging"))


def test_the_client_accepts_everything_the_sandbox_answers() -> None:
    """The sandbox's Admin API and the client's copy of Juo's contract agree, over HTTP."""
    from juo_flowtest.sandbox import ManualClock, Sandbox

    with Sandbox(clock=ManualClock()) as sb, httpx.Client(timeout=10) as http:
        root = sb.base_url.removesuffix("/customer/v1")
        admin = AdminClient(http, AdminAccess(root + "/admin/v1", "sandbox.myshopify.com",
                                              "sandbox-admin-key"))
        listed = admin.list_workflows()
        assert len(listed) == 5
        full = admin.get_workflow(listed[0]["id"])
        draft = admin.create_workflow({k: full[k] for k in (
            "name", "triggerType", "trigger", "steps", "metadata")})
        assert draft["status"] == "draft"
        admin.update_workflow(draft["id"], {"name": "Renamed"})
        assert admin.publish(draft["id"])["status"] == "published"
        start = httpx.post(sb.base_url + "/workflows/start", json={
            "flowType": full["triggerType"], "context": {"subscription": {"status": "active"}}},
            headers={"X-Tenant-ID": "sandbox.myshopify.com", "X-Delegated-Token": "sandbox-token"})
        run_id = start.json()["runId"]
        (summary,) = admin.list_runs(draft["id"])
        assert summary["id"] == run_id
        assert admin.get_run(draft["id"], run_id)["runId"] == run_id
        assert admin.run_stats(draft["id"])["totalRuns"] == 1
        assert admin.duplicate(draft["id"])["status"] == "draft"
        assert admin.unpublish(draft["id"])["status"] == "draft"
        assert admin.archive(draft["id"])["status"] == "archived"
        assert admin.delete_workflow(draft["id"])["deleted"] is True
        assert admin.find_workflow(draft["id"]) is None
