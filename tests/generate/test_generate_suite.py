"""Generated suites: deterministic text that lints, and flows that all pass on the sandbox
loaded with the same definitions, reaching every transition and end step that can happen.

The definitions under tests/golden/workflows/generate exercise what the generator must solve:
a 60 s and a 24 h timeout, a loyalty-count trigger condition in an or-group, responseData, a
three-way experiment, dates, contains_where, does_not_contain_where, is_not_one_of,
is_not_empty, a condition on the response itself, a slow execution, a draft workflow, answers
no transition handles, and a branch only the trigger's second or-group makes reachable.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from juo_flowtest.base.outcome import Verdict
from juo_flowtest.coverage import model
from juo_flowtest.flowfile import loader
from juo_flowtest.generate.suite import build
from juo_flowtest.paths.index import WorkflowIndex
from juo_flowtest.paths.plan import plan
from juo_flowtest.run.runner import run_flow
from juo_flowtest.sandbox import Sandbox
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.loading import load_directory
from juo_flowtest.target.client import Auth, JuoClient, make_http_client

HERE = Path(__file__).resolve().parents[1] / "golden" / "workflows" / "generate"


def _suites(directory: Path) -> dict[str, str]:
    return {w.name: build(w, plan(w), Path(w.source).name).text
            for w in load_directory(directory)}


@pytest.fixture(scope="module", params=[HERE, EXAMPLES_DIR], ids=["golden", "examples"])
def folder(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture(scope="module")
def client(folder: Path) -> Iterator[JuoClient]:
    with Sandbox(folder) as sb:
        http = make_http_client(10.0)
        yield JuoClient(http, sb.base_url, "sandbox.myshopify.com",
                        Auth("delegated", "sandbox-token"))
        http.close()


def test_the_same_definitions_give_the_same_bytes(folder: Path) -> None:
    assert _suites(folder) == _suites(folder)


def test_generated_flows_pass_and_cover_every_reachable_unit(folder: Path,
                                                              client: JuoClient) -> None:
    index = WorkflowIndex(load_directory(folder))
    samples = []
    started = time.monotonic()
    for name, text in _suites(folder).items():
        flows = loader.load_text(text, f"{name}.flow.yaml").flows
        assert flows
        for flow in flows:
            result = run_flow(flow, None, client, workflows=index, controls=True)
            assert result.verdict is Verdict.PASSED, f"{flow.name}: {result.message}"
            samples.append(result.coverage)
    elapsed = time.monotonic() - started
    cov = model.merge(samples)
    assert cov.transitions[2] == 100.0, model.to_json(cov)["workflows"]
    assert cov.ends[2] == 100.0, model.to_json(cov)["workflows"]
    assert elapsed < 30  # a 24 h timeout and a 60 s one included: time is moved, not waited


def test_what_cannot_happen_is_said_in_the_file() -> None:
    text = _suites(EXAMPLES_DIR)["Remove an item"]
    assert ("# Not covered: remove_item/remove_item_done: the execution of step 'remove_item' "
            "fails, so the run never leaves it") in text


def test_flows_read_like_a_testers() -> None:
    text = _suites(HERE)["Retention offers"]
    assert "flow: 'Why leave: Too expensive if order.total ≥ 100 → Offer a big discount: " \
           "Accept → Saved'" in text
    assert "respond: {type: price, data: {order: {total: 100}}}" in text
    assert "advance: 1m" in text and "advance: 1d" in text
    assert "variants: {ab: b}" in text
    assert "pending: {stepId: ask, actionType: poll, availableResponses: [price, quality, " \
           "other]}" in text
    assert "expect:\n  http: 422\n  error: {code: trigger_conditions_not_met}" in text
    assert "customer: {created_at: '2025-01-02'" in text  # a date after the one compared
    assert "items: [{price: 51}]" in text  # contains_where: an item just above the bound
    draft = _suites(HERE)["Portal draft"]
    assert "workflowId: portal_draft" in draft  # a draft is started by its id
    either = _suites(HERE)["Or trigger"]  # a branch only the trigger's second way opens
    assert "flow: 'Route: loyalty < 2 → Low'\n" in either
    assert "context: {loyalty: 1, vip: true}" in either



def _documents(text: str) -> list[dict[str, Any]]:
    # The generated text is plain YAML: read it as a tester's tool would.
    return [d for d in yaml.safe_load_all(text) if d]


def test_a_flow_expects_only_the_variants_it_pins() -> None:
    # 'Offer test' experiments on an interaction step: declining or timing out happens
    # whatever the run is drawn, so those flows pin nothing and must not expect a variant.
    docs = _documents(_suites(HERE)["Offer test"])
    assert len([d for d in docs if "variants" not in d["start"]]) >= 3
    for doc in docs:
        pinned = set(doc["start"].get("variants", {}))
        for expect in [doc["expect"]] + [s["expect"] for s in doc.get("steps", [])]:
            seen = set((expect.get("result") or {}).get("variants") or {})
            assert seen <= pinned, (doc["flow"], seen, pinned)


def test_each_refusal_breaks_one_way_and_meets_the_rest() -> None:
    refused = {d["flow"]: d["start"]["context"]
               for d in _documents(_suites(HERE)["Offer test"]) if "http" in d["expect"]}
    assert refused == {
        "Start refused: subscription.status is not one of (\"active\", \"paused\")":
            {"customer": {"flag": "not_fraud"}, "subscription": {"status": "not_active"}},
        "Start refused: customer.flag = fraud":
            {"customer": {"flag": "fraud"}, "subscription": {"status": "active"}},
    }


def test_names_tell_the_branch_taken_in_plain_words() -> None:
    names = [d["flow"] for d in _documents(_suites(HERE)["Offer test"])]
    assert "Offer a swap: Accept → the run fails at Upgrade fails" in names
    assert "Offer a swap: Accept if offer = grid → Swapped" in names
