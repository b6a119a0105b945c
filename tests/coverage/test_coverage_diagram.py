"""The workflow drawn with what a run covered: a self-contained page, opened in a real
headless Chromium, where a missing transition shows as missing."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from juo_flowtest.coverage import model
from juo_flowtest.coverage.render import render_html
from juo_flowtest.paths.index import WorkflowIndex
from juo_flowtest.run.pathtracker import PathTracker
from juo_flowtest.sandbox import engine
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.loading import load_directory

WORKFLOWS = {f"{w.id}@{w.version}": w for w in load_directory(EXAMPLES_DIR)}
CANCEL = next(k for k, w in WORKFLOWS.items() if w.name == "Cancellation flow")


def element(page: str, ident: str) -> str:
    """The SVG of one edge or node: from its id to the next edge or node (groups nest)."""
    start = page.find(f'<g id="{ident}"')
    assert start >= 0, ident
    after = start + len(ident) + 30  # past this element's own class attribute
    ends = [i for i in (page.find('class="edge"', after), page.find('class="node"', after),
                        page.find("</svg>", start)) if i >= 0]
    return page[start:min(ends)]


def _coverage() -> model.Coverage:
    """One cancellation run: too expensive, the 20% variant, accepted; the rest is missing."""
    tracker = PathTracker(WorkflowIndex(WORKFLOWS.values()))
    workflow = WORKFLOWS[CANCEL]
    run = engine.start(workflow, {}, ("t", "c"), 0.0, pins={"price_experiment": "discount_20"})
    for answer in ("next", "too_expensive", "accept"):
        engine.respond(run, str(run.interaction_id), answer, None, None, 0.0)
    tracker.observe(CANCEL, engine.state(run))
    return model.merge([model.CoverageSample(
        transitions_known={k: frozenset(v) for k, v in tracker.transitions_known.items()},
        transitions_exercised={k: frozenset(v)
                               for k, v in tracker.transitions_exercised.items()},
        ends_known={k: frozenset(v) for k, v in tracker.ends_known.items()},
        ends_exercised={k: frozenset(v) for k, v in tracker.ends_exercised.items()},
        never={k: frozenset(v) for k, v in tracker.never.items()}, names=tracker.names)])


def test_the_page_draws_exercised_missing_and_impossible_transitions_apart() -> None:
    page = render_html(_coverage(), WORKFLOWS)
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("xmlns")[0]
    edge = element(page, "t:discount_20_offer/discount_20_decline")
    assert "MISSING" in edge and 'stroke="#cf222e"' in edge
    taken = element(page, "t:discount_20_offer/discount_20_accept")
    assert 'stroke="#1a7f37"' in taken and "MISSING" not in taken
    never = element(page, "t:price_experiment/price_experiment_15[discount_20]")
    assert 'stroke="#8c959f"' in never and "stroke-dasharray" in never
    assert "transitions <b>5/27</b>" in page and "end steps <b>1/2</b>" in page
    assert "<script" not in page and "src=" not in page  # nothing to fetch: opens offline
    # The headline is transitions and end steps; a unit not taken reads "missing", not the
    # "never" coverage.json keeps for what cannot happen.
    assert page.index("Workflow coverage: transitions 18.5% (5/27), end steps 50.0% (1/2)") \
        < page.index("Step responses:")
    assert "<td>discount_20_offer/discount_20_decline</td><td class=no>missing</td>" in page


def test_a_real_browser_shows_the_missing_transition_as_missing(tmp_path: Path) -> None:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "headless Chromium is needed: apt-get install -y chromium"
    page = tmp_path / "coverage.html"
    page.write_text(render_html(_coverage(), WORKFLOWS), encoding="utf-8")
    profile = tempfile.mkdtemp(dir=tmp_path)
    done = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    dom = done.stdout
    edge = element(dom, "t:confirm_cancel/confirm_cancel_yes")
    assert "MISSING" in edge and "stroke-dasharray" in edge and "#cf222e" in edge
    assert "[missing]" in element(dom, "e:cancelled:final")
    assert "MISSING" not in element(dom, "t:discount_20_offer/discount_20_accept")
    assert "missing <b class=\"no\">" in dom or "missing <b class=no>" in dom
