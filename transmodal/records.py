"""The RunRecord: one evaluated (task, model) pair, versioned and schema-checked.

A record is written as ``record.json`` beside ``samples.jsonl`` (one row per sample
and replicate: id, seed, cache key, raw output or its hash, references and
per-sample metric values). The JSON Schema ships in
``transmodal/schemas/run_record.schema.json``; every write and read validates
against it. Readers (leaderboards, compare, verify) need only this module.

Schema versions: ``MAJOR.MINOR``; readers accept the same MAJOR and refuse others.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from transmodal.types import TransmodalError

SCHEMA_VERSION = "1.0"
RECORD_FILE = "record.json"
SAMPLES_FILE = "samples.jsonl"


@dataclass(frozen=True)
class TaskInfo:
    name: str
    ref: str  # what resolves the task again: registry name or module:attr
    source: str
    target: str
    kind: str
    dataset_id: str
    dataset_hash: str
    config_hash: str
    config: dict


@dataclass(frozen=True)
class ModelInfo:
    name: str
    fingerprint: str
    params: dict
    card: dict


@dataclass(frozen=True)
class MetricResult:
    """One metric column: its number, interval, N and the signature that pins it."""

    name: str
    label: str
    display_name: str
    higher_is_better: bool | None
    kind: str
    signature: str
    value: float
    ci_low: float | None
    ci_high: float | None
    ci_method: str
    n: int
    notes: list[str] = field(default_factory=list)
    replicate_values: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Timings:
    """Seconds per stage; ``model_s`` is time inside the model's translate calls."""

    load_s: float
    generate_s: float
    model_s: float
    score_s: float
    total_s: float
    generated: int
    cached: int
    samples_per_s: float
    audio_seconds: float | None = None
    real_time_factor: float | None = None


@dataclass(frozen=True)
class Environment:
    python: str
    platform: str
    packages: dict
    git_commit: str | None
    hardware: dict
    determinism: dict


@dataclass(frozen=True)
class RunRecord:
    schema_version: str
    created_at: str
    task: TaskInfo
    model: ModelInfo
    metrics: list[MetricResult]
    n_samples: int
    replicates: int
    base_seed: int
    seed_rule: str
    shard: dict
    generation: dict
    settings: dict  # how it was invoked: limit, batch_size, device (what `verify` reruns)
    environment: Environment
    timings: Timings
    samples_file: str = SAMPLES_FILE

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RunRecord":
        validate(data)
        return cls(
            **{
                **data,
                "task": TaskInfo(**data["task"]),
                "model": ModelInfo(**data["model"]),
                "metrics": [MetricResult(**m) for m in data["metrics"]],
                "environment": Environment(**data["environment"]),
                "timings": Timings(**data["timings"]),
            }
        )

    def metric(self, label: str) -> MetricResult:
        for result in self.metrics:
            if result.label == label or result.name == label:
                return result
        known = ", ".join(m.label for m in self.metrics)
        raise TransmodalError(f"record has no metric {label!r}; it has {known}")


@lru_cache(maxsize=1)
def schema() -> dict:
    path = Path(__file__).parent / "schemas" / "run_record.schema.json"
    return json.loads(path.read_text())


def validate(data: dict) -> None:
    """Raise TransmodalError naming the first schema violation."""
    import jsonschema

    version = str(data.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise TransmodalError(
            f"record schema version {version or 'missing'} is not readable by this transmodal (reads {SCHEMA_VERSION})"
        )
    try:
        jsonschema.validate(data, schema())
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise TransmodalError(f"invalid run record at {where}: {error.message}") from error


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_record(record: RunRecord, directory: Path, sample_rows: list[dict]) -> Path:
    """Validate and write ``record.json`` and ``samples.jsonl`` into ``directory``."""
    data = record.to_dict()
    validate(data)
    directory = Path(directory)
    rows = "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in sample_rows)
    atomic_write_text(directory / SAMPLES_FILE, rows)
    path = directory / RECORD_FILE
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return path


def read_record(path: str | Path) -> RunRecord:
    """Read and validate a record (a ``record.json`` path or its folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / RECORD_FILE
    if not path.exists():
        raise TransmodalError(f"no run record at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise TransmodalError(f"run record {path} is not valid JSON: {error}") from error
    return RunRecord.from_dict(data)


def read_sample_rows(record_path: str | Path) -> list[dict]:
    """The per-sample rows written beside a record."""
    path = Path(record_path)
    folder = path if path.is_dir() else path.parent
    samples = folder / SAMPLES_FILE
    if not samples.exists():
        raise TransmodalError(f"per-sample file missing: {samples}")
    return [json.loads(line) for line in samples.read_text(encoding="utf-8").splitlines() if line]


def find_records(root: str | Path) -> list[Path]:
    """All ``record.json`` files below ``root``, sorted."""
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(root.rglob(RECORD_FILE))
