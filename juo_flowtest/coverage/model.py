"""Workflow coverage: which (step, response type) pairs of each workflow the suite exercised.

Each flow run yields a ``CoverageSample``: the pairs its workflows offer (read from
``interactiveSteps``) and the pairs a 2xx respond call answered. ``merge`` folds the samples of
a whole run (including those shipped from xdist workers as JSON) into one ``Coverage``.

A workflow is keyed ``"<workflowId>@<workflowVersion>"``: two versions are two workflows,
because a new version may add or remove steps. ``percent`` counts only known pairs; a pair that
was answered but is not listed in ``interactiveSteps`` is kept in ``exercised`` but cannot lift
the percentage. Nothing known means 0 %: nothing was shown to be covered (the terminal, the
report and the gate all read this one model, so they agree).

The JSON written by ``write`` is public (the release gate reads it); see docs/reports.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from juo_flowtest.base.errors import ResultsError

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class CoverageSample:
    """What one flow run saw of its workflows, for workflow coverage.

    ``known``: workflow key (``"<workflowId>@<workflowVersion>"``) -> every
    (stepId, responseType) pair its ``interactiveSteps`` offer.
    ``exercised``: the pairs a respond call answered with a 2xx, per workflow key.
    """

    known: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    exercised: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)


def _percent(covered: int, known: int) -> float:
    return round(100.0 * covered / known, 1) if known else 0.0


@dataclass(frozen=True, slots=True)
class WorkflowCoverage:
    """The coverage of one workflow version."""

    key: str
    known: frozenset[Pair] = frozenset()
    exercised: frozenset[Pair] = frozenset()

    @property
    def covered(self) -> frozenset[Pair]:
        return self.known & self.exercised

    @property
    def missing(self) -> frozenset[Pair]:
        return self.known - self.exercised

    @property
    def percent(self) -> float:
        return _percent(len(self.covered), len(self.known))


@dataclass(frozen=True, slots=True)
class Coverage:
    """The coverage of a whole run, one entry per workflow key, sorted by key.

    ``names`` maps workflow ids (uuids, on Juo) to their names, for people: ``label`` shows
    both, and ``matching`` lets a user name a workflow by key, id or name.
    """

    workflows: dict[str, WorkflowCoverage] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def name_of(self, key: str) -> str | None:
        """The name of the workflow of ``key`` (``"<id>@<version>"``), when known."""
        return self.names.get(key.rsplit("@", 1)[0])

    def label(self, key: str) -> str:
        """``Cancellation flow (969c549c-…@1)``, or the key alone when the name is unknown."""
        name = self.name_of(key)
        return f"{name} ({key})" if name else key

    def named(self, names: Mapping[str, str]) -> Coverage:
        """The same coverage knowing these names too."""
        return replace(self, names={**self.names, **names})

    def matching(self, wanted: str) -> list[WorkflowCoverage]:
        """The workflows ``wanted`` names: a key, an id (every version) or a name."""
        folded = wanted.casefold()
        return [w for key, w in self.workflows.items()
                if wanted in (key, key.rsplit("@", 1)[0])
                or (self.name_of(key) or "").casefold() == folded]

    @property
    def known(self) -> int:
        return sum(len(w.known) for w in self.workflows.values())

    @property
    def exercised(self) -> int:
        return sum(len(w.covered) for w in self.workflows.values())

    @property
    def percent(self) -> float:
        return _percent(self.exercised, self.known)


def merge(samples: Iterable[CoverageSample]) -> Coverage:
    """Fold samples into one ``Coverage``: the union of known and of exercised pairs per key."""
    known: dict[str, set[Pair]] = {}
    exercised: dict[str, set[Pair]] = {}
    for sample in samples:
        for key, pairs in sample.known.items():
            known.setdefault(key, set()).update(pairs)
        for key, pairs in sample.exercised.items():
            exercised.setdefault(key, set()).update(pairs)
    keys = sorted(known.keys() | exercised.keys())
    return Coverage(
        {
            k: WorkflowCoverage(k, frozenset(known.get(k, ())), frozenset(exercised.get(k, ())))
            for k in keys
        }
    )


def _pairs(pairs: Iterable[Pair]) -> list[list[str]]:
    return [[step, response] for step, response in sorted(pairs)]


def to_json(cov: Coverage) -> dict[str, Any]:
    """The documented JSON shape (docs/reports.md), e.g. ``{"workflows": {...}, "total": {...}}``."""
    workflows = {
        key: {
            **({"name": name} if (name := cov.name_of(key)) else {}),
            "known": _pairs(w.known),
            "exercised": _pairs(w.exercised),
            "missing": _pairs(w.missing),
            "percent": w.percent,
        }
        for key, w in cov.workflows.items()
    }
    total = {"known": cov.known, "exercised": cov.exercised, "percent": cov.percent}
    return {"workflows": workflows, "total": total}


def _pair_set(items: Iterable[Any]) -> frozenset[Pair]:
    return frozenset((str(step), str(response)) for step, response in items)


def from_json(data: dict[str, Any]) -> Coverage:
    """Read back what ``to_json`` produced (derived fields are recomputed, not trusted)."""
    workflows = {
        key: WorkflowCoverage(key, _pair_set(w.get("known", ())), _pair_set(w.get("exercised", ())))
        for key, w in sorted(data.get("workflows", {}).items())
    }
    return Coverage(workflows, _names(data.get("workflows", {})))


def _names(workflows: Mapping[str, Any]) -> dict[str, str]:
    """The names written beside the keys of a coverage file (``{"name": ...}``)."""
    return {key.rsplit("@", 1)[0]: w["name"] for key, w in workflows.items()
            if isinstance(w, dict) and isinstance(w.get("name"), str)}


def write(cov: Coverage, path: str) -> None:
    """Write ``to_json(cov)`` to ``path`` (e.g. ``reports/coverage.json``), creating its folder."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(to_json(cov), handle, indent=2)
        handle.write("\n")


def sample_to_data(s: CoverageSample) -> dict[str, Any]:
    """One sample as plain data, to travel on a test report (xdist ships reports as JSON)."""
    return {
        "known": {k: _pairs(v) for k, v in sorted(s.known.items())},
        "exercised": {k: _pairs(v) for k, v in sorted(s.exercised.items())},
    }


def sample_from_data(data: dict[str, Any]) -> CoverageSample:
    """Inverse of ``sample_to_data``."""
    return CoverageSample(
        known={k: _pair_set(v) for k, v in data.get("known", {}).items()},
        exercised={k: _pair_set(v) for k, v in data.get("exercised", {}).items()},
    )


def read(paths: Iterable[Path]) -> Coverage:
    """Read and merge ``coverage.json`` files; ``ResultsError`` names a file that is not one."""
    samples = []
    names: dict[str, str] = {}
    for path in paths:
        data = _read_json(path)
        workflows = data.get("workflows") if isinstance(data, dict) else None
        if not isinstance(workflows, dict) or not all(isinstance(v, dict) for v in workflows.values()):
            raise ResultsError(f'{path}: not a coverage file (expected {{"workflows": {{...}}}})')
        samples.append(CoverageSample(
            known={k: _checked_pairs(path, w.get("known")) for k, w in workflows.items()},
            exercised={k: _checked_pairs(path, w.get("exercised")) for k, w in workflows.items()},
        ))
        names.update(_names(workflows))
    return merge(samples).named(names)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path}: cannot read this coverage file: {exc}") from None


def _checked_pairs(path: Path, value: object) -> frozenset[Pair]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in value
    ):
        raise ResultsError(f"{path}: coverage pairs must be [[stepId, responseType], ...]")
    return frozenset((p[0], p[1]) for p in value)
