"""Speech -> text (ASR) tasks: the built-in ``librivox-mini`` and builders for your own data.

Scoring: corpus WER and CER (``transmodal.metrics.error_rate``: total edits / total reference
words or characters, as jiwer computes them) after OpenAI Whisper's English text normaliser
(``normalizer="whisper-en"``: lower-case, punctuation removed, spelled numbers and British
spellings standardised), the convention of the Open ASR Leaderboard. Both hypotheses and
references are normalised, so "Ten of clubs." and "10 of clubs" match.

Decoding settings (beam size, language, temperature) are model parameters and enter the
model fingerprint, so the task's ``generation`` is empty.

Builders (the CLI exposes them for ``--task`` on local data):

* :func:`speech_task_from_manifest`: a JSONL/CSV/TSV manifest or a folder of ``x.wav`` + ``x.txt``
  (see :mod:`transmodal.tasks.datasets.manifests`);
* :func:`speech_task_from_corpus`: a ``datasets.save_to_disk`` folder, a LibriSpeech split or a
  Common Voice folder (see :mod:`transmodal.tasks.datasets.hf_local`).

Each loads the data once to compute ``dataset_id`` = ``<name>@<16 hex of a content digest>``
over ids, audio bytes and transcripts, so records pin exactly what was scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from transmodal.tasks.datasets import librivox_mini as _librivox
from transmodal.tasks.datasets.hf_local import load_speech_corpus
from transmodal.tasks.datasets.manifests import load_manifest, samples_digest
from transmodal.types import MetricSpec, Modality, Sample, TaskSpec


def asr_metrics(normalizer: str = "whisper-en") -> tuple[MetricSpec, ...]:
    """Corpus WER and CER after ``normalizer``."""
    return (MetricSpec("wer", {"normalizer": normalizer}), MetricSpec("cer", {"normalizer": normalizer}))


def speech_task(
    name: str,
    load: Callable[[], Sequence[Sample]],
    dataset_id: str,
    description: str = "",
    normalizer: str = "whisper-en",
) -> TaskSpec:
    """An audio->text TaskSpec scored by WER and CER."""
    return TaskSpec(
        name=name,
        source=Modality.AUDIO,
        target=Modality.TEXT,
        load=load,
        dataset_id=dataset_id,
        metrics=asr_metrics(normalizer),
        description=description,
    )


def _pinned(name: str, samples: list[Sample], description: str, normalizer: str) -> TaskSpec:
    frozen = tuple(samples)
    return speech_task(name, lambda: list(frozen), f"{name}@{samples_digest(frozen)[:16]}", description, normalizer)


def speech_task_from_manifest(path: str | Path, name: str | None = None, normalizer: str = "whisper-en") -> TaskSpec:
    """A speech->text task over a manifest or folder of audio files with transcripts."""
    path = Path(path).expanduser()
    samples = load_manifest(path, Modality.AUDIO, Modality.TEXT)
    return _pinned(name or path.stem, samples, f"speech->text on {path}", normalizer)


def speech_task_from_corpus(
    path: str | Path, split: str | None = None, name: str | None = None, normalizer: str = "whisper-en", **columns: str
) -> TaskSpec:
    """A speech->text task over a local HF dataset, LibriSpeech split or Common Voice folder."""
    path = Path(path).expanduser()
    samples = load_speech_corpus(path, split, **columns)
    label = name or (f"{path.name}-{split}" if split else path.name)
    return _pinned(label, samples, f"speech->text on {path}" + (f" ({split})" if split else ""), normalizer)


LIBRIVOX_MINI = speech_task(
    name="librivox-mini",
    load=_librivox.load,
    dataset_id=_librivox.dataset_id(),
    description=(
        "10 English recordings from Debian pocketsphinx-testdata: 5 LibriVox sentences "
        "(Sense and Sensibility) and 5 playing-card names; WER/CER after Whisper's English normaliser"
    ),
)
