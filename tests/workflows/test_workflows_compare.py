"""How two definitions differ, step by step and aspect by aspect, and how that reads."""

from __future__ import annotations

import copy
from typing import Any

from juo_flowtest.workflows import diffrender
from juo_flowtest.workflows.compare import compare

COND = {"rootLogic": "and", "groups": [{"id": "g", "logic": "and", "items": []}]}
BASE: dict[str, Any] = {
    "id": "w1", "name": "Flow", "version": 1, "status": "published", "triggerType": "x",
    "trigger": {"id": "t", "type": "x", "category": "customer_initiated"},
    "steps": [
        {"id": "split", "name": "Split", "isInitial": True,
         "experimentConfig": {"variants": [{"id": "a", "trafficPercentage": 50},
                                           {"id": "b", "trafficPercentage": 50}]},
         "transitions": [{"id": "go", "type": "auto", "targetStepId": "end",
                          "conditions": COND}]},
        {"id": "end", "name": "End", "isFinal": True, "action": {"id": "e", "type": "end"}},
    ],
}


def test_equal_definitions_do_not_differ_whatever_the_key_order() -> None:
    theirs = dict(reversed(list(copy.deepcopy(BASE).items())))
    diff = compare({"w1": ("flow.workflow.yaml", BASE)}, {"w1": theirs}, "here", "there")
    assert not diff.differs and diff.count("equal") == 1
    assert "No differences." in diffrender.text(diff)
    assert diffrender.markdown(diff).startswith("## ✅ Workflow definitions match the target")


def test_each_aspect_is_named() -> None:
    theirs = copy.deepcopy(BASE)
    split, end = theirs["steps"]
    split["experimentConfig"]["variants"][0]["trafficPercentage"] = 70
    split["transitions"][0]["conditions"] = {**COND, "rootLogic": "or"}
    end["isFinal"] = False
    end["action"]["type"] = "show_content"
    theirs["trigger"]["conditions"] = COND
    theirs["status"] = "draft"
    diff = compare({"w1": ("flow.workflow.yaml", BASE)}, {"w1": theirs}, "here", "there")
    (change,) = diff.workflows
    assert change.kind == "changed"
    assert change.fields == ("status 'published' -> 'draft'", "trigger conditions changed")
    aspects = {s.step_id: s.aspects for s in change.steps}
    assert aspects == {"split": ("experiment", "conditions"), "end": ("final", "action type")}
    text = diffrender.text(diff)
    assert "~ step 'split' [experiment, conditions]: experiment variants changed; " \
           "conditions of transition 'go' changed" in text


def test_workflows_on_one_side_only() -> None:
    diff = compare({"w1": ("flow.workflow.yaml", BASE)}, {"w2": {**BASE, "id": "w2",
                                                                  "name": "Other"}},
                   "here", "there")
    assert [(w.name, w.kind) for w in diff.workflows] == [("Flow", "local_only"),
                                                          ("Other", "target_only")]
    assert diffrender.totals(diff) == "0 changed, 1 only on the target, 1 only here, 0 equal"
    text = diffrender.text(diff)
    assert "    not on the target (deleted there, or never pushed)" in text
    assert "    not in this folder (x): juo-flowtest workflows pull writes it" in text
