"""``transmodal suite NAME``: run a suite, print its leaderboard, write tables beside the records."""

from __future__ import annotations

import sys

from transmodal.bench.runner import RunSpec, run
from transmodal.bench.suites import get_suite
from transmodal.leaderboards.table import build_tables, render_markdown, render_text
from transmodal.types import TransmodalError

from .common import activate_bundle, add_run_flags
from .leaderboard_cmd import to_csv


def add_parser(sub) -> None:
    parser = sub.add_parser("suite", help="run a named suite of (task, model) pairs and print the leaderboard")
    parser.add_argument("name", nargs="?", default="offline")
    add_run_flags(parser)
    parser.set_defaults(handler=handle)


def handle(args) -> int:
    activate_bundle(args)
    entries = get_suite(args.name)
    records, failures = [], []
    for number, entry in enumerate(entries, 1):
        print(f"[{number}/{len(entries)}] {entry.task} <- {entry.model}", file=sys.stderr, flush=True)
        spec = RunSpec(
            task=entry.task, model=entry.model, model_params=dict(entry.model_params), limit=entry.limit,
            batch_size=entry.batch_size, device=args.device, cache_dir=args.cache_dir, output_dir=args.output,
            progress=not args.no_progress,
        )
        try:
            records.append(run(spec).record)
        except TransmodalError as error:
            failures.append(f"{entry.task} <- {entry.model}: {error}")
            print(f"  failed: {error}", file=sys.stderr)
    if not records:
        raise TransmodalError("every entry of the suite failed")
    tables = build_tables(records)
    print(render_text(tables), end="")
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "leaderboard.md").write_text(render_markdown(tables), encoding="utf-8")
    (args.output / "leaderboard.csv").write_text(to_csv(tables), encoding="utf-8")
    print(f"\n{len(records)} records under {args.output}/ ; tables: {args.output}/leaderboard.md, leaderboard.csv")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0
