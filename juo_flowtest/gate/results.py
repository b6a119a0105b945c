"""A finished run read back from disk: allure-results as typed per-test outcomes.

allure-pytest writes one ``*-result.json`` per *attempt*: a test re-run by pytest-rerunfailures
leaves one file per attempt, all with the same ``historyId`` and the same ``thread`` label (the
``pid-threadname`` of the pytest process, fixed for the whole session, one per xdist worker).
So one test is one ``historyId``; its attempts, ordered by ``start``, are its files; the last
attempt decides its status, and a test that did not pass and then passed is *flaky*.

Results of an earlier run left in the same directory (a directory not cleaned between runs)
carry another ``thread`` label (another process). They are not retries: only the newest
session of each test counts, and the older ones are reported in ``RunResults.stale``.

A sharded run (``--shard K/N``) leaves a shard record beside its results; the records of every
directory are read too (``RunResults.shards``), for the gate's ``shards`` rule.

An invalid input (a flow file, or the sandbox's workflow definitions) is written by the report
as a ``broken`` result whose message starts with ``INVALID FLOW FILE:`` or ``INVALID WORKFLOW
DEFINITION:`` and tagged ``invalid-flow-file``; either mark makes it an ``INVALID`` outcome,
never a broken flow.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from juo_flowtest.base.errors import ResultsError
from juo_flowtest.base.outcome import (
    DRAFT_LABEL,
    INVALID_PREFIXES,
    INVALID_TAG,
    WORKFLOW_LABEL,
    Verdict,
)
from juo_flowtest.report.shards import ShardRecord, read_records

DEFAULT_SEVERITY = "normal"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One execution of a test: one result file."""

    status: Verdict
    message: str
    start: int  # epoch milliseconds, as allure writes them
    stop: int
    session: str  # host + thread label: the pytest process that ran it
    file: str
    uuid: str = ""  # the result's own uuid (Allure 3 names the test result after it)


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    """One test (one ``historyId``) of the newest session that ran it."""

    key: str
    name: str
    full_name: str
    severity: str
    tags: tuple[str, ...]  # sorted
    attempts: tuple[Attempt, ...]  # oldest first
    drafts: tuple[str, ...] = ()  # the drafts it ran (run --juo-draft), as labelled
    workflows: tuple[str, ...] = ()  # "<workflowId>@<version>" of every run it saw

    @property
    def status(self) -> Verdict:
        """The last attempt decides."""
        return self.attempts[-1].status

    @property
    def flaky(self) -> bool:
        """Passed in the end, after at least one attempt that failed or broke."""
        earlier = self.attempts[:-1]
        return self.status is Verdict.PASSED and any(
            a.status in (Verdict.FAILED, Verdict.BROKEN) for a in earlier
        )

    @property
    def message(self) -> str:
        """The gist of the deciding failure (the last attempt's, or for a flaky test the last
        failing attempt's): its first line, and the next one when the first ends in a colon."""
        for attempt in reversed(self.attempts):
            lines = [line.strip() for line in attempt.message.splitlines() if line.strip()]
            if lines:
                gist = " ".join(lines[:2]) if lines[0].endswith(":") else lines[0]
                return gist
        return ""


@dataclass(frozen=True, slots=True)
class RunResults:
    outcomes: tuple[FlowOutcome, ...]  # sorted by name, then key
    files: int  # result files read
    stale: tuple[str, ...] = ()  # names of tests with results of older sessions ignored
    #: Per results directory, the shard records found there (``--shard`` runs; else empty).
    shards: tuple[tuple[str, tuple[ShardRecord, ...]], ...] = ()


def read_results(directories: Sequence[Path]) -> RunResults:
    """Read every ``*-result.json`` of the given directories (merged) into outcomes.

    >>> read_results([Path("reports/allure-results")]).outcomes[0].status  # doctest: +SKIP
    <Verdict.PASSED: 'passed'>
    """
    raw: list[dict[str, Any]] = []
    records: list[tuple[str, tuple[ShardRecord, ...]]] = []
    for directory in directories:
        if not directory.is_dir():
            raise ResultsError(f"no results directory at {directory}: run `juo-flowtest run` first")
        raw.extend(_load(path) for path in sorted(directory.glob("*-result.json")))
        try:
            records.append((str(directory), tuple(read_records(directory))))
        except ValueError as exc:
            raise ResultsError(str(exc)) from None
    if not raw:
        where = ", ".join(str(d) for d in directories)
        raise ResultsError(
            f"no test results (*-result.json) in {where}: did the run collect anything?"
        )
    groups: dict[str, list[dict[str, Any]]] = {}
    for data in raw:
        groups.setdefault(_key(data), []).append(data)
    outcomes: list[FlowOutcome] = []
    stale: list[str] = []
    for key, group in groups.items():
        outcome, had_stale = _outcome(key, group)
        outcomes.append(outcome)
        if had_stale:
            stale.append(outcome.name)
    outcomes.sort(key=lambda o: (o.name, o.key))
    return RunResults(tuple(outcomes), files=len(raw), stale=tuple(sorted(stale)),
                      shards=tuple(records))


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path}: cannot read this result file: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("name", ""), str):
        raise ResultsError(f"{path}: not an allure result (expected a JSON object with a name)")
    data["__file__"] = str(path)
    return data


def _key(data: Mapping[str, Any]) -> str:
    # historyId is what allure itself groups retries by; the fallbacks keep odd files apart.
    for field in ("historyId", "testCaseId", "fullName", "uuid"):
        value = data.get(field)
        if isinstance(value, str) and value:
            return value
    return str(data["__file__"])


def _outcome(key: str, group: list[dict[str, Any]]) -> tuple[FlowOutcome, bool]:
    attempts = sorted((_attempt(d) for d in group), key=lambda a: (a.start, a.stop, a.file))
    newest_session = attempts[-1].session
    current = tuple(a for a in attempts if a.session == newest_session)
    last = next(d for d in group if d["__file__"] == current[-1].file)
    labels = _labels(last)
    outcome = FlowOutcome(
        key=key,
        name=str(last.get("name") or key),
        full_name=str(last.get("fullName") or ""),
        severity=(labels.get("severity") or [DEFAULT_SEVERITY])[-1],
        tags=tuple(sorted(set(labels.get("tag", [])))),
        attempts=current,
        drafts=tuple(dict.fromkeys(labels.get(DRAFT_LABEL, []))),
        workflows=tuple(dict.fromkeys(labels.get(WORKFLOW_LABEL, []))),
    )
    return outcome, len(current) < len(attempts)


def _attempt(data: Mapping[str, Any]) -> Attempt:
    details = data.get("statusDetails")
    message = details.get("message") if isinstance(details, dict) else None
    message = message if isinstance(message, str) else ""
    labels = _labels(data)
    session = "/".join(labels.get("host", [""])[-1:] + labels.get("thread", [""])[-1:])
    invalid = message.startswith(INVALID_PREFIXES) or INVALID_TAG in labels.get("tag", [])
    return Attempt(
        status=Verdict.INVALID if invalid else _status(data.get("status")),
        message=message,
        start=_int(data.get("start")),
        stop=_int(data.get("stop")),
        session=session,
        file=str(data["__file__"]),
        uuid=str(data.get("uuid") or ""),
    )


def _status(value: object) -> Verdict:
    try:
        return Verdict(str(value))
    except ValueError:
        # allure's "unknown" (or anything else): the test could not be judged.
        return Verdict.BROKEN


def _labels(data: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    labels = data.get("labels")
    for label in labels if isinstance(labels, list) else []:
        if isinstance(label, dict) and isinstance(label.get("value"), str):
            out.setdefault(str(label.get("name")), []).append(label["value"])
    return out


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0
