"""Leaderboard tables never mix metric signatures and sort by direction."""

from __future__ import annotations

import dataclasses

from tests.bench.test_runner import spec
from transmodal.bench.runner import run
from transmodal.leaderboards.table import build_tables, render_markdown, render_text


def _records(tmp_path):
    record = run(spec(tmp_path)).record
    worse_metric = dataclasses.replace(record.metrics[0], value=0.5, ci_low=0.3, ci_high=0.7)
    worse = dataclasses.replace(record, model=dataclasses.replace(record.model, name="worse"), metrics=[worse_metric])
    other_sig = dataclasses.replace(record.metrics[0], signature=record.metrics[0].signature + "|norm:basic")
    other = dataclasses.replace(record, model=dataclasses.replace(record.model, name="other-normaliser"), metrics=[other_sig])
    return record, worse, other


def test_rows_sorted_best_first_and_signatures_kept_apart(tmp_path):
    record, worse, other = _records(tmp_path)
    (table,) = build_tables([worse, record, other])
    assert len(table.columns) == 2  # same label, two signatures -> two columns
    assert table.columns[1].suffix.startswith("#")
    assert [row[0] for row in table.rows] == [record.model.name, "worse", "other-normaliser"]
    text = render_text([table])
    assert "0.5000 [0.3000, 0.7000]" in text  # 4 significant digits
    markdown = render_markdown([table])
    assert record.metrics[0].signature in markdown and "|norm:basic" in markdown


def test_informational_columns_never_decide_the_order(tmp_path):
    record, worse, _ = _records(tmp_path)
    info = dataclasses.replace(record.metrics[0], name="audio-duration", label="audio-duration", display_name="Duration (s)",
                               higher_is_better=None, signature="audio-duration|transmodal:0.1.0")
    first = dataclasses.replace(worse, metrics=[dataclasses.replace(info, value=1.0), *worse.metrics])
    second = dataclasses.replace(record, metrics=[dataclasses.replace(info, value=9.0), *record.metrics])
    (table,) = build_tables([first, second])
    assert table.columns[0].header == "Duration (s) (info)"
    assert [row[0] for row in table.rows] == [record.model.name, "worse"]  # ordered by exact match, not duration
