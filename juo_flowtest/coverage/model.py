"""Workflow coverage: which (step, response type) pairs of each workflow the suite exercised.

Each flow run yields a ``result.CoverageSample``: the pairs its workflows offer (read from
``interactiveSteps``) and the pairs a 2xx respond call answered. ``merge`` folds the samples of
a whole run (including those shipped from xdist workers as JSON) into one ``Coverage``.

A workflow is keyed ``"<workflowId>@<workflowVersion>"``: two versions are two workflows,
because a new version may add or remove steps. ``percent`` counts only known pairs; a pair that
was answered but is not listed in ``interactiveSteps`` is kept in ``exercised`` but cannot lift
the percentage. Nothing known means 0 %: nothing was shown to be covered.

The JSON written by ``write`` is public (the release gate reads it); see docs/reports.md.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from juo_flowtest.run.result import CoverageSample

Pair = tuple[str, str]


def _percent(covered: int, known: int) -> float:
    return round(100.0 * covered / known, 1) if known else 0.0


@dataclass(frozen=True, slots=True)
class WorkflowCoverage:
    """The coverage of one workflow version."""

    key: str
    known: frozenset[Pair] = frozenset()
    exercised: frozenset[Pair] = frozenset()

    @property
    def covered(self) -> frozenset[Pair]:
        return self.known & self.exercised

    @property
    def missing(self) -> frozenset[Pair]:
        return self.known - self.exercised

    @property
    def percent(self) -> float:
        return _percent(len(self.covered), len(self.known))


@dataclass(frozen=True, slots=True)
class Coverage:
    """The coverage of a whole run, one entry per workflow key, sorted by key."""

    workflows: dict[str, WorkflowCoverage] = field(default_factory=dict)

    @property
    def known(self) -> int:
        return sum(len(w.known) for w in self.workflows.values())

    @property
    def exercised(self) -> int:
        return sum(len(w.covered) for w in self.workflows.values())

    @property
    def percent(self) -> float:
        return _percent(self.exercised, self.known)


def merge(samples: Iterable[CoverageSample]) -> Coverage:
    """Fold samples into one ``Coverage``: the union of known and of exercised pairs per key."""
    known: dict[str, set[Pair]] = {}
    exercised: dict[str, set[Pair]] = {}
    for sample in samples:
        for key, pairs in sample.known.items():
            known.setdefault(key, set()).update(pairs)
        for key, pairs in sample.exercised.items():
            exercised.setdefault(key, set()).update(pairs)
    keys = sorted(known.keys() | exercised.keys())
    return Coverage(
        {
            k: WorkflowCoverage(k, frozenset(known.get(k, ())), frozenset(exercised.get(k, ())))
            for k in keys
        }
    )


def _pairs(pairs: Iterable[Pair]) -> list[list[str]]:
    return [[step, response] for step, response in sorted(pairs)]


def to_json(cov: Coverage) -> dict[str, Any]:
    """The documented JSON shape (docs/reports.md), e.g. ``{"workflows": {...}, "total": {...}}``."""
    workflows = {
        key: {
            "known": _pairs(w.known),
            "exercised": _pairs(w.exercised),
            "missing": _pairs(w.missing),
            "percent": w.percent,
        }
        for key, w in cov.workflows.items()
    }
    total = {"known": cov.known, "exercised": cov.exercised, "percent": cov.percent}
    return {"workflows": workflows, "total": total}


def _pair_set(items: Iterable[Any]) -> frozenset[Pair]:
    return frozenset((str(step), str(response)) for step, response in items)


def from_json(data: dict[str, Any]) -> Coverage:
    """Read back what ``to_json`` produced (derived fields are recomputed, not trusted)."""
    workflows = {
        key: WorkflowCoverage(key, _pair_set(w.get("known", ())), _pair_set(w.get("exercised", ())))
        for key, w in sorted(data.get("workflows", {}).items())
    }
    return Coverage(workflows)


def write(cov: Coverage, path: str) -> None:
    """Write ``to_json(cov)`` to ``path`` (e.g. ``reports/coverage.json``), creating its folder."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(to_json(cov), handle, indent=2)
        handle.write("\n")


def render_terminal(cov: Coverage) -> list[str]:
    """Lines for pytest's terminal summary, e.g. ``cancellation@1  7/8  87.5%  missing: ...``."""
    if not cov.workflows:
        return ["Workflow coverage: no workflow was seen (no run state listed interactiveSteps)"]
    lines = [f"Workflow coverage: {cov.exercised}/{cov.known} step responses ({cov.percent}%)"]
    width = max(len(key) for key in cov.workflows)
    for key, w in cov.workflows.items():
        line = f"  {key:<{width}}  {len(w.covered)}/{len(w.known)}  {w.percent:5.1f}%"
        if w.missing:
            line += "  missing: " + ", ".join(f"{s}->{r}" for s, r in sorted(w.missing))
        lines.append(line)
    return lines


def sample_to_json(s: CoverageSample) -> str:
    """Serialise one sample (to ship it from an xdist worker in ``user_properties``)."""
    return json.dumps(
        {
            "known": {k: _pairs(v) for k, v in sorted(s.known.items())},
            "exercised": {k: _pairs(v) for k, v in sorted(s.exercised.items())},
        },
        separators=(",", ":"),
    )


def sample_from_json(text: str) -> CoverageSample:
    """Inverse of ``sample_to_json``."""
    data = json.loads(text)
    return CoverageSample(
        known={k: _pair_set(v) for k, v in data.get("known", {}).items()},
        exercised={k: _pair_set(v) for k, v in data.get("exercised", {}).items()},
    )


_HTML_STYLE = (
    "body{font:14px sans-serif;margin:8px}table{border-collapse:collapse;margin-bottom:16px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}"
    ".ok{color:#1a7f37}.no{color:#cf222e;font-weight:bold}"
)


def render_html(cov: Coverage) -> str:
    """A self-contained HTML page: the total, then one table of pairs per workflow."""
    parts = [
        f"<!doctype html><html><head><meta charset=utf-8><style>{_HTML_STYLE}</style></head><body>",
        f"<h2>Workflow coverage: {cov.percent}% ({cov.exercised}/{cov.known} step responses)</h2>",
    ]
    for key, w in cov.workflows.items():
        parts.append(
            f"<h3>{html.escape(key)}: {w.percent}% ({len(w.covered)}/{len(w.known)})</h3>"
            "<table><tr><th>step</th><th>response</th><th>exercised</th></tr>"
        )
        for step, response in sorted(w.known | w.exercised):
            done = (step, response) in w.exercised
            mark = "<td class=ok>yes</td>" if done else "<td class=no>never</td>"
            parts.append(f"<tr><td>{html.escape(step)}</td><td>{html.escape(response)}</td>{mark}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
