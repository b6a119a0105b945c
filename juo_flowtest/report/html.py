"""The single-file HTML report: Allure 3 (npm package ``allure``, pinned) over allure-results.

``build_html`` writes ``<report_dir>/index.html``, one self-contained file that opens from
``file://``, grouped by feature and story, with history and trends kept in
``<history_dir>/allure-history.jsonl`` across runs. Allure 3 needs Node.js but not Java; it is
installed on first use into a cache (``$XDG_CACHE_HOME/juo-flowtest/allure-3.18.0``, default
``~/.cache``), never into the project. The Allure config is written to a temporary directory,
so the user's working directory is left alone.

The report is built by ``allure_build.mjs`` (beside this module), which does what
``allure generate`` does and, when a release policy is configured, hands Allure the gate's
verdict for its Quality Gates tab. ``juo-flowtest report`` is ``cli.report``.

Allure 3's report page loads Google Analytics (``gtag.js``, sent the report's id and Allure's
version, and by the tag itself the page's address) whenever it is opened; in 3.18.0 its
``ALLURE_NO_ANALYTICS`` switch reaches only the allure2 plugin, not the awesome one used here.
A test report is nobody else's business: ``build_html`` cuts the tag out of the page it
wrote (``without_analytics``), and refuses a page it cannot clean.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from juo_flowtest.base.errors import JuoFlowtestError
from juo_flowtest.report.faults import describe

ALLURE_VERSION = "3.18.0"
REPORT_NAME = "Juo workflow flows"
HIDDEN_LABELS = ("host", "thread", "framework", "language", "package")
NODE_MISSING = (
    "the HTML report needs Node.js and npm (Allure 3 is an npm package). Install them with "
    "'apt-get install nodejs npm' (Debian/Ubuntu) or from https://nodejs.org, then run again."
)


#: The analytics tag of Allure 3.18.0's page, from the loader script to the end of the inline
#: script that configures it (the text between is Allure's own template).
_TAG_START = b'<script async src="https://www.googletagmanager.com/gtag/js'
_TAG = re.compile(rb'<script async src="https://www\.googletagmanager\.com/gtag/js\?id=[^"<]*">'
                  rb'</script>\s*<script>\s*window\.dataLayer = window\.dataLayer \|\| \[\];'
                  rb'[^<]*</script>[ \t]*\n?')


class HtmlReportError(JuoFlowtestError):
    """The HTML report could not be built (no Node.js, npm install failed, generate failed)."""


def cache_dir(environ: dict[str, str] | None = None) -> Path:
    """Where the pinned Allure 3 lives: ``$XDG_CACHE_HOME/juo-flowtest/allure-<version>``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "juo-flowtest" / f"allure-{ALLURE_VERSION}"


def _run(cmd: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise HtmlReportError(f"'{' '.join(cmd[:2])}' did not finish in {timeout:.0f} s") from None


def ensure_allure(cache: Path | None = None) -> Path:
    """The Allure 3 executable, installing the pinned version into ``cache`` on first use."""
    cache = cache or cache_dir()
    binary = cache / "node_modules" / ".bin" / "allure"
    if shutil.which("node") is None:  # even a cached Allure is a Node.js script
        raise HtmlReportError(NODE_MISSING)
    if binary.exists():
        return binary
    if shutil.which("npm") is None:
        raise HtmlReportError(NODE_MISSING)
    cache.mkdir(parents=True, exist_ok=True)
    print(f"juo-flowtest: installing Allure {ALLURE_VERSION} into {cache} (once)",
          file=sys.stderr)
    npm = [str(shutil.which("npm")), "install", "--prefix", str(cache), "--save-exact",
           "--no-audit", "--no-fund", "--loglevel=error", f"allure@{ALLURE_VERSION}"]
    done = _run(npm, cache, timeout=600)
    if done.returncode != 0 or not binary.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise HtmlReportError(
            f"'npm install allure@{ALLURE_VERSION}' failed (exit {done.returncode}); "
            "check network access to the npm registry:\n  " + "\n  ".join(tail)
        )
    return binary


def allure_config(report_dir: Path, history_file: Path) -> dict[str, Any]:
    """The allurerc: single file, grouped by feature and story, history, our categories."""
    categories = json.loads(
        resources.files("juo_flowtest.report").joinpath("categories.json").read_text("utf-8")
    )
    rules = [
        {k: v for k, v in rule.items() if k != "description"} for rule in categories
    ]
    return {
        "name": REPORT_NAME,
        "output": str(report_dir),
        "historyPath": str(history_file),
        "categories": rules,
        # Labels allure-pytest adds that say nothing about a flow. host and thread stay in the
        # results (the timeline and the gate read them), only the test pages leave them out.
        "hideLabels": list(HIDDEN_LABELS),
        "plugins": {
            "awesome": {
                "options": {
                    "singleFile": True,
                    "reportName": REPORT_NAME,
                    "groupBy": ["feature", "story"],
                }
            }
        },
    }


def _allure_core(allure: Path) -> str:
    """The file URL of @allurereport/core in the install ``allure`` (its .bin entry) belongs to."""
    core = allure.parent.parent / "@allurereport" / "core" / "dist" / "index.js"
    if not core.is_file():
        raise HtmlReportError(f"the Allure install in {allure.parent.parent.parent} is incomplete "
                              f"(no {core}): delete that folder and run again to reinstall it")
    return core.as_uri()


def build_html(results_dir: str, report_dir: str, history_dir: str,
               quality_gate: list[dict[str, Any]] | None = None) -> str:
    """Build ``<report_dir>/index.html`` from ``results_dir``; return its path.

    ``quality_gate``: the release gate's rules as Allure 3 quality gate results
    (``gate.qualitygate``), shown on the report's Quality Gates tab; None leaves it empty.

    Example: ``build_html("reports/allure-results", "reports/allure-report", "reports/history")``
    """
    results = Path(results_dir).resolve()
    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise HtmlReportError(
            f"no Allure results in {results_dir}: run the flows first "
            "(juo-flowtest run, or pytest --alluredir DIR)"
        )
    output = Path(report_dir).resolve()
    history = Path(history_dir).resolve()
    allure = ensure_allure()
    node = shutil.which("node")
    if node is None:
        raise HtmlReportError(NODE_MISSING)
    builder = resources.files("juo_flowtest.report").joinpath("allure_build.mjs")
    index = output / "index.html"
    started = time.time()
    try:
        history.mkdir(parents=True, exist_ok=True)
        output.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="juo-allure-") as work, \
                resources.as_file(builder) as script:
            config = Path(work) / "allurerc.json"
            config.write_text(json.dumps(allure_config(output, history / "allure-history.jsonl")))
            cmd = [node, str(script), _allure_core(allure), str(config), str(results)]
            if quality_gate is not None:
                gate = Path(work) / "quality-gate.json"
                gate.write_text(json.dumps(quality_gate))
                cmd.append(str(gate))
            done = _run(cmd, Path(work), timeout=600)
    except OSError as exc:
        raise HtmlReportError(f"could not write {exc.filename or output}: {describe(exc)}") \
            from None
    # Allure writes nothing for some broken inputs without failing: check the file.
    if done.returncode != 0 or not index.exists() or index.stat().st_mtime < started - 1:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise HtmlReportError(
            f"Allure did not write {index} (exit {done.returncode}):\n  " + "\n  ".join(tail)
        )
    try:
        without_analytics(index)
    except OSError as exc:
        raise HtmlReportError(f"could not rewrite {index}: {describe(exc)}") from None
    return str(index)


def without_analytics(index: Path) -> bool:
    """Cut Allure's Google Analytics tag out of the page ``index``; True if there was one.

    Raises ``HtmlReportError`` (and deletes the page) when the tag is there in a form this
    does not know: a report that would call a third party when opened is not written.
    """
    page = index.read_bytes()
    start = page.find(_TAG_START)
    if start < 0:
        return False
    found = _TAG.match(page, start)
    cleaned = page[:start] + page[found.end():] if found else page
    if found is None or _TAG_START in cleaned:
        index.unlink()
        raise HtmlReportError(
            f"the Allure report in {index.parent} loads Google Analytics in a form juo-flowtest "
            f"does not know how to remove (Allure {ALLURE_VERSION} expected): the page was "
            "deleted. Remove the cached Allure install and run again.")
    index.write_bytes(cleaned)
    return True
