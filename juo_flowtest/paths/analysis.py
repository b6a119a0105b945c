"""Which units of a workflow can happen: the step graph's verdict (``paths.units``) refined by
the paths that really reach them (``paths.plan``), so coverage counts only what a suite can
reach and says why the rest cannot happen."""

from __future__ import annotations

from dataclasses import replace

from juo_flowtest.paths.plan import plan
from juo_flowtest.paths.units import Units, structure
from juo_flowtest.sandbox.definitions import Workflow


def analyse(workflow: Workflow) -> Units:
    """Every unit of ``workflow`` and those that can never happen, with why."""
    return replace(structure(workflow), never=dict(plan(workflow).never))
