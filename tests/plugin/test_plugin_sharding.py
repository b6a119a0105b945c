"""``--juo-shard K/N``: deterministic, disjoint slices that together are the suite (pytester)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TESTS = "\n".join(f"def test_{i:02d}():\n    pass\n" for i in range(10))


def _ids(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q", *args)
    return [line for line in result.outlines if "::" in line]


def test_the_slices_are_disjoint_and_together_the_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_many=TESTS)
    suite = _ids(pytester)
    slices = [_ids(pytester, "--juo-shard", f"{k}/3") for k in (1, 2, 3)]
    assert sorted(len(s) for s in slices) == [3, 3, 4]
    assert sorted(i for s in slices for i in s) == sorted(suite)
    assert _ids(pytester, "--juo-shard", "2/3") == slices[1]  # the same slice every time


def test_a_durations_file_balances_by_seconds(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_many=TESTS)
    durations = {f"test_many.py::test_{i:02d}": 1.0 for i in range(10)}
    durations["test_many.py::test_07"] = 100.0
    pytester.path.joinpath("durations.json").write_text(json.dumps(durations))
    heavy = _ids(pytester, "--juo-shard", "1/2", "--juo-durations", "durations.json")
    light = _ids(pytester, "--juo-shard", "2/2", "--juo-durations", "durations.json")
    assert heavy == ["test_many.py::test_07"]
    assert len(light) == 9
    # Without the file the same suite is cut by count.
    assert len(_ids(pytester, "--juo-shard", "1/2")) == 5


def test_the_shard_applies_after_k_and_m_selection(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_many=TESTS)
    chosen = _ids(pytester, "-k", "test_0 and not test_00")
    assert len(chosen) == 9
    slices = [_ids(pytester, "-k", "test_0 and not test_00", "--juo-shard", f"{k}/2")
              for k in (1, 2)]
    assert sorted(slices[0] + slices[1]) == sorted(chosen)


def test_a_run_records_its_shard_beside_the_results_and_the_next_run_forgets_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_many=TESTS)
    results = pytester.path / "reports" / "allure-results"
    done = pytester.runpytest("-p", "no:cacheprovider", "--juo-shard", "2/3")
    done.assert_outcomes(passed=3)
    done.stdout.fnmatch_lines(["juo-flowtest: shard 2/3, balanced by count",
                               "juo-flowtest: shard 2/3: 3 of 10 tests (suite *)"])
    record = json.loads((results / "juo-shard-2-of-3.json").read_text())
    assert record | {"suite": "?"} == {"shard": 2, "shards": 3, "suite": "?", "split": "count",
                                       "tests": 10, "selected": 3}
    durations = json.loads((pytester.path / "reports" / "durations.json").read_text())
    assert len(durations) == 3 and all(v >= 0 for v in durations.values())
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=10)
    assert not list(results.glob("juo-shard-*.json"))


def test_xdist_workers_cut_the_same_slice_as_a_serial_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_many=TESTS)
    serial = pytester.runpytest("-p", "no:cacheprovider", "--juo-shard", "1/3",
                                "--juo-reports-dir", "serial")
    parallel = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--juo-shard", "1/3",
                                             "-n", "2", "--juo-reports-dir", "parallel")
    serial.assert_outcomes(passed=4)
    parallel.assert_outcomes(passed=4)

    def ran(reports: str) -> tuple[list[str], str]:
        root = pytester.path / reports
        record = (root / "allure-results" / "juo-shard-1-of-3.json").read_text()
        return sorted(json.loads((root / "durations.json").read_text())), record

    assert ran("serial") == ran("parallel")


@pytest.mark.parametrize("spec", ["0/3", "4/3", "3", "a/b", "1/0"])
def test_a_bad_shard_is_a_usage_error_that_shows_the_form(
    pytester: pytest.Pytester, spec: str
) -> None:
    pytester.makepyfile(test_many=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", f"--juo-shard={spec}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shard*e.g.*"])


def test_an_unreadable_durations_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_many=TESTS)
    Path(pytester.path / "durations.json").write_text('{"test_many.py::test_00": "slow"}')
    result = pytester.runpytest("-p", "no:cacheprovider", "--juo-shard", "1/2",
                                "--juo-durations", "durations.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*durations.json: a durations file is a JSON object*"])
