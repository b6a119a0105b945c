"""``--juo-draft FILE``: push the drafts, give each process its drafts, pick the flows.

On a remote target the controlling process pushes every draft once through the Admin API and
hands the resulting drafts (id, version) to xdist workers; on the embedded sandbox each
process pushes into its own sandbox (``FlowSession``). Flows whose opening ``start`` names
another trigger type are deselected: a draft run is the release gate of that workflow change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from juo_flowtest.base.errors import AdminApiError, ConfigError, WorkflowDefinitionError
from juo_flowtest.flowfile.kinds.start import StartAction
from juo_flowtest.plugin import options
from juo_flowtest.plugin.state import PluginState
from juo_flowtest.run import drafts
from juo_flowtest.run.drafts import DraftBinding

WORKER_KEY = "juo_drafts"


def configure(config: pytest.Config, state: PluginState) -> None:
    """Prepare ``--juo-draft`` for this process (nothing without it)."""
    files = options.draft_files(config)
    if not files:
        return
    session = state.session
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None and WORKER_KEY in workerinput:
        session.bindings = [DraftBinding.from_data(d) for d in workerinput[WORKER_KEY]]
        return
    try:
        found = drafts.read_drafts(files)
    except WorkflowDefinitionError as exc:
        state.workflow_error = exc  # reported once as invalid input; no flow runs
        return
    except ConfigError as exc:
        raise pytest.UsageError(f"juo-flowtest: {exc}") from None
    if session.target.is_sandbox:
        session.drafts = found  # each process's own sandbox gets them
        return
    if workerinput is None:
        session.bindings = _push(config, session.target, found)
        config.pluginmanager.register(_Handover(session.bindings), "juo_flowtest_drafts")


def _push(config: pytest.Config, target: Any, found: list[drafts.Draft]) -> list[DraftBinding]:
    from juo_flowtest.target.admin import AdminClient
    from juo_flowtest.target.adminaccess import resolve_admin
    from juo_flowtest.target.client import make_http_client

    try:
        drafts.check_for_juo(found)
        access = resolve_admin(target, config.getoption("juo_admin_url"), os.environ,
                               Path(config.rootpath) / "pyproject.toml")
        with make_http_client(access.timeout) as http:
            admin = AdminClient(http, access)
            return [drafts.push(admin, draft) for draft in found]
    except ConfigError as exc:
        raise pytest.UsageError(f"juo-flowtest: {exc}") from None
    except AdminApiError as exc:
        if exc.kind == "refused":
            raise pytest.UsageError(f"juo-flowtest: the drafts were not created: {exc}") from None
        pytest.exit(f"juo-flowtest: the drafts could not be created: {exc}",
                    returncode=pytest.ExitCode.INTERRUPTED)


class _Handover:
    """Gives xdist workers the drafts the controller pushed."""

    def __init__(self, bindings: list[DraftBinding]) -> None:
        self.bindings = bindings

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[WORKER_KEY] = [b.to_data() for b in self.bindings]


def trigger_types(state: PluginState) -> set[str]:
    """The trigger types the run's drafts stand for (empty without ``--juo-draft``)."""
    session = state.session
    return {d.trigger_type for d in session.drafts} | {b.trigger_type for b in session.bindings}


def deselect(config: pytest.Config, state: PluginState, items: list[pytest.Item]) -> None:
    """Leave out the flows whose opening start names no drafted trigger type."""
    wanted = trigger_types(state)
    if not wanted:
        return
    kept, dropped = [], []
    for item in items:
        flow = getattr(item, "flow", None)
        opening = flow.steps[0].action if flow is not None and flow.steps else None
        flow_type = opening.body.get("flowType") if isinstance(opening, StartAction) else None
        if isinstance(flow_type, str) and flow_type not in wanted:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
