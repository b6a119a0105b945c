"""One process's resources for running flows, free of pytest and Allure.

``FlowSession`` owns what a process (the pytest process, or one xdist worker) needs to run
flows: the resolved target, the embedded sandbox (started lazily, on the first flow, so a run
of plain unit tests never starts one) and one ``httpx.Client`` reused for every call.
Reporting is the caller's: ``run`` takes the listener that follows the run.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from juo_flowtest.base.errors import SandboxError, WorkflowDefinitionError
from juo_flowtest.base.secrets import SecretSet, SecretValues
from juo_flowtest.flowfile.model import Case, Flow
from juo_flowtest.paths.index import WorkflowIndex
from juo_flowtest.run.drafts import Draft, DraftBinding, DraftStarts
from juo_flowtest.run.result import FlowResult, NullListener, RunListener
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.target import settings
from juo_flowtest.target.client import Auth, JuoClient, make_http_client


class FlowSession:
    """The target, the sandbox and the client of one process."""

    def __init__(self, target: settings.Target) -> None:
        self.target = target
        self._workflows: list[Any] | None = None  # the sandbox's definitions, once loaded
        self._sandbox: Any = None
        self._http: httpx.Client | None = None
        self._client: JuoClient | None = None
        self._start_error: SandboxError | WorkflowDefinitionError | None = None
        #: The token from the start, then every value the run sends in a sensitive header.
        self.secret_set = SecretSet([target.token])
        self._index: WorkflowIndex | None = None
        #: ``--juo-draft``: the drafts to push into the embedded sandbox, or the drafts
        #: already on a remote target (pushed once, by the controlling process).
        self.drafts: list[Draft] = []
        self.bindings: list[DraftBinding] = []
        #: The drafts the last flow started (labels for its result).
        self.last_drafts: tuple[DraftBinding, ...] = ()

    @property
    def secrets(self) -> SecretValues:
        """The values every output must hide, as known now (each in its encoded forms)."""
        return self.secret_set.values

    def run(self, flow: Flow, case: Case | None, listener: RunListener | None = None
            ) -> FlowResult:
        """Run one flow (case) against the target; ``listener`` follows it live."""
        from juo_flowtest.run import runner

        client = self._juo_client()
        outcome = runner.run_flow(flow, case, client, listener or NullListener(),
                                  workflows=self.workflows(),
                                  controls=self.target.has_sandbox_controls)
        self.last_drafts = client.take_used() if isinstance(client, DraftStarts) else ()
        return replace(outcome, message=client.scrub(outcome.message))

    def workflows(self) -> WorkflowIndex | None:
        """The target's workflow definitions (for transition coverage), loaded once.

        On the sandbox: ``--juo-workflows`` if given, else the sandbox's own workflows.
        Elsewhere: ``--juo-workflows``, or None. A bad directory raises
        ``WorkflowDefinitionError`` (the flow is then broken with its diagnostics).
        """
        if self._index is None:
            from juo_flowtest.sandbox.loading import load_directories, load_directory

            if self.target.workflows is not None:
                self._index = WorkflowIndex(load_directory(Path(self.target.workflows)))
            elif self.target.name == settings.SANDBOX:
                loaded = self._workflows  # the embedded sandbox's own, when it has started
                if loaded is None:
                    loaded = load_directories(self.workflow_dirs())
                self._index = WorkflowIndex(loaded)
            else:
                return None
        return self._index

    def definitions(self) -> dict[str, Workflow]:
        """The workflow definitions at hand by ``<id>@<version>`` (none when they cannot be
        read: the flows already said why), for drawing the workflows."""
        try:
            index = self.workflows()
        except WorkflowDefinitionError:
            return {}
        return index.workflows if index is not None else {}

    def _juo_client(self) -> JuoClient:
        if self._client is None:
            base_url = self.target.base_url or self._start_sandbox()
            self._http = make_http_client(self.target.timeout)
            scheme, token = self.target.auth, self.target.token
            auth = Auth(scheme, token) if scheme and token else None
            kind = DraftStarts if self.drafts or self.bindings else JuoClient
            client = kind(self._http, base_url, self.target.tenant, auth,
                          timeout=self.target.timeout, max_body_bytes=self.target.max_body_bytes,
                          secrets=self.secret_set)
            if isinstance(client, DraftStarts):
                client.bind(self.bindings or self._push_into_sandbox(base_url),
                            dry_run=self.target.protected)
            self._client = client
        return self._client

    def _push_into_sandbox(self, base_url: str) -> list[DraftBinding]:
        """This process's embedded sandbox gets the drafts (each xdist worker has its own)."""
        from juo_flowtest.base.errors import AdminApiError
        from juo_flowtest.run.drafts import push
        from juo_flowtest.target.admin import AdminClient
        from juo_flowtest.target.adminaccess import SANDBOX_ADMIN_KEY, AdminAccess, admin_url_for

        access = AdminAccess(admin_url_for(base_url), self.target.tenant, SANDBOX_ADMIN_KEY,
                             timeout=self.target.timeout)
        assert self._http is not None
        try:
            self.bindings = [push(AdminClient(self._http, access), d) for d in self.drafts]
        except AdminApiError as exc:
            raise SandboxError(f"the drafts could not be created in the sandbox: {exc}") from None
        return self.bindings

    def workflow_dirs(self) -> list[Path]:
        """The sandbox's definition folders: the given ones, the examples when none are given
        or when the examples are asked for as well."""
        from juo_flowtest.sandbox.loading import EXAMPLES_DIR

        given = [Path(d) for d in self.target.sandbox_workflows]
        return [EXAMPLES_DIR, *given] if self.target.sandbox_examples or not given else given

    def check_workflows(self) -> WorkflowDefinitionError | None:
        """Load the sandbox's definitions now (once); the error listing every problem, if any.

        A bad definition is the user's input to fix, not a broken flow: the plugin reports it
        once as invalid input and runs no flow.
        """
        if not self.target.is_sandbox or self._workflows is not None:
            return None
        from juo_flowtest.sandbox.loading import load_directories

        try:
            self._workflows = load_directories(self.workflow_dirs())
        except WorkflowDefinitionError as exc:
            return exc
        return None

    def _start_sandbox(self) -> str:
        if self._start_error is not None:
            raise self._start_error
        from juo_flowtest.sandbox import Sandbox  # only a sandbox run pays for the import

        try:
            problem = self.check_workflows()
            if problem is not None:
                raise problem
            self._sandbox = Sandbox(workflows=self._workflows)
            return str(self._sandbox.start())
        except (SandboxError, WorkflowDefinitionError) as exc:
            self._start_error = exc
            raise

    def environment(self) -> dict[str, str]:
        """What the report shows of the target: name, URL, tenant, sandbox workflows."""
        env = self.target.describe()
        if self.target.is_sandbox:
            from juo_flowtest.sandbox import Sandbox

            sandbox = self._sandbox or Sandbox(self.workflow_dirs(), workflows=self._workflows)
            try:
                for wf in sandbox.workflows:  # named for people, the uuid in the value
                    env[f"wf.{wf['name'] or wf['id']}"] = (
                        f"v{wf['version']} {wf['status']} ({wf['triggerType']}) {wf['id']}")
            except (SandboxError, WorkflowDefinitionError) as exc:
                env["workflows"] = f"not loaded: {str(exc).splitlines()[0]}"
        return env

    def workflow_names(self) -> dict[str, str]:
        """Workflow id -> name, for what people read (coverage, the report's environment)."""
        names = {b.workflow_id: b.name for b in self.bindings}
        if not self.target.is_sandbox or self.check_workflows() is not None:
            return names
        return {**{w.id: w.name for w in self._workflows or () if w.name}, **names}

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        if self._sandbox is not None:
            self._sandbox.stop()
