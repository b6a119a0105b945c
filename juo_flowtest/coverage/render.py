"""Coverage for people: the terminal summary lines and a self-contained HTML page (each
workflow drawn with what the run covered, then the tables)."""

from __future__ import annotations

import html
from collections.abc import Mapping

from juo_flowtest.coverage import diagram, traffic
from juo_flowtest.coverage.model import Coverage
from juo_flowtest.sandbox.definitions import Workflow


def render_terminal(cov: Coverage) -> list[str]:
    """Lines for pytest's terminal summary, e.g. ``cancellation@1  7/8  87.5%  missing: ...``."""
    if not cov.workflows:
        return ["Workflow coverage: no workflow was seen (no run state listed interactiveSteps)",
                *traffic.summary(cov.traffic, cov.names)]
    lines = [f"Workflow coverage: {cov.exercised}/{cov.known} step responses ({cov.percent}%)"]
    width = max(len(cov.label(key)) for key in cov.workflows)
    for key, w in cov.workflows.items():
        line = f"  {cov.label(key):<{width}}  {len(w.covered)}/{len(w.known)}  {w.percent:5.1f}%"
        if w.missing:
            line += "  missing: " + ", ".join(f"{s}->{r}" for s, r in sorted(w.missing))
        lines.append(line)
    tk, te, tp = cov.transitions
    ek, ee, ep = cov.ends
    if tk or ek:
        lines.append(f"Transition coverage: {te}/{tk} transitions ({tp}%), "
                     f"{ee}/{ek} end steps ({ep}%)")
        for key, w in cov.workflows.items():
            t, e = w.transitions, w.ends
            line = (f"  {cov.label(key):<{width}}  {len(t.covered)}/{len(t.known)} "
                    f"{t.percent:5.1f}%"
                    f"  ends {len(e.covered)}/{len(e.known)} {e.percent:5.1f}%")
            missing = [unit_label(u) for u in sorted(t.missing)]
            missing += [end_label(u) for u in sorted(e.missing)]
            if missing:
                line += "  missing: " + ", ".join(missing)
            lines.append(line)
    lines += traffic.summary(cov.traffic, cov.names)
    for key, w in cov.workflows.items():
        lines.extend(f"  note ({cov.label(key)}): {note}" for note in sorted(w.notes))
    return lines


def unit_label(unit: tuple[str, ...]) -> str:
    """``reason_poll/reason_price``, ``price_experiment/price_experiment_20[discount_20]``."""
    text = f"{unit[0]}/{unit[1]}"
    return f"{text}[{unit[2]}]" if len(unit) > 2 and unit[2] else text


def end_label(unit: tuple[str, ...]) -> str:
    """``saved (final)``, ``remove_item (failed)``."""
    return f"{unit[0]} ({unit[1]})"


_HTML_STYLE = (
    "body{font:14px sans-serif;margin:8px}table{border-collapse:collapse;margin-bottom:16px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}"
    ".ok{color:#1a7f37}.no{color:#cf222e;font-weight:bold}.never{color:#8c959f}"
    ".diagram{overflow:auto;border:1px solid #ddd;margin:8px 0 24px;padding:4px}"
    ".diagram svg{max-width:100%;height:auto}"
)


def render_html(cov: Coverage, workflows: Mapping[str, Workflow] | None = None) -> str:
    """A self-contained HTML page: the totals, each workflow drawn (when its definition is in
    ``workflows``, by key), then the tables of pairs, transitions and end steps."""
    tk, te, tp = cov.transitions
    ek, ee, ep = cov.ends
    # The headline is transitions and end steps; step responses cannot see branches.
    parts = [
        ("<!doctype html><html><head><meta charset=utf-8><title>Workflow coverage</title>"
         f"<style>{_HTML_STYLE}</style></head><body>"),
        (f"<h2>Workflow coverage: transitions {tp}% ({te}/{tk}), end steps {ep}% ({ee}/{ek})"
         "</h2>") if tk or ek else "",
        f"<p>Step responses: {cov.percent}% ({cov.exercised}/{cov.known})</p>",
    ]
    if workflows is not None:
        parts.append(diagram.LEGEND)
        parts += [diagram.section(workflows.get(key), w, cov.label(key))
                  for key, w in cov.workflows.items()]
    parts.append(f"<h2>Transitions: {tp}% ({te}/{tk}); end steps: {ep}% ({ee}/{ek})</h2>")
    for key, w in cov.workflows.items():
        parts.append(f"<h3>{html.escape(cov.label(key))}: transitions {w.transitions.percent}%, "
                     f"end steps {w.ends.percent}%</h3>")
        parts.append("<table><tr><th>transition or end</th><th>exercised</th></tr>")
        rows = [(unit_label(u), u in w.transitions.exercised) for u in
                sorted(w.transitions.known | w.transitions.exercised)]
        rows += [(end_label(u), u in w.ends.exercised) for u in
                 sorted(w.ends.known | w.ends.exercised)]
        for label, done in rows:
            mark = "<td class=ok>yes</td>" if done else "<td class=no>missing</td>"
            parts.append(f"<tr><td>{html.escape(label)}</td>{mark}</tr>")
        for unit, why in sorted(w.transitions.never | w.ends.never):
            label = unit_label(unit) if len(unit) == 3 else end_label(unit)
            parts.append(f"<tr><td>{html.escape(label)}</td><td>cannot happen: "
                         f"{html.escape(why)}</td></tr>")
        parts.append("</table>")
    for key, w in cov.workflows.items():
        parts.append(
            f"<h3>{html.escape(cov.label(key))}: {w.percent}% "
            f"({len(w.covered)}/{len(w.known)})</h3>"
            "<table><tr><th>step</th><th>response</th><th>exercised</th></tr>"
        )
        for step, response in sorted(w.known | w.exercised):
            done = (step, response) in w.exercised
            mark = "<td class=ok>yes</td>" if done else "<td class=no>missing</td>"
            parts.append(f"<tr><td>{html.escape(step)}</td><td>{html.escape(response)}</td>{mark}</tr>")
        parts.append("</table>")
    parts += _traffic_html(cov)
    parts.append("</body></html>")
    return "".join(parts)


def _traffic_html(cov: Coverage) -> list[str]:
    """The traffic-weighted figure: each workflow's share, and the busiest steps missed."""
    t = cov.traffic
    if t.percent is None:
        return []
    parts = [(f"<h2>Production traffic: {t.percent}% of step executions exercised "
             f"({t.exercised:,} of {t.executions:,})</h2><table><tr><th>workflow</th>"
             "<th>exercised</th><th>busiest steps missed</th></tr>")]
    for wid, w in t.workflows.items():
        name = html.escape(f"{cov.names[wid]} ({wid})" if wid in cov.names else wid)
        missed = html.escape(", ".join(f"{s} ({n:,})" for s, n in w.missed()))
        parts.append(f"<tr><td>{name}</td><td>{w.percent}%</td><td>{missed}</td></tr>")
    parts.append("</table>")
    return parts
