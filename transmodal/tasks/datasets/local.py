"""A task's modalities and metrics on the user's own files (``transmodal run TASK --data PATH``).

``PATH`` is a manifest (JSONL/CSV/TSV), a folder of paired files, or — for speech->text
tasks — a ``datasets.save_to_disk`` folder, a LibriSpeech split or a Common Voice folder.
The new task keeps the original's name, metrics and generation settings; its
``dataset_id`` becomes ``<folder name>@<content digest>`` so records pin the data.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from transmodal.tasks.datasets.hf_local import detect_layout, load_speech_corpus
from transmodal.tasks.datasets.manifests import load_manifest, samples_digest
from transmodal.types import Modality, TaskSpec, TransmodalError


def load_local(path: Path, source: Modality, target: Modality) -> list:
    if path.is_dir() and (source, target) == (Modality.AUDIO, Modality.TEXT):
        try:
            detect_layout(path)
        except TransmodalError:
            return load_manifest(path, source, target)
        return load_speech_corpus(path)
    return load_manifest(path, source, target)


def task_on_local_data(task: TaskSpec, path: str | Path) -> TaskSpec:
    path = Path(path).expanduser()
    if not path.exists():
        raise TransmodalError(f"--data path not found: {path}")
    samples = tuple(load_local(path, task.source, task.target))
    dataset_id = f"{path.stem}@{samples_digest(samples)[:16]}"
    return dataclasses.replace(task, load=lambda: list(samples), dataset_id=dataset_id, description=f"{task.name} on {path}")
