"""A pytest plugin of the bench (``-p memprobe``): each process's memory, before and after.

Every pytest process of a run (the controller, each xdist worker) writes
``$MEMPROBE_DIR/<pid>.json``: its RSS at configure, after collection and at the end, how many
tests it collected and ran. ``bench/big_suite.py`` turns that into the collection footprint per
file and the memory growth per flow run.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import Any

import pytest

_KEY = pytest.StashKey[dict[str, Any]]()


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pytest_configure(config: pytest.Config) -> None:
    worker = getattr(config, "workerinput", {}).get("workerid", "controller")
    config.stash[_KEY] = {"worker": worker, "start_kb": rss_kb(), "collected": 0, "ran": 0}


def pytest_collection_finish(session: pytest.Session) -> None:
    data = session.config.stash[_KEY]
    data["collected"] = len(session.items)
    data["collected_kb"] = rss_kb()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and not hasattr(report, "node"):  # a worker's own report
        _PROCESS["ran"] += 1


_PROCESS: dict[str, int] = {"ran": 0}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    data = session.config.stash[_KEY]
    gc.collect()
    data["end_kb"] = rss_kb()
    data["ran"] = _PROCESS["ran"]
    where = os.environ.get("MEMPROBE_DIR")
    if where:
        Path(where, f"{os.getpid()}.json").write_text(json.dumps(data))
