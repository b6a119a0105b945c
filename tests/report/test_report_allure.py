"""Allure output of ``juo_flowtest.report.allure``: titles, labels, steps, attachments, statuses, files.

The first half drives the report functions inside a real pytest + allure-pytest run (pytester)
with hand-built run values; the end-to-end half (real flow files against the sandbox) is below.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from juo_flowtest.base import redaction
from juo_flowtest.coverage import model as coverage
from juo_flowtest.coverage.model import CoverageSample
from juo_flowtest.report import allure as report
from juo_flowtest.report import exchanges
from juo_flowtest.sandbox import FaultConfig, Sandbox

# Unrelated pytest plugins in the venv (schemathesis, hypothesis) cost seconds per subprocess.
QUIET_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
CANCELLATION_ID = "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d"  # the cancellation example's id

HARNESS = '''"""Hand-built run values (written into the pytester dir by tests/test_report.py)."""
from __future__ import annotations

from juo_flowtest.base.outcome import Mismatch, Verdict
from juo_flowtest.base.position import Position
from juo_flowtest.flowfile import model
from juo_flowtest.run import result
from juo_flowtest.target.client import Exchange

TOKEN = "tok-SECRET-abc123"
POS = Position("flows/cancel.flow.yaml", 1, 1)
T0 = 1_700_000_000.0  # a fixed epoch: the report must carry these times, not "now"

FLOW = model.Flow(
    name="Price objection is saved by a discount",
    steps=(),
    position=POS,
    description="Customer finds it too expensive and accepts 20% off.",
    tags=("smoke", "cancellation"),
    severity="critical",
    feature="Cancellation flow",
    epic="Retention",
    story="Discount offer",
    owner="qa-team",
    links=(model.Link("issue", "JUO-412", "https://tracker.example/JUO-412"),),
)
CASES = (
    model.Case("frequency", {"reason": "too_much_product", "offer": "offer_change_frequency"}, POS),
    model.Case("skip", {"reason": "not_using", "offer": "offer_skip"}, POS),
)


def exchange(status: int | None, body: object, elapsed: float = 3.14) -> Exchange:
    return Exchange(
        method="POST",
        url="http://127.0.0.1:1/workflows/start?access_token=" + TOKEN,
        request_headers={
            "X-Tenant-ID": "sandbox.myshopify.com",
            "X-Delegated-Token": TOKEN,
            "Authorization": "Bearer " + TOKEN,
        },
        request_body={"flowType": "subscription_cancellation_requested", "apiKey": TOKEN},
        status=status,
        response_headers={"content-type": "application/json", "set-cookie": "sid=" + TOKEN},
        response_body=body,
        elapsed_ms=elapsed,
    )


MISMATCH = Mismatch(
    path="pending.actionConfig.percentage",
    expected=20,
    actual=15,
    message="expected 20, got 15",
    position=Position("flows/cancel.flow.yaml", 14, 9),
)


def call(kind: str, title: str, offset: float, **kw: object) -> result.CallRecord:
    return result.CallRecord(
        kind=kind,
        title=title,
        exchange=kw.pop("exchange", exchange(200, {"status": "waiting_interaction"})),  # type: ignore[arg-type]
        started_at=T0 + offset,
        stopped_at=T0 + offset + 0.5,
        **kw,  # type: ignore[arg-type]
    )


def run(listener: object, verdict: Verdict) -> result.FlowResult:
    """Drive ``listener`` through a two-step run ending in ``verdict``; return the result."""
    start = call("start", "start subscription_cancellation_requested", 0.0)
    steps = [result.StepResult(0, "start", Verdict.PASSED, (start,),
                               started_at=T0, stopped_at=T0 + 0.5)]
    listener.step_started(0, "start")  # type: ignore[attr-defined]
    listener.call_finished(start)  # type: ignore[attr-defined]
    listener.step_finished(steps[0])  # type: ignore[attr-defined]
    title = "respond too_expensive to show_content (step value_reminder)"
    if verdict is Verdict.BROKEN:
        second = call("respond", title, 1.0, exchange=exchange(None, None),
                      broken="BROKEN: target unreachable: connection refused")
    else:
        mismatches = (MISMATCH,) if verdict is Verdict.FAILED else ()
        second = call("respond", title, 1.0, mismatches=mismatches)
    listener.step_started(1, "Customer picks too expensive")  # type: ignore[attr-defined]
    listener.call_finished(second)  # type: ignore[attr-defined]
    step = result.StepResult(1, "Customer picks too expensive", verdict, (second,),
                             mismatches=second.mismatches, broken=second.broken,
                             started_at=T0 + 1.0, stopped_at=T0 + 1.5)
    listener.step_finished(step)  # type: ignore[attr-defined]
    steps.append(step)
    message = {"passed": "", "failed": "pending.actionConfig.percentage: expected 20, got 15",
               "broken": "BROKEN: target unreachable: connection refused"}[verdict.value]
    return result.FlowResult(FLOW.name, None, verdict, tuple(steps), message,
                             variables={"first_version": 1, "token": TOKEN})
'''

CONFTEST = """
from juo_flowtest.report import allure as report
from harness import CASES, FLOW

def pytest_collection_modifyitems(items):
    for item in items:
        case = CASES[0] if "case" in item.name else None
        for mark in report.collection_marks(FLOW, case):
            item.add_marker(mark)
"""

TESTS = """
import pytest
from juo_flowtest.base.outcome import Verdict
from juo_flowtest.report import allure as report
from harness import CASES, FLOW, TOKEN, run

def _drive(verdict, case=None):
    report.begin_test(FLOW, case)
    listener = report.AllureListener(secrets=[TOKEN])
    outcome = run(listener, Verdict(verdict))
    report.end_test(outcome, listener, secrets=[TOKEN])
    if outcome.verdict is Verdict.FAILED:
        raise AssertionError(outcome.message)
    if outcome.verdict is Verdict.BROKEN:
        raise RuntimeError(outcome.message)

def test_passed():
    _drive("passed")

def test_failed():
    _drive("failed")

def test_broken():
    _drive("broken")

def test_case():
    _drive("passed", CASES[0])

def test_unfinished():
    listener = report.AllureListener()
    listener.step_started(0, "a step the run never finished")
    listener.close()

def test_wait():
    from harness import T0, call, result
    listener = report.AllureListener(secrets=[TOKEN])
    title = f"wait until completed (header {TOKEN})"
    listener.step_started(0, title)
    polls = (call("poll", "poll 1", 0.0), call("poll", "poll 2", 1.0, broken="BROKEN: 503"))
    for poll in polls:
        listener.call_finished(poll)
    listener.step_finished(result.StepResult(0, title, Verdict.BROKEN, polls, broken="gave up",
                                             started_at=T0, stopped_at=T0 + 2.0))
    listener.step_started(1, "after")
    listener.step_finished(result.StepResult(1, "after", Verdict.PASSED, ()))
"""

TOKEN = "tok-SECRET-abc123"


def load_results(results: Path, key: str = "name") -> dict[str, dict[str, Any]]:
    """Every ``*-result.json`` in ``results`` by its ``key`` (the report title by default)."""
    found = {}
    for path in results.glob("*-result.json"):
        data = json.loads(path.read_text())
        found[data[key].rsplit("#", 1)[-1]] = data
    return found


def labels(data: dict[str, Any], name: str) -> list[str]:
    return [label["value"] for label in data.get("labels", []) if label["name"] == name]


def attachment(results: Path, item: dict[str, Any], name: str) -> str:
    sources = [a["source"] for a in item.get("attachments", []) if a["name"] == name]
    assert sources, f"no attachment {name!r} in {[a['name'] for a in item.get('attachments', [])]}"
    return (results / str(sources[0])).read_text()


def http_exchange(results: Path, step: dict[str, Any]) -> dict[str, Any]:
    """The step's one "Request and response" attachment (Allure 3's HTTP view), parsed."""
    (only,) = step.get("attachments", [])
    assert (only["name"], only["type"]) == (report.EXCHANGE_ATTACHMENT, exchanges.HTTP_TYPE)
    data: dict[str, Any] = json.loads((results / only["source"]).read_text())
    return data


def headers(pairs: list[dict[str, str]]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in pairs}


@pytest.fixture(scope="module")
def harness_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    # A subprocess, not in-process pytester: allure_commons keeps its step registry in a class
    # attribute shared by every reporter, so two allure sessions in one process collide.
    root = tmp_path_factory.mktemp("harness")
    (root / "harness.py").write_text(HARNESS)
    (root / "conftest.py").write_text(CONFTEST)
    (root / "test_flows.py").write_text(TESTS)
    results = root / "allure-results"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *QUIET_PLUGINS,
         "--alluredir", str(results), "--juo-reports-dir", str(root / "reports"), "test_flows.py"],
        check=False, cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert "2 failed, 4 passed" in proc.stdout, proc.stdout + proc.stderr
    return results, load_results(results, key="fullName")


TITLE = "Price objection is saved by a discount"


def test_flow_labels_title_description_and_links(harness_run: Any) -> None:
    _, found = harness_run
    data = found["test_passed"]
    assert data["name"] == TITLE
    assert data["description"] == "Customer finds it too expensive and accepts 20% off."
    assert labels(data, "feature") == ["Cancellation flow"]
    assert labels(data, "epic") == ["Retention"]
    assert labels(data, "story") == ["Discount offer"]
    assert labels(data, "owner") == ["qa-team"]
    assert labels(data, "severity") == ["critical"]
    assert data["links"] == [{"type": "issue", "url": "https://tracker.example/JUO-412",
                              "name": "JUO-412"}]


def test_a_case_has_its_title_and_parameters(harness_run: Any) -> None:
    _, found = harness_run
    data = found["test_case"]
    assert data["name"] == f"{TITLE}[frequency]"
    params = {p["name"]: p["value"] for p in data["parameters"]}
    assert params == {"case": "'frequency'", "reason": "'too_much_product'",
                      "offer": "'offer_change_frequency'"}
    assert labels(data, "case") == ["frequency"]


START_TITLE = "start subscription_cancellation_requested — 200 in 3.1 ms"
RESPOND_TITLE = ("Customer picks too expensive: respond too_expensive to show_content "
                 "(step value_reminder)")


def test_each_step_is_its_call_with_real_times_and_no_attachment_while_passing(
        harness_run: Any) -> None:
    results, found = harness_run
    passed = found["test_passed"]
    assert [s["name"] for s in passed["steps"]] == [START_TITLE, f"{RESPOND_TITLE} — 200 in 3.1 ms"]
    start = passed["steps"][0]
    assert (start["start"], start["stop"]) == (1_700_000_000_000, 1_700_000_000_500)
    assert passed["steps"][1]["start"] == 1_700_000_001_000
    for step in passed["steps"]:
        assert not step.get("steps") and not step.get("parameters") and not step.get("attachments")
    assert [a["name"] for a in passed["attachments"]] == [report.CALLS_ATTACHMENT]
    log = attachment(results, passed, report.CALLS_ATTACHMENT)
    start_name = START_TITLE.split(" — ")[0]
    assert f"── 1 {start_name}\nPOST http://127.0.0.1:1/workflows/start?access_token=" in log
    assert f"── 2 {RESPOND_TITLE}\nPOST (same URL as before)\n" in log
    assert log.count("← 200 in 3.1 ms") == 2
    assert log.count('"status": "waiting_interaction"') == 2  # status is never left out


def test_a_failed_flow_has_each_exchange_on_its_step_and_the_saved_variables(
        harness_run: Any) -> None:
    results, found = harness_run
    failed = found["test_failed"]
    start, step = failed["steps"]
    assert (start["status"], step["status"]) == ("passed", "failed")
    assert step["statusDetails"]["message"] == (
        "pending.actionConfig.percentage: expected 20, got 15")
    data = http_exchange(results, step)
    assert data["request"]["method"] == "POST" and data["response"]["status"] == "200"
    assert data["error"] == {"name": "Expectation mismatch",
                             "message": "pending.actionConfig.percentage: expected 20, got 15"}
    assert "error" not in http_exchange(results, start)
    assert [a["name"] for a in failed["attachments"]] == [report.CALLS_ATTACHMENT,
                                                         "Saved variables"]
    variables = json.loads(attachment(results, failed, "Saved variables"))
    assert variables == {"first_version": 1, "token": redaction.REDACTED}


def test_a_broken_call_makes_a_broken_step(harness_run: Any) -> None:
    results, found = harness_run
    step = found["test_broken"]["steps"][1]
    assert step["status"] == "broken"
    assert step["statusDetails"]["message"] == "BROKEN: target unreachable: connection refused"
    assert step["name"].endswith(" — no response in 3.1 ms")
    data = http_exchange(results, step)
    assert "response" not in data
    assert data["error"] == {"name": "Broken",
                             "message": "BROKEN: target unreachable: connection refused"}


def test_a_step_left_open_is_closed_broken(harness_run: Any) -> None:
    _, found = harness_run
    data = found["test_unfinished"]
    assert [(s["name"], s["status"]) for s in data["steps"]] == [("step did not finish", "broken")]


def test_a_wait_step_holds_its_polls_as_sub_steps(harness_run: Any) -> None:
    """Steps are nested on the test's result by the listener itself (report/allure.py):
    each poll under its wait step, with its times and status, the next step beside it."""
    _, found = harness_run
    wait, after = found["test_wait"]["steps"]
    assert wait["name"] == f"wait until completed (header {redaction.REDACTED})"
    assert (wait["status"], wait["statusDetails"]["message"]) == ("broken", "gave up")
    assert (wait["start"], wait["stop"]) == (1_700_000_000_000, 1_700_000_002_000)
    first, second = wait["steps"]
    assert (first["name"], first["status"]) == ("poll 1 — 200 in 3.1 ms", "passed")
    assert (first["start"], first["stop"]) == (1_700_000_000_000, 1_700_000_000_500)
    assert (second["status"], second["statusDetails"]["message"]) == ("broken", "BROKEN: 503")
    assert "statusDetails" not in first and not first.get("steps")
    assert (after["name"], after["status"]) == ("after", "passed") and not after.get("steps")


def test_no_secret_reaches_any_result_file(harness_run: Any) -> None:
    results, found = harness_run
    for path in results.iterdir():
        assert TOKEN not in path.read_text(), path.name
    request = http_exchange(results, found["test_failed"]["steps"][0])["request"]
    assert json.loads(request["body"]["value"])["apiKey"] == redaction.REDACTED
    sent = headers(request["headers"])
    assert sent["X-Delegated-Token"] == sent["Authorization"] == redaction.REDACTED
    assert sent["X-Tenant-ID"] == "sandbox.myshopify.com"
    assert request["url"].endswith("?access_token=" + redaction.REDACTED)


def test_scrub_text_hides_bearer_values_jwts_and_known_secrets() -> None:
    text = "sent Bearer abc.def-123, jwt eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl and " + TOKEN
    assert redaction.scrub_text(text, [TOKEN]) == (
        f"sent Bearer {redaction.REDACTED}, jwt {redaction.REDACTED} and {redaction.REDACTED}")
    assert redaction.scrub({"note": "Basic dXNlcjpwYXNz", "clientSecret": "x", "n": None}) == {
        "note": f"Basic {redaction.REDACTED}", "clientSecret": redaction.REDACTED, "n": None}


CATEGORY_MESSAGES = {
    "Invalid input": "INVALID FLOW FILE: flows/x.flow.yaml:3:1 unknown key 'expct'",
    "Contract violation": "juo_flowtest.plugin.FlowBroken: BROKEN: contract violation: "
                          "runVersion missing\nat step 2",
    "Target unreachable or timed out": "FlowBroken: BROKEN: target unreachable: connection "
                                       "refused",
}


@pytest.mark.parametrize("name", sorted(CATEGORY_MESSAGES))
def test_categories_match_the_plugin_message_prefixes(name: str) -> None:
    """Allure 2 full-matches messageRegex, Allure 3 searches: both must pick the category."""
    rules = json.loads((Path(report.__file__).parent / "categories.json").read_text())
    message = CATEGORY_MESSAGES[name]

    def first(match: Any) -> str:
        return str(next(r["name"] for r in rules if "broken" in r["matchedStatuses"]
                    and match(r["messageRegex"], message)))

    assert first(lambda rx, m: re.fullmatch(rx, m, re.DOTALL)) == name
    assert first(re.search) == name


def test_expectation_mismatch_is_the_failed_category() -> None:
    rules = json.loads((Path(report.__file__).parent / "categories.json").read_text())
    assert [r["name"] for r in rules if "failed" in r["matchedStatuses"]] == [
        "Expectation mismatch"]


def _coverage() -> coverage.Coverage:
    known = frozenset({("offer", "accept"), ("offer", "decline")})
    return coverage.merge([CoverageSample({"cancellation@1": known},
                                          {"cancellation@1": frozenset({("offer", "accept")})})])


def test_run_files_name_the_target_and_show_coverage_without_secrets(tmp_path: Path) -> None:
    env = {"target": "sandbox", "base url": "http://127.0.0.1:8123", "tenant": "t.myshopify.com",
           "token": TOKEN, "workflow cancellation": "v1", "auth header": "Bearer " + TOKEN}
    report.write_run_files(str(tmp_path), env, _coverage())
    props = (tmp_path / "environment.properties").read_text()
    assert "target=sandbox\n" in props and "tenant=t.myshopify.com" in props
    assert "base\\ url=http\\://127.0.0.1\\:8123" in props
    assert "coverage=50.0% (1/2 step responses)" in props
    assert "cancellation@1=50.0% covered (1/2)" in props
    assert TOKEN not in "".join(p.read_text() for p in tmp_path.iterdir())
    categories = json.loads((tmp_path / "categories.json").read_text())
    assert [c["name"] for c in categories] == ["Invalid input", "Contract violation",
                                               "Target unreachable or timed out",
                                               "Expectation mismatch"]
    (globals_file,) = tmp_path.glob("*-globals.json")
    attachments = json.loads(globals_file.read_text())["attachments"]
    assert [a["name"] for a in attachments] == ["Workflow coverage", "coverage.json"]
    page = (tmp_path / attachments[0]["source"]).read_text()
    assert "Step responses: 50.0% (1/2)" in page
    assert "<td>offer</td><td>decline</td><td class=no>missing</td>" in page


def test_an_invalid_file_is_a_broken_result_in_its_category(tmp_path: Path) -> None:
    report.write_invalid_file(str(tmp_path), "flows/bad.flow.yaml",
                              "flows/bad.flow.yaml:3:1: unknown key 'expct'")
    (result_file,) = tmp_path.glob("*-result.json")
    data = json.loads(result_file.read_text())
    assert data["name"] == "Invalid flow file: flows/bad.flow.yaml"
    assert data["status"] == "broken"
    assert data["statusDetails"]["message"] == (
        "INVALID FLOW FILE: flows/bad.flow.yaml:3:1: unknown key 'expct'")


def test_clean_results_dir_removes_only_allure_files(tmp_path: Path) -> None:
    names = ["a-result.json", "b-container.json", "c-attachment.json", "d-attachment",
             "e-globals.json", "categories.json", "environment.properties", "notes.txt"]
    for name in names:
        (tmp_path / name).write_text("x")
    report.clean_results_dir(str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    report.clean_results_dir(str(tmp_path / "new"))
    assert (tmp_path / "new").is_dir()


# ----- end to end: real flow files against the sandbox the plugin starts ------------------

START = """
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/1001", subscription: {cycle_count: 2}}
"""

FLOWS = f"""
flow: Reminder leads to the reason poll
description: The customer reads the reminder and reaches the reason poll.
tags: [smoke, cancellation]
severity: critical
feature: Cancellation flow
epic: Retention
story: Reason poll
owner: qa-retention
links:
  - {{type: issue, name: JUO-412, url: "https://tracker.example/JUO-412"}}
{START}
expect:
  status: waiting_interaction
  pending: {{stepId: value_reminder}}
steps:
  - name: Customer continues
    respond: next
    expect:
      pending: {{stepId: reason_poll, actionType: poll}}
---
flow: Reminder wrongly expected to offer a discount
feature: Cancellation flow
story: Reason poll
severity: normal
{START}
steps:
  - name: Customer continues
    respond: next
    expect:
      pending: {{stepId: discount_offer, actionType: offer_discount}}
---
flow: Each reason leads to its offer
feature: Cancellation flow
story: Reasons
parametrize:
  - {{id: volume, reason: too_much_product, offer: offer_change_frequency}}
  - {{id: unused, reason: not_using, offer: offer_skip}}
{START}
steps:
  - respond: next
  - respond: "${{reason}}"
    expect:
      pending: {{actionType: "${{offer}}"}}
"""


def run_flows(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, Path]:
    """Run pytest on flow files in a subprocess; return its output and the results dir."""
    results = root / "allure-results"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *QUIET_PLUGINS,
         "--alluredir", str(results), "--juo-reports-dir", str(root / "reports"), *args],
        check=False, cwd=root, capture_output=True, text=True, timeout=300,
        env={**environ, **(env or {})},
    )
    return proc.stdout + proc.stderr, results


@pytest.fixture(scope="module")
def flow_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("flows")
    (root / "cancel.flow.yaml").write_text(FLOWS)
    (root / "broken.flow.yaml").write_text("flow: Typo\nstart: {flowType: x, context: {}}\nexpct: {}\n")
    output, results = run_flows(root, "cancel.flow.yaml", "broken.flow.yaml")
    return output, results, load_results(results)


def test_each_flow_and_case_is_a_test_with_the_labels_of_its_file(flow_run: Any) -> None:
    output, _, found = flow_run
    assert set(found) >= {
        "Reminder leads to the reason poll", "Reminder wrongly expected to offer a discount",
        "Each reason leads to its offer[volume]", "Each reason leads to its offer[unused]"}, output
    data = found["Reminder leads to the reason poll"]
    assert data["status"] == "passed"
    assert data["description"] == "The customer reads the reminder and reaches the reason poll."
    assert (labels(data, "feature"), labels(data, "epic"), labels(data, "story")) == (
        ["Cancellation flow"], ["Retention"], ["Reason poll"])
    assert (labels(data, "owner"), labels(data, "severity")) == (["qa-retention"], ["critical"])
    assert sorted(labels(data, "tag")) == ["cancellation", "smoke"]
    assert data["links"] == [{"type": "issue", "url": "https://tracker.example/JUO-412",
                              "name": "JUO-412"}]


def test_parametrized_cases_have_their_values_and_distinct_histories(flow_run: Any) -> None:
    _, _, found = flow_run
    volume = found["Each reason leads to its offer[volume]"]
    unused = found["Each reason leads to its offer[unused]"]
    assert {p["name"]: p["value"] for p in volume["parameters"]} == {
        "case": "'volume'", "reason": "'too_much_product'", "offer": "'offer_change_frequency'"}
    assert volume["historyId"] != unused["historyId"]
    assert volume["status"] == unused["status"] == "passed"


def test_each_step_is_its_call_and_the_flow_logs_every_call(flow_run: Any) -> None:
    _, results, found = flow_run
    data = found["Reminder leads to the reason poll"]
    steps = data["steps"]
    assert len(steps) == 2 and re.fullmatch(
        r"Customer continues: respond next to show_content \(step value_reminder\)"
        r" — 200 in \d+\.\d ms", steps[1]["name"]), steps[1]["name"]
    assert not steps[1].get("steps") and not steps[1].get("attachments")
    assert steps[0]["start"] <= steps[0]["stop"] <= steps[1]["start"] <= steps[1]["stop"]
    log = attachment(results, data, report.CALLS_ATTACHMENT)
    first, second = log.split("\n── ")[1:]
    assert first.startswith("1 start subscription_cancellation_requested\nPOST http")
    assert "x-delegated-token: <redacted>" in first and "\n← 200 in " in first
    # A workflow's interactiveSteps are written once per run, as a global attachment.
    (name,) = re.findall(r'"interactiveSteps": "… 8 steps: global attachment '
                         r'(interactiveSteps of Cancellation flow \([0-9a-f-]{36}@1\))"', first)
    common = [json.loads(p.read_text()) for p in results.glob("*-globals.json")]
    (entry,) = [a for g in common for a in g["attachments"] if a["name"] == name]
    steps = json.loads((results / entry["source"]).read_text())
    assert [s["stepId"] for s in steps][:2] == ["value_reminder", "reason_poll"]
    assert second.startswith("2 Customer continues: respond next to show_content")
    assert '"responseType":"next"' in second and '"stepId":"reason_poll"' in second
    # What the start call already showed is named, not repeated.
    assert "… unchanged: workflowId, workflowVersion, runId" in second
    assert '"actionConfig":"… as in interactiveSteps"' in second
    assert "user-agent" not in second and "POST http" in second


def test_a_failed_flow_shows_what_failed_where_and_the_call_on_its_step(flow_run: Any) -> None:
    _, results, found = flow_run
    data = found["Reminder wrongly expected to offer a discount"]
    assert data["status"] == "failed"
    start, step = data["steps"]
    assert (start["status"], step["status"]) == ("passed", "failed")
    details = data["statusDetails"]
    assert details["message"].startswith('step 2 "Customer continues" (')
    assert 'pending.stepId: expected "discount_offer", got "reason_poll"' in details["message"]
    # The step that failed carries the test's error, so Allure 3 shows it there (not as an
    # extra entry at the end), with the details: where each expectation is written, the call.
    assert step["statusDetails"] == details
    trace = details["trace"]
    assert re.search(r'pending.stepId: expected "discount_offer", got "reason_poll"   '
                     r"\(\S*cancel.flow.yaml:\d+:\d+\)", trace), trace
    assert "── 2 respond next to show_content (step value_reminder)\nPOST " in trace
    assert http_exchange(results, step)["response"]["status"] == "200"
    assert http_exchange(results, start)["request"]["method"] == "POST"
    assert [a["name"] for a in data["attachments"]] == [report.CALLS_ATTACHMENT]


def test_a_failed_flow_names_no_python_exception(flow_run: Any) -> None:
    _, _, found = flow_run
    data = found["Reminder wrongly expected to offer a discount"]
    text = json.dumps(data)
    for word in ("FlowFailed", "AssertionError", "Traceback", "juo_flowtest.", "_StepFailed"):
        assert word not in text


def test_an_invalid_file_is_a_broken_result_and_run_files_are_written(flow_run: Any) -> None:
    output, results, found = flow_run
    (invalid,) = [d for n, d in found.items() if n.startswith("Invalid flow file")]
    assert invalid["status"] == "broken", output
    assert "INVALID FLOW FILE: " in invalid["statusDetails"]["message"]
    assert "expct" in invalid["statusDetails"]["message"]
    props = (results / "environment.properties").read_text()
    assert "Cancellation\\ flow=" in props and f"{CANCELLATION_ID}@1" in props
    assert "coverage=" in props and "wf.Cancellation\\ flow=v1 published" in props
    assert (results / "categories.json").exists()
    cov = json.loads((results.parent / "reports" / "coverage.json").read_text())
    assert ["value_reminder", "next"] in cov["workflows"][f"{CANCELLATION_ID}@1"]["exercised"]
    assert "Workflow coverage:" in output


def category_of(data: dict[str, Any]) -> str | None:
    """The category Allure 3 gives a result: the first rule matching status and message."""
    rules = json.loads((Path(report.__file__).parent / "categories.json").read_text())
    message = data.get("statusDetails", {}).get("message", "")
    for rule in rules:
        if data["status"] in rule["matchedStatuses"] and re.search(
            rule.get("messageRegex", ""), message
        ):
            return str(rule["name"])
    return None


BROKEN_FLOW = f"flow: Broken target\nfeature: Faults\n{START}"


@pytest.mark.parametrize("fault", ["Contract violation", "Target unreachable or timed out"])
def test_broken_runs_are_broken_and_fall_in_their_category(fault: str, tmp_path: Path) -> None:
    (tmp_path / "broken.flow.yaml").write_text(BROKEN_FLOW)
    if fault == "Contract violation":
        with Sandbox(faults=FaultConfig(missing_field_rate=1.0)) as sandbox:
            output, results = run_flows(tmp_path, "--juo-base-url", sandbox.base_url,
                                        "--juo-tenant", "sandbox.myshopify.com", "broken.flow.yaml")
    else:
        output, results = run_flows(tmp_path, "--juo-base-url", "http://127.0.0.1:9",
                                    "broken.flow.yaml")
    data = load_results(results)["Broken target"]
    assert data["status"] == "broken", output
    assert data["steps"][0]["status"] == "broken"
    assert category_of(data) == fault, data["statusDetails"]["message"]


def test_the_failed_run_is_an_expectation_mismatch(flow_run: Any) -> None:
    _, _, found = flow_run
    assert category_of(found["Reminder wrongly expected to offer a discount"]) == (
        "Expectation mismatch")
    invalid = next(d for n, d in found.items() if n.startswith("Invalid flow file"))
    assert category_of(invalid) == "Invalid input"


@pytest.mark.parametrize("indent", ["", "1"])
def test_the_results_writer_writes_what_allures_own_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indent: str) -> None:
    """The guarded writer encodes with ``resultjson`` (allure's json.dump runs the slow
    pure-Python encoder): the same JSON (compact) and file name pattern; with
    ALLURE_INDENT_OUTPUT, allure's own indented bytes."""
    from allure_commons.logger import AllureFileLogger
    from allure_commons.model2 import Label, Parameter, Status, StatusDetails, TestResult
    from allure_commons.model2 import TestStepResult as Step

    from juo_flowtest.report.faults import OutputFaults

    if indent:
        monkeypatch.setenv("ALLURE_INDENT_OUTPUT", indent)
    else:
        monkeypatch.delenv("ALLURE_INDENT_OUTPUT", raising=False)
    result = TestResult(uuid="u-1", name="cancel ☕ flow", status=Status.FAILED, start=1, stop=2,
                        statusDetails=StatusDetails(message="expected \"x\"\nline 2"),
                        labels=[Label(name="feature", value="Cancellation")],
                        parameters=[Parameter(name="reason", value="price")],
                        steps=[Step(name="respond next", status=Status.PASSED, start=1, stop=2)])
    theirs, ours = tmp_path / "allure", tmp_path / "ours"
    AllureFileLogger(theirs).report_result(result)
    logger = AllureFileLogger(ours)
    logger.__class__ = report._GuardedFileLogger
    logger._juo_faults = OutputFaults()
    logger.report_result(result)
    [their_file], [our_file] = list(theirs.iterdir()), list(ours.iterdir())
    assert our_file.name.endswith("-result.json") and not list(ours.glob("*.tmp"))
    if indent:
        assert our_file.read_bytes() == their_file.read_bytes()
    else:
        ours_data, theirs_data = json.loads(our_file.read_bytes()), json.loads(their_file.read_bytes())
        assert ours_data == theirs_data and json.dumps(ours_data) == json.dumps(theirs_data)
