"""The suite command end to end with real models (the README's main job, smaller)."""

from __future__ import annotations

import pytest

from transmodal.bench.cli import main
from transmodal.bench.suites import SUITES
from transmodal.records import find_records, read_record
from transmodal import registry


def test_every_suite_entry_names_a_registered_task_and_model():
    for entries in SUITES.values():
        for entry in entries:
            assert entry.task in registry.tasks
            for part in entry.model.split(">"):
                assert part in registry.models


@pytest.mark.slow
def test_quick_suite_prints_a_leaderboard_and_writes_valid_records(tmp_path, capsys):
    assert main(["suite", "quick", "--output", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "c"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    for task in ("librivox-mini", "rendered-text-ocr", "ocr-roundtrip"):
        assert f"== {task}" in out
    records = [read_record(p) for p in find_records(tmp_path / "runs")]
    assert {(r.task.name, r.model.name) for r in records} == {(e.task, e.model) for e in SUITES["quick"]}
    markdown = (tmp_path / "runs" / "leaderboard.md").read_text()
    assert "### librivox-mini" in markdown and "whisper-tiny.en" in markdown
    assert (tmp_path / "runs" / "leaderboard.csv").read_text().startswith("task,model,n,metric")
