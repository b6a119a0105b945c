"""Which units of a workflow can happen: the step graph's verdict (``paths.units``)."""

from __future__ import annotations

from juo_flowtest.paths.units import Units, structure
from juo_flowtest.sandbox.definitions import Workflow


def analyse(workflow: Workflow) -> Units:
    """Every unit of ``workflow`` and those that can never happen, with why."""
    return structure(workflow)
