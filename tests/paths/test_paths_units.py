"""The units a workflow has to cover, and those its step graph rules out."""

from __future__ import annotations

from pathlib import Path

from juo_flowtest.paths.units import structure
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.loading import load_directory, load_files

EXAMPLES = {w.name: w for w in load_directory(EXAMPLES_DIR)}


def test_an_experiment_step_counts_each_variants_route() -> None:
    units = structure(EXAMPLES["Cancellation flow"])
    known = units.known_transitions
    assert ("price_experiment", "price_experiment_20", "discount_20") in known
    assert ("price_experiment", "price_experiment_15", "discount_15") in known
    assert "always takes 'price_experiment_20'" in units.never[
        ("price_experiment", "price_experiment_15", "discount_20")]
    assert ("reason_poll", "reason_price", "") in known
    assert units.known_ends == {("saved", "final"), ("cancelled", "final")}
    assert len(known) == 27


def test_a_failing_execution_ends_the_run_and_never_leaves() -> None:
    units = structure(EXAMPLES["Remove an item"])
    assert ("remove_item", "failed") in units.known_ends
    assert "fails" in units.never[("remove_item", "remove_item_done", "")]
    assert ("removal_confirm", "removal_timeout", "") in units.known_transitions


def test_a_target_less_timeout_abandons_and_unreachable_steps_are_ruled_out(
        tmp_path: Path) -> None:
    (tmp_path / "w.workflow.yaml").write_text("""
id: w
name: W
version: 1
status: published
triggerType: t
trigger: {id: t, type: t, category: customer_initiated}
steps:
  - id: ask
    name: Ask
    isInitial: true
    action: {id: a, type: offer_skip}
    transitions:
      - {id: yes, type: response, responseType: accept, targetStepId: done}
      - {id: yes_again, type: response, responseType: accept, targetStepId: done}
      - {id: late, type: timeout, timeout: 1000}
  - id: orphan
    name: Orphan
    action: {id: o, type: skip_order}
    transitions: [{id: o_done, type: auto, targetStepId: done}]
  - {id: done, name: Done, isFinal: true}
""")
    units = structure(load_files([tmp_path / "w.workflow.yaml"])[0])
    assert ("ask", "abandoned") in units.known_ends
    assert ("ask", "no_transition") in units.known_ends  # 'decline' has no transition
    assert "shadowed by 'yes'" in units.never[("ask", "yes_again", "")]
    assert "cannot be reached" in units.never[("orphan", "o_done", "")]
