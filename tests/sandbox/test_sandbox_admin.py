"""The sandbox's Admin API over real HTTP: auth, tenants, versions, lists, errors."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sandbox_api import CANCELLATION, EXAMPLE_IDS, HEADERS, TENANT

from juo_flowtest.sandbox import ManualClock, Sandbox, SandboxConfig

ADMIN = {"X-Tenant-ID": TENANT, "X-Juo-Admin-Api-Key": "sandbox-admin-key"}
PORTAL = "customer_portal_opened"


class Served:
    """One fresh sandbox: an Admin client, a customer client and the clock."""

    def __init__(self, sb: Sandbox, clock: ManualClock) -> None:
        root = sb.base_url.removesuffix("/customer/v1")
        self.root, self.clock = root, clock
        self.admin = httpx.Client(base_url=root + "/admin/v1", headers=ADMIN, timeout=10)
        self.customer = httpx.Client(base_url=sb.base_url, headers=HEADERS, timeout=10)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.admin.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def error(self, response: httpx.Response, status: int, code: str) -> str:
        assert response.status_code == status, response.text
        body = response.json()
        assert (body["statusCode"], body["code"]) == (status, code)
        return str(body["message"])

    def start(self, flow_type: str = PORTAL, **extra: Any) -> dict[str, Any]:
        response = self.customer.post("/workflows/start",
                                      json={"flowType": flow_type, "context": {}, **extra})
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state


@pytest.fixture()
def served() -> Iterator[Served]:
    clock = ManualClock()
    with Sandbox(clock=clock) as sb:
        yield Served(sb, clock)


def portal(name: str = "Portal v2", title: str = "Renew now") -> dict[str, Any]:
    return {
        "name": name, "triggerType": PORTAL,
        "trigger": {"id": "t", "type": PORTAL, "category": "customer_initiated"},
        "steps": [
            {"id": "ask", "name": "Ask", "isInitial": True,
             "action": {"id": "a", "type": "offer_renew", "config": {"title": title}},
             "transitions": [{"id": "y", "type": "response", "responseType": "accept",
                              "targetStepId": "done"}]},
            {"id": "done", "name": "Done", "isFinal": True,
             "action": {"id": "d", "type": "end", "config": {"outcome": {"type": "renewed"}}}},
        ],
    }


# -- auth and tenants -------------------------------------------------------------------------

def test_bearer_works_and_keys_are_never_echoed(served: Served) -> None:
    bearer = {"X-Tenant-ID": TENANT, "Authorization": "Bearer sandbox-admin-key"}
    assert httpx.get(served.root + "/admin/v1/workflows", headers=bearer).status_code == 200
    for headers, status, code in (
        ({"X-Juo-Admin-Api-Key": "sandbox-admin-key"}, 400, "tenant_required"),
        ({"X-Tenant-ID": TENANT}, 401, "unauthorized"),
        ({"X-Tenant-ID": TENANT, "X-Juo-Admin-Api-Key": "s3cret-guess"}, 401, "unauthorized"),
        ({"X-Tenant-ID": "other.myshopify.com", "X-Juo-Admin-Api-Key": "sandbox-admin-key"},
         401, "unauthorized"),
        ({"X-Tenant-ID": TENANT, "Authorization": "Bearer sandbox-token"}, 403, "forbidden"),
    ):
        response = httpx.get(served.root + "/admin/v1/workflows", headers=headers)
        served.error(response, status, code)
        assert "s3cret-guess" not in response.text and "sandbox-admin-key" not in response.text


def test_an_admin_key_is_not_a_customer_token(served: Served) -> None:
    response = served.customer.post("/workflows/start", headers={
        "X-Delegated-Token": "sandbox-admin-key"}, json={"flowType": PORTAL, "context": {}})
    served.error(response, 401, "unauthorized")


def test_each_tenant_has_its_own_workflows() -> None:
    config = SandboxConfig({"a.myshopify.com": {"tok-a": "c1"}, "b.myshopify.com": {"tok-b": "c1"}},
                           {"a.myshopify.com": ("key-a",), "b.myshopify.com": ("key-b",)})
    with Sandbox(config=config, clock=ManualClock()) as sb:
        admin = sb.base_url.removesuffix("/customer/v1") + "/admin/v1/workflows"
        a = {"X-Tenant-ID": "a.myshopify.com", "X-Juo-Admin-Api-Key": "key-a"}
        b = {"X-Tenant-ID": "b.myshopify.com", "X-Juo-Admin-Api-Key": "key-b"}
        assert httpx.get(admin, headers={**a, "X-Juo-Admin-Api-Key": "key-b"}).status_code == 401
        created = httpx.post(admin, headers=a, json=portal()).json()
        assert httpx.get(f"{admin}/{created['id']}", headers=a).status_code == 200
        assert httpx.get(f"{admin}/{created['id']}", headers=b).status_code == 404
        cancel = EXAMPLE_IDS["cancellation"]
        httpx.post(f"{admin}/{cancel}/archive", headers=a)
        assert httpx.get(f"{admin}/{cancel}", headers=b).json()["status"] == "published"
        start = {"flowType": CANCELLATION, "context": {}}
        assert httpx.post(sb.base_url + "/workflows/start", json=start, headers={
            "X-Tenant-ID": "a.myshopify.com", "X-Delegated-Token": "tok-a"}).status_code == 404
        assert httpx.post(sb.base_url + "/workflows/start", json=start, headers={
            "X-Tenant-ID": "b.myshopify.com", "X-Delegated-Token": "tok-b"}).status_code == 200


# -- versions ---------------------------------------------------------------------------------

def test_a_draft_runs_by_workflow_id_and_never_by_trigger(served: Served) -> None:
    draft = served.ok("POST", "/workflows", 201, json=portal())
    by_trigger = served.start()
    assert by_trigger["workflowId"] == EXAMPLE_IDS["portal_renew"]
    by_id = served.start(workflowId=draft["id"])
    assert (by_id["workflowId"], by_id["workflowVersion"]) == (draft["id"], 1)
    assert by_id["pendingInteraction"]["actionConfig"] == {"title": "Renew now"}


def test_publishing_replaces_the_live_version_and_runs_in_flight_keep_theirs(
        served: Served) -> None:
    wid = served.ok("POST", "/workflows", 201, json=portal())["id"]
    served.ok("POST", f"/workflows/{wid}/publish")
    old = served.ok("GET", f"/workflows/{EXAMPLE_IDS['portal_renew']}")
    assert old["status"] == "draft"  # one published workflow per trigger type
    in_flight = served.start()
    assert (in_flight["workflowId"], in_flight["workflowVersion"]) == (wid, 1)
    edited = served.ok("PUT", f"/workflows/{wid}", json={"steps": portal(title="v2")["steps"]})
    assert edited["hasUnpublishedChanges"] and edited["version"] == 1
    assert served.start()["pendingInteraction"]["actionConfig"] == {"title": "Renew now"}
    published = served.ok("POST", f"/workflows/{wid}/publish")
    assert (published["version"], published["hasUnpublishedChanges"]) == (2, False)
    fresh = served.start()
    assert (fresh["workflowVersion"], fresh["pendingInteraction"]["actionConfig"]) == (
        2, {"title": "v2"})
    again = served.ok("POST", f"/workflows/{wid}/publish")
    assert again["version"] == 2  # nothing changed: no new version
    done = served.customer.post(f"/workflows/{in_flight['runId']}/respond", json={
        "interactionId": in_flight["pendingInteraction"]["interactionId"],
        "responseType": "accept"}).json()
    assert (done["status"], done["workflowVersion"]) == ("completed", 1)
    runs = served.ok("GET", f"/workflows/{wid}/runs", params={"sort": "startedAt:asc"})
    assert [r["workflowVersion"] for r in runs["data"]] == [1, 1, 2]


def test_unpublish_stops_new_runs_and_lets_runs_finish(served: Served) -> None:
    portal_id = EXAMPLE_IDS["portal_renew"]
    run = served.start()
    served.ok("POST", f"/workflows/{portal_id}/unpublish")
    response = served.customer.post("/workflows/start", json={"flowType": PORTAL, "context": {}})
    served.error(response, 404, "workflow_not_found")
    served.clock.advance(ms=86_400_000)  # the run's timeout still fires on its snapshot
    assert served.customer.get(f"/workflows/{run['runId']}").json()["status"] == "cancelled"
    assert served.start(workflowId=portal_id)["workflowId"] == portal_id


def test_delete_is_soft_and_archive_hides(served: Served) -> None:
    wid = served.ok("POST", "/workflows", 201, json=portal())["id"]
    run = served.start(workflowId=wid)
    archived = served.ok("POST", f"/workflows/{wid}/archive")
    assert archived["status"] == "archived"
    ids = [w["id"] for w in served.ok("GET", "/workflows")["data"]]
    assert wid not in ids
    assert served.ok("DELETE", f"/workflows/{wid}") == {
        "id": wid, "resource": "workflow", "deleted": True}
    served.error(served.admin.get(f"/workflows/{wid}"), 404, "workflow_not_found")
    served.error(served.admin.get(f"/workflows/{wid}/runs"), 404, "workflow_not_found")
    listed = served.ok("GET", "/workflows", params={"includeArchived": "true"})
    assert wid not in [w["id"] for w in listed["data"]]
    assert served.customer.get(f"/workflows/{run['runId']}").status_code == 200
    response = served.admin.post("/workflows", json={**portal(), "id": wid})
    served.error(response, 422, "workflow_exists")


# -- create, update, duplicate ----------------------------------------------------------------

def test_create_with_an_id_and_duplicate(served: Served) -> None:
    wid = str(uuid.uuid4())
    created = served.ok("POST", "/workflows", 201,
                        json={**portal(), "id": wid, "description": "d", "metadata": {"x": 1}})
    assert (created["id"], created["description"], created["metadata"]) == (wid, "d", {"x": 1})
    copy_ = served.ok("POST", f"/workflows/{wid}/duplicate", 201)
    assert copy_["name"] == "Portal v2 (copy)" and copy_["steps"] == created["steps"]
    named = served.ok("POST", f"/workflows/{wid}/duplicate", 201, json={"name": "Other"})
    assert named["name"] == "Other"


@pytest.mark.parametrize(("body", "field"), [
    ({"name": ""}, "body/name"), ({"name": "x" * 256}, "body/name"),
    ({"id": "not-a-uuid"}, "body/id"), ({"steps": {}}, "body/steps"),
    ({"trigger": "t"}, "body/trigger"), ({"metadata": []}, "body/metadata"),
    ({"triggerType": None}, "body/triggerType"),
])
def test_create_names_the_bad_field(served: Served, body: dict[str, Any], field: str) -> None:
    message = served.error(served.admin.post("/workflows", json={**portal(), **body}),
                           400, "validation_error")
    assert message.startswith(field)


def test_a_definition_the_loader_rejects_is_422_and_changes_nothing(served: Served) -> None:
    wid = served.ok("POST", "/workflows", 201, json=portal())["id"]
    steps = portal()["steps"]
    steps[0]["transitions"][0]["targetStepId"] = "nowhere"
    steps[0]["action"]["type"] = "offer_refund"
    message = served.error(served.admin.put(f"/workflows/{wid}", json={"steps": steps}),
                           422, "invalid_workflow")
    assert "unknown action type 'offer_refund'" in message
    assert served.ok("GET", f"/workflows/{wid}")["steps"] == portal()["steps"]
    other = {**portal(), "trigger": {"id": "t", "type": "x", "category": "customer_initiated"}}
    assert "differs from the workflow's triggerType" in served.error(
        served.admin.post("/workflows", json=other), 422, "invalid_workflow")


def test_put_with_a_status_changes_the_status(served: Served) -> None:
    wid = served.ok("POST", "/workflows", 201, json=portal())["id"]
    assert served.ok("PUT", f"/workflows/{wid}", json={"status": "published"})[
        "status"] == "published"
    assert served.start()["workflowId"] == wid
    assert served.ok("PUT", f"/workflows/{wid}", json={"status": "archived"})[
        "status"] == "archived"
    served.error(served.admin.put(f"/workflows/{wid}", json={"status": "live"}),
                 400, "validation_error")


# -- lists ------------------------------------------------------------------------------------

def test_sort_filters_and_cursors(served: Served) -> None:
    names = [w["name"] for w in served.ok("GET", "/workflows",
                                          params={"sort": "name:asc"})["data"]]
    assert names == sorted(names) and len(names) == 5
    served.ok("POST", "/workflows", 201, json={**portal("Only asks"),
                                                "steps": portal()["steps"]})
    interactive = served.ok("GET", "/workflows", params={"filterNonInteractive": "true"})
    assert len(interactive["data"]) == 6
    assert served.ok("GET", "/workflows", params={"excludeInteractive": "true"})["data"] == []
    empty = served.ok("GET", "/workflows", params={"triggerType": "nothing"})
    assert empty == {"resource": "list", "data": [], "hasNextPage": False,
                     "hasPrevPage": False, "startCursor": None, "endCursor": None}
    for params, field in (({"limit": "101"}, "querystring/limit"),
                          ({"limit": "x"}, "querystring/limit"),
                          ({"sort": "id:asc"}, "querystring/sort"),
                          ({"after": "garbage"}, "querystring/after"),
                          ({"after": "a", "before": "b"}, "querystring/after"),
                          ({"status": "live"}, "querystring/status"),
                          ({"includeArchived": "yes"}, "querystring/includeArchived")):
        message = served.error(served.admin.get("/workflows", params=params),
                               400, "validation_error")
        assert message.startswith(field), message
    by_name = served.ok("GET", "/workflows", params={"sort": "name:asc", "limit": 1})
    response = served.admin.get("/workflows", params={"after": by_name["endCursor"]})
    served.error(response, 400, "validation_error")  # a cursor of another sort


def test_a_page_survives_an_insert(served: Served) -> None:
    first = served.ok("GET", "/workflows", params={"limit": 3, "sort": "createdAt:asc"})
    served.ok("POST", "/workflows", 201, json=portal())
    rest = served.ok("GET", "/workflows", params={"limit": 10, "sort": "createdAt:asc",
                                                  "after": first["endCursor"]})
    assert len(rest["data"]) == 3 and not rest["hasNextPage"] and rest["hasPrevPage"]


# -- runs and stats ---------------------------------------------------------------------------

def test_runs_stats_count_what_runs_did(served: Served) -> None:
    cancel = EXAMPLE_IDS["cancellation"]
    for _ in range(6):
        state = served.start(CANCELLATION)
        for answer in ("next", "too_expensive"):
            state = served.customer.post(f"/workflows/{state['runId']}/respond", json={
                "interactionId": state["pendingInteraction"]["interactionId"],
                "responseType": answer}).json()
    stats = served.ok("GET", f"/workflows/{cancel}/runs/stats")
    assert (stats["totalRuns"], stats["successRuns"], stats["failedRuns"]) == (6, 0, 0)
    assert stats["nodes"]["value_reminder"] == {"executionCount": 6}
    assert stats["nodes"]["price_experiment"] == {"executionCount": 6}
    experiment = stats["experiments"]["price_experiment"]
    assert experiment["totalEnrollments"] == 6
    assert sum(experiment["variantEnrollments"].values()) == 6
    assert set(experiment["variantEnrollments"]) <= {"discount_20", "discount_15"}
    summaries = served.ok("GET", f"/workflows/{cancel}/runs", params={"limit": 4})
    assert len(summaries["data"]) == 4 and summaries["hasNextPage"]
    assert all("completedAt" not in s and s["customerId"] == "customer-1"
               for s in summaries["data"])


def test_one_run_is_the_admin_copy_and_belongs_to_its_workflow(served: Served) -> None:
    state = served.start()
    portal_id = EXAMPLE_IDS["portal_renew"]
    run = served.ok("GET", f"/workflows/{portal_id}/runs/{state['runId']}")
    assert run["runId"] == state["runId"] and run["status"] == "waiting_interaction"
    assert not {"interactiveSteps", "invalidatedResources", "outcome"} & set(run)
    response = served.admin.get(f"/workflows/{EXAMPLE_IDS['pause']}/runs/{state['runId']}")
    served.error(response, 404, "run_not_found")


# -- experiments ------------------------------------------------------------------------------

def _variant(served: Served, state: dict[str, Any]) -> str:
    """Answer the cancellation up to its price experiment: the variant the run was given."""
    for answer in ("next", "too_expensive"):
        state = served.customer.post(f"/workflows/{state['runId']}/respond", json={
            "interactionId": state["pendingInteraction"]["interactionId"],
            "responseType": answer}).json()
    return str(state["result"]["variants"]["price_experiment"])


def test_a_concluded_experiment_sends_new_runs_to_its_winner(served: Served) -> None:
    cancel = EXAMPLE_IDS["cancellation"]
    before = served.start(CANCELLATION)  # started before the conclusion
    path = f"/workflows/{cancel}/experiment/price_experiment/conclude"
    response = served.admin.post(path, json={"action": "select_winner",
                                             "winnerVariantId": "discount_15"})
    assert response.status_code == 204 and not response.content
    assert {_variant(served, served.start(CANCELLATION)) for _ in range(8)} == {"discount_15"}
    assert _variant(served, before) in {"discount_15", "discount_20"}  # kept as it was
    served.ok("POST", path, 204, json={"action": "stop"})  # stopped: the first variant
    assert {_variant(served, served.start(CANCELLATION)) for _ in range(4)} == {"discount_20"}
    enrolled = served.ok("GET", f"/workflows/{cancel}/runs/stats")["experiments"]
    assert enrolled["price_experiment"]["totalEnrollments"] == 13


@pytest.mark.parametrize(("step", "body", "status", "code"), [
    ("price_experiment", {"action": "pick"}, 400, "validation_error"),
    ("price_experiment", {"action": "select_winner"}, 400, "validation_error"),
    ("price_experiment", {"action": "select_winner", "winnerVariantId": "x"}, 422,
     "invalid_winner"),
    ("value_reminder", {"action": "stop"}, 422, "not_an_experiment"),
    ("nowhere", {"action": "stop"}, 404, "step_not_found"),
])
def test_a_conclusion_names_what_is_wrong(served: Served, step: str, body: dict[str, Any],
                                          status: int, code: str) -> None:
    response = served.admin.post(
        f"/workflows/{EXAMPLE_IDS['cancellation']}/experiment/{step}/conclude", json=body)
    served.error(response, status, code)
