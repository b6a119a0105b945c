"""The path search on a workflow of many independent choices in a row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from juo_flowtest.paths.plan import plan
from juo_flowtest.sandbox.loading import load_directory


def _chain(routers: int) -> dict[str, Any]:
    """Routers one after another, each with three branches on its own context values, then
    one question: every combination of branches is a different set of conditions."""
    def item(path: str, op: str, value: Any) -> dict[str, Any]:
        return {"left": {"resolver": "context", "params": {"path": path}}, "operator": op,
                "right": {"resolver": "value", "params": {"value": value}}}

    steps: list[dict[str, Any]] = []
    for i in range(routers):
        after = f"r{i + 1}" if i + 1 < routers else "ask"
        steps.append({"id": f"r{i}", "name": f"Router {i}", "isInitial": i == 0, "transitions": [
            {"id": f"r{i}_hi", "type": "auto", "targetStepId": after, "conditions": {
                "rootLogic": "and", "groups": [
                    {"logic": "and", "items": [item(f"v{i}", "greater_than", 10)]}]}},
            {"id": f"r{i}_mid", "type": "auto", "targetStepId": after, "conditions": {
                "rootLogic": "or", "groups": [
                    {"logic": "and", "items": [item(f"v{i}", "greater_than", 5)]},
                    {"logic": "and", "items": [item(f"w{i}", "is_one_of", ["a", "b"])]}]}},
            {"id": f"r{i}_lo", "type": "auto", "targetStepId": after}]})
    steps.append({"id": "ask", "name": "Ask", "action": {"id": "ask_a", "type": "show_confirmation"},
                  "transitions": [
                      {"id": "ask_yes", "type": "response", "responseType": "confirm",
                       "targetStepId": "done"},
                      {"id": "ask_back", "type": "response", "responseType": "back",
                       "targetStepId": "done"}]})
    steps.append({"id": "done", "name": "Done", "isFinal": True})
    return {"id": "chain", "name": "Chain", "version": 1, "status": "published",
            "triggerType": "chain", "steps": steps,
            "trigger": {"id": "t", "type": "chain", "category": "customer_initiated"}}


def test_many_choices_in_a_row_are_all_covered(tmp_path: Path) -> None:
    # Twelve routers in a row enter the last step with 3**12 sets of conditions: the search
    # keeps a few per step, so it still gets to the end of the workflow (it once stopped
    # half-way and generated nothing).
    (tmp_path / "chain.workflow.yaml").write_text(yaml.safe_dump(_chain(12)))
    (workflow,) = load_directory(tmp_path)
    planned = plan(workflow)
    assert planned.never == {}
    covered = {u for _, trace in planned.paths for u in trace.transitions}
    assert {u[1] for u in covered} == {f"r{i}_{b}" for i in range(12)
                                       for b in ("hi", "mid", "lo")} | {"ask_yes", "ask_back"}
    assert all(trace.end == ("done", "final") for _, trace in planned.paths)
