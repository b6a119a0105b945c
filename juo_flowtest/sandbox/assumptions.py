"""Every choice the sandbox makes where Juo's public docs are silent (spec Part B), in one place.

Each name below is an ASSUMPTION, not documented Juo behaviour. A team that learns the real
answer changes the one constant or function here; the rest of the sandbox reads these names.
The same list is in ``docs/sandbox.md``.
"""

from __future__ import annotations

from typing import Final

#: Assumption (B1): error bodies use the Fastify shape ``{statusCode, error, code, message}``.
ERROR_FIELDS: Final = ("statusCode", "error", "code", "message")

#: Assumption (B1): (HTTP status, code) for every error the sandbox returns.
ERRORS: Final[dict[str, int]] = {
    "tenant_required": 400,
    "validation_error": 400,
    "unauthorized": 401,
    "run_not_found": 404,
    "workflow_not_found": 404,
    "run_version_conflict": 409,
    "run_not_waiting": 409,
    "interaction_mismatch": 409,
    "invalid_response_type": 422,
    "trigger_conditions_not_met": 422,
    # The Admin API (Part C documents 400, 401, 403, 404 and 422 and no body schema; these
    # codes are the sandbox's): a customer token on the Admin API, an unknown workflow, a
    # definition the loader rejects, an id already taken.
    "forbidden": 403,
    "invalid_workflow": 422,
    "workflow_exists": 422,
    # conclude: a step that is not an experiment, a winner that is not one of its variants
    "step_not_found": 404,
    "not_an_experiment": 422,
    "invalid_winner": 422,
    # Not in Part B's table (sandbox-only): unknown routes and methods, and the fault
    # injector's 503 (only when faults are on).
    "route_not_found": 404,
    "method_not_allowed": 405,
    "fault_injected": 503,
}

#: Assumption: the order in which a respond is checked; the first failing check answers.
#: Version first, so that of N racing identical responds exactly one wins and the others
#: all see ``run_version_conflict``.
RESPOND_CHECK_ORDER: Final = (
    "run_version_conflict",
    "run_not_waiting",
    "interaction_mismatch",
    "invalid_response_type",
)

#: Assumption (B2): ``runVersion`` of a new run after start's own processing.
FIRST_RUN_VERSION: Final = 1
#: Assumption (B2): each accepted respond and each server-made state change (timeout fired,
#: slow execution finished, sandbox cancel) adds this much to ``runVersion``.
RUN_VERSION_STEP: Final = 1

#: Assumption (B3): outcome of a run whose timeout transition has no ``targetStepId``.
ABANDONED_OUTCOME: Final = {"type": "abandoned", "message": "No response before the timeout."}
#: Assumption (B3): outcome of a run ended by the sandbox-only ``POST .../cancel``.
CANCELLED_OUTCOME: Final = {"type": "cancelled", "message": "Cancelled through the sandbox."}

#: Documented (Juo's cancellation-flow guide, Part B 13): "the default outcome is cancellation
#: unless an offer is accepted". A run of this trigger type that completes with no accepted
#: offer ends with this outcome (unless its final step's config sets one) and this effect.
CANCELLATION_TRIGGER: Final = "subscription_cancellation_requested"
DEFAULT_CANCELLATION_OUTCOME: Final = {"type": "cancelled"}
DEFAULT_CANCELLATION_EFFECT: Final = "cancel_subscription"

#: Documented (Part B 14): interactions need a customer present, so only workflows whose
#: trigger category is this one may have interaction steps.
INTERACTIVE_CATEGORY: Final = "customer_initiated"

#: Assumption (B12): interaction action types (snake_case machine strings).
INTERACTION_TYPES: Final = frozenset({
    "poll", "offer_discount", "offer_skip", "offer_renew", "offer_free_product",
    "offer_selection", "offer_change_frequency", "offer_swap_product", "show_content",
    "custom_offer", "show_confirmation",
})

#: Assumption (B5, B12): execution action types and the resources each names in
#: ``invalidatedResources``. The first four are Part B's; the rest are sandbox additions.
EXECUTION_RESOURCES: Final[dict[str, tuple[str, ...]]] = {
    "apply_discount": ("subscription", "upcoming_order"),
    "pause_subscription": ("subscription", "upcoming_order"),
    "cancel_subscription": ("subscription", "upcoming_order"),
    "skip_order": ("upcoming_order",),
    "change_frequency": ("subscription", "upcoming_order"),
    "add_free_product": ("upcoming_order",),
    "remove_item": ("subscription", "upcoming_order"),
    "renew_order": ("upcoming_order", "orders"),
}

#: Assumption (B5): an ACCEPTED offer records its own effect ``{stepId, type: <offer type>,
#: config, applied}`` and names these resources, even when an execution step follows it.
OFFER_RESOURCES: Final[dict[str, tuple[str, ...]]] = {
    "offer_discount": ("subscription", "upcoming_order"),
    "offer_skip": ("upcoming_order",),
    "offer_renew": ("upcoming_order",),
    "offer_free_product": ("upcoming_order",),
    "offer_selection": ("subscription",),
    "offer_change_frequency": ("subscription",),
    "offer_swap_product": ("subscription", "upcoming_order"),
    "custom_offer": ("subscription",),
}

#: Assumption (B5): the response type that accepts a yes/no offer. For ``offer_selection``
#: any chosen offer id is an acceptance.
ACCEPT_RESPONSE: Final = "accept"

#: Assumption (B12): action types allowed on (final) steps that neither ask nor execute.
END_TYPES: Final = frozenset({"end"})

#: Assumption (B4, B12): action config keys the engine reads; everything else is passed
#: through as ``actionConfig``.
ENGINE_CONFIG_KEYS: Final = frozenset({
    "options", "offers", "responses", "durationMs", "fail", "outcome", "category",
})


def default_responses(action_type: str, config: dict[str, object]) -> list[dict[str, str]]:
    """Assumption (B7): the available responses of an interaction step.

    Explicit ``config.responses`` win; poll -> one per ``options`` item; offer_selection -> one
    per ``offers`` item; show_content -> ``next``; show_confirmation -> ``confirm``/``back``;
    every other offer -> ``accept``/``decline``.
    """
    explicit = config.get("responses")
    if isinstance(explicit, list):
        return [{"type": str(r["type"]), "label": str(r.get("label", r["type"]))}
                for r in explicit if isinstance(r, dict) and "type" in r]
    key = {"poll": "options", "offer_selection": "offers"}.get(action_type)
    if key is not None:
        items = config.get(key)
        if not isinstance(items, list):
            return []
        return [{"type": str(o["id"]), "label": str(o.get("label", o["id"]))}
                for o in items if isinstance(o, dict) and "id" in o]
    if action_type == "show_content":
        return [{"type": "next", "label": "Continue"}]
    if action_type == "show_confirmation":
        return [{"type": "confirm", "label": "Confirm"}, {"type": "back", "label": "Go back"}]
    return [{"type": "accept", "label": "Accept"}, {"type": "decline", "label": "Decline"}]


#: Assumption (B8): experiment buckets are a stable hash of ``f"{runId}:{stepId}"`` (SHA-256,
#: first 8 bytes, modulo this many buckets) walked against cumulative trafficPercentage.
EXPERIMENT_BUCKETS: Final = 10_000

#: Assumption (B9): condition resolvers. ``response`` with no ``params.path`` yields the last
#: responseType; with a path, a value from the last responseData.
RESOLVERS: Final = frozenset({"context", "response", "variant", "value"})

#: Assumption: operators that read no right-hand side.
UNARY_OPERATORS: Final = frozenset({"is_empty", "is_not_empty"})

#: Assumption (B11): tenant and tokens when no configuration is given.
DEFAULT_TENANT: Final = "sandbox.myshopify.com"
DEFAULT_TOKENS: Final[dict[str, str]] = {
    "sandbox-token": "customer-1",
    "sandbox-token-2": "customer-2",
}

#: Part C choice: the Admin key of the default tenant (``X-Juo-Admin-Api-Key`` or Bearer).
DEFAULT_ADMIN_KEYS: Final = ("sandbox-admin-key",)

#: The Admin API's path on the sandbox's server (Juo's documented base path).
ADMIN_PREFIX: Final = "/admin/v1"

#: Assumption: with ``workflowId`` and several loaded versions, start uses the published one,
#: else the highest version. ``flowType`` is still required but not matched.
PREFER_PUBLISHED_VERSION: Final = True

#: Assumption: the default path prefix (Juo's documented base path).
DEFAULT_PREFIX: Final = "/customer/v1"

#: Assumption: fault decisions for 503 and dropped connections are made BEFORE the request
#: touches state (such a respond was NOT applied); malformed bodies and missing fields corrupt
#: the response AFTER the state change (such a respond WAS applied).
FAULTS_BEFORE_STATE: Final = frozenset({"error", "drop"})
FAULTS_AFTER_STATE: Final = frozenset({"malformed", "missing_field"})

#: Assumption: the run-state field the ``missing_field`` fault drops (required in Part A).
MISSING_FIELD: Final = "runVersion"
