"""A workflow definition as a file holds it: Juo's ``Workflow`` without the server's fields,
in one stable key order, and its content hash.

The order is the schema's (``id, name, description, version, status, triggerType, trigger,
steps, metadata``; a step's ``id, name, isInitial, isFinal, action, experimentConfig,
transitions``...); keys the schema does not name follow in alphabetical order, and free-form
mappings (``config``, ``params``, ``metadata``) are sorted. So the same definition always gives
the same file, whatever order the target sent its keys in.

``content_hash`` covers what an editor changes (name, description, trigger type, trigger,
steps, metadata), not the version or status the server keeps: two files with the same hash
describe the same workflow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: The file's top-level keys, in order; the Admin API's other fields are server-kept.
FILE_KEYS = ("id", "name", "description", "version", "status", "triggerType", "trigger",
             "steps", "metadata")
CONTENT_KEYS = ("name", "description", "triggerType", "trigger", "steps", "metadata")

# Known structures: where each key goes (a key path element -> the order of its mapping).
_ORDERS: dict[str, tuple[str, ...]] = {
    "trigger": ("id", "type", "category", "conditions"),
    "step": ("id", "name", "isInitial", "isFinal", "action", "experimentConfig",
             "transitions"),
    "action": ("id", "type", "config"),
    "transition": ("id", "type", "responseType", "targetStepId", "timeout", "conditions"),
    "conditions": ("rootLogic", "groups"),
    "group": ("id", "logic", "items"),
    "item": ("id", "left", "operator", "right"),
    "operand": ("resolver", "params"),
    "experimentConfig": ("variants",),
    "variant": ("id", "name", "trafficPercentage"),
}
_CHILDREN: dict[str, dict[str, str]] = {  # structure -> {key: structure of its value}
    "trigger": {"conditions": "conditions"},
    "step": {"action": "action", "experimentConfig": "experimentConfig",
             "transitions": "transition"},
    "action": {"config": "free"},
    "transition": {"conditions": "conditions"},
    "conditions": {"groups": "group"},
    "group": {"items": "item"},
    "item": {"left": "operand", "right": "operand"},
    "operand": {"params": "free"},
    "experimentConfig": {"variants": "variant"},
}


def file_document(workflow: Mapping[str, Any]) -> dict[str, Any]:
    """The file form of a ``Workflow`` (the Admin API's, or a loaded file's)."""
    out: dict[str, Any] = {}
    for key in FILE_KEYS:
        if key not in workflow:
            continue
        value = workflow[key]
        if key == "description" and not value:
            continue
        if key == "metadata":
            if not value:
                continue
            value = _free(value)
        elif key == "trigger":
            value = _ordered(value, "trigger")
        elif key == "steps":
            value = [_ordered(step, "step") for step in value] if isinstance(value, list) else value
        out[key] = value
    return out


def content(workflow: Mapping[str, Any]) -> dict[str, Any]:
    """What an editor changes, in file order (no id, version or status)."""
    document = file_document(workflow)
    return {key: document[key] for key in CONTENT_KEYS if key in document}


def content_hash(workflow: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``content(workflow)``."""
    text = json.dumps(content(workflow), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ordered(value: Any, structure: str) -> Any:
    """``value`` with its keys in the structure's order (lists of it item by item)."""
    if isinstance(value, list):
        return [_ordered(item, structure) for item in value]
    if not isinstance(value, Mapping):
        return value
    if structure == "free":
        return _free(value)
    order = _ORDERS[structure]
    children = _CHILDREN.get(structure, {})
    keys = [k for k in order if k in value] + sorted(k for k in value if k not in order)
    return {k: _ordered(value[k], children.get(k, "free")) for k in keys}


def _free(value: Any) -> Any:
    """A free-form value with every mapping's keys sorted (lists keep their order)."""
    if isinstance(value, Mapping):
        return {k: _free(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_free(item) for item in value]
    return value
