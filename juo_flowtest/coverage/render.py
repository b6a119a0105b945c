"""Coverage for people: the terminal summary lines and a self-contained HTML page."""

from __future__ import annotations

import html

from juo_flowtest.coverage.model import Coverage


def render_terminal(cov: Coverage) -> list[str]:
    """Lines for pytest's terminal summary, e.g. ``cancellation@1  7/8  87.5%  missing: ...``."""
    if not cov.workflows:
        return ["Workflow coverage: no workflow was seen (no run state listed interactiveSteps)"]
    lines = [f"Workflow coverage: {cov.exercised}/{cov.known} step responses ({cov.percent}%)"]
    width = max(len(cov.label(key)) for key in cov.workflows)
    for key, w in cov.workflows.items():
        line = f"  {cov.label(key):<{width}}  {len(w.covered)}/{len(w.known)}  {w.percent:5.1f}%"
        if w.missing:
            line += "  missing: " + ", ".join(f"{s}->{r}" for s, r in sorted(w.missing))
        lines.append(line)
    return lines


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
            f"<h3>{html.escape(cov.label(key))}: {w.percent}% "
            f"({len(w.covered)}/{len(w.known)})</h3>"
            "<table><tr><th>step</th><th>response</th><th>exercised</th></tr>"
        )
        for step, response in sorted(w.known | w.exercised):
            done = (step, response) in w.exercised
            mark = "<td class=ok>yes</td>" if done else "<td class=no>never</td>"
            parts.append(f"<tr><td>{html.escape(step)}</td><td>{html.escape(response)}</td>{mark}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
