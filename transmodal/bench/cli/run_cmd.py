"""``transmodal run TASK --model M``: generate (cached, resumable), score, write a record."""

from __future__ import annotations

from pathlib import Path

from transmodal.bench.runner import RunSpec, get_task, run
from transmodal.leaderboards.table import build_tables, render_text

from .common import activate_bundle, add_run_flags, add_scoring_flags, metric_specs, parse_pairs, parse_shard


def add_parser(sub) -> None:
    parser = sub.add_parser("run", help="evaluate a model on a task")
    parser.add_argument("task")
    parser.add_argument("--model", required=True, help="registry name, module:factory, or a chain A>B")
    parser.add_argument("--model-param", action="append", metavar="KEY=VALUE", help="model parameter (repeatable)")
    add_scoring_flags(parser, "score with these metrics instead of the task's")
    parser.add_argument("--data", type=Path, help="run the task on your own files: manifest (JSONL/CSV/TSV), folder, LibriSpeech/Common Voice/HF dataset folder")
    parser.add_argument("--task-param", action="append", metavar="KEY=VALUE",
                        help="argument of a task builder such as coco-t2i or karpathy-captions (repeatable)")
    parser.add_argument("--limit", type=int, help="first N samples only")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--shard", default="0/1", help="i/N: evaluate every N-th sample from i")
    parser.add_argument("--replicates", type=int, default=1, help="seed replicates per sample")
    parser.add_argument("--seed", type=int, default=0, help="base seed")
    add_run_flags(parser)
    parser.set_defaults(handler=handle)


def handle(args) -> int:
    activate_bundle(args)
    task_params = parse_pairs(args.task_param, "--task-param")
    metrics = metric_specs(args, lambda: get_task(args.task, args.data, task_params).metrics)
    spec = RunSpec(
        task=args.task,
        model=args.model,
        model_params=parse_pairs(args.model_param, "--model-param"),
        limit=args.limit,
        batch_size=args.batch_size,
        device=args.device,
        shard=parse_shard(args.shard),
        replicates=args.replicates,
        seed=args.seed,
        cache_dir=args.cache_dir,
        output_dir=args.output,
        metrics=metrics,
        data=args.data,
        task_params=task_params,
        progress=not args.no_progress,
    )
    result = run(spec)
    timing = result.record.timings
    print(render_text(build_tables([result.record])), end="")
    print(f"generated {timing.generated}, from cache {timing.cached}; record: {result.path}")
    return 0
