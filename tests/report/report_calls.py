"""Run states and exchanges as the report tests need them: what ``report.calllog`` and
``report.exchanges`` are given by a run."""

from __future__ import annotations

from typing import Any

from juo_flowtest.target.client import Exchange

TOKEN = "tok-SECRET-xyz789"
STEPS = [{"stepId": "offer", "actionType": "offer_discount", "availableResponses": []}]


def state(version: int, step: str, **extra: Any) -> dict[str, Any]:
    """A run state as the API sends it: interactiveSteps before status."""
    return {"workflowId": "cancellation", "runId": "r-1", "runVersion": version,
            "interactiveSteps": STEPS, "status": "waiting_interaction",
            "pendingInteraction": {"stepId": step}, **extra}


def call(body: Any, *, sent: dict[str, str] | None = None, status: int | None = 200,
         received: dict[str, str] | None = None, url: str = "http://h/workflows/r-1/respond",
         request: Any = None) -> Exchange:
    return Exchange(
        method="POST", url=url,
        request_headers=sent if sent is not None else {"x-tenant-id": "t", "content-length": "10"},
        request_body=request if request is not None else {"responseType": "next"},
        status=status,
        response_headers=received if received is not None else {"content-length": "99"},
        response_body=body, elapsed_ms=2.25)
