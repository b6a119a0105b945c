"""The single-file Allure 3 HTML report, checked in a real headless Chromium.

Needs Node.js/npm (Allure 3 is installed into the cache on first use) and the Debian package
``chromium``; CI installs both. A missing tool fails with what to install, never a skip.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from juo_flowtest.cli import report as reportcli
from juo_flowtest.report import html as htmlreport

QUIET_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
START = """
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/1001", subscription: {cycle_count: 2}}
"""
FLOWS = f"""
flow: Reminder leads to the reason poll
feature: Cancellation flow
story: Reason poll
{START}
steps:
  - name: Customer continues to the poll
    respond: next
    expect:
      pending: {{stepId: reason_poll}}
---
flow: Reminder wrongly expected to offer a discount
feature: Cancellation flow
story: Discount
{START}
steps:
  - name: Customer continues and expects a discount
    respond: next
    expect:
      pending: {{stepId: discount_offer, actionType: offer_discount}}
"""


POLICY = "max_failed: 0\nmax_broken: 0\nmin_coverage: 1\n"


def chromium(*args: str, user_dir: Path) -> str:
    """Run headless Chromium with the flags that make file:// reports finish loading.

    Each call gets a fresh profile under ``user_dir``: a reused one sometimes shows
    "Failed to fetch" instead of the report.
    """
    user_dir = Path(tempfile.mkdtemp(dir=user_dir))
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "headless Chromium is needed: apt-get install -y chromium"
    proc = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={user_dir}", "--virtual-time-budget=15000", *args],
        check=False, capture_output=True, text=True, timeout=120,
    )
    return proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Run two flows, build the report twice (history grows); return (index, results)."""
    assert shutil.which("node") and shutil.which("npm"), (
        "the HTML report needs Node.js and npm: apt-get install nodejs npm")
    root = tmp_path_factory.mktemp("html")
    (root / "cancel.flow.yaml").write_text(FLOWS)
    results = root / "reports" / "allure-results"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *QUIET_PLUGINS,
         "--alluredir", str(results), "--juo-reports-dir", str(root / "reports"),
         "cancel.flow.yaml"],
        check=False, cwd=root, capture_output=True, text=True, timeout=300, env=environ,
    )
    assert "1 passed, 1 failed" in proc.stdout, proc.stdout + proc.stderr
    report_dir, history = root / "reports" / "allure-report", root / "reports" / "history"
    htmlreport.build_html(str(results), str(report_dir), str(history))
    first = (history / "allure-history.jsonl").read_text().count("\n")
    (root / "policy.yaml").write_text(POLICY)
    parser = argparse.ArgumentParser()
    reportcli.configure_parser(parser)
    args = parser.parse_args(["--results", str(results), "--output", str(report_dir),
                              "--history", str(history), "--policy", str(root / "policy.yaml")])
    assert reportcli.command(args) == 0
    index = report_dir / "index.html"
    assert (history / "allure-history.jsonl").read_text().count("\n") == first + 1
    return index, results


def test_the_report_is_one_file_and_leaves_the_cwd_alone(built: Any) -> None:
    index, _ = built
    assert index.name == "index.html" and index.stat().st_size > 100_000
    assert not (index.parent / "data").exists()  # single file: no data directory beside it
    assert not list(index.parent.parent.parent.glob("allurerc*"))


def test_the_report_loads_nothing_from_a_third_party(built: Any) -> None:
    """Allure 3's page loads Google Analytics when opened: the built page no longer does."""
    index, _ = built
    page = index.read_bytes()
    assert b"googletagmanager" not in page and b"gtag(" not in page
    assert b"window.allureReportData" in page  # the report's own scripts are all still there


# Allure 3.18.0's analytics tag as its awesome plugin writes it (its template).
ANALYTICS = b"""    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', {
          "report": "awesome",
          "allureVersion": "3.18.0",
          "reportUuid": "ed307cbb-5c11-4dd1-aebb-d233a7d28e7b",
          "single_file": "true"
        });
    </script>
"""
PAGE = b'<html><head><script src="data:x"></script>\n%s    <script async>\n  x();\n</script></head></html>'


def test_the_analytics_tag_is_cut_out_and_nothing_else(tmp_path: Path) -> None:
    index = tmp_path / "index.html"
    index.write_bytes(PAGE % ANALYTICS)
    assert htmlreport.without_analytics(index) is True
    assert index.read_bytes() == PAGE % b"    "
    assert htmlreport.without_analytics(index) is False  # a clean page is left as it is
    assert index.read_bytes() == PAGE % b"    "


def test_a_page_with_an_analytics_tag_it_cannot_cut_is_not_kept(tmp_path: Path) -> None:
    index = tmp_path / "index.html"
    changed = ANALYTICS.replace(b"window.dataLayer = window.dataLayer || [];", b"var q = 1;")
    index.write_bytes(PAGE % changed)
    with pytest.raises(htmlreport.HtmlReportError, match="Google Analytics") as raised:
        htmlreport.without_analytics(index)
    assert not index.exists()
    assert "Remove the cached Allure install" in str(raised.value)


def rendered(url: str, texts: tuple[str, ...], user_dir: Path) -> str:
    """The DOM of ``url`` once it shows ``texts``: on a loaded machine the first dump can
    catch the report still decoding its data (a spinner), so up to three attempts."""
    dom = ""
    for _ in range(3):
        dom = chromium("--dump-dom", url, user_dir=user_dir)
        if all(text in dom for text in texts):
            break
    return dom


def _test_id(index: Path, name: str) -> str:
    data = json.loads((index.parent / "test-results.json").read_text())
    return next(k for k, v in data["byId"].items() if v["name"] == name)


def test_flow_names_render_in_chromium(built: Any, tmp_path: Path) -> None:
    index, _ = built
    # Allure 3 opens the groups holding failures and folds the all-passed ones.
    texts = ("Cancellation flow", "Reason poll", "Discount",
             "Reminder wrongly expected to offer a discount")
    dom = rendered(index.as_uri(), texts, tmp_path)
    for text in texts:
        assert text in dom, f"{text!r} is not on the rendered overview"
    passed = _test_id(index, "Reminder leads to the reason poll")
    texts = ("Reminder leads to the reason poll", "Customer continues to the poll")
    page = rendered(f"{index.as_uri()}#{passed}", texts, tmp_path)
    for text in texts:
        assert text in page, f"{text!r} is not on the rendered page of the passed flow"


def app(dom: str) -> str:
    """The rendered page, without the report's data embedded before it."""
    return dom[dom.index('id="app"'):]


def test_the_failed_flow_page_shows_what_failed_where_and_the_call_once(
        built: Any, tmp_path: Path) -> None:
    index, _ = built
    test_id = _test_id(index, "Reminder wrongly expected to offer a discount")
    entry = 'step 2 "Customer continues and expects a discount" ('
    title = ("Customer continues and expects a discount: respond next to show_content "
             "(step value_reminder)")
    texts = (title, entry, "Expectation mismatch", "Request and response<",
             "Requests and responses<")
    page = app(rendered(f"{index.as_uri()}#{test_id}", texts, tmp_path))
    for text in texts:
        assert text in page, f"{text!r} is not on the rendered failed-flow page"
    # The error at the top, then once more on the step that failed, opened there with where
    # each expectation is written and the call: not as an extra entry after the steps.
    assert page.count(entry) == 2
    step, log = page.index("Request and response<"), page.index("Requests and responses<")
    assert step < page.rindex(entry) < log
    details = page[page.rindex(entry):log]
    assert "pending.stepId: expected" in details and "cancel.flow.yaml:" in details
    assert "POST http://127.0.0.1:" in details
    for noise in ("FlowFailed", "Traceback", "MainThread", ">framework<", ">cpython3<"):
        assert noise not in page


def test_the_quality_gates_tab_shows_the_release_gate_verdict(built: Any, tmp_path: Path) -> None:
    index, _ = built
    texts = ("DO NOT RELEASE: 1 of 3 rules of", "max_failed", "max_broken", "min_coverage")
    page = app(rendered(f"{index.as_uri()}#/qualityGate", texts, tmp_path))
    for text in texts:
        assert text in page, f"{text!r} is not on the rendered Quality Gates tab"
    assert page.count('data-testid="quality-gate-result"') == 4  # the verdict and 3 rules
    assert page.count('data-testid="quality-gate-result-failed-icon"') == 2
    assert "expected at most 0 failed, actual 1" in page


def test_allurerc_is_single_file_grouped_by_feature_and_story(tmp_path: Path) -> None:
    config = htmlreport.allure_config(tmp_path / "out", tmp_path / "h.jsonl")
    options = config["plugins"]["awesome"]["options"]
    assert options["singleFile"] is True and options["groupBy"] == ["feature", "story"]
    assert config["historyPath"] == str(tmp_path / "h.jsonl")
    assert [c["name"] for c in config["categories"]][-1] == "Expectation mismatch"


def test_the_cache_honours_xdg_cache_home() -> None:
    assert htmlreport.cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/juo-flowtest/allure-3.18.0")
    assert htmlreport.cache_dir({"HOME": "/h"}).parts[-2:] == ("juo-flowtest", "allure-3.18.0")


def test_without_node_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node, no npm on this PATH
    with pytest.raises(htmlreport.HtmlReportError, match="apt-get install nodejs npm"):
        htmlreport.ensure_allure(tmp_path / "cache")


def test_a_cached_allure_without_node_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = tmp_path / "cache" / "node_modules" / ".bin" / "allure"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/usr/bin/env node\n")  # what npm leaves: a Node.js script
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(htmlreport.HtmlReportError, match="needs Node.js"):
        htmlreport.ensure_allure(tmp_path / "cache")


def test_the_command_explains_missing_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    reportcli.configure_parser(parser)
    args = parser.parse_args(["--results", str(tmp_path / "none"), "--output", str(tmp_path)])
    assert reportcli.command(args) == 4
    err = capsys.readouterr().err
    assert "no Allure results in" in err and "Traceback" not in err
