"""A/B experiments: weighted by trafficPercentage, sticky for the run, visible in result."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

from sandbox_api import EXAMPLE_IDS, Api

from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.definitions import Variant, Workflow
from juo_flowtest.sandbox.loading import load_directory

OWNER = ("t", "c")


def cancellation() -> Workflow:
    return next(w for w in load_directory(EXAMPLES_DIR) if w.id == EXAMPLE_IDS["cancellation"])


def to_experiment(workflow: Workflow, run_id: str) -> engine.Run:
    run = engine.start(workflow, {}, OWNER, 0.0, run_id=run_id)
    for answer in ("next", "too_expensive"):
        engine.respond(run, run.interaction_id or "", answer, None, None, 0.0)
    return run


def test_split_matches_traffic_over_1000_runs() -> None:
    workflow = cancellation()
    counts = Counter(to_experiment(workflow, str(uuid.uuid4())).variants["price_experiment"]
                     for _ in range(1000))  # type: ignore[index]
    assert set(counts) == {"discount_20", "discount_15"}
    for variant in ("discount_20", "discount_15"):
        assert abs(counts[variant] / 10 - 50) <= 5, counts


def test_uneven_split_follows_weights(tmp_path: Path) -> None:
    text = (EXAMPLES_DIR / "cancellation.workflow.yaml").read_text()
    text = text.replace("trafficPercentage: 50}\n        - {id: discount_15, name: 15% off, "
                        "trafficPercentage: 50}", "trafficPercentage: 80}\n        - {id: "
                        "discount_15, name: 15% off, trafficPercentage: 20}")
    (tmp_path / "c.workflow.yaml").write_text(text)
    workflow = load_directory(tmp_path)[0]
    assert workflow.steps["price_experiment"].variants[0] == Variant("discount_20", "20% off", 80)
    counts = Counter(to_experiment(workflow, str(uuid.uuid4())).variants["price_experiment"]
                     for _ in range(1000))  # type: ignore[index]
    assert abs(counts["discount_20"] / 10 - 80) <= 5, counts


def test_choice_is_a_stable_function_of_run_and_step() -> None:
    workflow = cancellation()
    run_ids = [str(uuid.UUID(int=i)) for i in range(50)]
    first = [to_experiment(workflow, r).variants for r in run_ids]
    again = [to_experiment(workflow, r).variants for r in run_ids]
    assert first == again


def test_variant_is_sticky_across_the_run() -> None:
    workflow = cancellation()
    for i in range(100):
        run = to_experiment(workflow, str(uuid.UUID(int=1000 + i)))
        chosen = run.variants["price_experiment"]  # type: ignore[index]
        offer = run.step.id
        assert offer == {"discount_20": "discount_20_offer", "discount_15": "discount_15_offer"}[
            chosen]
        engine.respond(run, run.interaction_id or "", "decline", None, None, 0.0)
        engine.respond(run, run.interaction_id or "", "back", None, None, 0.0)
        engine.respond(run, run.interaction_id or "", "too_expensive", None, None, 0.0)
        assert run.step.id == offer and run.variants == {"price_experiment": chosen}


def test_variant_over_http_never_changes(api: Api) -> None:
    seen = set()
    for _ in range(12):
        state = api.answer(api.started(), "next", "too_expensive")
        variant = state["result"]["variants"]["price_experiment"]
        seen.add(variant)
        for _ in range(3):
            again = api.get(state["runId"]).json()
            assert again["result"]["variants"] == {"price_experiment": variant}
        expected = {"discount_20": 20, "discount_15": 15}[variant]
        assert state["pendingInteraction"]["actionConfig"]["percentage"] == expected
    assert seen <= {"discount_20", "discount_15"}
