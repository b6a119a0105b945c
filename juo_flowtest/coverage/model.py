"""Workflow coverage: which (step, response type) pairs, which transitions and which end steps
of each workflow the suite exercised.

Each flow run yields a ``CoverageSample``: the pairs its workflows offer (read from
``interactiveSteps``) and the pairs a 2xx respond call answered; and, from the workflow
definitions at hand (``paths``), the transition units and end units each workflow has, those
that can never happen (with why), and those the run went through. ``merge`` folds the samples
of a whole run (including those shipped from xdist workers as JSON) into one ``Coverage``.

A transition unit is ``(stepId, transitionId, variantId)`` (``variantId`` is ``""`` except for
an experiment step's routing, counted once per variant); an end unit is ``(stepId, how)``,
``how`` in ``final``, ``no_transition``, ``failed``, ``abandoned`` (``paths.units``).

A workflow is keyed ``"<workflowId>@<workflowVersion>"``: two versions are two workflows,
because a new version may add or remove steps. ``percent`` counts only known pairs; a pair that
was answered but is not listed in ``interactiveSteps`` is kept in ``exercised`` but cannot lift
the percentage. Nothing known means 0 %: nothing was shown to be covered (the terminal, the
report and the gate all read this one model, so they agree).

The JSON written by ``write`` is public (the release gate reads it); see docs/reports.md.
Why this module is over 300 lines: the JSON shape (written, shipped between xdist processes,
read back by the gate) stays beside the model it serialises, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from juo_flowtest.base.errors import ResultsError
from juo_flowtest.base.records import record
from juo_flowtest.coverage.traffic import Traffic, merge_traffic, weigh
from juo_flowtest.coverage.traffic import from_json as traffic_from_json
from juo_flowtest.coverage.traffic import to_json as traffic_json

Pair = tuple[str, str]
#: A transition unit (3 strings) or an end unit (2 strings).
Item = tuple[str, ...]
#: A unit that can never happen, and why.
Never = tuple[Item, str]
Units = dict[str, frozenset[Item]]


@record
class CoverageSample:
    """What one flow run saw of its workflows, for workflow coverage.

    ``known``: workflow key (``"<workflowId>@<workflowVersion>"``) -> every
    (stepId, responseType) pair its ``interactiveSteps`` offer.
    ``exercised``: the pairs a respond call answered with a 2xx, per workflow key.
    ``transitions`` / ``ends``: per workflow key, the units known (from the definitions) and
    exercised; ``never``: the units that cannot happen, with why; ``names``: the workflows'
    names; ``notes``: what could not be learnt (no definitions, an ambiguous move).
    """

    known: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    exercised: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    transitions_known: Units = field(default_factory=dict)
    transitions_exercised: Units = field(default_factory=dict)
    ends_known: Units = field(default_factory=dict)
    ends_exercised: Units = field(default_factory=dict)
    never: dict[str, frozenset[Never]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    notes: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Every step the runs were seen at (pending, ended, or listed as visited), per key:
    #: what traffic-weighted coverage counts as exercised.
    steps: dict[str, frozenset[str]] = field(default_factory=dict)


#: CoverageSample's fields, each a dict of hashable values.
_SAMPLE_FIELDS = ("known", "exercised", "transitions_known", "transitions_exercised",
                  "ends_known", "ends_exercised", "never", "names", "notes", "steps")


def sample_key(s: CoverageSample) -> tuple[frozenset[Any], ...]:
    """A hashable identity of a sample: equal keys, equal samples.

    Most flows of a suite see what an earlier one saw; a process sends a sample to the
    reporting side only once (``sample_to_data`` and the receiver's sorted-JSON dedupe measured
    ~20 + ~57 µs a flow for the example workflow; hashing this is a few µs).
    """
    return tuple(frozenset(getattr(s, name).items()) for name in _SAMPLE_FIELDS)


def _percent(covered: int, known: int) -> float:
    return round(100.0 * covered / known, 1) if known else 0.0


@record
class UnitCoverage:
    """Known and exercised units of one kind (transitions, or end steps) of one workflow."""

    known: frozenset[Item] = frozenset()
    exercised: frozenset[Item] = frozenset()
    never: frozenset[Never] = frozenset()

    @property
    def covered(self) -> frozenset[Item]:
        return self.known & self.exercised

    @property
    def missing(self) -> frozenset[Item]:
        return self.known - self.exercised

    @property
    def percent(self) -> float:
        return _percent(len(self.covered), len(self.known))


@record
class WorkflowCoverage:
    """The coverage of one workflow version."""

    key: str
    known: frozenset[Pair] = frozenset()
    exercised: frozenset[Pair] = frozenset()
    transitions: UnitCoverage = UnitCoverage()
    ends: UnitCoverage = UnitCoverage()
    name: str = ""
    notes: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """How people read the key: ``Cancellation flow (cancellation@1)``."""
        return f"{self.name} ({self.key})" if self.name else self.key

    @property
    def covered(self) -> frozenset[Pair]:
        return self.known & self.exercised

    @property
    def missing(self) -> frozenset[Pair]:
        return self.known - self.exercised

    @property
    def percent(self) -> float:
        return _percent(len(self.covered), len(self.known))


@record
class Coverage:
    """The coverage of a whole run, one entry per workflow key, sorted by key.

    ``names`` maps workflow ids (uuids, on Juo) to their names, for people: ``label`` shows
    both, and ``matching`` lets a user name a workflow by key, id or name.
    """

    workflows: dict[str, WorkflowCoverage] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    #: Steps the runs went through, per key (from every sample), for ``traffic``.
    steps: dict[str, frozenset[str]] = field(default_factory=dict)
    #: The share of the target's production step executions the suite exercises (none when
    #: the target has no statistics): ``coverage.traffic``.
    traffic: Traffic = field(default_factory=Traffic)

    def exercised_steps(self) -> dict[str, set[str]]:
        """Workflow id -> every step the suite went through, in any version of it."""
        out: dict[str, set[str]] = {}
        for key in self.workflows.keys() | self.steps.keys():
            found = out.setdefault(key.rsplit("@", 1)[0], set())
            found.update(self.steps.get(key, ()))
            if key in self.workflows:
                found.update(step for step, _ in self.workflows[key].covered)
        return out

    def weighed(self, counts: Mapping[str, Mapping[str, int]],
                stands_for: Mapping[str, str] | None = None) -> Coverage:
        """The same coverage with the traffic figure for the target's ``runs/stats`` counts.

        ``stands_for``: draft id -> the id of the workflow it is an edit of (``--juo-draft``):
        the steps a draft's runs went through weigh that workflow's production executions.
        """
        exercised = self.exercised_steps()
        for draft, workflow in (stands_for or {}).items():
            if draft in exercised and workflow != draft:
                exercised.setdefault(workflow, set()).update(exercised[draft])
        return replace(self, traffic=weigh(counts, exercised))

    def name_of(self, key: str) -> str | None:
        """The name of the workflow of ``key`` (``"<id>@<version>"``), when known."""
        found = self.names.get(key.rsplit("@", 1)[0])
        if found is None and key in self.workflows:
            found = self.workflows[key].name or None
        return found

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

    @property
    def transitions(self) -> tuple[int, int, float]:
        """(known, exercised, percent) of transition units over every workflow."""
        return _sum(w.transitions for w in self.workflows.values())

    @property
    def ends(self) -> tuple[int, int, float]:
        """(known, exercised, percent) of end units over every workflow."""
        return _sum(w.ends for w in self.workflows.values())


def _sum(parts: Iterable[UnitCoverage]) -> tuple[int, int, float]:
    known = exercised = 0
    for part in parts:
        known += len(part.known)
        exercised += len(part.covered)
    return known, exercised, _percent(exercised, known)


def merge(samples: Iterable[CoverageSample]) -> Coverage:
    """Fold samples into one ``Coverage``: the union of known and of exercised units per key."""
    fields = ("known", "exercised", "transitions_known", "transitions_exercised", "ends_known",
              "ends_exercised", "never", "notes", "steps")
    acc: dict[str, dict[str, set[Any]]] = {f: {} for f in fields}
    names: dict[str, str] = {}
    for sample in samples:
        for f in fields:
            for key, items in getattr(sample, f).items():
                acc[f].setdefault(key, set()).update(items)
        names.update(sample.names)
    keys = sorted(acc["known"].keys() | acc["exercised"].keys() | acc["transitions_known"].keys()
                  | acc["transitions_exercised"].keys() | acc["ends_exercised"].keys())

    def get(f: str, key: str) -> frozenset[Any]:
        return frozenset(acc[f].get(key, ()))

    def never(key: str, size: int) -> frozenset[Never]:
        return frozenset(n for n in get("never", key) if len(n[0]) == size)

    return Coverage(names={k.rsplit("@", 1)[0]: n for k, n in names.items()}, workflows={
        k: WorkflowCoverage(
            k, get("known", k), get("exercised", k),
            UnitCoverage(get("transitions_known", k), get("transitions_exercised", k),
                         never(k, 3)),
            UnitCoverage(get("ends_known", k), get("ends_exercised", k), never(k, 2)),
            names.get(k, ""), get("notes", k))
        for k in keys
    }, steps={k: frozenset(v) for k, v in sorted(acc["steps"].items()) if v})


def _pairs(pairs: Iterable[Pair]) -> list[list[str]]:
    return [[step, response] for step, response in sorted(pairs)]


def _items(items: Iterable[Item]) -> list[list[str]]:
    """Units as JSON lists, the empty variant left out: ``[step, transition]``."""
    return [list(item[:2]) if len(item) == 3 and not item[2] else list(item)
            for item in sorted(items)]


def _item(value: Any, size: int) -> Item:
    parts = [str(v) for v in value]
    return tuple(parts + [""] * (size - len(parts)))


def _units_json(u: UnitCoverage) -> dict[str, Any]:
    return {
        "known": _items(u.known),
        "exercised": _items(u.exercised),
        "missing": _items(u.missing),
        "percent": u.percent,
        "never": [{"unit": _items([item])[0], "why": why} for item, why in sorted(u.never)],
    }


def _total_json(parts: tuple[int, int, float]) -> dict[str, Any]:
    known, exercised, percent = parts
    return {"known": known, "exercised": exercised, "missing": known - exercised,
            "percent": percent}


def to_json(cov: Coverage) -> dict[str, Any]:
    """The documented JSON shape (docs/reports.md), e.g. ``{"workflows": {...}, "total": {...}}``."""
    workflows = {}
    for key, w in cov.workflows.items():
        entry: dict[str, Any] = {
            "known": _pairs(w.known),
            "exercised": _pairs(w.exercised),
            "missing": _pairs(w.missing),
            "percent": w.percent,
            "transitions": _units_json(w.transitions),
            "endSteps": _units_json(w.ends),
        }
        name = cov.name_of(key)
        if name:
            entry = {"name": name, **entry}
        if w.notes:
            entry["notes"] = sorted(w.notes)
        workflows[key] = entry
    total = {"known": cov.known, "exercised": cov.exercised, "percent": cov.percent,
             "transitions": _total_json(cov.transitions), "endSteps": _total_json(cov.ends)}
    out: dict[str, Any] = {"workflows": workflows, "total": total}
    if cov.steps:
        out["visitedSteps"] = {k: sorted(v) for k, v in cov.steps.items()}
    if cov.traffic.workflows:
        out["traffic"] = traffic_json(cov.traffic, cov.names)
    return out


def _pair_set(items: Iterable[Any]) -> frozenset[Pair]:
    return frozenset((str(step), str(response)) for step, response in items)


def _units_from(data: Any, size: int) -> tuple[frozenset[Item], frozenset[Item], frozenset[Never]]:
    if not isinstance(data, dict):
        return frozenset(), frozenset(), frozenset()
    never = frozenset((_item(n["unit"], size), str(n.get("why", "")))
                      for n in data.get("never", ()) if isinstance(n, dict) and "unit" in n)
    return (frozenset(_item(u, size) for u in data.get("known", ())),
            frozenset(_item(u, size) for u in data.get("exercised", ())), never)


def _sample_of(key: str, w: dict[str, Any]) -> CoverageSample:
    tk, te, tn = _units_from(w.get("transitions"), 3)
    ek, ee, en = _units_from(w.get("endSteps"), 2)
    return CoverageSample(
        known={key: _pair_set(w.get("known", ()))},
        exercised={key: _pair_set(w.get("exercised", ()))},
        transitions_known={key: tk}, transitions_exercised={key: te},
        ends_known={key: ek}, ends_exercised={key: ee}, never={key: tn | en},
        names={key: str(w["name"])} if w.get("name") else {},
        notes={key: frozenset(str(n) for n in w.get("notes", ()))},
    )


def from_json(data: dict[str, Any]) -> Coverage:
    """Read back what ``to_json`` produced (derived fields are recomputed, not trusted)."""
    workflows = data.get("workflows", {})
    merged = merge([*(_sample_of(key, w) for key, w in sorted(workflows.items())),
                    _visited_of(data.get("visitedSteps"))])
    return replace(merged, traffic=traffic_from_json(data.get("traffic")))


def _visited_of(data: Any) -> CoverageSample:
    """The ``visitedSteps`` of a coverage file as a sample (steps only)."""
    if not isinstance(data, Mapping):
        return CoverageSample()
    return CoverageSample(steps={str(k): frozenset(str(s) for s in v)
                                 for k, v in data.items() if isinstance(v, list)})


def write(cov: Coverage, path: str) -> None:
    """Write ``to_json(cov)`` to ``path`` (e.g. ``reports/coverage.json``), creating its folder."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(to_json(cov), handle, indent=2)
        handle.write("\n")


_UNIT_FIELDS = {"transitions_known": 3, "transitions_exercised": 3, "ends_known": 2,
                "ends_exercised": 2}


def sample_to_data(s: CoverageSample) -> dict[str, Any]:
    """One sample as plain data, to travel on a test report (xdist ships reports as JSON)."""
    data: dict[str, Any] = {
        "known": {k: _pairs(v) for k, v in sorted(s.known.items())},
        "exercised": {k: _pairs(v) for k, v in sorted(s.exercised.items())},
        "steps": {k: sorted(v) for k, v in sorted(s.steps.items())},
    }
    for name in _UNIT_FIELDS:
        data[name] = {k: [list(i) for i in sorted(v)] for k, v in getattr(s, name).items()}
    data["never"] = {k: [[list(i), why] for i, why in sorted(v)] for k, v in s.never.items()}
    data["names"] = dict(s.names)
    data["notes"] = {k: sorted(v) for k, v in s.notes.items()}
    return data


def sample_from_data(data: dict[str, Any]) -> CoverageSample:
    """Inverse of ``sample_to_data``."""
    units = {name: {k: frozenset(_item(i, size) for i in v)
                    for k, v in data.get(name, {}).items()}
             for name, size in _UNIT_FIELDS.items()}
    return CoverageSample(
        known={k: _pair_set(v) for k, v in data.get("known", {}).items()},
        exercised={k: _pair_set(v) for k, v in data.get("exercised", {}).items()},
        never={k: frozenset((tuple(i), str(why)) for i, why in v)
               for k, v in data.get("never", {}).items()},
        names=dict(data.get("names", {})),
        notes={k: frozenset(v) for k, v in data.get("notes", {}).items()},
        steps={k: frozenset(map(str, v)) for k, v in data.get("steps", {}).items()},
        **units,
    )


def read(paths: Iterable[Path]) -> Coverage:
    """Read and merge ``coverage.json`` files; ``ResultsError`` names a file that is not one."""
    samples = []
    traffics: list[Traffic] = []
    for path in paths:
        data = _read_json(path)
        workflows = data.get("workflows") if isinstance(data, dict) else None
        if not isinstance(workflows, dict) or not all(isinstance(v, dict) for v in workflows.values()):
            raise ResultsError(f'{path}: not a coverage file (expected {{"workflows": {{...}}}})')
        for key, w in workflows.items():
            _checked_pairs(path, w.get("known"))
            _checked_pairs(path, w.get("exercised"))
            for part in ("transitions", "endSteps"):
                _checked_units(path, w.get(part), part)
            samples.append(_sample_of(key, w))
        samples.append(_visited_of(data.get("visitedSteps")))
        traffics.append(traffic_from_json(data.get("traffic")))
    return replace(merge(samples), traffic=merge_traffic(traffics))


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


def _checked_units(path: Path, value: object, part: str) -> None:
    if value is None:
        return
    ok = isinstance(value, dict) and all(
        isinstance(value.get(k, []), list)
        and all(isinstance(u, list) and all(isinstance(x, str) for x in u)
                for u in value.get(k, []))
        for k in ("known", "exercised"))
    if not ok:
        raise ResultsError(f"{path}: '{part}' must be {{known: [[stepId, ...], ...], "
                           "exercised: [...]}}")
