"""Is a set of shard results the whole suite? The gate's ``shards`` rule.

Each ``juo-flowtest run --shard K/N`` leaves a record beside its results
(``report.shards``). Merged results hold when the records name one suite, one N and one way
of cutting, and every slice 1..N is there. Otherwise the gate must not judge a part as the
whole: the rule is broken and says which shards are missing, or what is mixed.

Without any record (no run was sharded) there is no rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from juo_flowtest.report.shards import ShardRecord


@dataclass(frozen=True, slots=True)
class ShardCheck:
    """The ``shards`` rule checked: what it asks, what the results show."""

    expected: str
    actual: str
    holds: bool


def check(records_by_dir: Sequence[tuple[str, Sequence[ShardRecord]]]) -> ShardCheck | None:
    """Check the records found in each results directory; None when nothing was sharded.

    >>> check([("r1", [ShardRecord(1, 2, "abc", "count", 4, 2)])]).actual  # doctest: +SKIP
    'missing shard 2/2 (have 1/2 of suite abc)'
    """
    records = [r for _, group in records_by_dir for r in group]
    if not records:
        return None
    totals = sorted({r.shards for r in records})
    suites = sorted({r.suite for r in records})
    splits = sorted({r.split for r in records})
    total = totals[0]
    expected = f"shards 1..{total} of one suite" if len(totals) == 1 else "shards of one suite"
    unsharded = [where for where, group in records_by_dir if not group]
    problems: list[str] = []
    if unsharded:
        problems.append("results without a shard record mixed in: " + ", ".join(unsharded))
    if len(suites) > 1:
        problems.append("mixed suites: " + "; ".join(_by(records, "suite", s) for s in suites))
    if len(totals) > 1:
        problems.append("mixed shard counts: " + ", ".join(
            sorted({str(r.spec) for r in records})))
    if len(splits) > 1:
        problems.append("slices cut from different durations: " + "; ".join(
            _by(records, "split", s) for s in splits))
    if len(totals) == 1:
        present = {r.shard for r in records}
        missing = [k for k in range(1, total + 1) if k not in present]
        if missing:
            names = ", ".join(f"{k}/{total}" for k in missing)
            have = ", ".join(f"{k}/{total}" for k in sorted(present))
            problems.insert(0, f"missing shard{'s' if len(missing) > 1 else ''} {names} "
                               f"(have {have})")
    if problems:
        return ShardCheck(expected, "; ".join(problems), False)
    tests = records[0].tests
    return ShardCheck(expected, f"{total} of {total} shards, suite {suites[0]} ({tests} tests)",
                      True)


def _by(records: Sequence[ShardRecord], field: str, value: str) -> str:
    shards = sorted({str(r.spec) for r in records if getattr(r, field) == value})
    return f"{value} ({', '.join(shards)})"
