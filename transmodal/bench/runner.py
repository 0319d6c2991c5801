"""The runner: plan -> generate (cache) -> score -> record.

``run(RunSpec)`` evaluates one model on one task. Generation writes every batch's
outputs to the content-addressed cache as soon as the batch finishes, so a crash or
Ctrl-C loses nothing done; rerunning the same command generates only what is
missing. ``rescore(record, metrics)`` re-scores a finished run from its cached
outputs without loading the model.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from transmodal import registry
from transmodal.bench import environment
from transmodal.bench.bundle import bundled_samples
from transmodal.bench.cache import OutputCache, cache_key
from transmodal.bench.models import for_task, load_model
from transmodal.bench.plan import SEED_RULE, WorkItem, config_hash, dataset_hash, plan, select
from transmodal.bench.scoring import Scored, score
from transmodal.records import (
    Environment,
    ModelInfo,
    RunRecord,
    SCHEMA_VERSION,
    TaskInfo,
    Timings,
    read_record,
    read_sample_rows,
    write_record,
)
from transmodal.types import Audio, MetricSpec, TaskSpec, TransmodalError


def default_cache_dir() -> Path:
    return Path(os.environ.get("TRANSMODAL_CACHE", Path.home() / ".cache" / "transmodal"))


@dataclass(frozen=True)
class RunSpec:
    """Everything that defines one run; the CLI builds one from its flags."""

    task: str
    model: str
    model_params: Mapping[str, Any] = field(default_factory=dict)
    limit: int | None = None
    batch_size: int = 8
    device: str = "cpu"
    shard: tuple[int, int] = (0, 1)
    replicates: int = 1
    seed: int = 0
    cache_dir: Path = field(default_factory=default_cache_dir)
    output_dir: Path = Path("runs")
    metrics: tuple[MetricSpec, ...] | None = None  # None: the task's own metrics
    data: Path | None = None  # the task on the user's own files instead of its built-in data
    task_params: Mapping[str, Any] = field(default_factory=dict)  # arguments of a task builder
    progress: bool = True


@dataclass
class RunResult:
    record: RunRecord
    path: Path


def get_task(name: str, data: str | Path | None = None, params: Mapping[str, Any] | None = None) -> TaskSpec:
    """A registered task, or ``package.module:attr`` naming a TaskSpec or a task builder.

    Builders (e.g. ``coco-t2i``, ``karpathy-captions``) are called with ``params``
    (``--task-param key=value``). With ``data``, the task's modalities and metrics apply
    to the user's own files.
    """
    task = registry.tasks.get(name)
    if callable(task) and not isinstance(task, TaskSpec):
        try:
            task = task(**dict(params or {}))
        except TypeError as error:
            raise TransmodalError(f"task builder {name!r}: {error} (pass --task-param key=value)") from error
    elif params:
        raise TransmodalError(f"task {name!r} takes no --task-param; it is a fixed task")
    if not isinstance(task, TaskSpec):
        raise TransmodalError(f"task {name!r} is registered as {type(task).__name__}, not a TaskSpec")
    if data is not None:
        from transmodal.tasks.datasets.local import task_on_local_data

        task = task_on_local_data(task, data)
    return task


def load_samples(task_ref: str, task: TaskSpec) -> list:
    """The task's samples: from the active offline bundle when it has them, else the task's loader."""
    bundled = bundled_samples(task_ref)
    return bundled if bundled is not None else list(task.load())


def slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.+" else "_" for c in text)


def run_folder(output_dir: Path, task: str, model: str, shard: tuple[int, int]) -> Path:
    folder = Path(output_dir) / slug(task) / slug(model)
    return folder / f"shard-{shard[0]}-of-{shard[1]}" if shard[1] > 1 else folder


def _progress(total: int, enabled: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="sample", desc=desc, disable=not enabled or total == 0, leave=False)


@dataclass
class GenerateStats:
    generated: int = 0
    model_s: float = 0.0
    wall_s: float = 0.0
    audio_seconds: float = 0.0


def generate(
    translator: Any,
    items: Sequence[WorkItem],
    keys: Sequence[str],
    cache: OutputCache,
    batch_size: int,
    progress: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> GenerateStats:
    """Translate every item whose key is missing, writing each batch to the cache."""
    if batch_size < 1:
        raise TransmodalError("--batch-size must be at least 1")
    stats = GenerateStats()
    todo = [i for i, key in enumerate(keys) if not cache.contains(key)]
    start = time.perf_counter()
    with _progress(len(todo), progress, "generate") as bar:
        for offset in range(0, len(todo), batch_size):
            chunk = todo[offset : offset + batch_size]
            tick = time.perf_counter()
            outputs = translator.translate([items[i].sample for i in chunk], [items[i].seed for i in chunk])
            stats.model_s += time.perf_counter() - tick
            if len(outputs) != len(chunk):
                raise TransmodalError(f"model returned {len(outputs)} outputs for a batch of {len(chunk)}")
            for i, output in zip(chunk, outputs):
                cache.put(keys[i], output, {"sample": items[i].sample.id, "seed": items[i].seed})
                if isinstance(output, Audio):
                    stats.audio_seconds += output.duration
            stats.generated += len(chunk)
            bar.update(len(chunk))
            if on_batch is not None:
                on_batch(stats.generated)
    stats.wall_s = time.perf_counter() - start
    return stats


def _sample_rows(items: Sequence[WorkItem], keys: Sequence[str], outputs: Sequence, digests: Sequence[str], scored: Scored) -> list[dict]:
    rows = []
    for index, (item, key, output, digest) in enumerate(zip(items, keys, outputs, digests)):
        row = {
            "id": item.sample.id,
            "replicate": item.replicate,
            "seed": item.seed,
            "cache_key": key,
            "source_sha256": item.source_hash,
            "output_sha256": digest,
            "references": [ref if isinstance(ref, str) else str(ref) for ref in item.sample.references],
            "meta": {key: value if isinstance(value, (str, int, float, bool, type(None))) else str(value) for key, value in item.sample.meta.items()},
            "scores": {label: column[index] for label, column in scored.per_sample.items()},
        }
        if isinstance(output, str):
            row["output"] = output
        if scored.judge_outputs:
            row["judge_outputs"] = {label: column[index] for label, column in scored.judge_outputs.items()}
        rows.append(row)
    return rows


def _environment(device: str) -> Environment:
    return Environment(
        python=platform.python_version(),
        platform=platform.platform(),
        packages=environment.package_versions(),
        git_commit=environment.git_commit(),
        hardware=environment.hardware(device),
        determinism=environment.determinism(),
    )


def _record(spec_like: dict, task_ref: str, task: TaskSpec, items, fingerprint, model_name, model_params, card, scored, timings) -> RunRecord:
    return RunRecord(
        schema_version=SCHEMA_VERSION,
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        task=TaskInfo(
            name=task.name,
            ref=task_ref,
            source=task.source.value,
            target=task.target.value,
            kind=task.kind,
            dataset_id=task.dataset_id,
            dataset_hash=dataset_hash(items),
            config_hash=config_hash(task.config()),
            config=task.config(),
        ),
        model=ModelInfo(name=model_name, fingerprint=fingerprint, params=dict(model_params), card=card),
        metrics=scored.results,
        n_samples=len({item.sample.id for item in items}),
        replicates=spec_like["replicates"],
        base_seed=spec_like["seed"],
        seed_rule=SEED_RULE,
        shard={"index": spec_like["shard"][0], "count": spec_like["shard"][1]},
        generation=dict(task.generation),
        settings={key: spec_like.get(key) for key in ("limit", "batch_size", "device", "data", "task_params")},
        environment=_environment(spec_like["device"]),
        timings=timings,
    )


def run(spec: RunSpec) -> RunResult:
    """Evaluate ``spec.model`` on ``spec.task``; returns the written record."""
    started = time.perf_counter()
    task = get_task(spec.task, spec.data, spec.task_params)
    samples = select(load_samples(spec.task, task), spec.limit, spec.shard)
    items = plan(task, samples, spec.replicates, spec.seed)
    cache = OutputCache(spec.cache_dir)
    cache.check_writable()

    tick = time.perf_counter()
    loaded = load_model(spec.model, spec.device, dict(spec.model_params))
    translator = for_task(loaded, task.kind, task.source, task.target)
    fingerprint = translator.fingerprint()
    load_s = time.perf_counter() - tick

    task_hash = config_hash(task.config())
    generation = dict(task.generation)
    keys = [cache_key(fingerprint, task_hash, it.source_hash, it.seed, it.replicate, generation) for it in items]
    gen = generate(translator, items, keys, cache, spec.batch_size, spec.progress)

    tick = time.perf_counter()
    fetched = [cache.get(key) for key in keys]
    outputs = [value for value, _ in fetched]
    scored = score(task.name, spec.metrics or task.metrics, [it.sample for it in items], [it.replicate for it in items], outputs)
    score_s = time.perf_counter() - tick
    total_s = time.perf_counter() - started

    timings = Timings(
        load_s=load_s,
        generate_s=gen.wall_s,
        model_s=gen.model_s,
        score_s=score_s,
        total_s=total_s,
        generated=gen.generated,
        cached=len(items) - gen.generated,
        samples_per_s=(gen.generated / gen.model_s) if gen.model_s > 0 else 0.0,
        audio_seconds=gen.audio_seconds or None,
        real_time_factor=(gen.model_s / gen.audio_seconds) if gen.audio_seconds else None,
    )
    settings = {"replicates": spec.replicates, "seed": spec.seed, "shard": spec.shard, "device": spec.device,
                "limit": spec.limit, "batch_size": spec.batch_size, "data": str(spec.data) if spec.data else None,
                "task_params": dict(spec.task_params)}
    record = _record(settings, spec.task, task, items, fingerprint, loaded.name, loaded.params, loaded.card, scored, timings)
    rows = _sample_rows(items, keys, outputs, [digest for _, digest in fetched], scored)
    folder_name = task.name if spec.data is None else f"{task.name}@{Path(spec.data).stem}"
    path = write_record(record, run_folder(spec.output_dir, folder_name, loaded.name, spec.shard), rows)
    return RunResult(record, path)


def rescore(
    record_paths: str | Path | Sequence[str | Path],
    metrics: Sequence[MetricSpec] | None,
    cache_dir: Path,
    output: Path | None = None,
) -> RunResult:
    """Score finished runs again from their cached outputs (no model is loaded).

    Several records of the same run (its ``--shard i/N`` pieces) merge into one record
    over all their samples: metrics whose value needs the whole set (corpus BLEU,
    CIDEr-D's document frequencies, retrieval ranks) are computed on the union.
    """
    started = time.perf_counter()
    paths = [Path(record_paths)] if isinstance(record_paths, (str, Path)) else [Path(p) for p in record_paths]
    olds = [read_record(path) for path in paths]
    old = olds[0]
    for other in olds[1:]:
        same = (other.task.ref, other.model.fingerprint, other.base_seed, other.replicates, other.settings.get("data"))
        if same != (old.task.ref, old.model.fingerprint, old.base_seed, old.replicates, old.settings.get("data")):
            raise TransmodalError("records to merge must come from one run: same task, model fingerprint, seed and data")
    task = get_task(old.task.ref, old.settings.get("data"), old.settings.get("task_params"))
    samples = load_samples(old.task.ref, task)
    by_id = {sample.id: sample for sample in samples}
    position = {sample.id: i for i, sample in enumerate(samples)}
    cache = OutputCache(cache_dir)
    rows, items = [], []
    for path, record in zip(paths, olds):
        shard_rows = read_sample_rows(path)
        missing = [row["id"] for row in shard_rows if row["id"] not in by_id]
        if missing:
            raise TransmodalError(f"{len(missing)} sample ids of {path} are no longer in task {task.name!r} (e.g. {missing[0]})")
        shard_items = [WorkItem(by_id[r["id"]], r["replicate"], r["seed"], r["source_sha256"]) for r in shard_rows]
        if dataset_hash(shard_items) != record.task.dataset_hash:
            raise TransmodalError(f"task {task.name!r} data changed since {path} was written (dataset hash differs)")
        rows += shard_rows
        items += shard_items
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["replicate"], position[rows[i]["id"]]))
    rows, items = [rows[i] for i in order], [items[i] for i in order]
    if len({(r["id"], r["replicate"]) for r in rows}) != len(rows):
        raise TransmodalError("the records overlap: a sample appears in more than one of them")
    outputs, digests = [], []
    for row in rows:
        value, digest = (row["output"], row["output_sha256"]) if "output" in row else cache.get(row["cache_key"])
        outputs.append(value)
        digests.append(digest)
    tick = time.perf_counter()
    scored = score(task.name, metrics or task.metrics, [it.sample for it in items], [it.replicate for it in items], outputs)
    score_s = time.perf_counter() - tick
    timings = Timings(
        load_s=sum(r.timings.load_s for r in olds), generate_s=sum(r.timings.generate_s for r in olds),
        model_s=sum(r.timings.model_s for r in olds), score_s=score_s, total_s=time.perf_counter() - started,
        generated=0, cached=len(items), samples_per_s=0.0,
    )
    shard = (old.shard["index"], old.shard["count"])
    covered = sorted(r.shard["index"] for r in olds)
    if len(olds) > 1 and covered == list(range(old.shard["count"])):
        shard = (0, 1)  # every shard merged: the whole run
    settings = {"replicates": old.replicates, "seed": old.base_seed, "shard": shard, **old.settings}
    record = _record(settings, old.task.ref, task, items, old.model.fingerprint, old.model.name, old.model.params, old.model.card, scored, timings)
    first = paths[0] if paths[0].is_dir() else paths[0].parent
    folder = Path(output) if output else (first.parent if len(paths) > 1 and first.name.startswith("shard-") else first)
    path = write_record(record, folder, _sample_rows(items, [row["cache_key"] for row in rows], outputs, digests, scored))
    return RunResult(record, path)
