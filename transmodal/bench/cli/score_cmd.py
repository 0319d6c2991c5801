"""``transmodal score RECORD...``: re-score cached outputs (new metric or normaliser), no generation.

Given the records of a run's shards (``runs/TASK/MODEL/shard-*``), it merges them into one
record over all samples, written beside the shard folders.
"""

from __future__ import annotations

from pathlib import Path

from transmodal.bench.runner import get_task, rescore
from transmodal.leaderboards.table import build_tables, render_text
from transmodal.records import read_record

from .common import activate_bundle, add_scoring_flags, add_storage_flags, metric_specs


def add_parser(sub) -> None:
    parser = sub.add_parser("score", help="re-score a finished run from its cached outputs")
    parser.add_argument("record", type=Path, nargs="+", help="a record.json or its run folder; several shards of one run merge")
    add_scoring_flags(parser, "metrics to compute (default: the task's)")
    parser.add_argument("--output", type=Path, help="write the new record here (default: replace the old one)")
    add_storage_flags(parser)
    parser.set_defaults(handler=handle)


def handle(args) -> int:
    activate_bundle(args)
    old = read_record(args.record[0])
    metrics = metric_specs(args, lambda: get_task(old.task.ref, old.settings.get("data"), old.settings.get("task_params")).metrics)
    result = rescore(args.record, metrics, args.cache_dir, args.output)
    if len(args.record) > 1:
        print(f"merged {len(args.record)} records")
    print(render_text(build_tables([result.record])), end="")
    print(f"re-scored {result.record.n_samples} samples without generating; record: {result.path}")
    return 0
