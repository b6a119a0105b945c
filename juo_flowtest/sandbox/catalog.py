"""The loaded workflows and how a start request picks one (Part A + Part B choices)."""

from __future__ import annotations

from collections.abc import Iterable

from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.definitions import Workflow


class Catalog:
    """Immutable index of loaded workflow versions."""

    def __init__(self, workflows: Iterable[Workflow]) -> None:
        self.workflows: tuple[Workflow, ...] = tuple(
            sorted(workflows, key=lambda w: (w.id, w.version))
        )
        self._published = {w.trigger_type: w for w in self.workflows if w.status == "published"}
        self._by_id: dict[str, Workflow] = {}
        for w in self.workflows:  # highest version last, so it wins ...
            self._by_id[w.id] = w
        if assumptions.PREFER_PUBLISHED_VERSION:  # ... unless a published one exists
            for w in self.workflows:
                if w.status == "published":
                    self._by_id[w.id] = w

    def find(self, flow_type: str, workflow_id: str | None) -> Workflow | None:
        """By ``workflowId`` (any status) when given, else the published one of ``flowType``."""
        if workflow_id is not None:
            return self._by_id.get(workflow_id)
        return self._published.get(flow_type)
