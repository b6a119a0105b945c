"""The documented Python API (docs/python-api.md): its names, pinned."""

from __future__ import annotations

import subprocess
import sys

import juo_flowtest

PUBLIC = {"__version__", "load_file", "load_text", "run_flow", "FlowResult", "Verdict",
          "JuoClient", "Auth", "make_http_client", "Sandbox", "ExitCode", "JuoFlowtestError",
          "FlowFileError", "WorkflowDefinitionError"}


def test_the_public_names_are_exactly_the_documented_ones_and_resolve() -> None:
    assert set(juo_flowtest.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(juo_flowtest, name) is not None


def test_importing_the_package_loads_only_its_version() -> None:
    code = ("import sys, juo_flowtest; "
            "print(sorted(m for m in sys.modules if m.startswith('juo_flowtest.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "['juo_flowtest.base', 'juo_flowtest.base.version']"


def test_the_version_is_the_one_pyproject_declares() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    assert juo_flowtest.__version__ == declared


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        juo_flowtest.nothing_here  # noqa: B018
    except AttributeError as exc:
        assert "nothing_here" in str(exc)
    else:
        raise AssertionError("no AttributeError")
