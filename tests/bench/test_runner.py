"""The runner end to end on the toy task: caching, resumption, seeds, records."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench import toy
from transmodal.bench.runner import RunSpec, rescore, run
from transmodal.records import read_record, read_sample_rows
from transmodal.types import MetricSpec, TransmodalError

TASK = "tests.bench.toy:TASK"
MODEL = "tests.bench.toy:reverser"
REPO = Path(__file__).resolve().parents[2]


def spec(tmp_path, **changes) -> RunSpec:
    base = dict(task=TASK, model=MODEL, cache_dir=tmp_path / "cache", output_dir=tmp_path / "runs", progress=False, batch_size=4)
    return RunSpec(**{**base, **changes})


def test_run_writes_valid_record_and_second_run_is_all_cached(tmp_path):
    toy.CALLS.clear()
    first = run(spec(tmp_path))
    assert first.record.timings.generated == 20 and first.record.timings.cached == 0
    assert first.record.metrics[0].value == 1.0
    assert sum(toy.CALLS) == 20
    again = run(spec(tmp_path))
    assert again.record.timings.generated == 0 and again.record.timings.cached == 20
    assert sum(toy.CALLS) == 20  # the model was not called again
    reread = read_record(again.path)
    assert reread.metrics[0].signature.startswith("exact-match|")
    rows = read_sample_rows(again.path)
    assert [r["id"] for r in rows] == [f"s{i:02d}" for i in range(20)]
    assert all(r["scores"]["tests.bench.toy:ExactMatch"] == 1.0 for r in rows)


def test_outputs_do_not_depend_on_batch_size(tmp_path):
    one = run(spec(tmp_path / "a", batch_size=1, model_params={"noisy": True}))
    many = run(spec(tmp_path / "b", batch_size=7, model_params={"noisy": True}))
    out = lambda result: [r["output"] for r in read_sample_rows(result.path)]
    assert out(one) == out(many)
    assert len(set(out(one))) == 20


@pytest.mark.parametrize(
    "change",
    [
        {"model_params": {"noisy": True}},  # model fingerprint
        {"seed": 1},  # base seed -> per-sample seeds
        {"replicates": 2},  # a new replicate is new work
    ],
)
def test_cache_misses_when_anything_that_changes_outputs_changes(tmp_path, change):
    run(spec(tmp_path))
    changed = run(spec(tmp_path, **change))
    assert changed.record.timings.generated > 0


def test_cache_misses_when_task_config_changes(tmp_path, monkeypatch):
    import dataclasses

    run(spec(tmp_path))
    monkeypatch.setattr(toy, "TASK", dataclasses.replace(toy.TASK, generation={"beam_size": 3}))
    assert run(spec(tmp_path)).record.timings.generated == 20


def test_interrupted_run_keeps_finished_batches_and_rerun_does_the_rest(tmp_path, monkeypatch):
    original = toy.Reverser.translate
    calls = {"n": 0}

    def flaky(self, batch, seeds):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, batch, seeds)

    monkeypatch.setattr(toy.Reverser, "translate", flaky)
    with pytest.raises(KeyboardInterrupt):
        run(spec(tmp_path))
    monkeypatch.setattr(toy.Reverser, "translate", original)
    resumed = run(spec(tmp_path))
    assert resumed.record.timings.cached == 8  # two batches of 4 survived
    assert resumed.record.timings.generated == 12


def test_killed_subprocess_loses_nothing_and_rerun_generates_only_the_rest(tmp_path):
    env = {**os.environ, "TOY_SLOW_SECONDS": "0.4", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "transmodal", "run", TASK, "--model", MODEL, "--batch-size", "2",
               "--cache-dir", str(tmp_path / "cache"), "--output", str(tmp_path / "runs"), "--no-progress"]
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    entries = lambda: list((tmp_path / "cache" / "outputs").rglob("*.json"))
    deadline = time.time() + 60
    while len(entries()) < 4 and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(entries())
    assert 4 <= done < 20
    env["TOY_SLOW_SECONDS"] = "0"
    finished = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    record = read_record(next((tmp_path / "runs").rglob("record.json")))
    assert record.timings.cached == done and record.timings.generated == 20 - done


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path):
    env = {**os.environ, "TOY_SLOW_SECONDS": "0.5", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "transmodal", "run", TASK, "--model", MODEL, "--batch-size", "2",
               "--cache-dir", str(tmp_path / "cache"), "--output", str(tmp_path / "runs"), "--no-progress"]
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    entries = lambda: list((tmp_path / "cache" / "outputs").rglob("*.json"))
    deadline = time.time() + 60
    while len(entries()) < 2 and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr


def test_rescore_uses_cache_only_and_can_change_metrics(tmp_path):
    first = run(spec(tmp_path))
    toy.CALLS.clear()
    result = rescore(first.path, (MetricSpec("tests.bench.toy:ExactMatch"),), tmp_path / "cache", tmp_path / "rescored")
    assert toy.CALLS == []
    assert result.record.metrics[0].value == 1.0
    assert result.record.timings.generated == 0


def test_shards_partition_the_samples(tmp_path):
    ids = []
    for index in range(3):
        result = run(spec(tmp_path, shard=(index, 3)))
        ids += [r["id"] for r in read_sample_rows(result.path)]
        assert result.path.parent.name == f"shard-{index}-of-3"
    assert sorted(ids) == [f"s{i:02d}" for i in range(20)]


def test_shard_records_merge_into_the_whole_run(tmp_path):
    whole = run(spec(tmp_path / "whole", model_params={"noisy": True}))
    shards = [run(spec(tmp_path, shard=(i, 3), model_params={"noisy": True})).path for i in range(3)]
    merged = rescore(shards, None, tmp_path / "cache")
    assert merged.path.parent == shards[0].parent.parent  # runs/TASK/MODEL/record.json beside the shard folders
    assert merged.record.shard == {"index": 0, "count": 1}
    assert merged.record.task.dataset_hash == whole.record.task.dataset_hash
    assert merged.record.metrics[0].value == whole.record.metrics[0].value
    assert [r["output"] for r in read_sample_rows(merged.path)] == [r["output"] for r in read_sample_rows(whole.path)]
    with pytest.raises(TransmodalError, match="overlap"):
        rescore([shards[0], shards[0]], None, tmp_path / "cache")


def test_empty_selection_and_bad_shard_are_clear_errors(tmp_path):
    with pytest.raises(TransmodalError, match="empty"):
        run(spec(tmp_path, limit=0))
    with pytest.raises(TransmodalError, match="shard"):
        run(spec(tmp_path, shard=(3, 3)))


def test_unwritable_cache_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(TransmodalError, match="not writable"):
        run(spec(tmp_path, cache_dir=blocker / "cache"))


def test_record_json_is_schema_valid_and_complete(tmp_path):
    result = run(spec(tmp_path))
    data = json.loads(result.path.read_text())
    assert data["schema_version"] == "1.0"
    for key in ("packages", "hardware", "determinism"):
        assert data["environment"][key]
    metric = data["metrics"][0]
    assert metric["ci_low"] <= metric["value"] <= metric["ci_high"]
    assert metric["n"] == 20
