"""Allure result files written by ``juo_flowtest.report.resultjson``: the JSON allure-commons'
own writer writes (``json.dumps(attr.asdict(item, filter=...))``), member for member."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allure_commons import model2 as m
from attr import asdict

from juo_flowtest.report import resultjson


def allures(item: Any) -> str:
    """What allure-commons' AllureFileLogger writes for ``item`` (without indentation)."""
    return json.dumps(asdict(item, filter=lambda _, v: v or v is False), ensure_ascii=False)


def same_json(item: Any) -> None:
    ours, theirs = json.loads(resultjson.dumps(item)), json.loads(allures(item))
    assert ours == theirs
    # The same members in the same order, at every level.
    assert json.dumps(ours, ensure_ascii=False) == json.dumps(theirs, ensure_ascii=False)


def step(name: str, *steps: m.TestStepResult, **extra: Any) -> m.TestStepResult:
    fields: dict[str, Any] = {"status": "passed", "start": 1, "stop": 2, **extra}
    return m.TestStepResult(name=name, steps=list(steps), **fields)


RESULT = m.TestResult(
    uuid="u-1", name="cancel ☕ flow \"quoted\"\nline 2 \\ \x01 \u2028", status="failed",
    start=1_796_020_448_552, stop=1_796_020_448_999, historyId="h", testCaseId="c",
    fullName="flows/a.flow#cancel", description="", titlePath=["flows", "a.flow.yaml"],
    statusDetails=m.StatusDetails(message="expected 20, got 15", trace="at a.flow.yaml:3",
                                known=False, flaky=True),
    labels=[m.Label(name="feature", value="Cancellation"), m.Label(name="tag", value="smoke")],
    links=[m.Link(type="issue", url="https://tracker.example/JUO-1", name="JUO-1")],
    parameters=[m.Parameter(name="case", value="'price'"),
                m.Parameter(name="hidden", value="x", excluded=True, mode="hidden")],
    attachments=[m.Attachment(name="Requests and responses", source="a-attachment.txt",
                            type="text/plain")],
    steps=[step("start — 200 in 2.3 ms"),
           step("wait", step("poll 1", statusDetails=m.StatusDetails()), step("poll 2"),
                status="broken", statusDetails=m.StatusDetails(message="timed out"),
                attachments=[m.Attachment(name="Request and response", source="b.json",
                                        type="application/vnd.allure.http+json")],
                parameters=[m.Parameter(name="n", value="0")])],
)


@pytest.mark.parametrize("item", [
    RESULT,
    m.TestResult(),  # nothing set: {}
    m.TestResult(name="zeros", start=0, stop=0, steps=[], labels=[]),  # 0 and [] are left out
    m.TestResultContainer(uuid="g", children=["u-1"], befores=[m.TestBeforeResult(name="fx")],
                        afters=[m.TestAfterResult(name="fx", steps=[step("teardown")])],
                        start=1, stop=2),
    m.Globals(attachments=[m.GlobalAttachment(name="interactiveSteps of c@1", source="s.json",
                                          type="application/json", timestamp=5)],
            errors=[m.GlobalError(message="m", trace="t", timestamp=6)]),
], ids=["result", "empty", "zeros", "container", "globals"])
def test_the_json_is_allures_own(item: Any) -> None:
    same_json(item)


def test_what_orjson_would_write_otherwise_is_refused_for_allures_way() -> None:
    """The writer falls back to allure's own encoding on TypeError (report/allure.py)."""
    for odd in (m.TestResult(name="big", start=2**70),
                m.TestResult(name="keys", parameters=[m.Parameter(name="p", value={1: "x"})]),
                m.TestResult(name="object", description=object())):
        with pytest.raises(TypeError):
            resultjson.dumps(odd)


def test_deep_steps_and_long_texts_are_allures_json_too() -> None:
    """Steps nested a hundred deep (a ``wait`` of ``wait``s) and a long text."""
    deep = step("leaf")
    for level in range(100):
        deep = step(f"level {level}", deep)
    same_json(m.TestResult(name="deep", steps=[deep], description="é" * 100_000))
