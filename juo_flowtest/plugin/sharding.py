"""``--juo-shard K/N`` (``juo-flowtest run --shard K/N``): run slice K of the collected suite.

The slices are cut by pytest-split's ``least_duration`` algorithm (largest test first, onto
the slice with the least time so far): by the seconds of a durations file when one is given
(``--juo-durations FILE`` or the ini option ``juo_durations``; every run writes one,
``reports/durations.json``), a test the file does not know counting as the file's average;
by count otherwise (every test weighs the same). It is deterministic: every job (and every
xdist worker) that collects the same suite with the same durations cuts the same slices.

It applies after ``-k``/``-m`` have deselected, so the slices partition the selected suite.
The process that collected (serial, or each xdist worker) writes the shard record beside the
Allure results (``report.shards``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from juo_flowtest.report import shards
from juo_flowtest.report.shards import ShardRecord, ShardSpec


class ShardSelection:
    """Selects this shard's slice at the end of collection; registered only with a shard."""

    def __init__(self, spec: ShardSpec, durations_path: Path | None,
                 record_dir: str | None) -> None:
        self.spec = spec
        self.durations_path = durations_path
        self.record_dir = record_dir
        self.durations: dict[str, float] = {}
        self.split = shards.BY_COUNT
        self.note = "balanced by count"
        if durations_path is not None:
            if durations_path.is_file():
                try:
                    self.durations, raw = shards.read_durations(durations_path)
                except ValueError as exc:
                    raise pytest.UsageError(f"juo-flowtest: {exc}") from None
                self.split = shards.split_identity(raw)
                self.note = f"balanced by the durations in {durations_path}"
            else:
                self.note = f"balanced by count ({durations_path} does not exist)"
        self.record: ShardRecord | None = None

    def pytest_report_header(self) -> str:
        return f"juo-flowtest: shard {self.spec}, {self.note}"

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        # Imported here: pytest-split is a plugin too, and importing it before pytest registers
        # it would keep pytest from rewriting its asserts (PytestAssertRewriteWarning).
        from pytest_split.algorithms import Algorithms

        suite = shards.suite_identity(item.nodeid for item in items)
        groups = Algorithms.least_duration.value(self.spec.total, items, self.durations)
        group = groups[self.spec.index - 1]
        total = len(items)
        items[:] = group.selected
        if group.deselected:
            config.hook.pytest_deselected(items=group.deselected)
        self.record = ShardRecord(self.spec.index, self.spec.total, suite, self.split,
                                  tests=total, selected=len(items))
        if self.record_dir and not config.option.collectonly:
            shards.write_record(self.record_dir, self.record)

    def pytest_report_collectionfinish(self) -> str | None:
        if self.record is None:
            return None
        return (f"juo-flowtest: shard {self.spec}: {self.record.selected} of "
                f"{self.record.tests} tests (suite {self.record.suite})")
