"""``transmodal leaderboard [RUNS]``: tables from records (text, markdown or CSV)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from transmodal.leaderboards.table import build_tables, load_records, render_markdown, render_text
from transmodal.types import TransmodalError


def add_parser(sub) -> None:
    parser = sub.add_parser("leaderboard", help="print a leaderboard from run records")
    parser.add_argument("runs", nargs="?", type=Path, default=Path("runs"))
    parser.add_argument("--format", choices=("text", "markdown", "csv"), default="text")
    parser.add_argument("--out", type=Path, help="write to this file instead of stdout")
    parser.set_defaults(handler=handle)


def to_csv(tables) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["task", "model", "n", "metric", "signature", "value", "ci_low", "ci_high", "higher_is_better"])
    for table in tables:
        for model, cells, n in table.rows:
            for i, column in enumerate(table.columns):
                if i in cells:
                    r = cells[i]
                    writer.writerow([table.task, model, n, column.label + column.suffix, r.signature, r.value, r.ci_low, r.ci_high, r.higher_is_better])
    return buffer.getvalue()


def handle(args) -> int:
    records = load_records(args.runs)
    if not records:
        raise TransmodalError(f"no run records under {args.runs}")
    tables = build_tables(records)
    text = {"text": render_text, "markdown": render_markdown, "csv": to_csv}[args.format](tables)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0
