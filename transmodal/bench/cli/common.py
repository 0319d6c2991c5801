"""Flag parsing shared by subcommands (model params, metric specs, shards)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable

from transmodal.types import MetricSpec, TransmodalError


def parse_value(text: str):
    """JSON when it parses (numbers, booleans, lists), else the string itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_pairs(pairs: list[str] | None, flag: str) -> dict:
    result = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise TransmodalError(f"{flag} expects KEY=VALUE, got {pair!r}")
        result[key] = parse_value(value)
    return result


def parse_metric(text: str) -> MetricSpec:
    """``name`` or ``name:key=value,key=value``."""
    name, _, options = text.partition(":")
    return MetricSpec(name, parse_pairs([o for o in options.split(",") if o], "--metric"))


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError as error:
        raise TransmodalError(f"--shard expects i/N, got {text!r}") from error
    return index, count


def add_cache_flag(parser: argparse.ArgumentParser) -> None:
    from transmodal.bench.runner import default_cache_dir

    parser.add_argument("--cache-dir", type=Path, default=default_cache_dir(), help="output cache (default: %(default)s; env TRANSMODAL_CACHE)")


def apply_normalizer(metrics: tuple[MetricSpec, ...], normalizer: str | None) -> tuple[MetricSpec, ...]:
    """Set ``normalizer`` on every metric that takes one."""
    if not normalizer:
        return metrics
    changed = tuple(
        MetricSpec(m.name, {**m.options, "normalizer": normalizer}) if "normalizer" in m.options else m for m in metrics
    )
    if changed == metrics:
        raise TransmodalError("--normalizer given but none of the metrics takes a normalizer")
    return changed


def add_bundle_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline-bundle", type=Path, help="read weights and data from a `transmodal prefetch` bundle")


def activate_bundle(args) -> None:
    if getattr(args, "offline_bundle", None):
        from transmodal.bench.bundle import use_bundle

        use_bundle(args.offline_bundle)


def add_storage_flags(parser: argparse.ArgumentParser) -> None:
    """``--cache-dir`` and ``--offline-bundle``: where outputs are cached and weights/data come from."""
    add_cache_flag(parser)
    add_bundle_flag(parser)


def add_run_flags(parser: argparse.ArgumentParser) -> None:
    """Flags of every command that generates: ``--device``, ``--output``, ``--no-progress`` + storage flags."""
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1, ...")
    parser.add_argument("--output", type=Path, default=Path("runs"), help="records folder (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_storage_flags(parser)


def add_scoring_flags(parser: argparse.ArgumentParser, metric_help: str) -> None:
    """``--metric`` (repeatable) and ``--normalizer``; read them with :func:`metric_specs`."""
    parser.add_argument("--metric", action="append", metavar="NAME[:k=v,...]", help=metric_help)
    parser.add_argument("--normalizer", help="text normaliser for metrics that take one (none, basic, whisper-en)")


def metric_specs(args, task_metrics: Callable[[], tuple[MetricSpec, ...]]) -> tuple[MetricSpec, ...] | None:
    """``--metric`` specs, else ``task_metrics()``, with ``--normalizer`` applied.

    None when neither flag is given: the runner then uses the task's own metrics, and the
    task (whose loading may read a whole data set) is resolved once, by the runner.
    """
    if not args.metric and not args.normalizer:
        return None
    metrics = tuple(parse_metric(m) for m in args.metric) if args.metric else task_metrics()
    return apply_normalizer(metrics, args.normalizer)
