"""The file form of a definition: one key order whatever the target sent, a content hash
that ignores what the server keeps, and YAML that reads back exactly."""

from __future__ import annotations

from typing import Any

import pytest

from juo_flowtest.source import yamlsource
from juo_flowtest.workflows import yamlfile
from juo_flowtest.workflows.document import content_hash, file_document

WORKFLOW: dict[str, Any] = {
    "updatedAt": "2026-01-02T00:00:00Z", "resource": "workflow", "hasUnpublishedChanges": False,
    "steps": [{"transitions": [{"targetStepId": "b", "type": "response", "id": "t",
                                "responseType": "yes"}],
               "action": {"config": {"z": 1, "a": {"y": 2, "b": 3}}, "type": "poll", "id": "p"},
               "name": "A", "id": "a", "isInitial": True, "custom": 1}],
    "trigger": {"category": "customer_initiated", "type": "x", "id": "t"},
    "triggerType": "x", "status": "published", "version": 2, "name": "N", "id": "w",
    "metadata": {}, "description": "", "createdAt": "2026-01-01T00:00:00Z",
}


def test_keys_follow_the_schema_then_the_alphabet() -> None:
    document = file_document(WORKFLOW)
    assert list(document) == ["id", "name", "version", "status", "triggerType", "trigger",
                              "steps"]  # empty description/metadata and server fields left out
    step = document["steps"][0]
    assert list(step) == ["id", "name", "isInitial", "action", "transitions", "custom"]
    assert list(step["action"]) == ["id", "type", "config"]
    assert list(step["action"]["config"]) == ["a", "z"]
    assert list(step["action"]["config"]["a"]) == ["b", "y"]
    assert list(step["transitions"][0]) == ["id", "type", "responseType", "targetStepId"]
    assert list(document["trigger"]) == ["id", "type", "category"]


def test_the_hash_ignores_key_order_version_status_and_server_fields() -> None:
    same = {**WORKFLOW, "version": 9, "status": "draft", "updatedAt": "later",
            "trigger": dict(reversed(list(WORKFLOW["trigger"].items())))}
    assert content_hash(same) == content_hash(WORKFLOW)
    other = {**WORKFLOW, "name": "M"}
    assert content_hash(other) != content_hash(WORKFLOW)
    assert content_hash(WORKFLOW).startswith("sha256:")


@pytest.mark.parametrize("value", [
    "yes", "no", "on", "off", "0123", "1_000", "2024-05-01", "null", "~", "true", "1e3", "",
    " padded ", "a: b", "- x", "# not a comment", "multi\nline", "Ünïcode — ✓", "@at", "'q'",
    12, 1.5, True, None, [], {},
])
def test_yaml_reads_back_exactly_under_yaml_1_2(value: Any) -> None:
    document = {"id": "w", "steps": [{"id": "s", "action": {"config": {"v": value}}}]}
    text = yamlfile.render(document, ["a header", ""])
    parsed = yamlsource.parse(text, "x.workflow.yaml")
    assert not parsed.problems
    assert parsed.documents[0][0]["steps"][0]["action"]["config"]["v"] == value
    assert yamlfile.strip_header(text) == yamlfile.body(document)
    assert text.startswith("# a header\n#\nid: w\n")


def test_the_same_document_gives_the_same_bytes() -> None:
    assert yamlfile.body(file_document(WORKFLOW)) == yamlfile.body(file_document(
        dict(reversed(list(WORKFLOW.items())))))
