"""Bad input through the command line: one line, exit 2, nothing finished lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[2]


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "transmodal", *args], capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "HOME": str(cwd)})


def _one_line_error(result, needle):
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("transmodal: error:")]
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_audio_in_user_data(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    soundfile.write(data / "good.wav", np.zeros(8000, np.float32), 8000)
    (data / "good.txt").write_text("hello")
    (data / "bad.wav").write_bytes(b"RIFF this is not audio")
    (data / "bad.txt").write_text("hello")
    _one_line_error(cli("run", "librivox-mini", "--model", "pocketsphinx-en-us", "--data", str(data), cwd=tmp_path), "bad.wav")


def test_missing_data_and_empty_dataset(tmp_path):
    _one_line_error(cli("run", "librivox-mini", "--model", "pocketsphinx-en-us", "--data", "nowhere", cwd=tmp_path), "not found")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    _one_line_error(cli("run", "librivox-mini", "--model", "pocketsphinx-en-us", "--data", str(empty), cwd=tmp_path), "empty")


def test_unknown_model_suggests_close_names(tmp_path):
    _one_line_error(cli("run", "librivox-mini", "--model", "whisper-tiny", cwd=tmp_path), "did you mean whisper-tiny.en")


def test_other_sample_rate_is_resampled_and_scored(tmp_path):
    source = next(Path("/usr/share/pocketsphinx/test/data/librivox").glob("*.wav"))
    wave, rate = soundfile.read(source)
    data = tmp_path / "data"
    data.mkdir()
    from scipy.signal import resample_poly

    soundfile.write(data / "clip.wav", resample_poly(wave, 44100, rate).astype(np.float32), 44100)
    (data / "clip.txt").write_text("anything")
    result = cli("run", "librivox-mini", "--model", "pocketsphinx-en-us", "--data", str(data), "--no-progress", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "generated 1, from cache 0" in result.stdout
