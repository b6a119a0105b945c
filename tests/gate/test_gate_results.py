"""Reading allure-results back: real allure-pytest output produced with pytester."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juo_flowtest.base.errors import ResultsError
from juo_flowtest.base.outcome import Verdict as Status
from juo_flowtest.coverage.model import read as read_coverage
from juo_flowtest.gate.results import FlowOutcome, read_results
from juo_flowtest.report import allure as report

SUITE = """
import allure, pytest

ATTEMPTS = {}


def attempt(name):
    ATTEMPTS[name] = ATTEMPTS.get(name, 0) + 1
    return ATTEMPTS[name]


@allure.severity(allure.severity_level.CRITICAL)
@allure.tag("smoke", "cancellation")
def test_saved_by_discount():
    pass


@allure.severity(allure.severity_level.BLOCKER)
def test_flaky_then_passes():
    assert attempt("flaky") > 1, "version conflict on the first try"


def test_always_fails():
    assert "saved" == "cancelled"


def test_broken():
    raise ConnectionError("sandbox unreachable")


# A deliberately skipped test in this generated suite: the gate must count skips.
@pytest.mark.skip(reason="not on staging")
def test_skipped():
    pass


@pytest.mark.parametrize("reason", ["too_expensive", "not_using"])
def test_reason(reason):
    assert reason == "too_expensive"
"""


# Only the plugins that shape allure-results: 5x faster than autoloading every installed one.
PLUGINS = ("-p", "allure_pytest.plugin", "-p", "pytest_rerunfailures", "-p", "xdist.plugin")


@pytest.fixture(autouse=True)
def _lean_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def allure_run(pytester: pytest.Pytester, source: str, *args: str, into: str = "results") -> Path:
    """Run ``source`` as a test module under allure-pytest; return the results directory."""
    pytester.makepyfile(test_suite=source)
    results = pytester.path / into
    # In a subprocess: allure-pytest keeps global state that breaks in nested inline runs.
    pytester.runpytest_subprocess(
        *PLUGINS, "-p", "no:cacheprovider", "--alluredir", str(results), *args
    )
    return results


def by_name(results: Path) -> dict[str, FlowOutcome]:
    return {o.name: o for o in read_results([results]).outcomes}


def test_one_outcome_per_test_with_status_severity_and_tags(pytester: pytest.Pytester) -> None:
    run = read_results([allure_run(pytester, SUITE)])
    outcomes = {o.name: o for o in run.outcomes}
    assert {name: o.status for name, o in outcomes.items()} == {
        "test_saved_by_discount": Status.PASSED,
        "test_flaky_then_passes": Status.FAILED,  # no reruns: a failure is a failure
        "test_always_fails": Status.FAILED,
        "test_broken": Status.BROKEN,
        "test_skipped": Status.SKIPPED,
        "test_reason[too_expensive]": Status.PASSED,
        "test_reason[not_using]": Status.FAILED,
    }
    saved = outcomes["test_saved_by_discount"]
    assert (saved.severity, saved.tags) == ("critical", ("cancellation", "smoke"))
    assert outcomes["test_always_fails"].severity == "normal"
    assert outcomes["test_broken"].message == "ConnectionError: sandbox unreachable"
    assert run.files == 7 and not any(o.flaky for o in run.outcomes)


def test_reruns_write_one_file_per_attempt_and_make_a_pass_flaky(pytester: pytest.Pytester) -> None:
    results = allure_run(pytester, SUITE, "--reruns", "1")
    files = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    flaky_files = [f for f in files if f["name"] == "test_flaky_then_passes"]
    # allure-pytest 2.16 under pytest-rerunfailures: one file per attempt, one historyId.
    assert len(flaky_files) == 2 and len({f["historyId"] for f in flaky_files}) == 1
    outcomes = {o.name: o for o in read_results([results]).outcomes}
    flaky = outcomes["test_flaky_then_passes"]
    assert flaky.status is Status.PASSED and flaky.flaky
    assert [a.status for a in flaky.attempts] == [Status.FAILED, Status.PASSED]
    assert flaky.message.startswith("AssertionError: version conflict on the first try")
    failing = outcomes["test_always_fails"]
    assert [a.status for a in failing.attempts] == [Status.FAILED, Status.FAILED]
    assert not failing.flaky and failing.status is Status.FAILED
    assert [a.status for a in outcomes["test_broken"].attempts] == [Status.BROKEN] * 2
    assert len(outcomes) == 7


XDIST_SUITE = """
ATTEMPTS = []


def test_flaky_then_passes():
    ATTEMPTS.append(1)
    assert len(ATTEMPTS) > 1


def test_saved_by_discount():
    pass
"""


def test_flaky_detection_holds_under_xdist(pytester: pytest.Pytester) -> None:
    outcomes = by_name(allure_run(pytester, XDIST_SUITE, "--reruns", "1", "-n", "2"))
    flaky = outcomes["test_flaky_then_passes"]
    assert flaky.flaky and len(flaky.attempts) == 2
    assert not outcomes["test_saved_by_discount"].flaky


def test_results_of_an_earlier_run_are_not_mistaken_for_retries(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_one="def test_x():\n    import os\n    assert os.environ.get('OK')\n")
    results = pytester.path / "results"
    # Without the juo plugin nothing cleans the directory between runs (plain allure-pytest).
    plain = (*PLUGINS, "--alluredir", str(results))
    pytester.runpytest_subprocess(*plain)  # fails: OK unset
    monkeypatch.setenv("OK", "1")
    pytester.runpytest_subprocess(*plain)  # passes, same directory
    run = read_results([results])
    (outcome,) = run.outcomes
    assert outcome.status is Status.PASSED and not outcome.flaky
    assert len(outcome.attempts) == 1 and run.stale == ("test_x",)


def test_an_invalid_flow_file_result_is_invalid_not_broken(tmp_path: Path) -> None:
    report.write_invalid_file(str(tmp_path), "flows/bad.flow.yaml", "bad.flow.yaml:3:1: error")
    (outcome,) = read_results([tmp_path]).outcomes
    assert outcome.status is Status.INVALID
    assert outcome.name == "Invalid flow file: flows/bad.flow.yaml"
    assert outcome.message.startswith("INVALID FLOW FILE: ")


def test_several_directories_merge(pytester: pytest.Pytester) -> None:
    one = allure_run(pytester, "def test_a():\n    pass\n", into="job1")
    two = allure_run(pytester, "def test_b():\n    assert False\n", into="job2")
    run = read_results([one, two])
    assert [(o.name, o.status) for o in run.outcomes] == [
        ("test_a", Status.PASSED),
        ("test_b", Status.FAILED),
    ]
    assert run.files == 2


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda d: None, "no results directory at"),
        (lambda d: d.mkdir(), "no test results (*-result.json) in"),
        (lambda d: (d.mkdir(), (d / "x-result.json").write_text("{oops")), "x-result.json: cannot"),
        (lambda d: (d.mkdir(), (d / "x-result.json").write_text("[1]")), "not an allure result"),
    ],
    ids=["missing", "empty", "corrupt", "not-an-object"],
)
def test_unreadable_results_raise_a_clear_error(
    tmp_path: Path, setup: object, expected: str
) -> None:
    directory = tmp_path / "allure-results"
    setup(directory)  # type: ignore[operator]
    with pytest.raises(ResultsError) as caught:
        read_results([directory])
    assert expected in str(caught.value)


def test_coverage_files_merge_by_union(tmp_path: Path) -> None:
    one, two = tmp_path / "a.json", tmp_path / "b.json"
    known = [
        ["offer", "accept"],
        ["offer", "decline"],
        ["reason", "too_expensive"],
        ["confirm", "ok"],
    ]
    one.write_text(
        json.dumps(
            {
                "workflows": {
                    "cancel@3": {
                        "known": known,
                        "exercised": [["offer", "accept"]],
                        "missing": [],
                        "percent": 25,
                    }
                }
            }
        )
    )
    two.write_text(
        json.dumps(
            {
                "workflows": {
                    "cancel@3": {
                        "known": known,
                        "exercised": [["offer", "accept"], ["offer", "decline"]],
                    },
                    "pause@1": {"known": [["when", "next"]], "exercised": [["when", "next"]]},
                }
            }
        )
    )
    coverage = read_coverage([one, two])
    assert [(w.key, w.percent) for w in coverage.workflows.values()] == [
        ("cancel@3", 50.0),
        ("pause@1", 100.0),
    ]
    assert (coverage.exercised, coverage.known, coverage.percent) == (3, 5, 60.0)


def test_a_malformed_coverage_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps({"workflows": {"w@1": {"known": ["offer"]}}}))
    with pytest.raises(ResultsError, match=r"coverage pairs must be \[\[stepId, responseType\]"):
        read_coverage([path])
