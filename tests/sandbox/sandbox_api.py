"""What the sandbox tests share: the tenant, headers and example ids, and a thin API helper.

A module of its own (not the conftest) so that test modules import it by a name no other
folder's conftest shares.
"""

from __future__ import annotations

from typing import Any

import httpx

TENANT = "sandbox.myshopify.com"
HEADERS = {"X-Tenant-ID": TENANT, "X-Delegated-Token": "sandbox-token"}
CANCELLATION = "subscription_cancellation_requested"
#: The example workflows' ids (uuids, like Juo's), by the name the docs give each example.
EXAMPLE_IDS = {
    "cancellation": "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d",
    "item_removal": "7d39a1aa-75eb-5406-bf00-f608a959dc49",
    "pause": "9e440035-0c38-51c8-8084-31a15f9db0eb",
    "portal_renew": "153f07ab-728b-5782-abd8-cb43144744d4",
    "skip": "bc3d8b8f-6019-58cf-a6ad-0b741140e0c8",
}


class Api:
    """Thin calls to the served sandbox; returns httpx responses, asserts nothing."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def start(self, flow_type: str = CANCELLATION, context: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, **extra: Any) -> httpx.Response:
        body = {"flowType": flow_type, "context": context or {}, **extra}
        return self.client.post("/workflows/start", json=body, headers=headers)

    def started(self, flow_type: str = CANCELLATION, context: dict[str, Any] | None = None,
                **extra: Any) -> dict[str, Any]:
        response = self.start(flow_type, context, **extra)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def respond(self, state: dict[str, Any], response_type: str,
                headers: dict[str, str] | None = None, **body: Any) -> httpx.Response:
        payload = {"interactionId": state.get("pendingInteraction", {}).get("interactionId", "x"),
                   "responseType": response_type, "expectedRunVersion": state["runVersion"]}
        payload.update(body)
        payload = {k: v for k, v in payload.items() if v is not None}
        return self.client.post(f"/workflows/{state['runId']}/respond", json=payload,
                                headers=headers)

    def answer(self, state: dict[str, Any], *response_types: str) -> dict[str, Any]:
        for response_type in response_types:
            response = self.respond(state, response_type)
            assert response.status_code == 200, response.text
            state = response.json()
        return state

    def get(self, run_id: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.client.get(f"/workflows/{run_id}", headers=headers)
