"""Where a run's outputs go: one reports folder, one name for each file in it.

``--juo-reports-dir DIR`` (or the ini option ``juo_reports_dir``, default ``reports``) moves
every output at once: Allure results, JUnit XML, coverage, the tests' durations, the HTML
report, its history and the gate's summary. An explicit ``--alluredir`` or ``--junitxml`` still wins for that one file.

>>> ReportsLayout(Path("out")).junit
PosixPath('out/junit.xml')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("reports")


@dataclass(frozen=True, slots=True)
class ReportsLayout:
    """The files of one reports folder."""

    root: Path = DEFAULT_ROOT

    @property
    def allure_results(self) -> Path:
        return self.root / "allure-results"

    @property
    def junit(self) -> Path:
        return self.root / "junit.xml"

    @property
    def coverage_json(self) -> Path:
        return self.root / "coverage.json"

    @property
    def durations(self) -> Path:
        """Each test's seconds, for ``--shard`` to balance a later run by (``report.shards``)."""
        return self.root / "durations.json"

    @property
    def coverage_html(self) -> Path:
        """Each workflow drawn with what the run covered, and the coverage tables."""
        return self.root / "coverage.html"

    @property
    def html_report(self) -> Path:
        return self.root / "allure-report"

    @property
    def history(self) -> Path:
        return self.root / "history"

    @property
    def gate_summary(self) -> Path:
        return self.root / "gate.md"
