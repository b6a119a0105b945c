"""The sandbox-only controls a flow uses to make time and A/B tests deterministic.

Neither exists in Juo's API (docs/sandbox.md, "Sandbox-only controls"):

- ``POST {prefix}/workflows/{runId}/advance`` with ``{"ms": 300000}`` moves that run's clock
  ahead (only that run's: other runs keep their time), fires what falls due (timeouts, slow
  executions, each at its own due time) and answers the run state, like a GET.
- The header ``X-Sandbox-Variants: stepId=variantId[, stepId=variantId...]`` on a start pins the
  variant each named experiment step assigns, instead of the hash of the run id.

Handlers take ``(call, owner)`` and return the run state; ``customerapi`` serves them like
the documented endpoints (same auth, same error bodies).
"""

from __future__ import annotations

from juo_flowtest.sandbox import payload
from juo_flowtest.sandbox.call import Call, Handler
from juo_flowtest.sandbox.engine import RunError
from juo_flowtest.sandbox.store import Owner, RunStore

VARIANTS_HEADER = "X-Sandbox-Variants"
VARIANTS_HEADER_NAME = VARIANTS_HEADER.lower().encode("latin-1")
#: The longest single advance: a year, well past any timeout a workflow would set.
MAX_ADVANCE_MS = 366 * 24 * 3600 * 1000

def pins(raw: str | None) -> dict[str, str] | None:
    """The variants an ``X-Sandbox-Variants`` value (``raw``) pins, by experiment step id;
    None without the header."""
    if raw is None:
        return None
    out: dict[str, str] = {}
    for part in raw.split(","):
        step, sep, variant = part.strip().partition("=")
        if not sep or not step.strip() or not variant.strip():
            raise RunError("validation_error",
                           f"{VARIANTS_HEADER}: expected stepId=variantId[, ...], got '{raw}'")
        out[step.strip()] = variant.strip()
    return out


def routes(store: RunStore, prefix: str) -> list[tuple[str, Handler]]:
    """The sandbox-only POST routes, as (path, handler)."""

    def advance(call: Call, owner: Owner) -> bytes:
        raw = call.body
        try:  # bounded in depth, strict: a hostile body is a 400, never a 500
            body = payload.json_object(raw) if raw.strip() else None
        except payload.PayloadError:
            body = None
        ms = body.get("ms") if isinstance(body, dict) else None
        if (not isinstance(ms, (int, float)) or isinstance(ms, bool) or ms < 0
                or ms > MAX_ADVANCE_MS):
            raise RunError("validation_error",
                           "body/ms: required number of milliseconds from 0 to "
                           f"{MAX_ADVANCE_MS} (a year)")
        return store.advance(owner, call.run_id, float(ms), wire=True)

    return [(f"{prefix}/workflows/{{run_id}}/advance", advance)]
