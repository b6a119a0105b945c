"""Definition files checked against Juo's Admin schema: the sandbox's extensions are flagged
as warnings at their place, and lint's exit code does not change for them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from juo_flowtest.cli.main import main
from juo_flowtest.sandbox.loading import EXAMPLES_DIR, load_directory
from juo_flowtest.workflows.juoschema import juo_schema_warnings


def test_a_target_less_timeout_and_a_non_uuid_id_are_flagged_where_written(
        tmp_path: Path) -> None:
    text = (EXAMPLES_DIR / "portal-renew.workflow.yaml").read_text()
    text = text.replace("id: 153f07ab-728b-5782-abd8-cb43144744d4", "id: portal_renew")
    (tmp_path / "portal.workflow.yaml").write_text(text)
    (workflow,) = load_directory(tmp_path)
    warnings = juo_schema_warnings(Path(workflow.source), workflow.definition)
    rendered = [(w.position.line, w.severity, w.message) for w in warnings]
    assert rendered == [
        (12, "warning", "not accepted by Juo: 'portal_renew' is not a 'uuid'"),
        (32, "warning", ("not accepted by Juo: a timeout transition without targetStepId is the "
                        "sandbox's abandonment extension; Juo requires targetStepId")),
    ]


def test_the_other_examples_are_juos_schema(tmp_path: Path) -> None:
    for workflow in load_directory(EXAMPLES_DIR):
        warnings = juo_schema_warnings(Path(workflow.source), workflow.definition)
        assert bool(warnings) == workflow.name.startswith("Renew now"), workflow.name


def test_lint_prints_the_warnings_and_still_passes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(EXAMPLES_DIR / "portal-renew.workflow.yaml", tmp_path)
    assert main(["lint", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "portal-renew.workflow.yaml:32:9: warning: not accepted by Juo" in out
    assert out.rstrip().endswith("0 invalid file(s); 1 warning(s) against Juo's schema")
