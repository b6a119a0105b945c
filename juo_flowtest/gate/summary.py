"""The gate verdict as Markdown, for a human in ten seconds and for a CI job summary.

Order: the verdict; the rules the run broke, each with expected vs actual and the offending
flows; totals; flaky flows; quarantine; every rule checked. Deterministic for a given verdict
(no timestamps, flows sorted by name), so golden files can pin it.
"""

from __future__ import annotations

from collections.abc import Iterable

from juo_flowtest.base.outcome import BUCKETS
from juo_flowtest.gate.results import FlowOutcome
from juo_flowtest.gate.verdict import GateVerdict, RuleResult, percent

_MESSAGE_WIDTH = 160


def render(verdict: GateVerdict) -> str:
    """The whole summary.

    >>> render(evaluate(results, None, DEFAULT_POLICY)).splitlines()[0]  # doctest: +SKIP
    '## ✅ Release gate: PASSED'
    """
    broken = [rule for rule in verdict.rules if not rule.holds]
    head = "## ✅ Release gate: PASSED" if verdict.holds else "## ❌ Release gate: FAILED"
    count = f"{len(verdict.rules)} rule" + ("" if len(verdict.rules) == 1 else "s")
    state = f"{len(broken)} of {count} broken" if broken else f"all {count} hold"
    lines = [head, "", f"Policy: {verdict.policy.source} — {state}."]
    if broken:
        lines += ["", "### What broke the policy", ""]
        for rule in broken:
            lines += _broken_rule(rule)
    lines += ["", "### Totals", "", *_totals(verdict)]
    lines += _flaky(verdict.buckets["flaky"])
    lines += _quarantine(verdict)
    lines += _drafts(verdict)
    if verdict.stale_flows:
        lines += ["", "### Stale flows", "",
                  "These flows ran another version of a workflow than the lock file pins:", ""]
        lines += [f"- {_name(s.outcome.name)} — {_clip(s.why)}" for s in verdict.stale_flows]
    if verdict.stale:
        lines += [
            "",
            "### Stale results ignored",
            "",
            (
                "Results of earlier runs were found next to this run's and ignored; "
                "clean the results directory before each run:"
            ),
            "",
        ]
        lines += [f"- {_name(name)}" for name in verdict.stale]
    lines += ["", "### Rules checked", "", "| | rule | expected | actual |", "|---|---|---|---|"]
    lines += [
        f"| {'✅' if r.holds else '❌'} | `{r.rule}` | {r.expected} | {r.actual} |"
        for r in verdict.rules
    ]
    return "\n".join(lines) + "\n"


def render_error(message: str) -> str:
    """What the summary says when there was nothing to judge (exit code 2)."""
    return f"## ⚠️ Release gate: NO VERDICT\n\n```\n{message}\n```\n"


def _broken_rule(rule: RuleResult) -> list[str]:
    lines = [f"- ❌ **`{rule.rule}`** — expected {rule.expected}, actual {rule.actual}"]
    lines += [f"  - {_flow_line(outcome)}" for outcome in rule.offenders]
    return lines


def _totals(verdict: GateVerdict) -> list[str]:
    counts = [str(len(verdict.buckets[name])) for name in BUCKETS]
    coverage = "n/a"
    if verdict.coverage is not None and verdict.coverage.workflows:
        cov = verdict.coverage
        coverage = f"{percent(cov.percent)} ({cov.exercised}/{cov.known})"
        (tk, te, tp), (ek, ee, ep) = cov.transitions, cov.ends
        if tk or ek:
            coverage += (f"; transitions {percent(tp)} ({te}/{tk}); "
                         f"end steps {percent(ep)} ({ee}/{ek})")
    header = ["flows", *BUCKETS, "pass rate", "coverage"]
    row = [str(verdict.total), *counts, percent(verdict.pass_rate), coverage]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        "| " + " | ".join(row) + " |",
    ]


def _flaky(outcomes: Iterable[FlowOutcome]) -> list[str]:
    lines = [
        f"- {_name(o.name)} — passed on attempt {len(o.attempts)}; earlier: {_earlier(o)}"
        for o in outcomes
    ]
    return ["", "### Flaky flows", "", *lines] if lines else []


def _earlier(outcome: FlowOutcome) -> str:
    parts = [a.status.value for a in outcome.attempts[:-1]]
    message = _clip(outcome.message)
    return ", ".join(parts) + (f" ({message})" if message else "")


def _quarantine(verdict: GateVerdict) -> list[str]:
    lines = [f"- {_flow_line(o)}" for o in verdict.buckets["quarantined"]]
    lines += [
        f"- {_name(o.name)} — passed: **can leave quarantine**"
        for o in verdict.can_leave_quarantine
    ]
    lines += [
        f"- `{entry}` — not in this run (stale quarantine entry?)"
        for entry in verdict.unmatched_quarantine
    ]
    return ["", "### Quarantine", "", *lines] if lines else []


def _drafts(verdict: GateVerdict) -> list[str]:
    """Which drafts the run tried (``run --juo-draft``), and how their flows fared."""
    flows: dict[str, list[FlowOutcome]] = {}
    for group in verdict.buckets.values():
        for outcome in group:
            for label in outcome.drafts:
                flows.setdefault(label, []).append(outcome)
    lines = []
    for label, outcomes in sorted(flows.items()):
        statuses = [("flaky" if o.flaky else o.status.value) for o in outcomes]
        counts = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(sorted(statuses)))
        lines.append(f"- `{label}` — {len(outcomes)} flow{'' if len(outcomes) == 1 else 's'}: "
                     f"{counts}")
    return ["", "### Drafts under test", "", *lines] if lines else []


def _flow_line(outcome: FlowOutcome) -> str:
    status = "flaky" if outcome.flaky else outcome.status.value
    message = _clip(outcome.message)
    return f"{_name(outcome.name)} — {status}" + (f": {message}" if message else "")


def _name(name: str) -> str:
    return "`" + name.replace("`", "'") + "`"


def _clip(message: str) -> str:
    # One line, no Markdown table/HTML breakage, short enough to read at a glance.
    text = message.replace("|", "\\|").replace("<", "&lt;")
    return text if len(text) <= _MESSAGE_WIDTH else text[: _MESSAGE_WIDTH - 1] + "…"
