"""juo-flowtest: declarative test automation for Juo workflow flows.

The package's folders read as its pipeline: ``base`` (positions, diagnostics, errors,
outcomes) -> ``source`` (reading user files) -> ``expect`` (the expectation language) and
``target`` (the Juo API client and contract) -> ``flowfile`` (flow files and step kinds) ->
``run`` (the runner) -> ``coverage`` -> ``report`` -> ``gate``; beside them ``sandbox`` (the
simulator), ``plugin`` (pytest) and ``cli``. A test (``tests/test_architecture.py``) keeps
imports pointing down those layers.

The public Python API is the names below (``docs/python-api.md``), imported lazily so that
loading the pytest plugin stays cheap::

    from juo_flowtest import load_file, run_flow, JuoClient, Auth, make_http_client, Sandbox

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import importlib
from typing import Any

from juo_flowtest.base.version import __version__

_PUBLIC = {
    "load_file": "juo_flowtest.flowfile.loader",
    "load_text": "juo_flowtest.flowfile.loader",
    "run_flow": "juo_flowtest.run.runner",
    "FlowResult": "juo_flowtest.run.result",
    "Verdict": "juo_flowtest.base.outcome",
    "JuoClient": "juo_flowtest.target.client",
    "Auth": "juo_flowtest.target.client",
    "make_http_client": "juo_flowtest.target.client",
    "Sandbox": "juo_flowtest.sandbox",
    "ExitCode": "juo_flowtest.base.exitcodes",
    "JuoFlowtestError": "juo_flowtest.base.errors",
    "FlowFileError": "juo_flowtest.base.errors",
    "WorkflowDefinitionError": "juo_flowtest.base.errors",
}
__all__ = ["__version__", *_PUBLIC]  # noqa: PLE0604

def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'juo_flowtest' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
