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
from juo_flowtest.run.result import FlowResult, NullListener, RunListener
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

    @property
    def secrets(self) -> SecretValues:
        """The values every output must hide, as known now (each in its encoded forms)."""
        return self.secret_set.values

    def run(self, flow: Flow, case: Case | None, listener: RunListener | None = None
            ) -> FlowResult:
        """Run one flow (case) against the target; ``listener`` follows it live."""
        from juo_flowtest.run import runner

        client = self._juo_client()
        outcome = runner.run_flow(flow, case, client, listener or NullListener())
        return replace(outcome, message=client.scrub(outcome.message))

    def _juo_client(self) -> JuoClient:
        if self._client is None:
            base_url = self.target.base_url or self._start_sandbox()
            self._http = make_http_client(self.target.timeout)
            scheme, token = self.target.auth, self.target.token
            auth = Auth(scheme, token) if scheme and token else None
            self._client = JuoClient(self._http, base_url, self.target.tenant, auth,
                                     timeout=self.target.timeout,
                                     max_body_bytes=self.target.max_body_bytes,
                                     secrets=self.secret_set)
        return self._client

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
        if not self.target.is_sandbox or self.check_workflows() is not None:
            return {}
        return {w.id: w.name for w in self._workflows or () if w.name}

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        if self._sandbox is not None:
            self._sandbox.stop()
