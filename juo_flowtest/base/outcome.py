"""The outcome vocabulary: the words every output (terminal, Allure, JUnit, gate) uses.

A flow (one test) ends in one ``Verdict``:

- ``PASSED``  every expectation held;
- ``FAILED``  an expectation did not hold (the workflow does not do what the flow says);
- ``BROKEN``  the flow could not be judged: target unreachable, timeout, unexpected 5xx,
  invalid JSON, a 2xx body that breaks the documented run-state schema;
- ``SKIPPED`` not run (``skip:``, ``-m``, an xfail that failed as expected), or stopped by
  the runner where the target cannot do what the flow needs (an ``advance`` longer than the
  real-time limit, a variant the flow does not cover);
- ``INVALID`` its file (or an input it needs, such as a workflow definition) is invalid; it
  never reaches the runner.

The runner returns the first three, and ``SKIPPED`` for a flow it stopped for the target's
sake (the plugin turns it into pytest's skip). The gate adds two buckets of its own:
``flaky`` (passed on a rerun, after a failed or broken attempt) and ``quarantined`` (listed
in the policy's quarantine and not a clean pass). ``Tally`` counts verdicts as a run goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record


class Verdict(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    BROKEN = "broken"
    SKIPPED = "skipped"
    INVALID = "invalid"


FLAKY = "flaky"
QUARANTINED = "quarantined"
#: The gate's buckets, in the order every summary shows them.
BUCKETS = (Verdict.PASSED.value, Verdict.FAILED.value, Verdict.BROKEN.value,
           Verdict.INVALID.value, Verdict.SKIPPED.value, FLAKY, QUARANTINED)

#: How an invalid input is marked where only text travels (an Allure result, a collection
#: error): its message starts with one of ``INVALID_PREFIXES`` (a flow file, or the sandbox's
#: workflow definitions) and it carries the tag ``INVALID_TAG``.
#: Allure labels of a flow's result: each draft it ran (``run --juo-draft``), and each workflow
#: version it saw (``"<workflowId>@<version>"``); the gate reads both back.
DRAFT_LABEL = "draft"
WORKFLOW_LABEL = "workflow"
INVALID_PREFIX = "INVALID FLOW FILE:"
INVALID_WORKFLOW_PREFIX = "INVALID WORKFLOW DEFINITION:"
INVALID_PREFIXES = (INVALID_PREFIX, INVALID_WORKFLOW_PREFIX)
INVALID_TAG = "invalid-flow-file"


@record
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


@dataclass
class Tally:
    """Verdict counts of a run, as the reporting process sees them.

    ``xfailed`` counts flows marked ``xfail:`` that failed as expected (Allure shows them as
    skipped); ``flaky`` counts flows that passed only on a rerun (they are in ``passed`` too).
    """

    passed: int = 0
    failed: int = 0
    broken: int = 0
    skipped: int = 0
    xfailed: int = 0
    invalid: int = 0
    flaky: int = 0

    @property
    def flows(self) -> int:
        return self.passed + self.failed + self.broken + self.skipped + self.xfailed

    def count(self, verdict: Verdict, *, xfail: bool = False, rerun: bool = False) -> None:
        """Count one flow's final verdict."""
        if verdict is Verdict.SKIPPED and xfail:
            self.xfailed += 1
            return
        setattr(self, verdict.value, getattr(self, verdict.value) + 1)
        if verdict is Verdict.PASSED and rerun:
            self.flaky += 1

    def summary(self) -> str:
        """``flows: 3 passed, 1 failed, 0 broken, 0 invalid files``."""
        parts = [f"{self.passed} passed", f"{self.failed} failed", f"{self.broken} broken",
                 f"{self.invalid} invalid file{'s' if self.invalid != 1 else ''}"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.xfailed:
            parts.append(f"{self.xfailed} xfailed")
        if self.flaky:
            parts.append(f"{self.flaky} flaky (passed on a rerun)")
        return "flows: " + ", ".join(parts)
