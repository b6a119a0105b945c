"""What a flow run produced: plain values the runner returns and reporters only read.

Also the ``RunListener`` protocol: the runner calls it as things happen, so a reporter (Allure,
the terminal, coverage) can follow a run live without driving it.

Verdicts and mismatches are the words of ``base.outcome``; the HTTP record is
``target.client.Exchange``; what a run saw for coverage is ``coverage.model.CoverageSample``.

An invalid flow file never reaches the runner: it is a load error (``errors.FlowFileError``).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Protocol

from juo_flowtest.base.outcome import Mismatch, Verdict
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.coverage.model import CoverageSample
from juo_flowtest.target.client import Exchange


@record
class CallRecord:
    """One call the runner made (start, attach, respond, get, or one poll of a wait).

    ``title`` is what the report shows, e.g.
    ``respond accept to offer_discount (step discount_offer)``.
    """

    kind: str  # start | attach | respond | get | poll
    title: str
    exchange: Exchange | None
    mismatches: tuple[Mismatch, ...] = ()
    broken: str | None = None  # why the call could not be judged
    started_at: float = 0.0  # epoch seconds
    stopped_at: float = 0.0


@record
class StepResult:
    index: int  # 0 is the opening start/attach
    title: str
    verdict: Verdict
    calls: tuple[CallRecord, ...]
    mismatches: tuple[Mismatch, ...] = ()
    broken: str | None = None  # why it could not be judged (skipped: why it did not run)
    position: Position | None = None
    started_at: float = 0.0
    stopped_at: float = 0.0


@record
class FlowResult:
    flow_name: str
    case_id: str | None
    verdict: Verdict
    steps: tuple[StepResult, ...]
    message: str  # the human summary: all mismatches of the failing step, or why it broke
    coverage: CoverageSample = field(default_factory=CoverageSample)
    variables: dict[str, Any] = field(default_factory=dict)  # final saved values, for debugging
    started_at: float = 0.0
    stopped_at: float = 0.0


class RunListener(Protocol):
    """Follows a run as it happens. Every method is optional in spirit: implement all, no-op."""

    def step_started(self, index: int, title: str) -> None: ...

    def call_finished(self, record: CallRecord) -> None: ...

    def step_finished(self, result: StepResult) -> None: ...


class NullListener:
    """A listener that ignores everything."""

    def step_started(self, index: int, title: str) -> None:
        return None

    def call_finished(self, record: CallRecord) -> None:
        return None

    def step_finished(self, result: StepResult) -> None:
        return None
