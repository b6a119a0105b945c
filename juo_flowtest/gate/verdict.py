"""The release gate: a finished run + a policy -> a verdict value, and the ``gate`` command.

Every test lands in exactly one bucket: ``invalid`` (an invalid flow file; never quarantined),
``skipped``, ``passed`` (passed at the first attempt), ``quarantined`` (listed in the policy's
quarantine and not a clean pass), ``flaky`` (passed after a failed or broken attempt),
``failed`` or ``broken``. Rules only look at the non-quarantined buckets. The pass rate is
passing / (passed + flaky + failed + broken); flaky flows are passing unless the policy says
``flaky_counts_as: failed``. Skipped, invalid and quarantined flows are outside the rate.
A rate over no flows at all does not hold: a gate never passes for want of evidence. Results
of sharded runs (``--shard K/N``) add the ``shards`` rule, whatever the policy: every shard of
one suite must be there (``gate.shards``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from juo_flowtest.base.outcome import BUCKETS, FLAKY, QUARANTINED, Verdict
from juo_flowtest.coverage.model import Coverage, WorkflowCoverage
from juo_flowtest.gate import shards
from juo_flowtest.gate.locked import StaleFlow
from juo_flowtest.gate.locked import stale_flows as stale_flows_of
from juo_flowtest.gate.policy import Policy
from juo_flowtest.gate.results import FlowOutcome, RunResults
from juo_flowtest.workflows.lockfile import Lock


def percent(value: float | None) -> str:
    """``87.5%``, ``100%``, or ``n/a``."""
    return "n/a" if value is None else f"{value:.1f}".removesuffix(".0") + "%"



@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule of the policy checked: what it asks, what the run shows, who broke it."""

    rule: str  # the policy key, e.g. ``min_pass_rate_per_tag.smoke``
    expected: str
    actual: str
    holds: bool
    offenders: tuple[FlowOutcome, ...] = ()


@dataclass(frozen=True, slots=True)
class GateVerdict:
    policy: Policy
    rules: tuple[RuleResult, ...]
    buckets: dict[str, tuple[FlowOutcome, ...]]  # every name of BUCKETS, outcomes by name
    pass_rate: float | None  # None when no flow counted
    coverage: Coverage | None
    can_leave_quarantine: tuple[FlowOutcome, ...]
    unmatched_quarantine: tuple[str, ...]
    stale: tuple[str, ...]
    stale_flows: tuple[StaleFlow, ...] = ()  # flows that ran another version than the lock's

    @property
    def holds(self) -> bool:
        return all(rule.holds for rule in self.rules)

    @property
    def total(self) -> int:
        return sum(len(group) for group in self.buckets.values())


def quarantined(outcome: FlowOutcome, entries: Iterable[str]) -> bool:
    """``"flow"`` quarantines the flow and all its cases; ``"flow[case]"`` one case."""
    base = outcome.name.split("[", 1)[0] if outcome.name.endswith("]") else outcome.name
    return any(entry in (outcome.name, base) for entry in entries)


def bucket(outcome: FlowOutcome, policy: Policy) -> str:
    """The one bucket a test lands in (see the module docstring)."""
    if outcome.status in (Verdict.INVALID, Verdict.SKIPPED):
        return str(outcome.status.value)
    if outcome.status is Verdict.PASSED and not outcome.flaky:
        return "passed"
    if quarantined(outcome, policy.quarantine):
        return QUARANTINED
    return FLAKY if outcome.flaky else str(outcome.status.value)


def evaluate(results: RunResults, coverage: Coverage | None, policy: Policy,
             lock: Lock | None = None) -> GateVerdict:
    """Check every rule the policy writes against the run.

    >>> evaluate(read_results([DEFAULT_RESULTS]), None, DEFAULT_POLICY).holds  # doctest: +SKIP
    True
    """
    groups: dict[str, list[FlowOutcome]] = {name: [] for name in BUCKETS}
    for outcome in results.outcomes:
        groups[bucket(outcome, policy)].append(outcome)
    buckets = {name: tuple(group) for name, group in groups.items()}
    counted = [o for name in ("passed", "flaky", "failed", "broken") for o in buckets[name]]
    in_quarantine = [o for o in results.outcomes if quarantined(o, policy.quarantine)]
    stale_flows = tuple(stale_flows_of(counted, lock)) if lock is not None else ()
    lock_rules = [] if policy.locked_workflows is None else [_lock_rule(counted, stale_flows)]
    return GateVerdict(
        policy=policy,
        rules=(*_shard_rule(results), *_rules(buckets, counted, coverage, policy), *lock_rules),
        buckets=buckets,
        pass_rate=_rate(counted, policy),
        coverage=coverage,
        can_leave_quarantine=tuple(o for o in in_quarantine if bucket(o, policy) == "passed"),
        unmatched_quarantine=tuple(
            e for e in policy.quarantine if not any(quarantined(o, [e]) for o in results.outcomes)
        ),
        stale=results.stale,
        stale_flows=stale_flows,
    )


def _lock_rule(counted: list[FlowOutcome], stale: tuple[StaleFlow, ...]) -> RuleResult:
    actual = (f"{len(stale)} of {len(counted)} flows ran another version" if stale else
              f"all {len(counted)} flows ran the locked versions")
    return RuleResult("locked_workflows", "every flow ran the locked versions", actual,
                      not stale, tuple(s.outcome for s in stale))


def _passing(outcome: FlowOutcome, policy: Policy) -> bool:
    if outcome.flaky:
        return policy.flaky_counts_as == "passed"
    return outcome.status is Verdict.PASSED


def _rate(outcomes: Sequence[FlowOutcome], policy: Policy) -> float | None:
    if not outcomes:
        return None
    return 100.0 * sum(_passing(o, policy) for o in outcomes) / len(outcomes)


def _rules(
    buckets: dict[str, tuple[FlowOutcome, ...]],
    counted: list[FlowOutcome],
    coverage: Coverage | None,
    policy: Policy,
) -> Iterable[RuleResult]:
    failing = [o for o in counted if not _passing(o, policy)]
    if policy.required_severities:
        names = ", ".join(policy.required_severities)
        bad = tuple(o for o in failing if o.severity in policy.required_severities)
        total = sum(o.severity in policy.required_severities for o in counted)
        actual = f"{total - len(bad)} of {total} passed"
        yield RuleResult("required_severities", f"every {names} flow passes", actual, not bad, bad)
    if policy.min_pass_rate is not None:
        yield _rate_rule("min_pass_rate", policy.min_pass_rate, counted, policy)
    for tag, minimum in policy.min_pass_rate_per_tag.items():
        tagged = [o for o in counted if tag in o.tags]
        yield _rate_rule(f"min_pass_rate_per_tag.{tag}", minimum, tagged, policy, f" tagged {tag}")
    limits = (("max_failed", "failed"), ("max_broken", "broken"), ("max_invalid", "invalid"))
    for rule, name in (*limits, ("max_flaky", "flaky")):
        limit: int | None = getattr(policy, rule)
        if limit is not None:
            group = buckets[name]
            yield RuleResult(
                rule, f"at most {limit} {name}", str(len(group)), len(group) <= limit, group
            )
    yield from _coverage_rules(coverage, policy)


def _shard_rule(results: RunResults) -> Iterable[RuleResult]:
    # Not a policy key: merged shards that are not the whole suite never pass as the suite.
    found = shards.check(results.shards)
    if found is not None:
        yield RuleResult("shards", found.expected, found.actual, found.holds)


def _rate_rule(
    rule: str, minimum: float, outcomes: Sequence[FlowOutcome], policy: Policy, which: str = ""
) -> RuleResult:
    rate = _rate(outcomes, policy)
    bad = tuple(o for o in outcomes if not _passing(o, policy))
    actual = (
        f"no flow{which} ran"
        if rate is None
        else f"{percent(rate)} ({len(outcomes) - len(bad)}/{len(outcomes)})"
    )
    return RuleResult(
        rule, f">= {percent(minimum)}", actual, rate is not None and rate >= minimum, bad
    )


def _coverage_rules(coverage: Coverage | None, policy: Policy) -> Iterable[RuleResult]:
    yield from _kind_rules(coverage, "min_coverage", policy.min_coverage,
                           policy.min_coverage_per_workflow, _responses)
    yield from _kind_rules(coverage, "min_transition_coverage", policy.min_transition_coverage,
                           policy.min_transition_coverage_per_workflow, _transitions)
    yield from _kind_rules(coverage, "min_end_step_coverage", policy.min_end_step_coverage,
                           policy.min_end_step_coverage_per_workflow, _ends)
    if policy.min_traffic_coverage is not None:
        yield _traffic_rule(coverage, policy.min_traffic_coverage)


def _traffic_rule(coverage: Coverage | None, minimum: float) -> RuleResult:
    expected = f">= {percent(minimum)} of production step executions"
    weighed = coverage.traffic.percent if coverage is not None else None
    if coverage is None or weighed is None:
        return RuleResult("min_traffic_coverage", expected,
                          "no production statistics (the target has none)", False)
    actual = f"{percent(weighed)} ({coverage.traffic.exercised}/{coverage.traffic.executions})"
    return RuleResult("min_traffic_coverage", expected, actual, weighed >= minimum)


#: (known, covered, percent) of one kind of coverage, for a workflow.
_Measure = Callable[[WorkflowCoverage], tuple[int, int, float]]


def _responses(w: WorkflowCoverage) -> tuple[int, int, float]:
    return len(w.known), len(w.covered), w.percent


def _transitions(w: WorkflowCoverage) -> tuple[int, int, float]:
    return len(w.transitions.known), len(w.transitions.covered), w.transitions.percent


def _ends(w: WorkflowCoverage) -> tuple[int, int, float]:
    return len(w.ends.known), len(w.ends.covered), w.ends.percent


def _kind_rules(coverage: Coverage | None, rule: str, minimum: float | None,
                per_workflow: dict[str, float], measure: _Measure) -> Iterable[RuleResult]:
    """``min_*`` over the whole run, then ``min_*_per_workflow`` (the lowest version counts)."""
    workflows = list(coverage.workflows.values()) if coverage is not None else []
    if minimum is not None:
        expected = f">= {percent(minimum)}"
        measured = [measure(w) for w in workflows]
        known = sum(m[0] for m in measured)
        if not workflows or (rule != "min_coverage" and not known):
            yield RuleResult(rule, expected, "no coverage data", False)
        else:
            covered = sum(m[1] for m in measured)
            total = round(100.0 * covered / known, 1) if known else 0.0
            yield RuleResult(rule, expected, f"{percent(total)} ({covered}/{known})",
                             total >= minimum)
    for key, wanted in per_workflow.items():
        found = coverage.matching(key) if coverage is not None else []
        name, expected = f"{rule}_per_workflow.{key}", f">= {percent(wanted)}"
        if not found:
            yield RuleResult(name, expected, "workflow not in coverage", False)
            continue
        worst = min(found, key=lambda w: measure(w)[2])
        label = coverage.label(worst.key) if coverage is not None else worst.key
        yield RuleResult(name, expected, f"{percent(measure(worst)[2])} ({label})",
                         measure(worst)[2] >= wanted)
