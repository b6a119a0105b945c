"""A compiled ``expect`` block: which places of a response are checked, by which matchers.

The loader builds these once per flow file (``flowfile.expectations``); the runner's
judgement applies them to each response.
"""

from __future__ import annotations

from typing import Any

from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.expect.matchcore import Matcher


@record
class JsonPathCheck:
    """One ``expect.jsonpath`` entry: the expression as written, its parsed form, the matcher."""

    expression: str
    parsed: Any  # jsonpath_ng expression, parsed once at load
    matcher: Matcher
    position: Position


@record
class FieldCheck:
    """An expectation on one place of the response.

    ``label`` is the flow-file key (``status``, ``pending``, ``endStep``...), ``path`` the keys
    into the response body (``("completionData", "endStep")``). For ``error`` the runner reads
    the run state's ``error`` on a 2xx and the whole error body otherwise.
    """

    label: str
    path: tuple[str, ...]
    matcher: Matcher
    position: Position


@record
class Expect:
    http: Matcher | None = None
    fields: tuple[FieldCheck, ...] = ()
    jsonpath: tuple[JsonPathCheck, ...] = ()
    headers: Matcher | None = None  # matched against a dict of lower-cased header names
    max_ms: float | None = None
    schema: bool = True
    position: Position | None = None
