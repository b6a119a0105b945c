"""The runner against the real sandbox over HTTP, including its fault injection.

Every fault kind must end in a BROKEN verdict with a message saying what happened, within
the client's timeout: never a hang, never FAILED (a fault is not the workflow's fault).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from juo_flowtest.base.outcome import Verdict
from juo_flowtest.flowfile import loader
from juo_flowtest.flowfile.model import Flow
from juo_flowtest.run.result import FlowResult
from juo_flowtest.run.runner import run_flow
from juo_flowtest.sandbox import FaultConfig, Sandbox
from juo_flowtest.sandbox.faults import fate
from juo_flowtest.target.client import Auth, JuoClient, make_http_client

TOKEN = "sandbox-token"
TENANT = "sandbox.myshopify.com"

CANCEL_SAVED = """
flow: Price objection is saved by whatever discount the variant offers
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/1001"}
expect:
  status: waiting_interaction
  pending: {stepId: value_reminder, actionType: show_content}
save:
  first_version: $.runVersion
steps:
  - respond: next
    expect:
      pending: {stepId: reason_poll, actionType: poll}
      body: {runVersion: {$gt: "${first_version}"}}
  - respond: too_expensive
    expect:
      pending: {actionType: offer_discount, availableResponses: [accept, decline]}
  - name: Customer accepts the discount
    respond: accept
    expect:
      status: completed
      outcome: {type: saved}
      endStep: {id: saved, category: retained}
      invalidatedResources: {$contains: [subscription]}
"""

WRONG_OFFER = """
flow: The reason poll offers a refund
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/1001"}
steps:
  - respond: next
    expect:
      pending: {stepId: refund_offer, actionType: offer_refund}
      status: completed
  - respond: accept
"""

CONFLICT = """
flow: A stale version is rejected and the next respond still works
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/1001"}
steps:
  - respond: {type: next, expectedRunVersion: 7}
    expect:
      http: 409
      error: {code: run_version_conflict}
  - respond: next
    expect:
      pending: {stepId: reason_poll}
"""

PAUSE_WAIT = """
flow: A slow pause execution is polled to completion
start:
  flowType: subscription_pause_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/10001"}
steps:
  - respond: decline
  - respond: one_month
    expect: {status: running, pending: null}
  - wait:
      until: {status: completed}
      timeout: 5s
      interval: 50ms
    expect:
      outcome: {type: paused}
"""


def flow_of(text: str) -> Flow:
    return loader.load_text(text, "tests/inline.flow.yaml").flows[0]


def run_against(sb: Sandbox, text: str, timeout: float = 5.0) -> FlowResult:
    with make_http_client(timeout) as http:
        client = JuoClient(http, sb.base_url, TENANT, Auth("delegated", TOKEN))
        return run_flow(flow_of(text), None, client)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


def test_a_cancellation_flow_passes_and_samples_coverage(sandbox: Sandbox) -> None:
    result = run_against(sandbox, CANCEL_SAVED)
    assert result.verdict is Verdict.PASSED, result.message
    assert [c.kind for s in result.steps for c in s.calls] == [
        "start", "respond", "respond", "respond"]
    assert result.steps[3].calls[0].title in (
        "respond accept to offer_discount (step discount_20_offer)",
        "respond accept to offer_discount (step discount_15_offer)")
    (key,) = result.coverage.known
    assert key == "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d@1"  # the cancellation example's uuid
    assert ("value_reminder", "next") in result.coverage.known[key]
    assert ("reason_poll", "too_expensive") in result.coverage.exercised[key]
    assert len(result.coverage.exercised[key]) == 3
    assert result.variables == {"first_version": 1}


def test_a_wrong_expectation_fails_with_every_mismatch(sandbox: Sandbox) -> None:
    result = run_against(sandbox, WRONG_OFFER)
    assert result.verdict is Verdict.FAILED
    lines = result.message.splitlines()
    assert lines[0] == 'step 2 "respond next" (tests/inline.flow.yaml:7) failed:'
    assert sorted(lines[1:-1]) == [
        '  pending.actionType: expected "offer_refund", got "poll"',
        '  pending.stepId: expected "refund_offer", got "reason_poll"',
        '  status: expected "completed", got "waiting_interaction"']
    assert lines[-1] == "(1 later step was not run)"


def test_explicit_versions_are_sent_and_threading_resumes(sandbox: Sandbox) -> None:
    result = run_against(sandbox, CONFLICT)
    assert result.verdict is Verdict.PASSED, result.message


def test_a_wait_polls_a_slow_execution_to_completion(sandbox: Sandbox) -> None:
    result = run_against(sandbox, PAUSE_WAIT)
    assert result.verdict is Verdict.PASSED, result.message
    polls = result.steps[3].calls
    assert polls and all(c.kind == "poll" for c in polls)
    assert polls[0].title == "poll 1 of wait until status=completed"


def test_no_token_ever_reaches_a_record(sandbox: Sandbox) -> None:
    result = run_against(sandbox, CANCEL_SAVED)
    assert TOKEN not in repr(result)


# -- fault injection ---------------------------------------------------------------------------

def faulty(**rates: float) -> Sandbox:
    return Sandbox(faults=FaultConfig(seed=0, **rates))


def broken_within(sb: Sandbox, limit_s: float, timeout: float = 2.0) -> FlowResult:
    begun = time.monotonic()
    result = run_against(sb, CANCEL_SAVED, timeout=timeout)
    assert time.monotonic() - begun < limit_s
    assert result.verdict is Verdict.BROKEN, result.message
    assert TOKEN not in result.message
    return result


def test_a_5xx_is_broken() -> None:
    with faulty(error_rate=1.0) as sb:
        result = broken_within(sb, 3.0)
    assert result.message.startswith(
        'step 1 "start subscription_cancellation_requested" (tests/inline.flow.yaml:3) is '
        f"broken: unexpected HTTP 503 from POST {sb_url(result)}/workflows/start "
        "fault_injected: injected fault (request 0) — the target failed; check its logs")
    assert result.message.endswith("(3 later steps were not run)")


def test_a_dropped_connection_is_broken() -> None:
    with faulty(drop_rate=1.0) as sb:
        result = broken_within(sb, 3.0)
    assert "the connection was dropped during POST" in result.message
    assert "may or may not have been applied" in result.message


def test_malformed_json_is_broken() -> None:
    with faulty(malformed_rate=1.0) as sb:
        result = broken_within(sb, 3.0)
    assert "/workflows/start (HTTP 200) is not valid JSON: " in result.message


def test_a_missing_required_field_is_a_contract_violation() -> None:
    with faulty(missing_field_rate=1.0) as sb:
        result = broken_within(sb, 3.0)
    assert "breaks the documented run-state schema (contract violation)" in result.message
    assert "\n  schema runVersion: contract violation: required field missing" in result.message


def test_latency_beyond_the_read_timeout_is_broken_within_the_timeout() -> None:
    with faulty(latency_ms=1500) as sb:
        begun = time.monotonic()
        result = broken_within(sb, 1.4, timeout=0.3)
        assert 0.3 <= time.monotonic() - begun
    assert "no complete response to POST" in result.message
    assert "within 0.3s" in result.message


def seed_where(kind: str, n: int, **rates: float) -> int:
    """A seed whose request n has fate ``kind`` and the 40 others around it are ok."""
    for seed in range(20_000):
        config = FaultConfig(seed=seed, **rates)
        fates = [fate(config, i) for i in range(n + 40)]
        if fates[n] == kind and fates.count("ok") == len(fates) - 1:
            return seed
    raise AssertionError(f"no seed gives {kind} at request {n}")


def test_a_dropped_respond_mid_flow_is_broken_and_not_retried() -> None:
    seed = seed_where("drop", 2, drop_rate=0.05)
    with Sandbox(faults=FaultConfig(seed=seed, drop_rate=0.05)) as sb:
        result = broken_within(sb, 3.0)
    assert [s.verdict for s in result.steps] == [Verdict.PASSED, Verdict.PASSED, Verdict.BROKEN]
    assert len(result.steps[2].calls) == 1
    assert "may or may not have been applied (not retried)" in result.message


def test_a_dropped_get_is_retried_and_the_wait_goes_on() -> None:
    # requests: start, respond, respond, then polls; the first poll (request 3) is dropped
    seed = seed_where("drop", 3, drop_rate=0.05)
    with Sandbox(faults=FaultConfig(seed=seed, drop_rate=0.05)) as sb:
        result = run_against(sb, PAUSE_WAIT)
    assert result.verdict is Verdict.PASSED, result.message
    first_poll = result.steps[3].calls[0]
    assert first_poll.exchange is not None and first_poll.exchange.status == 200


def test_a_get_dropped_every_time_is_broken_after_bounded_retries() -> None:
    with faulty(drop_rate=1.0) as sb:
        begun = time.monotonic()
        attach = "flow: Attach\nattach: {runId: 6f1c6a43-2a55-4a43-8a4f-5c3b1c2d9e10}\n"
        result = run_against(sb, attach, timeout=1.0)
        assert time.monotonic() - begun < 3.0
    assert result.verdict is Verdict.BROKEN
    assert "the connection was dropped during GET" in result.message
    assert "(after 3 attempts)" in result.message


def sb_url(result: FlowResult) -> str:
    exchange = result.steps[0].calls[0].exchange
    assert exchange is not None
    return exchange.url.rsplit("/workflows/", 1)[0]
