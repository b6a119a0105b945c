"""Workflow coverage: merging samples, the public JSON, the terminal lines."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from juo_flowtest.coverage import model as coverage
from juo_flowtest.coverage import render as coverage_render
from juo_flowtest.coverage.model import CoverageSample

CANCEL = "cancellation@1"
KNOWN = frozenset(
    {("value_reminder", "next"), ("discount_offer", "accept"), ("discount_offer", "decline")}
)


def _sample(*exercised: tuple[str, str], key: str = CANCEL) -> CoverageSample:
    return CoverageSample(known={key: KNOWN}, exercised={key: frozenset(exercised)})


def test_merge_unions_the_pairs_of_all_samples() -> None:
    cov = coverage.merge(
        [_sample(("value_reminder", "next")), _sample(("discount_offer", "accept"))]
    )
    w = cov.workflows[CANCEL]
    assert w.covered == {("value_reminder", "next"), ("discount_offer", "accept")}
    assert w.missing == {("discount_offer", "decline")}
    assert w.percent == 66.7
    assert (cov.known, cov.exercised, cov.percent) == (3, 2, 66.7)


def test_two_versions_are_two_workflows_and_the_total_counts_pairs() -> None:
    cov = coverage.merge(
        [_sample(("value_reminder", "next")), _sample(*KNOWN, key="cancellation@2")]
    )
    assert list(cov.workflows) == [CANCEL, "cancellation@2"]
    assert cov.workflows["cancellation@2"].percent == 100.0
    assert (cov.known, cov.exercised, cov.percent) == (6, 4, 66.7)


def test_a_pair_not_listed_as_known_does_not_lift_the_percentage() -> None:
    cov = coverage.merge([_sample(("ghost_step", "accept"))])
    w = cov.workflows[CANCEL]
    assert ("ghost_step", "accept") in w.exercised
    assert w.percent == 0.0


def test_nothing_known_is_zero_percent() -> None:
    cov = coverage.merge([])
    assert (cov.known, cov.exercised, cov.percent) == (0, 0, 0.0)
    assert "no workflow was seen" in coverage_render.render_terminal(cov)[0]


def test_json_has_the_documented_shape_and_reads_back(tmp_path: Path) -> None:
    cov = coverage.merge([_sample(("value_reminder", "next"), ("discount_offer", "accept"))])
    path = tmp_path / "reports" / "coverage.json"
    coverage.write(cov, str(path))
    data = json.loads(path.read_text())
    assert data["workflows"][CANCEL] == {
        "known": [
            ["discount_offer", "accept"],
            ["discount_offer", "decline"],
            ["value_reminder", "next"],
        ],
        "exercised": [["discount_offer", "accept"], ["value_reminder", "next"]],
        "missing": [["discount_offer", "decline"]],
        "percent": 66.7,
        "transitions": {"known": [], "exercised": [], "missing": [], "percent": 0.0,
                        "never": []},
        "endSteps": {"known": [], "exercised": [], "missing": [], "percent": 0.0, "never": []},
    }
    empty = {"known": 0, "exercised": 0, "missing": 0, "percent": 0.0}
    assert data["total"] == {"known": 3, "exercised": 2, "percent": 66.7,
                             "transitions": empty, "endSteps": empty}
    assert coverage.from_json(data) == cov


def test_samples_survive_the_trip_through_json() -> None:
    sample = _sample(("discount_offer", "decline"))
    # A sample travels from an xdist worker on its test report, which xdist sends as JSON.
    text = json.dumps(coverage.sample_to_data(sample))
    assert coverage.sample_from_data(json.loads(text)) == sample
    empty = json.loads(json.dumps(coverage.sample_to_data(CoverageSample())))
    assert coverage.sample_from_data(empty) == CoverageSample()


def test_terminal_lines_show_percentages_and_missing_pairs() -> None:
    cov = coverage.merge([_sample(("value_reminder", "next"))])
    lines = coverage_render.render_terminal(cov)
    assert lines[0] == "Workflow coverage: 1/3 step responses (33.3%)"
    assert lines[1].split()[:3] == [CANCEL, "1/3", "33.3%"]
    assert lines[1].endswith("missing: discount_offer->accept, discount_offer->decline")


TRANSITIONS = frozenset({("value_reminder", "value_reminder_next", ""),
                         ("price_experiment", "price_20", "discount_20"),
                         ("price_experiment", "price_15", "discount_15")})
ENDS = frozenset({("saved", "final"), ("cancelled", "final")})
NEVER = frozenset({(("price_experiment", "price_15", "discount_20"), "always takes price_20")})


def _paths_sample(*taken: tuple[str, ...], ends: tuple[tuple[str, ...], ...] = ()
                  ) -> CoverageSample:
    return CoverageSample(
        transitions_known={CANCEL: TRANSITIONS}, transitions_exercised={CANCEL: frozenset(taken)},
        ends_known={CANCEL: ENDS}, ends_exercised={CANCEL: frozenset(ends)},
        never={CANCEL: NEVER}, names={CANCEL: "Cancellation flow"},
        notes={CANCEL: frozenset({"a note"})})


def test_transitions_and_end_steps_merge_count_and_read_back(tmp_path: Path) -> None:
    cov = coverage.merge([
        _paths_sample(("value_reminder", "value_reminder_next", "")),
        _paths_sample(("price_experiment", "price_20", "discount_20"),
                      ends=(("saved", "final"),)),
    ])
    w = cov.workflows[CANCEL]
    assert w.transitions.missing == {("price_experiment", "price_15", "discount_15")}
    assert (w.transitions.percent, w.ends.percent) == (66.7, 50.0)
    assert cov.transitions == (3, 2, 66.7) and cov.ends == (2, 1, 50.0)
    assert w.label == "Cancellation flow (cancellation@1)"
    path = tmp_path / "coverage.json"
    coverage.write(cov, str(path))
    data = json.loads(path.read_text())
    entry = data["workflows"][CANCEL]
    assert entry["name"] == "Cancellation flow" and entry["notes"] == ["a note"]
    assert entry["transitions"]["missing"] == [["price_experiment", "price_15", "discount_15"]]
    assert ["value_reminder", "value_reminder_next"] in entry["transitions"]["exercised"]
    assert entry["transitions"]["never"] == [
        {"unit": ["price_experiment", "price_15", "discount_20"], "why": "always takes price_20"}]
    assert entry["endSteps"] == {"known": [["cancelled", "final"], ["saved", "final"]],
                                 "exercised": [["saved", "final"]],
                                 "missing": [["cancelled", "final"]], "percent": 50.0,
                                 "never": []}
    assert data["total"]["transitions"] == {"known": 3, "exercised": 2, "missing": 1,
                                            "percent": 66.7}
    assert data["total"]["endSteps"]["percent"] == 50.0
    assert coverage.from_json(data) == cov
    assert coverage.read([path]) == cov
    sample = _paths_sample(("value_reminder", "value_reminder_next", ""))
    assert coverage.sample_from_data(json.loads(json.dumps(coverage.sample_to_data(sample)))) \
        == sample


def test_terminal_lines_show_transitions_end_steps_and_notes() -> None:
    cov = coverage.merge([_paths_sample(("price_experiment", "price_20", "discount_20"))])
    lines = coverage_render.render_terminal(cov)
    assert "Transition coverage: 1/3 transitions (33.3%), 0/2 end steps (0.0%)" in lines
    row = next(line for line in lines if "ends" in line)
    assert "price_experiment/price_15[discount_15]" in row and "saved (final)" in row
    assert any("a note" in line for line in lines)


def test_every_part_round_trips_together_and_shards_merge_traffic(tmp_path: Path) -> None:
    """Pairs, transitions, end steps, names, notes, the steps visited and the traffic figure:
    one file reads back equal, and two shards' files read as the union of both."""
    def shard(taken: tuple[str, str, str], step: str) -> CoverageSample:
        s = _paths_sample(taken)
        return CoverageSample(
            known={CANCEL: KNOWN}, exercised={CANCEL: frozenset({("value_reminder", "next")})},
            transitions_known=s.transitions_known, transitions_exercised=s.transitions_exercised,
            ends_known=s.ends_known, ends_exercised=s.ends_exercised, never=s.never,
            names=s.names, notes=s.notes,
            steps={CANCEL: frozenset({step}), "other@2": frozenset({"poll"})})

    counts = {"cancellation": {"value_reminder": 6, "discount_offer": 3, "saved": 1}}
    # "retired" has no production count: it weighs nothing but still reads back
    one = shard(("value_reminder", "value_reminder_next", ""), "retired")
    two = shard(("price_experiment", "price_20", "discount_20"), "discount_offer")
    for sample in (one, two):
        assert coverage.sample_from_data(json.loads(json.dumps(coverage.sample_to_data(sample)))) \
            == sample
    paths = []
    for i, sample in enumerate((one, two)):
        cov = coverage.merge([sample]).weighed(counts)
        assert coverage.from_json(json.loads(json.dumps(coverage.to_json(cov)))) == cov
        paths.append(tmp_path / f"{i}.json")
        coverage.write(cov, str(paths[-1]))
        assert coverage.read([paths[-1]]) == cov
    both = coverage.read(paths)
    assert both.steps == {CANCEL: {"retired", "discount_offer"}, "other@2": {"poll"}}
    assert (both.traffic.exercised, both.traffic.executions, both.traffic.percent) == (9, 10, 90.0)
    assert both == coverage.merge([one, two]).weighed(counts)
    w = both.workflows[CANCEL]
    assert len(w.transitions.covered) == 2 and w.notes == {"a note"}
    assert both.label(CANCEL) == "Cancellation flow (cancellation@1)"


def test_a_sample_key_is_equal_for_equal_samples_and_differs_in_any_field() -> None:
    def sample(**extra: object) -> CoverageSample:
        base: dict[str, object] = {"known": {"wf@1": frozenset({("a", "x"), ("b", "y")})},
                                   "exercised": {"wf@1": frozenset({("a", "x")})},
                                   "names": {"wf@1": "Cancel"}}
        return CoverageSample(**{**base, **extra})  # type: ignore[arg-type]

    assert coverage.sample_key(sample()) == coverage.sample_key(sample())
    assert len({coverage.sample_key(sample()), coverage.sample_key(sample())}) == 1
    changes = {
        "known": {"wf@1": frozenset({("a", "x")})},
        "exercised": {"wf@2": frozenset({("a", "x")})},
        "transitions_known": {"wf@1": frozenset({("a", "t", "")})},
        "transitions_exercised": {"wf@1": frozenset({("a", "t", "")})},
        "ends_known": {"wf@1": frozenset({("done", "final")})},
        "ends_exercised": {"wf@1": frozenset({("done", "final")})},
        "never": {"wf@1": frozenset({(("a", "t", ""), "unreachable")})},
        "names": {"wf@1": "Other"},
        "notes": {"wf@1": frozenset({"a move fits several paths"})},
        "steps": {"wf@1": frozenset({"a"})},
    }
    assert set(changes) == {f.name for f in dataclasses.fields(CoverageSample)}
    for name, value in changes.items():
        assert coverage.sample_key(sample(**{name: value})) != coverage.sample_key(sample()), name
