"""Leaderboard tables from run records (plain text and markdown).

One table per task (and data set), one row per model, one column per metric *signature*: two
records whose metric signatures differ (another normaliser, tokenizer, judge or
library version) never share a column; the second gets a ``#hash`` suffix.
Rows are sorted best first by the column most models have; informational columns
(no better direction, such as duration) never decide the order. Cells show the value
and its 95% interval.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from transmodal.records import MetricResult, RunRecord, find_records, read_record


@dataclass(frozen=True)
class Column:
    label: str
    display_name: str
    higher_is_better: bool | None
    signature: str
    suffix: str
    show_options: bool = False  # set when another column has the same display name

    @property
    def header(self) -> str:
        arrow = {True: "↑", False: "↓", None: "(info)"}[self.higher_is_better]
        options = self.label[self.label.index("[") :] if "[" in self.label and self.show_options else ""
        return f"{self.display_name}{options}{self.suffix} {arrow}"


@dataclass(frozen=True)
class Table:
    task: str
    columns: list[Column]
    rows: list[tuple[str, dict[int, MetricResult], int]]  # model, column index -> result, N


def load_records(root: str | Path) -> list[RunRecord]:
    return [read_record(path) for path in find_records(root)]


def _format_number(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, 3 - magnitude)
    return f"{value:.{min(decimals, 6)}f}"


def format_cell(result: MetricResult | None) -> str:
    if result is None:
        return "—"
    text = _format_number(result.value)
    if result.ci_low is not None and result.ci_high is not None:
        text += f" [{_format_number(result.ci_low)}, {_format_number(result.ci_high)}]"
    return text


def build_tables(records: Iterable[RunRecord]) -> list[Table]:
    records = list(records)
    datasets: dict[str, set[str]] = defaultdict(set)
    for record in records:
        datasets[record.task.name].add(record.task.dataset_id)
    by_task: dict[str, list[RunRecord]] = defaultdict(list)
    for record in records:  # one table per task and data set: numbers on other data never share a table
        name = record.task.name
        by_task[name if len(datasets[name]) == 1 else f"{name} on {record.task.dataset_id}"].append(record)
    tables = []
    for task in sorted(by_task):
        columns: list[Column] = []
        index: dict[tuple[str, str], int] = {}
        rows = []
        for record in sorted(by_task[task], key=lambda r: r.model.name):
            cells = {}
            for result in record.metrics:
                key = (result.label, result.signature)
                if key not in index:
                    clash = any(c.label == result.label for c in columns)
                    suffix = "#" + hashlib.sha256(result.signature.encode()).hexdigest()[:6] if clash else ""
                    index[key] = len(columns)
                    columns.append(Column(result.label, result.display_name, result.higher_is_better, result.signature, suffix))
                cells[index[key]] = result
            rows.append((record.model.name, cells, record.n_samples))
        names = [c.display_name for c in columns]
        columns = [dataclasses.replace(c, show_options=names.count(c.display_name) > 1) for c in columns]
        if columns:
            main = max(range(len(columns)), key=lambda i: (columns[i].higher_is_better is not None,
                                                           sum(i in cells for _, cells, _ in rows), -i))
            sign = -1.0 if columns[main].higher_is_better else 1.0
            rows.sort(key=lambda row: sign * row[1][main].value if main in row[1] else math.inf)
        tables.append(Table(task, columns, rows))
    return tables


def render_markdown(tables: Iterable[Table]) -> str:
    """GitHub markdown: a heading and a table per task, then the signatures."""
    parts = []
    for table in tables:
        header = ["model", "N"] + [c.header for c in table.columns]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for model, cells, n in table.rows:
            values = [model, str(n)] + [format_cell(cells.get(i)) for i in range(len(table.columns))]
            lines.append("| " + " | ".join(values) + " |")
        signatures = [f"- {c.display_name}{c.suffix}: `{c.signature}`" for c in table.columns]
        parts.append(f"### {table.task}\n\n" + "\n".join(lines) + "\n\n" + "\n".join(signatures) + "\n")
    return "\n".join(parts)


def render_text(tables: Iterable[Table]) -> str:
    """Aligned plain-text tables for a terminal (values with 95% intervals)."""
    parts = []
    for table in tables:
        header = ["model", "N"] + [c.header for c in table.columns]
        body = [[model, str(n)] + [format_cell(cells.get(i)) for i in range(len(table.columns))] for model, cells, n in table.rows]
        widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]
        line = lambda row: "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        parts.append("\n".join([f"== {table.task}", line(header), line(["-" * w for w in widths])] + [line(r) for r in body]))
    return "\n\n".join(parts) + "\n"
