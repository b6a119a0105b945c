"""The sandbox-only controls: a run's own clock moved ahead, variants pinned at start, and
the transitions a run took listed in ``result.transitions``."""

from __future__ import annotations

from sandbox_api import Api


def test_result_lists_the_transitions_taken_in_order(api: Api) -> None:
    state = api.answer(api.started(context={"subscription": {"cycle_count": 8}}),
                       "next", "other")
    assert state["result"]["transitions"] == [
        {"stepId": "value_reminder", "transitionId": "value_reminder_next"},
        {"stepId": "reason_poll", "transitionId": "reason_other"},
        {"stepId": "loyalty_check", "transitionId": "loyalty_check_loyal"},
    ]


def test_advance_moves_only_that_runs_clock_and_fires_its_timeout(api: Api) -> None:
    first = api.started("customer_portal_opened")
    other = api.started("customer_portal_opened")
    early = api.client.post(f"/workflows/{first['runId']}/advance", json={"ms": 86_399_999})
    assert early.status_code == 200 and early.json()["status"] == "waiting_interaction"
    late = api.client.post(f"/workflows/{first['runId']}/advance", json={"ms": 1}).json()
    assert (late["status"], late["outcome"]["type"], late["runVersion"]) == (
        "cancelled", "abandoned", 2)
    assert late["result"]["transitions"] == [
        {"stepId": "renew_offer", "transitionId": "renew_timeout"}]
    assert api.get(other["runId"]).json()["status"] == "waiting_interaction"


def test_advance_finishes_a_slow_execution_and_checks_its_body(api: Api) -> None:
    state = api.answer(api.started("subscription_pause_requested"), "decline", "one_month")
    assert state["status"] == "running"
    done = api.client.post(f"/workflows/{state['runId']}/advance", json={"ms": 300}).json()
    assert done["status"] == "completed" and done["outcome"]["type"] == "paused"
    for body in ({}, {"ms": -1}, {"ms": "5m"}, {"ms": True}):
        bad = api.client.post(f"/workflows/{state['runId']}/advance", json=body)
        assert bad.status_code == 400 and bad.json()["code"] == "validation_error", body
    missing = api.client.post("/workflows/nope/advance", json={"ms": 1})
    assert missing.json()["code"] == "run_not_found"
    anonymous = api.client.post(f"/workflows/{state['runId']}/advance", json={"ms": 1},
                                headers={"X-Delegated-Token": "wrong"})
    assert anonymous.status_code == 401


def test_a_pinned_variant_is_the_one_assigned(api: Api) -> None:
    for variant, step in (("discount_15", "discount_15_offer"),
                          ("discount_20", "discount_20_offer")):
        for _ in range(5):
            state = api.answer(api.started(headers={"X-Sandbox-Variants":
                                                    f"price_experiment={variant}"}),
                               "next", "too_expensive")
            assert state["pendingInteraction"]["stepId"] == step
            assert state["result"]["variants"] == {"price_experiment": variant}


def test_a_bad_pin_is_a_validation_error_naming_what_exists(api: Api) -> None:
    for header, words in (("price_experiment=discount_99", "discount_20, discount_15"),
                          ("reason_poll=x", "experiment steps: price_experiment"),
                          ("price_experiment", "stepId=variantId")):
        response = api.start(headers={"X-Sandbox-Variants": header})
        assert response.status_code == 400, header
        assert words in response.json()["message"]
