"""Exit codes of ``juo-flowtest run``: stable across releases, documented in the README.

When several apply, the most fundamental wins: usage > invalid files > broken > failed.
``juo-flowtest gate`` has its own three: 0 policy holds, 1 it does not, 2 no readable results.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASSED = 0  # every collected flow passed (skips and xfails allowed)
    FAILED = 1  # at least one flow failed an expectation
    INVALID = 2  # at least one flow file is invalid (the valid ones still ran)
    BROKEN = 3  # target unreachable, timed out, 5xx, invalid JSON or contract violation
    USAGE = 4  # bad command line, unknown environment, protected target refused
    NO_FLOWS = 5  # nothing was collected


class GateExit(IntEnum):
    HOLDS = 0
    VIOLATED = 1
    NO_RESULTS = 2
