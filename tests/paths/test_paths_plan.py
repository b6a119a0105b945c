"""Refused starts: every item of the trigger's conditions that can fail fails in one flow."""

from __future__ import annotations

from pathlib import Path

from juo_flowtest.paths.plan import refusals
from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.loading import load_directory

TWO_WAYS = """
id: two_ways
name: Two ways in
version: 1
status: published
triggerType: two_ways
trigger:
  id: t
  type: two_ways
  category: customer_initiated
  conditions:
    rootLogic: or
    groups:
      - id: loyal
        logic: and
        items:
          - {id: a, left: {resolver: context, params: {path: orders}}, operator: greater_than, right: {resolver: value, params: {value: 3}}}
          - {id: b, left: {resolver: context, params: {path: status}}, operator: equals, right: {resolver: value, params: {value: active}}}
      - id: vip
        logic: and
        items:
          - {id: c, left: {resolver: context, params: {path: tags}}, operator: contains, right: {resolver: value, params: {value: vip}}}
          - {id: d, left: {resolver: context, params: {path: country}}, operator: is_one_of, right: {resolver: value, params: {value: [US, CA]}}}
steps:
  - {id: s, name: S, isInitial: true, isFinal: true}
"""


def test_each_item_fails_once_without_every_combination(tmp_path: Path) -> None:
    # Both groups must fail: 2 x 2 combinations, but three already fail each item once.
    (tmp_path / "two.workflow.yaml").write_text(TWO_WAYS)
    (workflow,) = load_directory(tmp_path)
    found = refusals(workflow)
    assert len(found) == 3
    failed = {lit.var[1] for r in found for lit in r.literals}
    assert failed == {"orders", "status", "tags", "country"}
    for refusal in found:
        try:
            engine.start(workflow, refusal.context, ("t", "c"), 0.0)
            raise AssertionError(f"started: {refusal.context}")
        except engine.RunError as exc:
            assert exc.code == "trigger_conditions_not_met"
