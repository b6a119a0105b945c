"""The pytest plugin end to end: real flow files, the real sandbox, real HTTP (pytester)."""

from __future__ import annotations

import json
import re

import pytest

PASSING = """\
flow: Too expensive reaches a discount offer
tags: [smoke, cancellation]
start:
  flowType: subscription_cancellation_requested
  context: {subscription: {cycle_count: 2}}
expect:
  status: waiting_interaction
  pending: {stepId: value_reminder, actionType: show_content}
steps:
  - respond: next
    expect:
      pending: {stepId: reason_poll, actionType: poll}
  - respond: too_expensive
    expect:
      pending:
        actionType: offer_discount
        availableResponses: [accept, decline]
"""

FAILING = """\
flow: Wrong expectation on the first step
tags: [regression]
start:
  flowType: subscription_cancellation_requested
  context: {}
expect:
  status: completed
  pending: {stepId: reason_poll}
"""

PARAMETRIZED = """\
flow: Reason leads to its offer
parametrize:
  - {id: frequency, reason: too_much_product, offer: offer_change_frequency}
  - {id: skip, reason: not_using, offer: offer_skip}
start:
  flowType: subscription_cancellation_requested
  context: {}
steps:
  - respond: next
  - respond: "${reason}"
    expect:
      pending: {actionType: "${offer}"}
"""

INVALID = """\
flow: Has a typo
start:
  flowType: subscription_cancellation_requested
  context: {}
expct:
  status: waiting_interaction
"""


CANCELLATION_ID = "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d"


def _outcomes(result: pytest.RunResult) -> dict[str, int]:
    return result.parseoutcomes()


def test_a_passing_flow_passes_against_the_embedded_sandbox(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*flows: 1 passed, 0 failed, 0 broken, 0 invalid files*"])


def test_a_failing_flow_shows_every_mismatch_without_a_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".flow.yaml", wrong=FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "status" in out and "completed" in out and "waiting_interaction" in out
    assert "pending.stepId" in out and "reason_poll" in out and "value_reminder" in out
    assert "wrong.flow.yaml:" in out
    assert "Traceback" not in out and "site-packages" not in out and "_pytest" not in out


def test_an_unreachable_target_is_broken_not_failed(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--juo-base-url",
                                "http://127.0.0.1:9/customer/v1", "--juo-timeout", "2")
    out = result.stdout.str()
    assert result.ret == 1
    assert "BROKEN" in out
    assert re.search(r"\b1 broken\b", out), out
    assert "flows: 0 passed, 0 failed, 1 broken" in out
    assert "sandbox-token" not in out


def test_an_invalid_file_is_a_collection_error_and_the_others_still_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".flow.yaml", price=PASSING, typo=INVALID)
    result = pytester.runpytest("-p", "no:cacheprovider")
    out = result.stdout.str()
    result.assert_outcomes(passed=1, errors=1)
    assert "INVALID FLOW FILE" in out
    assert "typo.flow.yaml:5:1" in out
    assert "did you mean 'expect'" in out
    assert "Traceback" not in out
    assert "1 invalid file" in out


def test_parametrized_cases_are_separate_tests_with_their_ids(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", reasons=PARAMETRIZED)
    collected = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    collected.stdout.fnmatch_lines([
        "reasons.flow.yaml::Reason leads to its offer[[]frequency[]]",
        "reasons.flow.yaml::Reason leads to its offer[[]skip[]]",
    ])
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_tags_are_markers_and_names_select_with_k(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING, wrong=FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers", "-m", "smoke")
    result.assert_outcomes(passed=1, deselected=1)
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "Wrong")
    result.assert_outcomes(failed=1, deselected=1)


def test_skip_and_xfail_keys(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", skipped=PASSING.replace(
        "tags: [smoke, cancellation]", 'skip: "waiting for JUO-1"'),
        xfailing=FAILING.replace("tags: [regression]", 'xfail: "known bug JUO-2"'))
    result = pytester.runpytest("-p", "no:cacheprovider", "-rsx")
    result.assert_outcomes(skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(["*waiting for JUO-1*", "*known bug JUO-2*"])


def test_xdist_gives_the_same_verdicts_as_a_serial_run(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING, wrong=FAILING, reasons=PARAMETRIZED)
    serial = pytester.runpytest("-p", "no:cacheprovider")
    parallel = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    assert serial.parseoutcomes() == {**parallel.parseoutcomes()}
    assert serial.parseoutcomes() == {"passed": 3, "failed": 1}
    parallel.stdout.fnmatch_lines(["*flows: 3 passed, 1 failed, 0 broken, 0 invalid files*"])


def test_an_unknown_environment_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--juo-env", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown environment 'nowhere' (known: sandbox)*"])


def test_coverage_is_summarised_and_written(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert (pytester.path / "reports" / "coverage.json").is_file()
    # the workflow by name beside its exact key (a uuid, like Juo's ids)
    assert f"Cancellation flow ({CANCELLATION_ID}@1)" in result.stdout.str()
    data = json.loads((pytester.path / "reports" / "coverage.json").read_text())
    assert data["workflows"][f"{CANCELLATION_ID}@1"]["name"] == "Cancellation flow"


BAD_WORKFLOW = (
    "id: x\nname: X\nversion: 1\nstatus: published\ntriggerType: t\n"
    "trigger: {id: t, type: t, category: customer_initiated}\n"
    "steps:\n  - {id: a, name: A, isInitial: true, action: {id: a1, type: show_content},"
    " transitions: [{id: go, type: response, responseType: next, targetStepId: nowhere}]}\n")


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_invalid_workflow_definitions_are_one_invalid_input_and_no_flow_runs(
    pytester: pytest.Pytester, workers: list[str],
) -> None:
    pytester.makefile(".flow.yaml", price=PASSING, other=PASSING.replace("Price", "Other"))
    wf = pytester.mkdir("wf")
    (wf / "bad.workflow.yaml").write_text(BAD_WORKFLOW)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--juo-sandbox-workflows",
                                           "wf", *workers)
    out = result.stdout.str()
    assert "flows: 0 passed, 0 failed, 0 broken, 1 invalid file" in out
    # Once in the errors section (not once per worker); pytest's short summary repeats the
    # whole message when CI is set, which is pytest's doing, not a duplicate of ours.
    errors = out.split("short test summary info")[0]
    assert errors.count("bad.workflow.yaml:8:") == 1, out
    assert "targets unknown step 'nowhere'" in out
    assert "INVALID WORKFLOW DEFINITION" in out and "no flow was run" in out
    assert "Traceback" not in out and "passed" not in out.splitlines()[-1]


def test_a_missing_workflow_folder_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--juo-sandbox-workflows", "nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "no workflow folder at" in result.stderr.str()


def test_the_examples_load_beside_a_folder_only_when_asked(pytester: pytest.Pytester) -> None:
    pytester.makefile(".flow.yaml", price=PASSING)  # runs the example cancellation workflow
    wf = pytester.mkdir("wf")
    (wf / "own.workflow.yaml").write_text(BAD_WORKFLOW.replace(
        "targetStepId: nowhere", "targetStepId: a"))
    alone = pytester.runpytest("-p", "no:cacheprovider", "--juo-sandbox-workflows", "wf")
    assert "1 failed" in alone.stdout.str() or "1 broken" in alone.stdout.str()
    both = pytester.runpytest("-p", "no:cacheprovider", "--juo-sandbox-workflows", "wf",
                              "--juo-sandbox-with-examples")
    assert "flows: 1 passed" in both.stdout.str(), both.stdout.str()


def test_a_flow_that_passes_on_a_rerun_is_counted_once_and_flaky(
    pytester: pytest.Pytester,
) -> None:
    # The first attempt fails before the flow runs (a conftest hook); the rerun is a fresh run.
    pytester.makeconftest(
        "import pytest\n"
        "seen = set()\n"
        "@pytest.hookimpl(tryfirst=True)\n"
        "def pytest_runtest_call(item):\n"
        "    if item.nodeid not in seen:\n"
        "        seen.add(item.nodeid)\n"
        "        raise AssertionError('first attempt fails')\n")
    pytester.makefile(".flow.yaml", price=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--reruns", "1")
    assert result.parseoutcomes() == {"passed": 1, "rerun": 1}
    result.stdout.fnmatch_lines(
        ["*flows: 1 passed, 0 failed, 0 broken, 0 invalid files, 1 flaky (passed on a rerun)*"])


def _coverage(pytester: pytest.Pytester, *args: str) -> dict[str, object]:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    assert result.ret == 0, result.stdout.str()
    data = json.loads((pytester.path / "reports" / "coverage.json").read_text())
    return {key: value for key, value in data.items() if key not in ("generated", "createdAt")}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_flows_repeating_a_coverage_sample_merge_to_the_same_coverage(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    # A process sends a coverage sample it has sent before only once: nothing may be lost.
    # (PARAMETRIZED's paths have no random branch, unlike PASSING's price experiment.)
    pytester.makefile(".flow.yaml", reasons=PARAMETRIZED)
    distinct = _coverage(pytester, *workers)
    pytester.makefile(".flow.yaml", **{f"again{n}": PARAMETRIZED.replace(
        "flow: Reason", f"flow: Again {n}, reason") for n in range(3)})
    assert _coverage(pytester, *workers) == distinct


def test_a_sample_first_seen_on_a_rerun_attempt_still_counts(pytester: pytest.Pytester) -> None:
    # The first attempt runs the flow, then is made a failure (so it is rerun): its report is
    # not read, so the passing rerun's identical sample must still be sent.
    pytester.makefile(".flow.yaml", reasons=PARAMETRIZED)
    plain = _coverage(pytester)
    pytester.makeconftest(
        "import pytest\n"
        "seen = set()\n"
        "@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n"
        "    if call.when == 'call' and item.nodeid not in seen:\n"
        "        seen.add(item.nodeid)\n"
        "        report.outcome = 'failed'\n"
        "    return report\n")
    assert _coverage(pytester, "--reruns", "1") == plain
