"""The librivox-mini task spec and the speech->text task builders."""

import json

import numpy as np
import pytest
import soundfile

from transmodal import registry
from transmodal.tasks import speech_to_text
from transmodal.tasks.datasets import librivox_mini
from transmodal.types import MetricSpec, Modality, TaskSpec, TransmodalError


def test_librivox_mini_is_registered():
    task = registry.tasks.get("librivox-mini")
    assert isinstance(task, TaskSpec)
    assert (task.name, task.source, task.target, task.kind) == ("librivox-mini", Modality.AUDIO, Modality.TEXT, "translation")
    assert task.metrics == (
        MetricSpec("wer", {"normalizer": "whisper-en"}),
        MetricSpec("cer", {"normalizer": "whisper-en"}),
    )
    assert task.dataset_id == librivox_mini.dataset_id()
    if (librivox_mini.DEFAULT_ROOT / "cards").is_dir():
        assert len(task.load()) == 10
        assert task.dataset_id != "librivox-mini@unavailable"


def _corpus(tmp_path):
    for i, text in enumerate(["first words", "second words"]):
        soundfile.write(str(tmp_path / f"{i}.wav"), np.zeros(1600, np.float32) + 0.01 * i, 16000)
        (tmp_path / f"{i}.txt").write_text(text)
    return tmp_path


def test_task_from_manifest_folder(tmp_path):
    task = speech_to_text.speech_task_from_manifest(_corpus(tmp_path), name="mine")
    assert task.name == "mine" and task.dataset_id.startswith("mine@")
    samples = task.load()
    assert [s.references for s in samples] == [("first words",), ("second words",)]
    assert task.metrics[0] == MetricSpec("wer", {"normalizer": "whisper-en"})
    (tmp_path / "1.txt").write_text("changed words")
    assert speech_to_text.speech_task_from_manifest(tmp_path, name="mine").dataset_id != task.dataset_id


def test_task_from_manifest_file_and_normalizer(tmp_path):
    _corpus(tmp_path)
    manifest = tmp_path / "set.jsonl"
    manifest.write_text(json.dumps({"source": "0.wav", "reference": "x"}) + "\n")
    task = speech_to_text.speech_task_from_manifest(manifest, normalizer="basic")
    assert task.name == "set" and len(task.load()) == 1
    assert {m.options["normalizer"] for m in task.metrics} == {"basic"}


def test_task_from_corpus(tmp_path):
    folder = tmp_path / "test-clean" / "7" / "8"
    folder.mkdir(parents=True)
    soundfile.write(str(folder / "7-8-0000.flac"), np.zeros(1600, np.float32), 16000, format="FLAC")
    (folder / "7-8.trans.txt").write_text("7-8-0000 HELLO\n")
    task = speech_to_text.speech_task_from_corpus(tmp_path / "test-clean")
    assert task.name == "test-clean" and [s.id for s in task.load()] == ["7-8-0000"]
    with pytest.raises(TransmodalError, match="not a datasets.save_to_disk folder"):
        speech_to_text.speech_task_from_corpus(tmp_path)
