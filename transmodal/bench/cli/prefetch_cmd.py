"""``transmodal prefetch MODEL... [--task TASK...] --out BUNDLE``: everything for an air-gapped run."""

from __future__ import annotations

from pathlib import Path

from transmodal.bench.bundle import prefetch
from transmodal.types import TransmodalError


def add_parser(sub) -> None:
    parser = sub.add_parser("prefetch", help="bundle model weights and task data (with hashes) for offline machines")
    parser.add_argument("models", nargs="*", help="model names")
    parser.add_argument("--task", action="append", default=[], help="task whose data to bundle (repeatable)")
    parser.add_argument("--out", type=Path, required=True, help="bundle folder")
    parser.set_defaults(handler=handle)


def handle(args) -> int:
    if not args.models and not args.task:
        raise TransmodalError("name at least one model or --task to prefetch")
    for line in prefetch(args.models, args.task, args.out):
        print(line)
    print(f"bundle written to {args.out}; use it with --offline-bundle {args.out}")
    return 0
