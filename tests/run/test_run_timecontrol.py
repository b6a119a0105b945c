"""Time and variants under control: ``advance`` and ``start: variants`` against the real sandbox
(which has the controls), and as on a real target (without them: real waits up to a limit,
then a skip; a run assigned another variant skipped); ``wait`` stops once the run finished."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from juo_flowtest.base.outcome import Verdict
from juo_flowtest.flowfile import loader
from juo_flowtest.flowfile.kinds.advance import REAL_WAIT_LIMIT_S
from juo_flowtest.paths.index import WorkflowIndex
from juo_flowtest.run.result import FlowResult
from juo_flowtest.run.runner import run_flow
from juo_flowtest.sandbox import Sandbox
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.loading import load_directory
from juo_flowtest.target.client import Auth, JuoClient, make_http_client

ABANDON = """
flow: Abandoned after a day
start: {flowType: customer_portal_opened}
steps:
  - advance: 24h
    expect: {status: cancelled, outcome: {type: abandoned}, body: {runVersion: 2}}
"""
SLOW = """
flow: The pause finishes
start: {flowType: subscription_pause_requested}
steps:
  - respond: decline
  - respond: one_month
    expect: {status: running}
  - advance: 300ms
    expect: {status: completed, outcome: {type: paused}}
"""
PINNED = """
flow: The 15% variant
start:
  flowType: subscription_cancellation_requested
  variants: {price_experiment: discount_15}
steps:
  - respond: next
  - respond: too_expensive
    expect: {pending: {stepId: discount_15_offer}}
"""
WAIT_FINISHED = """
flow: Waiting for what cannot come
start: {flowType: customer_portal_opened}
steps:
  - respond: decline
  - wait: {until: {status: failed}, timeout: 30s}
"""


@pytest.fixture(scope="module")
def client() -> Iterator[JuoClient]:
    with Sandbox() as sb:
        http = make_http_client(10.0)
        yield JuoClient(http, sb.base_url, "sandbox.myshopify.com",
                        Auth("delegated", "sandbox-token"))
        http.close()


EXAMPLES = WorkflowIndex(load_directory(EXAMPLES_DIR))


def run(client: JuoClient, text: str, controls: bool, sleeps: list[float] | None = None
        ) -> FlowResult:
    flow = loader.load_text(text, "t.flow.yaml").flows[0]
    sleep = sleeps.append if sleeps is not None else (lambda s: None)
    return run_flow(flow, None, client, controls=controls, sleep=sleep, workflows=EXAMPLES)


def test_on_the_sandbox_advance_moves_the_runs_clock(client: JuoClient) -> None:
    for text in (ABANDON, SLOW):
        result = run(client, text, controls=True)
        assert result.verdict is Verdict.PASSED, result.message
    assert run(client, ABANDON, controls=True).steps[1].title == "advance 24h"


def test_elsewhere_a_long_advance_skips_the_flow_and_says_why(client: JuoClient) -> None:
    sleeps: list[float] = []
    result = run(client, ABANDON, controls=False, sleeps=sleeps)
    assert result.verdict is Verdict.SKIPPED and sleeps == []
    assert "waiting 24h in real time is over the limit" in result.message
    assert f"{REAL_WAIT_LIMIT_S:g}s" in result.message


def test_elsewhere_a_short_advance_waits_in_real_time(client: JuoClient) -> None:
    sleeps: list[float] = []
    result = run(client, SLOW.replace("300ms", "0.3s"), controls=False,
                 sleeps=sleeps)
    # The injected sleep does not pass time for the sandbox's real clock: the wait was made
    # (0.3 s asked) and the state read after it is judged.
    assert sleeps == [0.3]
    assert result.steps[-1].calls[0].kind == "advance"


def test_a_pinned_variant_is_always_the_one_shown(client: JuoClient) -> None:
    for _ in range(6):
        result = run(client, PINNED, controls=True)
        assert result.verdict is Verdict.PASSED, result.message


def test_elsewhere_a_run_assigned_another_variant_is_skipped(client: JuoClient) -> None:
    verdicts = set()
    for _ in range(40):  # the variant comes from a hash of the run id: both show up soon
        result = run(client, PINNED, controls=False)
        verdicts.add(result.verdict)
        if result.verdict is Verdict.SKIPPED:
            assert "assigned variant 'discount_20' at step 'price_experiment'" in result.message
            assert "only the sandbox can pin" in result.message
            # the answer that led to the other variant was given: coverage counts it and the
            # route the run took
            (key,) = result.coverage.exercised
            assert ("reason_poll", "too_expensive") in result.coverage.exercised[key]
            assert ("price_experiment", "price_experiment_20", "discount_20") in \
                result.coverage.transitions_exercised[key]
        if verdicts == {Verdict.PASSED, Verdict.SKIPPED}:
            break
    assert verdicts == {Verdict.PASSED, Verdict.SKIPPED}


def test_wait_stops_at_once_when_the_run_finished(client: JuoClient) -> None:
    sleeps: list[float] = []
    result = run(client, WAIT_FINISHED, controls=True, sleeps=sleeps)
    assert result.verdict is Verdict.FAILED
    assert "the run finished (status completed) after 1 poll and can no longer match" \
        in result.message
    assert sleeps == []
