"""The text of an Allure result file: allure-commons' JSON, encoded by orjson in one pass.

allure-commons writes ``json.dumps(attr.asdict(item, filter=kept), ensure_ascii=False)``: every
set attribute of the result and of each object in it (``kept``: ``False`` counts as set).
``attr.asdict`` walks the result generically (a filter call and several type checks per
attribute, a new dict per object), then the standard library's encoder walks those dicts:
~0.7 M instructions for a flow of 11 steps, a tenth of what Allure added to a flow (bench/).
``dumps`` hands the result to orjson, which calls back only for each allure object (its kept
attributes, looked up by a list of names made once per class): ~0.1 M.

The JSON is the same: the same members in the same order with the same values
(tests/report/test_report_resultjson.py reads both back), written compact, without the
blanks after ``,`` and ``:``. What orjson refuses (keys that are not text, integers over 64
bits, an object that is not allure's) raises ``TypeError``: the caller then writes it
allure's way. Where the two differ otherwise no result of ours goes: a NaN or an infinity
(orjson writes ``null``), an enum or a UUID (``json.dumps`` refuses them).
"""

from __future__ import annotations

from typing import Any

import attr
import orjson

#: class -> its attribute names, in order (None: not an attrs class).
_NAMES: dict[type, tuple[str, ...] | None] = {}
_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def dumps(item: Any) -> bytes:
    """allure-commons' JSON of ``item`` as UTF-8 (see the module); ``TypeError`` when orjson
    would not write what ``json.dumps`` writes."""
    return orjson.dumps(item, default=_kept_attributes, option=_OPTIONS)


def kept(_: Any, value: Any) -> bool:
    """What allure-commons keeps of a result: every set value (``False`` too)."""
    return bool(value) or value is False


def _kept_attributes(value: Any) -> dict[str, Any]:
    kind = type(value)
    names = _NAMES[kind] if kind in _NAMES else _names(kind)
    if names is None:
        raise TypeError(f"not an allure object: {kind.__name__}")
    found = {}
    for name in names:
        item = getattr(value, name)
        if item or item is False:
            found[name] = item
    return found


def _names(kind: type) -> tuple[str, ...] | None:
    names = _NAMES[kind] = (tuple(a.name for a in attr.fields(kind)) if attr.has(kind)
                            else None)
    return names
