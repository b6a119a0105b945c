"""The sandbox over real HTTP: endpoints, every error row, interaction types, timers, dry run."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from sandbox_api import CANCELLATION, EXAMPLE_IDS, HEADERS, TENANT, Api

from juo_flowtest.sandbox import ManualClock, Sandbox, SandboxConfig
from juo_flowtest.target.runstate import check_run_state

SKIP = "next_renewal_skip_requested"
PAUSE = "subscription_pause_requested"
REMOVAL = "subscription_item_removal_requested"
PORTAL = "customer_portal_opened"
ACTIVE = {"subscription": {"status": "active"}}


def conforming(state: dict[str, Any]) -> dict[str, Any]:
    assert check_run_state(state) == [], state
    return state


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["statusCode"] == status
    assert set(body) == {"statusCode", "error", "code", "message"}
    return body


def test_start_returns_a_full_run_state(api: Api) -> None:
    state = conforming(api.started(context={"subscriptionId": "s1"}))
    assert uuid.UUID(state["runId"])
    assert (state["workflowId"], state["workflowVersion"], state["runVersion"]) == (
        EXAMPLE_IDS["cancellation"], 1, 1)
    assert state["status"] == "waiting_interaction"
    pending = state["pendingInteraction"]
    assert pending["stepId"] == "value_reminder" and pending["actionType"] == "show_content"
    assert pending["actionBehavior"] == "input"
    assert pending["availableResponses"] == [{"type": "next", "label": "Continue"}]
    assert pending["presentedAt"].endswith("Z")
    ids = [s["stepId"] for s in state["interactiveSteps"]]
    assert ids[:2] == ["value_reminder", "reason_poll"] and "confirm_cancel" in ids


def test_get_returns_the_same_state(api: Api) -> None:
    state = api.started()
    got = api.get(state["runId"])
    assert got.status_code == 200 and got.json() == state


def test_discount_accepted_saves_the_subscription(api: Api) -> None:
    state = api.answer(api.started(), "next", "too_expensive")
    variant = state["result"]["variants"]["price_experiment"]
    percentage = {"discount_20": 20, "discount_15": 15}[variant]
    assert state["pendingInteraction"]["actionConfig"]["percentage"] == percentage
    assert [r["type"] for r in state["pendingInteraction"]["availableResponses"]] == [
        "accept", "decline"]
    done = conforming(api.answer(state, "accept"))
    assert done["status"] == "completed" and done["runVersion"] == 4
    assert done["outcome"]["type"] == "saved"
    assert done["completionData"]["outcome"] == done["outcome"]
    assert done["completionData"]["endStep"] == {
        "id": "saved", "category": "retained", "label": "Subscription saved"}
    assert [e["type"] for e in done["result"]["effects"]] == ["offer_discount", "apply_discount"]
    assert done["result"]["effects"][1]["config"]["percentage"] == percentage
    assert set(done["invalidatedResources"]) == {"subscription", "upcoming_order"}
    assert "pendingInteraction" not in done


@pytest.mark.parametrize(("reason", "offer", "execution"), [
    ("too_much_product", "offer_change_frequency", "change_frequency"),
    ("not_using", "offer_skip", "skip_order"),
])
def test_each_reason_gets_its_offer(api: Api, reason: str, offer: str, execution: str) -> None:
    state = api.answer(api.started(), "next", reason)
    assert state["pendingInteraction"]["actionType"] == offer
    done = api.answer(state, "accept")
    assert done["outcome"]["type"] == "saved"
    assert done["result"]["effects"][-1]["type"] == execution


def test_declining_ends_in_cancellation(api: Api) -> None:
    state = api.answer(api.started(), "next", "other")
    assert state["pendingInteraction"]["stepId"] == "confirm_cancel"
    assert [r["type"] for r in state["pendingInteraction"]["availableResponses"]] == [
        "confirm", "back"]
    back = api.answer(state, "back")
    assert back["pendingInteraction"]["stepId"] == "reason_poll"
    done = conforming(api.answer(back, "other", "confirm"))
    assert done["status"] == "completed" and done["outcome"]["type"] == "cancelled"
    assert done["completionData"]["endStep"]["category"] == "churned"
    assert done["result"]["effects"] == [{"stepId": "cancel_execution",
                                          "type": "cancel_subscription", "config": {},
                                          "applied": True}]


@pytest.mark.parametrize(("cycles", "step"), [(6, "loyalty_offer"), (5, "confirm_cancel"),
                                              (None, "confirm_cancel")])
def test_loyal_customers_get_a_free_product_offer(api: Api, cycles: int | None,
                                                  step: str) -> None:
    context = {"subscription": {"cycle_count": cycles}} if cycles is not None else {}
    state = api.answer(api.started(context=context), "next", "not_using", "decline")
    assert state["pendingInteraction"]["stepId"] == step


def test_poll_offers_one_response_per_option(api: Api) -> None:
    state = api.answer(api.started(), "next")
    assert state["pendingInteraction"]["actionType"] == "poll"
    assert [r["type"] for r in state["pendingInteraction"]["availableResponses"]] == [
        "too_expensive", "too_much_product", "not_using", "other"]
    assert state["pendingInteraction"]["availableResponses"][0]["label"] == "It's too expensive"


def test_offer_selection_and_swap_offer(api: Api) -> None:
    state = api.started(SKIP, ACTIVE)
    assert state["pendingInteraction"]["actionType"] == "offer_selection"
    assert [r["type"] for r in state["pendingInteraction"]["availableResponses"]] == [
        "skip_next", "swap_product"]
    swap = api.answer(state, "swap_product")
    assert swap["pendingInteraction"]["actionType"] == "offer_swap_product"
    done = api.answer(swap, "accept")
    assert done["outcome"]["type"] == "saved"
    assert [(e["stepId"], e["type"]) for e in done["result"]["effects"]] == [
        ("skip_options", "offer_selection"), ("swap_offer", "offer_swap_product")]
    skipped = api.answer(api.started(SKIP, ACTIVE), "skip_next")
    assert skipped["outcome"]["type"] == "skipped"
    assert skipped["invalidatedResources"] == ["subscription", "upcoming_order"]


def test_custom_offer_accepted(api: Api) -> None:
    state = api.started(PAUSE)
    assert state["pendingInteraction"]["actionType"] == "custom_offer"
    done = api.answer(state, "accept")
    assert done["completionData"]["endStep"]["id"] == "kept"


def test_slow_execution_runs_until_due(api: Api, clock: ManualClock) -> None:
    state = api.answer(api.started(PAUSE), "decline", "two_months")
    assert state["status"] == "running" and "pendingInteraction" not in state
    version = state["runVersion"]
    clock.advance(ms=299)
    assert api.get(state["runId"]).json()["status"] == "running"
    clock.advance(ms=1)
    done = conforming(api.get(state["runId"]).json())
    assert done["status"] == "completed" and done["runVersion"] == version + 1
    assert done["outcome"]["type"] == "paused"
    assert done["result"]["effects"][-1]["type"] == "pause_subscription"


def test_respond_while_running_is_run_not_waiting(api: Api) -> None:
    state = api.answer(api.started(PAUSE), "decline", "one_month")
    error_of(api.respond(state, "accept", interactionId="x"), 409, "run_not_waiting")


def test_failing_execution_fails_the_run(api: Api) -> None:
    failed = conforming(api.answer(api.started(REMOVAL), "confirm"))
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "item_not_removable"
    assert "cannot be removed" in failed["error"]["message"]


def test_timeout_without_target_abandons_the_run(api: Api, clock: ManualClock) -> None:
    state = api.started(PORTAL)
    assert state["pendingInteraction"]["timeoutMs"] == 86_400_000
    clock.advance(ms=86_400_000)
    done = conforming(api.get(state["runId"]).json())
    assert done["status"] == "cancelled" and done["runVersion"] == 2
    assert done["outcome"]["type"] == "abandoned"
    error_of(api.respond(state, "accept"), 409, "run_version_conflict")


def test_timeout_with_target_moves_on(api: Api, clock: ManualClock) -> None:
    state = api.started(REMOVAL)
    clock.advance(seconds=600)
    done = api.get(state["runId"]).json()
    assert done["status"] == "completed" and done["runVersion"] == 2
    assert done["completionData"]["endStep"]["id"] == "removal_abandoned"


def test_answer_before_timeout_wins(api: Api, clock: ManualClock) -> None:
    state = api.started(PORTAL)
    clock.advance(ms=86_399_999)
    done = api.answer(state, "accept")
    clock.advance(ms=10)
    assert api.get(state["runId"]).json()["outcome"]["type"] == "renewed"
    assert done["invalidatedResources"] == ["upcoming_order", "orders"]


def test_dry_run_lists_effects_without_applying(api: Api) -> None:
    state = api.started(dryRun=True)
    done = api.answer(state, "next", "not_using", "accept")
    assert done["status"] == "completed"
    assert [e["applied"] for e in done["result"]["effects"]] == [False, False]
    assert done["invalidatedResources"] == []


def test_start_by_workflow_id(api: Api) -> None:
    pause = EXAMPLE_IDS["pause"]
    assert api.started("anything", workflowId=pause)["workflowId"] == pause
    error_of(api.start("anything", workflowId="nope"), 404, "workflow_not_found")


def test_trigger_conditions_not_met(api: Api) -> None:
    error_of(api.start(SKIP, {"subscription": {"status": "paused"}}), 422,
             "trigger_conditions_not_met")
    error_of(api.start(SKIP, {}), 422, "trigger_conditions_not_met")


@pytest.mark.parametrize(("headers", "status", "code"), [
    ({"X-Tenant-ID": ""}, 400, "tenant_required"),
    ({"X-Delegated-Token": "wrong"}, 401, "unauthorized"),
    ({"X-Tenant-ID": "other.myshopify.com"}, 401, "unauthorized"),
])
def test_header_errors(api: Api, headers: dict[str, str], status: int, code: str) -> None:
    body = error_of(api.start(headers=headers), status, code)
    assert "wrong" not in body["message"] and "sandbox-token" not in body["message"]


def test_missing_headers(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as bare:
        body = {"flowType": CANCELLATION, "context": {}}
        error_of(bare.post("/workflows/start", json=body), 400, "tenant_required")
        error_of(bare.post("/workflows/start", json=body, headers={"X-Tenant-ID": TENANT}),
                 401, "unauthorized")
        bearer = {"X-Tenant-ID": TENANT, "Authorization": "Bearer sandbox-token-2"}
        assert bare.post("/workflows/start", json=body, headers=bearer).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"context": {}}, "flowType"),
    ({"flowType": CANCELLATION}, "context"),
    ({"flowType": 3, "context": {}}, "flowType"),
    ({"flowType": CANCELLATION, "context": []}, "context"),
    ({"flowType": CANCELLATION, "context": {}, "dryRun": "yes"}, "dryRun"),
    ({"flowType": CANCELLATION, "context": {}, "workflowId": 1}, "workflowId"),
])
def test_start_validation_names_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.client.post("/workflows/start", json=body)
    assert field in error_of(response, 400, "validation_error")["message"]


def test_bad_json_is_a_validation_error(api: Api) -> None:
    response = api.client.post("/workflows/start", content=b"{nope",
                               headers={"content-type": "application/json"})
    assert "JSON" in error_of(response, 400, "validation_error")["message"]


@pytest.mark.parametrize(("override", "field"), [
    ({"interactionId": 5}, "interactionId"),
    ({"responseType": None}, "responseType"),
    ({"responseData": "x"}, "responseData"),
    ({"expectedRunVersion": "1"}, "expectedRunVersion"),
])
def test_respond_validation_names_the_field(api: Api, override: dict[str, Any],
                                            field: str) -> None:
    state = api.started()
    body = {"interactionId": state["pendingInteraction"]["interactionId"],
            "responseType": "next", **override}
    body = {k: v for k, v in body.items() if v is not None}
    response = api.client.post(f"/workflows/{state['runId']}/respond", json=body)
    assert field in error_of(response, 400, "validation_error")["message"]
    assert api.get(state["runId"]).json() == state


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"expectedRunVersion": 7}, 409, "run_version_conflict"),
    ({"interactionId": "not-the-pending-one"}, 409, "interaction_mismatch"),
    ({"responseType": "accept"}, 422, "invalid_response_type"),
])
def test_rejected_respond_changes_nothing(api: Api, change: dict[str, Any], status: int,
                                          code: str) -> None:
    state = api.started()
    body = {"interactionId": state["pendingInteraction"]["interactionId"],
            "responseType": "next", "expectedRunVersion": 1, **change}
    response = api.client.post(f"/workflows/{state['runId']}/respond", json=body)
    message = error_of(response, status, code)["message"]
    if code == "run_version_conflict":
        assert "7" in message and "1" in message
    assert api.get(state["runId"]).json() == state


def test_expected_run_version_is_optional(api: Api) -> None:
    state = api.started()
    assert api.respond(state, "next", expectedRunVersion=None).status_code == 200


def test_respond_after_completion_is_run_not_waiting(api: Api) -> None:
    done = api.answer(api.started(), "next", "not_using", "accept")
    error_of(api.respond(done, "accept", interactionId="x"), 409, "run_not_waiting")


def test_unknown_runs_and_flow_types(api: Api) -> None:
    error_of(api.get(str(uuid.uuid4())), 404, "run_not_found")
    error_of(api.get("not-a-uuid"), 404, "run_not_found")
    error_of(api.start("no_such_trigger"), 404, "workflow_not_found")


def test_other_customer_sees_404(api: Api) -> None:
    state = api.started()
    other = {"X-Delegated-Token": "sandbox-token-2"}
    error_of(api.get(state["runId"], headers=other), 404, "run_not_found")
    error_of(api.respond(state, "next", headers=other), 404, "run_not_found")
    assert api.get(state["runId"]).json() == state


def test_other_tenant_sees_404() -> None:
    config = SandboxConfig({"a.myshopify.com": {"tok-a": "customer-1"},
                            "b.myshopify.com": {"tok-b": "customer-1"}})
    with Sandbox(config=config, clock=ManualClock()) as sb, httpx.Client(
            base_url=sb.base_url) as c:
        a = {"X-Tenant-ID": "a.myshopify.com", "X-Delegated-Token": "tok-a"}
        b = {"X-Tenant-ID": "b.myshopify.com", "Authorization": "Bearer tok-b"}
        body = {"flowType": CANCELLATION, "context": {}}
        run_id = c.post("/workflows/start", json=body, headers=a).json()["runId"]
        error_of(c.get(f"/workflows/{run_id}", headers=b), 404, "run_not_found")
        assert c.get(f"/workflows/{run_id}", headers=a).status_code == 200
        error_of(c.post("/workflows/start", json=body, headers={**a, "X-Delegated-Token":
                                                               "tok-b"}), 401, "unauthorized")
        error_of(c.post("/workflows/start", json=body, headers=HEADERS), 401, "unauthorized")


def test_sandbox_cancel_extension(api: Api) -> None:
    state = api.started()
    url = f"/workflows/{state['runId']}/cancel"
    error_of(api.client.post(url, json={"expectedRunVersion": 9}), 409, "run_version_conflict")
    done = conforming(api.client.post(url).json())
    assert done["status"] == "cancelled" and done["runVersion"] == 2
    assert done["outcome"]["type"] == "cancelled"
    error_of(api.client.post(url), 409, "run_not_waiting")


def test_unknown_route_and_method(api: Api) -> None:
    error_of(api.client.get("/nope"), 404, "route_not_found")
    error_of(api.client.delete("/workflows/start"), 405, "method_not_allowed")


def test_openapi_document_is_served(sandbox: Sandbox) -> None:
    root = sandbox.base_url.removesuffix("/customer/v1")
    doc = httpx.get(root + "/openapi.json").json()
    assert doc["servers"] == [{"url": "/"}]  # both APIs, paths in full
    assert set(doc["paths"]) >= {"/customer/v1/workflows/start",
                                 "/customer/v1/workflows/{runId}/respond",
                                 "/customer/v1/workflows/{runId}", "/admin/v1/workflows",
                                 "/admin/v1/workflows/{id}/runs/stats"}
    assert doc["paths"]["/customer/v1/workflows/{runId}/cancel"]["post"]["x-sandbox-only"]
    assert doc["paths"]["/admin/v1/workflows"]["post"]["responses"]["201"]
    assert "409" not in json.dumps({p: i for p, i in doc["paths"].items() if "admin" in p})
    assert "pendingInteraction" in doc["components"]["schemas"]["WorkflowRunState"]["properties"]


def test_custom_prefix_and_fresh_state_per_start() -> None:
    sb = Sandbox(prefix="/api", clock=ManualClock())
    url = sb.start()
    try:
        assert url.endswith("/api")
        run_id = httpx.post(url + "/workflows/start", headers=HEADERS,
                            json={"flowType": CANCELLATION, "context": {}}).json()["runId"]
    finally:
        sb.stop()
    url = sb.start()
    try:
        assert httpx.get(f"{url}/workflows/{run_id}", headers=HEADERS).status_code == 404
    finally:
        sb.stop()
    assert sorted(w["id"] for w in sb.workflows) == sorted(EXAMPLE_IDS.values())
