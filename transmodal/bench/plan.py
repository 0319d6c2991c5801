"""Stage 1, plan: task x model x replicate -> work items with per-sample seeds.

The seed of a sample is ``stable_seed(task name, sample id, replicate, base seed)``
(sha256-derived, 63 bits): it never depends on batch size, shard, order or device.
Models apply it on a CPU generator per sample.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Sequence

from transmodal import media
from transmodal.stats import stable_seed
from transmodal.types import Sample, TaskSpec, TransmodalError

SEED_RULE = "seed = int(sha256(task \\x1f sample_id \\x1f replicate \\x1f base_seed)[:8]) >> 1"


@dataclass(frozen=True)
class WorkItem:
    sample: Sample
    replicate: int
    seed: int
    source_hash: str


def config_hash(config: dict) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def select(samples: Sequence[Sample], limit: int | None, shard: tuple[int, int]) -> list[Sample]:
    """First ``limit`` samples, then every N-th from ``index`` for shard ``index/N``."""
    index, count = shard
    if count < 1 or not 0 <= index < count:
        raise TransmodalError(f"shard must be i/N with 0 <= i < N, got {index}/{count}")
    chosen = list(samples)[:limit] if limit is not None else list(samples)
    chosen = chosen[index::count]
    if not chosen:
        raise TransmodalError("no samples to evaluate: the dataset (or this --limit/--shard selection) is empty")
    ids = [sample.id for sample in chosen]
    if len(set(ids)) != len(ids):
        raise TransmodalError("sample ids must be unique within a task")
    return chosen


def plan(task: TaskSpec, samples: Sequence[Sample], replicates: int, base_seed: int) -> list[WorkItem]:
    """One work item per (sample, replicate), replicate-major."""
    if replicates < 1:
        raise TransmodalError("--replicates must be at least 1")
    hashes = {sample.id: media.content_hash(sample.source) for sample in samples}
    return [
        WorkItem(sample, replicate, stable_seed(task.name, sample.id, replicate, base_seed), hashes[sample.id])
        for replicate in range(replicates)
        for sample in samples
    ]


def dataset_hash(items: Sequence[WorkItem]) -> str:
    """sha256 over evaluated sample ids, source hashes and references."""
    digest = hashlib.sha256()
    seen = set()
    for item in items:
        if item.sample.id in seen:
            continue
        seen.add(item.sample.id)
        refs = [media.content_hash(ref) if not isinstance(ref, str) else ref for ref in item.sample.references]
        digest.update(json.dumps([item.sample.id, item.source_hash, refs]).encode())
    return digest.hexdigest()
