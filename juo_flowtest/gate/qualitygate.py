"""The release gate's verdict on the HTML report's Quality Gates tab (Allure 3).

Allure 3 lists quality gate results there: each a ``rule`` name, whether it held
(``success``), a ``message``, and the tests that broke it (``testResults``: Allure's ids of
their results). ``results_for`` turns a ``GateVerdict`` into that list: first the verdict
itself (rule ``release gate``), then every rule the policy checks, with its offending flows.
``report_gate`` evaluates the configured policy (``--policy``, or pyproject's
``[tool.juo_flowtest.gate]``) over the results the report is built from; with no policy
configured the tab stays empty, as in a report of a run no gate judges.

>>> [r["rule"] for r in results_for(verdict)][:2]  # doctest: +SKIP
['release gate', 'max_failed']
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from juo_flowtest.base.errors import PolicyError, ResultsError
from juo_flowtest.coverage import model as coverage_model
from juo_flowtest.gate.policy import configured_policy
from juo_flowtest.gate.results import FlowOutcome, read_results
from juo_flowtest.gate.verdict import GateVerdict, evaluate

VERDICT_RULE = "release gate"


def allure_id(outcome: FlowOutcome) -> str:
    """Allure 3's id of the test result a flow's last attempt wrote (md5 of its uuid)."""
    return hashlib.md5(outcome.attempts[-1].uuid.encode(), usedforsecurity=False).hexdigest()


def results_for(verdict: GateVerdict) -> list[dict[str, Any]]:
    """The verdict, then each rule checked, as Allure 3 quality gate results."""
    broken = [rule.rule for rule in verdict.rules if not rule.holds]
    checked = f"{len(verdict.rules)} rule" + ("" if len(verdict.rules) == 1 else "s")
    if broken:
        message = (f"DO NOT RELEASE: {len(broken)} of {checked} of {verdict.policy.source} "
                   f"broken: {', '.join(broken)}")
    else:
        message = f"RELEASE: all {checked} of {verdict.policy.source} hold"
    entries: list[dict[str, Any]] = [{
        "rule": VERDICT_RULE, "success": verdict.holds, "message": message,
        "expected": "every rule holds", "actual": "held" if verdict.holds else "broken",
        "testResults": [],
    }]
    for rule in verdict.rules:
        flows = "; ".join(outcome.name for outcome in rule.offenders[:10])
        more = len(rule.offenders) - 10
        message = f"expected {rule.expected}, actual {rule.actual}"
        if flows:
            message += f"\n{flows}" + (f" and {more} more" if more > 0 else "")
        entries.append({
            "rule": rule.rule, "success": rule.holds, "message": message,
            "expected": rule.expected, "actual": rule.actual,
            "testResults": [allure_id(outcome) for outcome in rule.offenders],
        })
    return entries


def no_verdict(reason: str) -> list[dict[str, Any]]:
    """What the tab shows when the gate cannot judge (an invalid policy, unreadable results)."""
    return [{"rule": VERDICT_RULE, "success": False, "message": f"NO VERDICT: {reason}",
             "expected": "a verdict", "actual": "none", "testResults": []}]


def report_gate(results_dirs: Sequence[Path], coverage_files: Sequence[Path],
                policy_path: Path | None, cwd: Path) -> list[dict[str, Any]] | None:
    """The configured policy's verdict on these results for the report; None without a policy.

    ``coverage_files`` that do not exist are left out (coverage rules then say so).
    """
    try:
        policy = configured_policy(policy_path, cwd)
        if policy is None:
            return None
        files = [path for path in coverage_files if path.is_file()]
        coverage = coverage_model.read(files) if files else None
        verdict = evaluate(read_results(results_dirs), coverage, policy)
    except (PolicyError, ResultsError) as exc:
        return no_verdict(str(exc))
    return results_for(verdict)
