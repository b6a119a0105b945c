"""flowschema: the shipped JSON Schema is valid, accepts every example flow, rejects unknown keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from juo_flowtest.flowfile import schema as flowschema
from juo_flowtest.source import yamlsource

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "tests" / "golden" / "valid").glob("*.flow.yaml")) + sorted(
    (ROOT / "flows").rglob("*.flow.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = flowschema.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def documents(text: str) -> list[Any]:
    source = yamlsource.parse(text, "t.flow.yaml")
    assert source.problems == []
    return [yamlsource.plain(doc) for doc, _ in source.documents if doc is not None]


def test_schema_text_is_the_shipped_json() -> None:
    assert json.loads(flowschema.schema_text()) == flowschema.schema()
    assert flowschema.schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert flowschema.schema_path().is_file()


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_flow_validates(path: Path, validator: Any) -> None:
    for doc in documents(path.read_text(encoding="utf-8")):
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == []


@pytest.mark.parametrize(
    "text",
    [
        "flow: x\nstart: {flowType: t}\nexpct: {}\n",
        "flow: x\nstart: {flowType: t, contxt: {}}\n",
        "flow: x\nstart: {flowType: t}\nsteps: [{respnd: next}]\n",
        "flow: x\nstart: {flowType: t}\nsteps: [{respond: {type: a, dat: {}}}]\n",
        "flow: x\nstart: {flowType: t}\nexpect: {pendng: null}\n",
        "flow: x\nstart: {flowType: t}\nsteps: [{wait: {until: {}, timout: 1s}}]\n",
        "flow: x\nstart: {flowType: t}\nlinks: [{type: a, name: b, url: c, extra: d}]\n",
    ],
)
def test_schema_rejects_unknown_keys(text: str, validator: Any) -> None:
    (doc,) = documents(text)
    assert any("Additional properties" in e.message or "not valid under" in e.message
               for e in validator.iter_errors(doc))


@pytest.mark.parametrize(
    "text",
    [
        "start: {flowType: t}\n",  # no flow name
        "flow: x\n",  # neither start nor attach
        "flow: x\nstart: {flowType: t}\nattach: {runId: r}\n",  # both
        "flow: x\nstart: {flowType: t}\nsteps: [{respond: a, get: {}}]\n",  # two actions
        "flow: x\nstart: {flowType: t}\nsteps: [{name: nothing}]\n",  # no action
        "flow: 'a [b]'\nstart: {flowType: t}\n",
        "flow: x\nseverity: critcal\nstart: {flowType: t}\n",
        "flow: x\ntags: [9lives]\nstart: {flowType: t}\n",
        "flow: x\nstart: {flowType: t}\nsteps: [{wait: {until: {}, timeout: 10 sec}}]\n",
        "flow: x\nstart: {flowType: t}\nsave: {bad-name: $.runId}\n",
        "flow: x\nparametrize: [{reason: r}]\nstart: {flowType: t}\n",
    ],
)
def test_schema_rejects_invalid_structure(text: str, validator: Any) -> None:
    (doc,) = documents(text)
    assert list(validator.iter_errors(doc))


def test_schema_describes_every_top_level_key() -> None:
    properties = flowschema.schema()["properties"]
    assert all("description" in spec for spec in properties.values())
