"""One test session's resources and bookkeeping, free of pytest.

``FlowSession`` owns what a process needs to run flows: the resolved target, the embedded
sandbox (started lazily, on the first flow, so a run of plain unit tests never starts one),
one ``httpx.Client`` reused for every call, and the reporters. ``Tally`` counts verdicts and
gathers coverage in the process that reports (the controller under xdist).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from juo_flowtest.base.errors import SandboxError
from juo_flowtest.coverage import model as coverage
from juo_flowtest.flowfile.model import Case, Flow
from juo_flowtest.run.result import CoverageSample, FlowResult, NullListener
from juo_flowtest.target import settings

FLOW_SUFFIXES = (".flow.yaml", ".flow.yml")


def is_flow_file(name: str) -> bool:
    return name.endswith(FLOW_SUFFIXES)


@dataclass
class Tally:
    """Verdict counts and coverage samples, as the reporting process sees them."""

    passed: int = 0
    failed: int = 0
    broken: int = 0
    skipped: int = 0
    xfailed: int = 0
    invalid: int = 0
    flaky: int = 0  # passed, but only after pytest-rerunfailures retried it (also in passed)
    samples: list[CoverageSample] = field(default_factory=list)

    @property
    def flows(self) -> int:
        return self.passed + self.failed + self.broken + self.skipped + self.xfailed

    def record(
        self, when: str, outcome: str, props: Mapping[str, Any], xfail: bool, reruns: int = 0
    ) -> None:
        """Count one report phase of a flow item: a skip at setup, or the call's verdict.

        A failed attempt that pytest-rerunfailures will retry (outcome ``rerun``) is not a
        verdict; a flow that passes after reruns is counted as passed and as flaky.
        """
        if when == "setup" and outcome == "skipped":
            self.skipped += 1
        if when != "call" or outcome == "rerun":
            return
        if outcome == "passed" and reruns:
            self.flaky += 1
        if "juo_coverage" in props:
            self.samples.append(coverage.sample_from_json(props["juo_coverage"]))
        if outcome == "skipped":
            if xfail:
                self.xfailed += 1
            else:
                self.skipped += 1
        elif outcome == "passed":
            self.passed += 1
        elif props.get("juo_verdict") == "broken":
            self.broken += 1
        else:
            self.failed += 1

    def summary(self) -> str:
        parts = [f"{self.passed} passed", f"{self.failed} failed", f"{self.broken} broken",
                 f"{self.invalid} invalid file{'s' if self.invalid != 1 else ''}"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.xfailed:
            parts.append(f"{self.xfailed} xfailed")
        if self.flaky:
            parts.append(f"{self.flaky} flaky (passed on a rerun)")
        return "flows: " + ", ".join(parts)


class FlowSession:
    """The target, the sandbox, the client and the reporters of one process."""

    def __init__(
        self, target: settings.Target, reports_dir: Path, alluredir: str | None, is_worker: bool
    ) -> None:
        self.target = target
        self.reports_dir = reports_dir
        self.alluredir = alluredir
        self.is_worker = is_worker
        self._sandbox: Any = None
        self._http: httpx.Client | None = None
        self._client: Any = None
        self._start_error: SandboxError | None = None

    @classmethod
    def create(
        cls, options: Mapping[str, Any], rootdir: Path, environ: Mapping[str, str],
        alluredir: str | None, is_worker: bool,
    ) -> FlowSession:
        """Resolve the target from options (CLI > env > pyproject > default)."""
        workflows = options.get("juo_sandbox_workflows") or options.get("ini_sandbox_workflows")
        if workflows:
            workflows = str((rootdir / workflows).resolve())
        overrides = settings.Overrides(
            env_name=options.get("juo_env"),
            base_url=options.get("juo_base_url"),
            tenant=options.get("juo_tenant"),
            timeout=options.get("juo_timeout"),
            sandbox_workflows=workflows,
            allow_protected=bool(options.get("juo_allow_protected")),
        )
        target = settings.resolve(overrides, environ, rootdir / "pyproject.toml")
        reports = Path(options.get("juo_reports_dir") or options.get("ini_reports_dir")
                       or "reports")
        return cls(target, rootdir / reports, alluredir, is_worker)

    def run(self, flow: Flow, case: Case | None) -> FlowResult:
        """Run one flow (case) against the target, reporting live to Allure."""
        from juo_flowtest.report import allure as report
        from juo_flowtest.run import runner

        client = self._juo_client()
        secrets = [self.target.token] if self.target.token else []
        if not self.alluredir:
            outcome = runner.run_flow(flow, case, client, NullListener())
            return replace(outcome, message=client.scrub(outcome.message))
        report.begin_test(flow, case)
        listener = report.AllureListener(secrets=secrets)
        try:
            outcome = runner.run_flow(flow, case, client, listener)
        finally:
            listener.close()  # steps a crashed run left open
        report.end_test(outcome, secrets=secrets)
        return replace(outcome, message=client.scrub(outcome.message))

    def _juo_client(self) -> Any:
        from juo_flowtest.target.client import Auth, JuoClient, make_http_client

        if self._client is None:
            base_url = self.target.base_url or self._start_sandbox()
            self._http = make_http_client(self.target.timeout)
            scheme, token = self.target.auth, self.target.token
            auth = Auth(scheme, token) if scheme and token else None
            self._client = JuoClient(self._http, base_url, self.target.tenant, auth)
        return self._client

    def _start_sandbox(self) -> str:
        if self._start_error is not None:
            raise self._start_error
        from juo_flowtest.sandbox import Sandbox  # only a sandbox run pays for the import

        try:
            self._sandbox = Sandbox(workflows_dir=self.target.sandbox_workflows)
            return str(self._sandbox.start())
        except SandboxError as exc:
            self._start_error = exc
            raise

    def environment(self) -> dict[str, str]:
        """What the report shows of the target: name, URL, tenant, sandbox workflows."""
        env = self.target.describe()
        if self.target.is_sandbox:
            from juo_flowtest.sandbox import Sandbox

            sandbox = self._sandbox or Sandbox(workflows_dir=self.target.sandbox_workflows)
            try:
                for wf in sandbox.workflows:
                    env[f"wf.{wf['id']}"] = (
                        f"v{wf['version']} {wf['status']} ({wf['triggerType']})")
            except SandboxError as exc:
                env["workflows"] = f"not loaded: {str(exc).splitlines()[0]}"
        return env

    def finish(self, tally: Tally) -> list[str]:
        """Write coverage and the report's run files; return the terminal summary lines."""
        cov = coverage.merge(tally.samples)
        self.reports_dir.mkdir(parents=True, exist_ok=True)
        coverage.write(cov, str(self.reports_dir / "coverage.json"))
        if self.alluredir:
            from juo_flowtest.report import allure as report

            report.write_run_files(self.alluredir, self.environment(), cov)
        return [tally.summary(), *coverage.render_terminal(cov)]

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        if self._sandbox is not None:
            self._sandbox.stop()
