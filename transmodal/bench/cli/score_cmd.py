"""``transmodal score RECORD``: re-score cached outputs (new metric or normaliser), no generation."""

from __future__ import annotations

from pathlib import Path

from transmodal.bench.runner import get_task, rescore
from transmodal.leaderboards.table import build_tables, render_text
from transmodal.records import read_record

from .common import activate_bundle, add_bundle_flag, add_cache_flag, apply_normalizer, parse_metric


def add_parser(sub) -> None:
    parser = sub.add_parser("score", help="re-score a finished run from its cached outputs")
    parser.add_argument("record", type=Path, help="a record.json or its run folder")
    parser.add_argument("--metric", action="append", metavar="NAME[:k=v,...]", help="metrics to compute (default: the task's)")
    parser.add_argument("--normalizer", help="text normaliser for metrics that take one")
    parser.add_argument("--output", type=Path, help="write the new record here (default: replace the old one)")
    add_cache_flag(parser)
    add_bundle_flag(parser)
    parser.set_defaults(handler=handle)


def handle(args) -> int:
    activate_bundle(args)
    old = read_record(args.record)
    metrics = tuple(parse_metric(m) for m in args.metric) if args.metric else get_task(old.task.ref, old.settings.get("data")).metrics
    result = rescore(args.record, apply_normalizer(metrics, args.normalizer), args.cache_dir, args.output)
    print(render_text(build_tables([result.record])), end="")
    print(f"re-scored {result.record.n_samples} samples without generating; record: {result.path}")
    return 0
