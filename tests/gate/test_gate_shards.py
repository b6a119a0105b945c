"""The gate's ``shards`` rule: merged shard results must be every slice of one suite."""

from __future__ import annotations

from juo_flowtest.gate.shards import check
from juo_flowtest.report.shards import BY_COUNT, ShardRecord


def _shard(k: int, n: int = 3, suite: str = "abc", split: str = BY_COUNT) -> ShardRecord:
    return ShardRecord(k, n, suite, split, tests=9, selected=3)


def test_no_record_no_rule() -> None:
    assert check([("r1", ()), ("r2", ())]) is None


def test_every_shard_of_one_suite_holds() -> None:
    found = check([(f"r{k}", [_shard(k)]) for k in (1, 2, 3)])
    assert found is not None and found.holds
    assert found.actual == "3 of 3 shards, suite abc (9 tests)"


def test_records_copied_into_one_folder_count_too() -> None:
    found = check([("all", [_shard(1), _shard(2), _shard(3)])])
    assert found is not None and found.holds


def test_a_missing_shard_is_named() -> None:
    found = check([("r1", [_shard(1)]), ("r3", [_shard(3)])])
    assert found is not None and not found.holds
    assert found.actual == "missing shard 2/3 (have 1/3, 3/3)"
    found = check([("r2", [_shard(2, 4)])])
    assert found is not None
    assert found.actual.startswith("missing shards 1/4, 3/4, 4/4 (have 2/4)")


def test_shards_of_another_suite_are_refused() -> None:
    found = check([("r1", [_shard(1)]), ("r2", [_shard(2)]), ("r3", [_shard(3, suite="def")])])
    assert found is not None and not found.holds
    assert found.actual == "mixed suites: abc (1/3, 2/3); def (3/3)"


def test_another_count_or_another_durations_file_is_refused() -> None:
    found = check([("r1", [_shard(1)]), ("r2", [_shard(2, 2)]), ("r3", [_shard(3)])])
    assert found is not None and not found.holds and "mixed shard counts" in found.actual
    found = check([("r1", [_shard(1)]), ("r2", [_shard(2, split="durations:1a")]),
                   ("r3", [_shard(3)])])
    assert found is not None and not found.holds
    assert found.actual == "slices cut from different durations: count (1/3, 3/3); durations:1a (2/3)"


def test_an_unsharded_run_mixed_in_is_refused() -> None:
    found = check([("r1", [_shard(1)]), ("r2", [_shard(2)]), ("r3", [_shard(3)]), ("full", [])])
    assert found is not None and not found.holds
    assert found.actual == "results without a shard record mixed in: full"
