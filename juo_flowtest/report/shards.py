"""Shards: one suite split across CI jobs, and the record each job leaves with its results.

``juo-flowtest run --shard K/N`` runs slice K of N. Beside its Allure results it writes one
small file, ``juo-shard-K-of-N.json``: which slice it ran, of which suite (``suite``: a hash of
every test id collected before the split, so another commit or another ``-k``/``-m`` selection
is another suite) and how the slices were cut (``split``: by count, or by a durations file,
named by a hash of its content: jobs that read different durations files cut different
slices). The gate reads the records back and refuses a set of results that is incomplete or
mixed.

The file names differ per shard, so the results of all jobs can be copied into one folder.

>>> ShardSpec.parse("2/3")
ShardSpec(index=2, total=3)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

RECORD_GLOB = "juo-shard-*.json"
_RECORD_NAME = re.compile(r"juo-shard-\d+-of-\d+\.json")
_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
#: ``split`` of slices cut by count (no durations file).
BY_COUNT = "count"


@dataclass(frozen=True, slots=True)
class ShardSpec:
    """Slice ``index`` (1-based) of ``total``."""

    index: int
    total: int

    @classmethod
    def parse(cls, text: str) -> ShardSpec:
        """``"K/N"`` with 1 <= K <= N; raises ``ValueError`` with what to write instead."""
        match = _SPEC.fullmatch(text)
        if match is None:
            raise ValueError(f"--shard expects K/N, e.g. --shard 2/3 (got {text!r})")
        index, total = int(match[1]), int(match[2])
        if total < 1 or not 1 <= index <= total:
            raise ValueError(
                f"--shard {text}: K must be between 1 and N, and N at least 1 (e.g. 1/3, 2/3, 3/3)")
        return cls(index, total)

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


@dataclass(frozen=True, slots=True)
class ShardRecord:
    """What one shard's run leaves beside its results."""

    shard: int
    shards: int
    suite: str  # hash of the suite's test ids
    split: str  # BY_COUNT, or "durations:<hash of the file>"
    tests: int  # tests in the whole suite
    selected: int  # tests in this slice

    @property
    def spec(self) -> ShardSpec:
        return ShardSpec(self.shard, self.shards)

    @property
    def file_name(self) -> str:
        return f"juo-shard-{self.shard}-of-{self.shards}.json"


def suite_identity(test_ids: Iterable[str]) -> str:
    """A short hash of a suite's test ids, whatever their order."""
    digest = hashlib.sha256("\n".join(sorted(test_ids)).encode("utf-8"))
    return digest.hexdigest()[:12]


def split_identity(durations_text: bytes | None) -> str:
    """How slices are cut: by count, or by the durations file with this content."""
    if durations_text is None:
        return BY_COUNT
    return "durations:" + hashlib.sha256(durations_text).hexdigest()[:12]


def write_record(results_dir: str, record: ShardRecord) -> None:
    """Write the record atomically: under xdist every worker writes the same one."""
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, record.file_name)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(asdict(record), out, indent=2, sort_keys=True)
    os.replace(temporary, path)


def remove_records(results_dir: str) -> None:
    """Remove the records a previous run left, so an unsharded run is not taken for a shard."""
    if os.path.isdir(results_dir):
        for name in os.listdir(results_dir):
            if _RECORD_NAME.fullmatch(name):
                os.remove(os.path.join(results_dir, name))


def read_records(directory: Path) -> list[ShardRecord]:
    """The shard records in a results directory; raises ``ValueError`` for a malformed one."""
    records: list[ShardRecord] = []
    for path in sorted(directory.glob(RECORD_GLOB)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            records.append(ShardRecord(
                shard=int(data["shard"]), shards=int(data["shards"]), suite=str(data["suite"]),
                split=str(data["split"]), tests=int(data["tests"]),
                selected=int(data["selected"])))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a readable shard record ({exc})") from None
    return records


def write_durations(path: Path, durations: dict[str, float]) -> None:
    """Each test's seconds as pytest-split writes them: one JSON object, test id -> seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rounded = {key: round(value, 4) for key, value in durations.items()}
    path.write_text(json.dumps(rounded, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_durations(path: Path) -> tuple[dict[str, float], bytes]:
    """A durations file and its bytes (for ``split_identity``); raises ``ValueError``."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the durations file {path}: {exc}") from None
    if isinstance(data, list):  # pytest-split's older format: [[test id, seconds], ...]
        data = dict(data) if all(isinstance(x, list) and len(x) == 2 for x in data) else None
    if not isinstance(data, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in data.values()):
        raise ValueError(f"{path}: a durations file is a JSON object of test id -> seconds")
    return {str(k): float(v) for k, v in data.items()}, raw
