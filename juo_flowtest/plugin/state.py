"""What the plugin keeps for one pytest process, in ``config.stash[STATE]`` (never a global).

The process's ``FlowSession`` (target, sandbox, client), where reports go, whether Allure is
on, the flow tags registered as markers, and the outputs that could not be written. ``run`` wires the Allure listener around the
runner when Allure is on; the runner itself knows nothing of Allure or pytest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from juo_flowtest.base.errors import WorkflowDefinitionError
from juo_flowtest.flowfile.model import Case, Flow
from juo_flowtest.plugin.outputs import TermAsInterrupt
from juo_flowtest.report.faults import OutputFaults
from juo_flowtest.report.layout import ReportsLayout
from juo_flowtest.run.result import FlowResult
from juo_flowtest.run.session import FlowSession


@dataclass
class PluginState:
    session: FlowSession
    layout: ReportsLayout
    alluredir: str | None
    is_worker: bool
    tags: set[str] = field(default_factory=set)
    #: What the flows of this process share in the report (``allure.RunCommons``), once made.
    report_commons: Any = None
    #: The sandbox's workflow definitions are invalid: no flow runs, the error is reported once.
    workflow_error: WorkflowDefinitionError | None = None
    #: Outputs that could not be written (this process's; the controller merges the workers').
    faults: OutputFaults = field(default_factory=OutputFaults)
    term: TermAsInterrupt = field(default_factory=TermAsInterrupt)
    #: ``coverage.sample_key`` of each coverage sample this process has put on a report: a
    #: sample seen before adds nothing to the merged coverage, so it is not sent again.
    sent_samples: set[Any] = field(default_factory=set)

    def register_tag(self, config: pytest.Config, tag: str) -> None:
        """Register a flow tag as a marker once, so ``--strict-markers`` accepts it."""
        if tag not in self.tags:
            self.tags.add(tag)
            config.addinivalue_line("markers", f"{tag}: flow tag")

    def reporting_marks(self, flow: Flow, case: Case | None) -> list[Any]:
        """Allure's label marks for the item (none without allure-pytest)."""
        if not self.alluredir:
            return []
        from juo_flowtest.report import allure

        return allure.collection_marks(flow, case)

    def run(self, flow: Flow, case: Case | None) -> FlowResult:
        """Run one flow (case), reporting live to Allure when it is on."""
        if not self.alluredir:
            return self.session.run(flow, case)
        from juo_flowtest.report import allure

        secrets = self.session.secrets
        allure.begin_test(flow, case)
        listener = allure.AllureListener(secrets=secrets)
        try:
            outcome = self.session.run(flow, case, listener)
        finally:
            listener.close()  # steps a crashed run left open
        seen = outcome.coverage.known.keys() | outcome.coverage.exercised.keys()
        allure.label_run((b.label for b in self.session.last_drafts), sorted(seen))
        if self.report_commons is None:
            self.report_commons = allure.RunCommons(self.alluredir,
                                                    self.session.workflow_names())
        allure.end_test(outcome, listener, secrets=secrets, commons=self.report_commons)
        return outcome


STATE = pytest.StashKey[PluginState]()
