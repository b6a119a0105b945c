"""What a flow run produced: plain values the runner returns and reporters only read.

Also the ``RunListener`` protocol: the runner calls it as things happen, so a reporter (Allure,
the terminal, coverage) can follow a run live without driving it.

Verdicts (the three kinds of not-passing are kept apart everywhere):

- ``PASSED``  every expectation held;
- ``FAILED``  an expectation did not hold (the workflow does not do what the flow says);
- ``BROKEN``  the flow could not be judged: target unreachable, timeout, unexpected 5xx,
  invalid JSON, a 2xx body that breaks the documented run-state schema.

An invalid flow file never reaches the runner: it is a load error (``errors.FlowFileError``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from juo_flowtest.flowfile.model import Position


class Verdict(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    BROKEN = "broken"


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One expectation that did not hold.

    ``path`` names the place in the response (``pending.actionConfig.percentage``,
    ``http``, ``jsonpath $.result.effects[0].type``); ``message`` is the one-line explanation
    (for a type mismatch it names both types); ``diff`` is a unified diff for long values.
    """

    path: str
    expected: Any
    actual: Any
    message: str
    position: Position | None = None
    diff: str | None = None


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, already redacted (no token ever stored here)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int | None  # None when no response arrived
    response_headers: dict[str, str]
    response_body: Any  # parsed JSON, or the text when it was not JSON
    elapsed_ms: float


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class StepResult:
    index: int  # 0 is the opening start/attach
    title: str
    verdict: Verdict
    calls: tuple[CallRecord, ...]
    mismatches: tuple[Mismatch, ...] = ()
    broken: str | None = None
    position: Position | None = None
    started_at: float = 0.0
    stopped_at: float = 0.0


@dataclass(frozen=True, slots=True)
class CoverageSample:
    """What one flow run saw of its workflows, for workflow coverage.

    ``known``: workflow key (``"<workflowId>@<workflowVersion>"``) -> every
    (stepId, responseType) pair its ``interactiveSteps`` offer.
    ``exercised``: the pairs a respond call answered with a 2xx, per workflow key.
    """

    known: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    exercised: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FlowResult:
    flow_name: str
    case_id: str | None
    verdict: Verdict
    steps: tuple[StepResult, ...]
    message: str  # the human summary: all mismatches of the failing step, or why it broke
    coverage: CoverageSample = CoverageSample()
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
