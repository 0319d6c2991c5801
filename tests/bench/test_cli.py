"""The command line: one-line errors, list, run, score, leaderboard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from transmodal.bench.cli import main

REPO = Path(__file__).resolve().parents[2]
TASK, MODEL = "tests.bench.toy:TASK", "tests.bench.toy:reverser"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "transmodal", *args], capture_output=True, text=True, cwd=REPO, timeout=300)


def test_unknown_task_is_one_line_without_traceback():
    result = cli("run", "no-such-task", "--model", "x")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "unknown task 'no-such-task'" in result.stderr


def test_debug_shows_traceback():
    result = cli("--debug", "run", "no-such-task", "--model", "x")
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_run_then_score_then_leaderboard(tmp_path, capsys):
    common = ["--cache-dir", str(tmp_path / "c")]
    assert main(["run", TASK, "--model", MODEL, "--output", str(tmp_path / "runs"), "--no-progress", *common]) == 0
    out = capsys.readouterr().out
    assert "toy-reverse" in out and "generated 20, from cache 0" in out
    record = next((tmp_path / "runs").rglob("record.json"))
    assert main(["score", str(record), *common]) == 0
    assert "re-scored 20 samples without generating" in capsys.readouterr().out
    assert main(["leaderboard", str(tmp_path / "runs"), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "### toy-reverse" in markdown and "| tests.bench.toy:reverser | 20 |" in markdown


def test_bad_flag_values_are_clear(tmp_path, capsys):
    assert main(["run", TASK, "--model", MODEL, "--shard", "x", "--cache-dir", str(tmp_path)]) == 2
    assert "--shard expects i/N" in capsys.readouterr().err
    assert main(["run", TASK, "--model", MODEL, "--model-param", "novalue", "--cache-dir", str(tmp_path)]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err
