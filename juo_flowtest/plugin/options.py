"""The plugin's command-line and ini options, and what they resolve to: target and reports.

Paths given on the command line are relative to where pytest was invoked, like pytest's own
``--junitxml``; paths in the ini file are relative to the root directory.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from juo_flowtest.base.errors import ConfigError
from juo_flowtest.report.layout import DEFAULT_ROOT, ReportsLayout
from juo_flowtest.report.shards import ShardSpec
from juo_flowtest.target import settings

#: Added by ``juo-flowtest run``: collect ``flows/`` when no path is given, and write JUnit XML
#: into the reports folder. Hidden: it is how the command talks to the plugin.
RUN_DEFAULTS_FLAG = "--juo-run-defaults"
#: ``juo-flowtest run --shard K/N`` is this option of the plugin.
SHARD_OPTION = "--juo-shard"
DEFAULT_FLOWS = "flows"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("juo-flowtest", "juo-flowtest: Juo workflow flows")
    group.addoption("--juo-env", help="target environment name (default: sandbox; env JUO_ENV)")
    group.addoption("--juo-base-url", help="override the target's base URL for this run")
    group.addoption("--juo-tenant", help="override the target's tenant (X-Tenant-ID)")
    group.addoption("--juo-timeout", type=float,
                    help="deadline of each call in seconds, its whole answer included")
    group.addoption("--juo-max-body", metavar="SIZE",
                    help="largest response body taken, e.g. 10MB (default; env JUO_MAX_BODY)")
    group.addoption(
        "--juo-sandbox-workflows", action="append", metavar="DIR",
        help="a folder of workflow definitions for the sandbox, instead of the examples "
             "(repeatable)")
    group.addoption(
        "--juo-sandbox-with-examples", action="store_true",
        help="load the example workflows as well as --juo-sandbox-workflows")
    group.addoption(
        "--juo-workflows",
        help="the target's workflow definitions directory, for transition coverage "
        "(default on the sandbox: the sandbox's workflows)",
    )
    group.addoption(
        "--juo-allow-protected", action="store_true", help="allow a protected environment"
    )
    group.addoption(
        "--juo-reports-dir",
        help="folder of every output: allure-results, junit.xml, coverage.json (default: reports)",
    )
    group.addoption(
        SHARD_OPTION, metavar="K/N",
        help="run slice K of N of the collected suite (juo-flowtest run --shard K/N)",
    )
    group.addoption(
        "--juo-durations", metavar="FILE",
        help="durations file (a previous run's reports/durations.json) that --juo-shard "
        "balances by; without one, slices are balanced by count",
    )
    group.addoption(
        "--juo-draft", action="append", metavar="FILE", default=[],
        help="try this workflow definition as a draft on the target (repeatable): flows that "
             "start its trigger type run it; it is created or updated, never published")
    group.addoption(
        "--juo-admin-url",
        help="the target's Admin API (default: the base URL's origin + /admin/v1; "
             "key from JUO_ADMIN_API_KEY or the environment's admin_token_env)")
    group.addoption(RUN_DEFAULTS_FLAG, action="store_true", help=argparse.SUPPRESS)
    parser.addini("juo_sandbox_workflows", "folders of workflow definitions for the sandbox",
                  type="paths")
    parser.addini("juo_sandbox_with_examples", "load the examples as well", type="bool",
                  default=False)
    parser.addini("juo_workflows", "the target's workflow definitions, for transition coverage")
    parser.addini("juo_reports_dir", "reports directory (default: reports)", default="reports")
    parser.addini("juo_durations", "durations file that --juo-shard balances by")


def _invocation_dir(config: pytest.Config) -> Path:
    return Path(config.invocation_params.dir)


def layout(config: pytest.Config) -> ReportsLayout:
    """The reports folder: ``--juo-reports-dir``, else the ini value, else ``reports``."""
    given = config.getoption("juo_reports_dir")
    if given:
        return ReportsLayout(_invocation_dir(config) / given)
    ini = config.getini("juo_reports_dir") or str(DEFAULT_ROOT)
    return ReportsLayout(Path(config.rootpath) / ini)


def target(config: pytest.Config) -> settings.Target:
    """The run's target (CLI > env > pyproject > default); raises ``ConfigError``."""
    definitions = config.getoption("juo_workflows")
    if definitions:
        definitions = str((_invocation_dir(config) / definitions).resolve())
    elif config.getini("juo_workflows"):
        definitions = str((Path(config.rootpath) / config.getini("juo_workflows")).resolve())
    given = config.getoption("juo_sandbox_workflows")
    if given:
        folders = [(_invocation_dir(config) / d).resolve() for d in given]
    else:
        folders = [Path(p).resolve() for p in config.getini("juo_sandbox_workflows")]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise ConfigError(f"no workflow folder at {', '.join(missing)}: --juo-sandbox-workflows "
                          "(or juo_sandbox_workflows) names a folder of *.workflow.yaml files")
    examples = bool(config.getoption("juo_sandbox_with_examples")
                    or config.getini("juo_sandbox_with_examples"))
    overrides = settings.Overrides(
        env_name=config.getoption("juo_env"),
        base_url=config.getoption("juo_base_url"),
        tenant=config.getoption("juo_tenant"),
        timeout=config.getoption("juo_timeout"),
        max_body=config.getoption("juo_max_body"),
        sandbox_workflows=tuple(str(f) for f in folders),
        sandbox_examples=examples,
        workflows=definitions or None,
        allow_protected=bool(config.getoption("juo_allow_protected")),
    )
    return settings.resolve(overrides, os.environ, Path(config.rootpath) / "pyproject.toml")


def shard(config: pytest.Config) -> ShardSpec | None:
    """The ``--juo-shard K/N`` asked for, if any; raises ``pytest.UsageError``."""
    text = config.getoption("juo_shard")
    if not text:
        return None
    try:
        return ShardSpec.parse(text)
    except ValueError as exc:
        raise pytest.UsageError(f"juo-flowtest: {exc}") from None


def durations(config: pytest.Config) -> Path | None:
    """The durations file ``--juo-shard`` balances by: the option, else the ini value."""
    given = config.getoption("juo_durations")
    if given:
        return _invocation_dir(config) / str(given)
    ini = str(config.getini("juo_durations") or "")
    return Path(config.rootpath) / ini if ini else None


def alluredir(config: pytest.Config, reports: ReportsLayout) -> str | None:
    """Allure results go to the reports folder unless ``--alluredir`` says otherwise.

    None when allure-pytest is disabled (``-p no:allure_pytest``) or ``--alluredir=""``.
    """
    if not hasattr(config.option, "allure_report_dir"):
        return None
    if config.option.allure_report_dir is None:
        config.option.allure_report_dir = str(reports.allure_results)
    return str(config.option.allure_report_dir) or None


def apply_run_defaults(config: pytest.Config, reports: ReportsLayout) -> None:
    """What ``juo-flowtest run`` adds: ``flows/`` when pytest got no path, and JUnit XML.

    Raises ``pytest.UsageError`` when no path was given and there is no ``flows/`` folder.
    """
    if not config.getoption("juo_run_defaults"):
        return
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        flows = _invocation_dir(config) / DEFAULT_FLOWS
        if not flows.is_dir():
            raise pytest.UsageError(
                f"juo-flowtest: no path given and no {DEFAULT_FLOWS}/ folder in "
                f"{_invocation_dir(config)}: name the folder of your *.flow.yaml files "
                f"(juo-flowtest run path/to/flows), or run from the folder that holds "
                f"{DEFAULT_FLOWS}/")
        config.args = [str(flows)]
    if config.option.xmlpath is None and not hasattr(config, "workerinput"):
        config.option.xmlpath = str(reports.junit)


def initial_paths(early_config: pytest.Config) -> None:
    """Before pytest loads the initial conftests: a ``juo-flowtest run`` given no path starts
    from ``flows/``, so pytest does not load the conftests of ``testpaths`` (or of the ``test*``
    folders beside ``flows/``), which belong to the project's other tests.

    Only pytest's early pass is steered: ``apply_run_defaults`` decides the paths for real.
    """
    known = early_config.known_args_namespace
    if not getattr(known, "juo_run_defaults", False) or known.file_or_dir:
        return
    flows = _invocation_dir(early_config) / DEFAULT_FLOWS
    if flows.is_dir():
        known.file_or_dir = [str(flows)]


def draft_files(config: pytest.Config) -> list[str]:
    """``--juo-draft`` files, relative to where pytest was invoked."""
    return [str((_invocation_dir(config) / f).resolve()) for f in config.getoption("juo_draft")]
