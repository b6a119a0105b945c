"""The benchmark: its generated scenario is valid and equivalent, and its smoke mode reports.

The smoke run is ``python bench/run.py --quick --no-tavern`` (bench/README.md): every part that
needs no extra venv (floor, juo-flowtest with and without Allure, collection, lint) runs for
real against a real sandbox, with sizes too small to mean anything about speed. The Tavern
comparison needs bench/.venv and is covered by the committed bench/RESULTS.md run.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from juo_flowtest.flowfile import loader

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import scenario  # bench/ is not a package


def test_plan_goes_round_the_reason_poll() -> None:
    answers = scenario.plan(5)
    assert [a.response for a in answers] == ["next", "not_using", "decline", "back", "not_using"]
    assert [a.step_id for a in answers] == [
        "reason_poll", "skip_offer", "confirm_cancel", "reason_poll", "skip_offer"]


def test_generated_flow_is_valid_and_checks_every_call(tmp_path: Path) -> None:
    scenario.write_juo(tmp_path, flows=2, steps=4)
    files = sorted(tmp_path.glob("*.flow.yaml"))
    assert len(files) == 2
    flow = loader.load_file(files[1]).flows[0]
    assert flow.name == "bench flow 00001"
    assert len(flow.steps) == 1 + 4  # the start, then the respond steps
    raw = yaml.safe_load(files[1].read_text())
    assert raw["expect"]["pending"] == {"stepId": "value_reminder", "actionType": "show_content"}
    assert [s["expect"]["pending"]["stepId"] for s in raw["steps"]] == [
        "reason_poll", "skip_offer", "confirm_cancel", "reason_poll"]
    assert all(s["expect"]["http"] == 200 for s in raw["steps"])


class _TavernLoader(yaml.SafeLoader):
    """Reads Tavern's ``!int`` tag as a marker, to compare the generated stages."""


_TavernLoader.add_constructor("!int", lambda loader, node: ("int", loader.construct_scalar(node)))


def test_generated_tavern_test_makes_the_same_calls(tmp_path: Path) -> None:
    scenario.write_tavern(tmp_path, flows=1, steps=4, base_url="http://127.0.0.1:1/customer/v1")
    test = yaml.load((tmp_path / "test_bench_00000.tavern.yaml").read_text(), _TavernLoader)
    stages = test["stages"]
    assert len(stages) == 5
    assert test["strict"] == ["json:off"]
    responds = stages[1:]
    assert [s["request"]["json"]["responseType"] for s in responds] == [
        "next", "not_using", "decline", "back"]
    assert [s["response"]["json"]["pendingInteraction"]["stepId"] for s in responds] == [
        "reason_poll", "skip_offer", "confirm_cancel", "reason_poll"]
    assert responds[0]["request"]["json"]["expectedRunVersion"] == ("int", "{run_version}")
    assert stages[0]["response"]["save"]["json"]["run_id"] == "runId"
    # The token is read from the environment; no generated file holds it.
    assert scenario.SANDBOX_TOKEN not in (tmp_path / "test_bench_00000.tavern.yaml").read_text()
    assert "base_url" in (tmp_path / "global.yaml").read_text()


def _row(table: str, name: str) -> list[str]:
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == name:
            return cells[1:]
    raise AssertionError(f"no row '{name}' in:\n{table}")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, object]]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--no-tavern",
         "--out", str(out / "out"), "--output", str(out / "RESULTS.md")],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    raw = json.loads((out / "out" / "raw.json").read_text())
    return (out / "RESULTS.md").read_text(), raw


def test_smoke_reports_floor_and_runner_rows(smoke: tuple[str, dict[str, object]]) -> None:
    report, _ = smoke
    for name in ("floor (httpx loop)", "juo-flowtest", "juo-flowtest + allure"):
        cells = _row(report, name)
        cpu, wall, fixed, rss = (float(cells[i]) for i in (0, 3, 6, 7))
        assert math.isfinite(cpu) and math.isfinite(wall), cells
        assert 0 < fixed < 60, cells
        assert 10 < rss < 2000, cells
    floor = _row(report, "floor (httpx loop)")
    # At smoke sizes a per-call difference can come out negative (noise); then no ratio exists.
    assert floor[1] == ("1.00 (1.00–1.00)" if float(floor[0]) > 0 else "nan (n/a)")
    assert "Tavern 3.7.1 |" not in report
    assert "Smoke mode" in report and "The machine was shared" in report
    assert re.search(r"- CPU: .+\n- cores: \d+\n- Python: 3\.\d+", report)


def test_smoke_measures_every_run_and_collection(smoke: tuple[str, dict[str, object]]) -> None:
    report, raw = smoke
    for tool in ("floor (httpx loop)", "juo-flowtest", "juo-flowtest + allure"):
        runs = raw[tool]
        assert isinstance(runs, dict) and set(runs) == {"m5-n10", "m5-n20", "m10-n10", "m10-n20"}
        for samples in runs.values():
            assert len(samples) == 1
            assert samples[0]["cpu"] > 0 and samples[0]["wall"] > 0
            assert samples[0]["maxrss_mb"] > 10
    # The sandbox served every call: its CPU over a 2N run is counted.
    large = raw["juo-flowtest"]["m10-n20"]  # type: ignore[index]
    assert large[0]["server_cpu"] >= 0
    for name in ("juo-flowtest collect", "juo-flowtest lint"):
        wall, cpu, rss = (float(c) for c in _row(report, name))
        assert wall > 0 and cpu > 0 and rss > 10
    assert "| collecting the files < 3 s (wall) |" in report
    assert "| client CPU per call ≤ 1.2× the floor, 5 responds per flow |" in report
    assert "| with Allure results ≤ 1.5× the floor, 10 responds per flow |" in report


def test_smoke_splits_a_flow_s_cost_and_runs_the_big_suite(
    smoke: tuple[str, dict[str, object]],
) -> None:
    report, _ = smoke
    per_flow = report.split("### Per flow", 1)[1]
    for name in ("floor (httpx loop)", "juo-flowtest", "juo-flowtest + allure"):
        fixed, beyond, respond = _row(per_flow, name)
        assert math.isfinite(float(fixed.split()[0])) and math.isfinite(float(respond))
        assert math.isfinite(float(beyond))
    big = report.split("## Big suites: 200 generated files", 1)[1]
    assert "| collecting 200 files (`--collect-only`, median of 1) |" in big
    growth = next(line for line in big.splitlines() if "memory growth per flow run" in line)
    assert re.search(r"\| -?\d+\.\d\d, -?\d+\.\d\d KB \|", growth), growth


def test_the_report_bench_measures_size_build_and_that_chromium_opens_it(
        tmp_path: Path) -> None:
    """``bench/report_bench.py --quick``: 5 flows, the results, the HTML, its build, Chromium."""
    output = tmp_path / "RESULTS.md"
    output.write_text("# Benchmark results\n\nkept\n")
    done = subprocess.run(
        [sys.executable, str(BENCH / "report_bench.py"), "--quick", "--out", str(tmp_path / "out"),
         "--output", str(output)],
        capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = output.read_text()
    assert text.startswith("# Benchmark results\n\nkept\n\n<!-- report-bench:start -->")
    cells = _row(text, "5")
    calls, results_mb, html_mb, build_s, rss = (cells[0], cells[2], cells[4], cells[5], cells[6])
    assert calls == "55" and re.fullmatch(r"\d+\.\d \(\d+\)", results_mb)
    assert 3 < float(html_mb) < 10 and float(build_s) > 0 and 50 < float(rss) < 2000
    assert cells[7].startswith("yes, ") and text.count("report-bench:start") == 1


def test_instructions_table_and_its_section_of_the_results(tmp_path: Path) -> None:
    """bench/instructions.py (its counting needs Valgrind, so it runs by hand): the ratio to
    the floor per step count, and a rewrite that replaces its own section only."""
    import instructions
    import run

    settings = run.parse(["--no-tavern", "--flows=30", "--steps=10,20", f"--out={tmp_path}",
                          "--big-files=0"])
    per_call = {(run.FLOOR, 10): 2.0e6, (run.JUO, 10): 2.5e6, (run.ALLURE, 10): 4.0e6,
                (run.FLOOR, 20): 2.0e6, (run.JUO, 20): 2.2e6, (run.ALLURE, 20): 3.0e6}
    lines = instructions.table(settings, per_call)
    row = next(line for line in lines if line.startswith(f"| {run.JUO} |"))
    assert row == f"| {run.JUO} | 2.500 M | 1.25 | 2.200 M | 1.10 |"
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nbefore\n")
    instructions.write(results, lines)
    instructions.write(results, [*lines[:-1], "again", lines[-1]])
    text = results.read_text()
    assert text.count(instructions.SECTION[0]) == 1 and "again" in text
    assert text.startswith("# Benchmark results\n\nbefore\n")
    # bench/run.py keeps the section when it rewrites the file.
    assert instructions.SECTION[0] in run.kept_sections(results)
