"""Traffic-weighted coverage: the share of production step executions the suite exercises."""

from __future__ import annotations

import json

from juo_flowtest.coverage import model
from juo_flowtest.coverage.model import CoverageSample
from juo_flowtest.coverage.traffic import (
    Traffic,
    from_json,
    from_stats,
    merge_traffic,
    summary,
    to_json,
    weigh,
)

STATS = {
    "wf-1": {"totalRuns": 10, "successRuns": 9, "failedRuns": 1, "nodes": {
        "ask": {"executionCount": 10}, "offer": {"executionCount": 6},
        "apply": {"executionCount": 5}, "cancel": {"executionCount": 4}}},
    "wf-2": {"totalRuns": 0, "successRuns": 0, "failedRuns": 0, "nodes": {}},
}


def test_each_exercised_step_carries_its_whole_count() -> None:
    counts = from_stats(STATS)
    assert counts == {"wf-1": {"ask": 10, "offer": 6, "apply": 5, "cancel": 4}}  # no traffic: out
    traffic = weigh(counts, {"wf-1": {"ask", "offer", "unknown"}})
    assert (traffic.exercised, traffic.executions, traffic.percent) == (16, 25, 64.0)
    assert traffic.workflows["wf-1"].missed() == [("apply", 5), ("cancel", 4)]
    assert Traffic().percent is None  # no statistics: no figure, not 0 %


def test_the_figure_comes_from_the_steps_the_runs_were_seen_at() -> None:
    samples = [
        CoverageSample(known={"wf-1@2": frozenset({("ask", "yes"), ("offer", "accept")})},
                       exercised={"wf-1@2": frozenset({("offer", "accept")})},
                       steps={"wf-1@2": frozenset({"ask"})}),
        CoverageSample(steps={"wf-1@1": frozenset({"apply"})}),  # another version, same id
    ]
    cov = model.merge(samples).weighed(from_stats(STATS)).named({"wf-1": "Cancel"})
    assert cov.exercised_steps() == {"wf-1": {"ask", "offer", "apply"}}
    assert cov.traffic.percent == 84.0
    data = json.loads(json.dumps(model.to_json(cov)))
    assert data["traffic"]["percent"] == 84.0
    assert data["traffic"]["workflows"]["wf-1"]["name"] == "Cancel"
    assert data["traffic"]["workflows"]["wf-1"]["missed"] == [["cancel", 4]]
    back = model.from_json(data)
    assert back.traffic.percent == 84.0
    assert summary(cov.traffic, cov.names)[0] == (
        "Production traffic: the suite exercises steps that carry 84.0% of production step "
        "executions (21 of 25)")
    assert "traffic" not in model.to_json(model.merge(samples))  # without statistics


def test_shards_merge_their_exercised_steps_over_the_same_counts() -> None:
    counts = from_stats(STATS)
    one, two = weigh(counts, {"wf-1": {"ask"}}), weigh(counts, {"wf-1": {"apply"}})
    merged = merge_traffic([one, two])
    assert merged.percent == 60.0
    assert from_json(to_json(merged, {})).percent == 60.0


def test_a_drafts_steps_weigh_the_workflow_it_is_an_edit_of() -> None:
    counts = from_stats(STATS)
    cov = model.merge([CoverageSample(steps={"draft-1@1": frozenset({"ask", "offer", "new"})})])
    assert cov.weighed(counts).traffic.percent == 0.0  # the draft has no production of its own
    weighed = cov.weighed(counts, {"draft-1": "wf-1"}).traffic
    assert weighed.percent == 64.0
    assert weighed.workflows["wf-1"].missed() == [("apply", 5), ("cancel", 4)]
