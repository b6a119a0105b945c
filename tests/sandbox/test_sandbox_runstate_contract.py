"""The sandbox serves the run state the runner checks: its copy of ``WorkflowRunState``
(``sandbox.openapi.RUN_STATE``) is pinned to the runner's (``target.runstate``)."""

from __future__ import annotations

from typing import Any

import pytest

from juo_flowtest.sandbox.openapi import RUN_STATE
from juo_flowtest.target.runstate import RUN_STATE_SCHEMA


def _shape(schema: dict[str, Any]) -> Any:
    """What both schemas must agree on: required keys, property names, enums, nesting."""
    shape: dict[str, Any] = {}
    if "required" in schema:
        shape["required"] = sorted(schema["required"])
    if "enum" in schema:
        shape["enum"] = sorted(schema["enum"])
    if "properties" in schema:
        shape["properties"] = {k: _shape(v) for k, v in sorted(schema["properties"].items())}
    return shape


def test_the_top_level_fields_and_statuses_agree() -> None:
    assert sorted(RUN_STATE["required"]) == sorted(RUN_STATE_SCHEMA["required"])
    assert sorted(RUN_STATE["properties"]) == sorted(RUN_STATE_SCHEMA["properties"])


@pytest.mark.parametrize("field", sorted(RUN_STATE_SCHEMA["properties"]))
def test_each_field_has_the_same_shape(field: str) -> None:
    assert _shape(RUN_STATE["properties"][field]) == _shape(RUN_STATE_SCHEMA["properties"][field])
