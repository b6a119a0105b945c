"""A ``DefinitionsDiff`` for people: terminal text, and Markdown for a CI job summary."""

from __future__ import annotations

from juo_flowtest.workflows.compare import DefinitionsDiff, StepChange, WorkflowChange

_MARK = {"changed": "~", "target_only": "+", "local_only": "-", "equal": "="}


def totals(diff: DefinitionsDiff) -> str:
    """``1 changed, 1 only on the target, 0 only here, 4 equal``."""
    return (f"{diff.count('changed')} changed, {diff.count('target_only')} only on the target, "
            f"{diff.count('local_only')} only here, {diff.count('equal')} equal")


def text(diff: DefinitionsDiff) -> str:
    """The diff for a terminal."""
    lines = [f"Workflow definitions in {diff.here} compared with {diff.target}", ""]
    for w in diff.workflows:
        if w.kind == "equal":
            continue
        lines.append(f"{_MARK[w.kind]} {_title(w)}")
        lines += [f"    {line}" for line in _body(w)]
    if not diff.differs:
        lines.append("No differences.")
    lines += ["", totals(diff)]
    return "\n".join(lines) + "\n"


def markdown(diff: DefinitionsDiff) -> str:
    """The diff as Markdown (``$GITHUB_STEP_SUMMARY``, a merge request note)."""
    changed = sum(w.kind != "equal" for w in diff.workflows)
    head = ("## ✅ Workflow definitions match the target" if not diff.differs else
            f"## ❌ Workflow definitions: {changed} differ from the target")
    lines = [head, "", f"`{diff.here}` compared with `{diff.target}`: {totals(diff)}."]
    for w in diff.workflows:
        if w.kind == "equal":
            continue
        lines += ["", f"### {_MARK[w.kind]} {_md(w.name or w.id)}", "",
                  f"`{w.id}`" + (f" · `{w.file}`" if w.file else "")
                  + (f" · {w.status}" if w.status else "")
                  + (f" · `{w.trigger_type}`" if w.trigger_type else ""), ""]
        lines += [f"- {_md(line)}" for line in w.fields]
        lines += [f"- {_md_step(s)}" for s in w.steps]
        lines += [f"- {_md(line)}" for line in _body(w)[len(w.fields) + len(w.steps):]]
    equal = [w for w in diff.workflows if w.kind == "equal"]
    if equal:
        lines += ["", "Equal: " + ", ".join(_md(w.name or w.id) for w in equal) + "."]
    return "\n".join(lines) + "\n"


def _title(w: WorkflowChange) -> str:
    where = {"changed": f"{w.file}", "target_only": "on the target only",
             "local_only": f"only here, in {w.file}"}.get(w.kind, "")
    status = f", {w.status}" if w.status and w.kind != "changed" else ""
    return f"{w.name or '(no name)'} ({w.id}): {where}{status}"


def _body(w: WorkflowChange) -> list[str]:
    lines = list(w.fields)
    lines += [_step(s) for s in w.steps]
    if w.kind == "target_only":
        lines.append(f"not in this folder ({w.trigger_type}): juo-flowtest workflows pull "
                     "writes it")
    if w.kind == "local_only":
        lines.append("not on the target (deleted there, or never pushed)")
    return lines


def _step(s: StepChange) -> str:
    action = f" ({s.action_type})" if s.action_type else ""
    if s.kind == "added":
        return f"+ step '{s.step_id}'{action}: on the target only"
    if s.kind == "removed":
        return f"- step '{s.step_id}'{action}: only here"
    return f"~ step '{s.step_id}' [{', '.join(s.aspects)}]: " + "; ".join(s.details)


def _md_step(s: StepChange) -> str:
    action = f" (`{s.action_type}`)" if s.action_type else ""
    if s.kind == "added":
        return f"**added** on the target: step `{s.step_id}`{action}"
    if s.kind == "removed":
        return f"**removed** on the target: step `{s.step_id}`{action}"
    return (f"**changed**: step `{s.step_id}` ({', '.join(s.aspects)}): "
            + "; ".join(_md(d) for d in s.details))


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*").replace(
        "_", "\\_").replace("->", "→")
