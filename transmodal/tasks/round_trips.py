"""Round trips (cycle consistency): translate there and back, compare with the start.

A round trip is not a model of its own: the model is declared as a chain of two
registered models, ``A>B`` (see ``transmodal.bench.models``), e.g.
``piper-joe>whisper-tiny.en`` (text->speech->text) or ``pil-text-render>tesseract-eng``
(text->image->text). These tasks only fix the data and how the end is compared
with the start:

* ``tts-roundtrip`` text->speech->text on the Harvard sentences (lists 1-5): corpus
  WER/CER of the returned text against the input, Whisper English normaliser.
* ``ocr-roundtrip`` text->image->text on the rendered-text sentences: CER/WER after
  the ``basic`` normaliser, and BLEU.
* ``asr-tts-roundtrip`` speech->text->speech on librivox-mini: the resynthesised
  speech is transcribed by an ASR judge and scored against the recording's
  reference transcript (intelligibility WER/CER).
* ``caption-roundtrip`` image->text->image on photos-mini: FID/KID of the regenerated
  images against the originals (needs captioning and diffusion weights: local path or
  ``transmodal prefetch``).
"""

from __future__ import annotations

import dataclasses

from transmodal.tasks.datasets import librivox_mini, tts_sentences
from transmodal.tasks.image_to_text import OCR_METRICS
from transmodal.tasks.datasets.photos_mini import dataset_id as photos_dataset_id
from transmodal.tasks.datasets.photos_mini import load_photos_mini
from transmodal.tasks.datasets.rendered_text import SENTENCES, dataset_id as rendered_dataset_id
from transmodal.types import MetricSpec, Modality, Sample, TaskSpec


def _rendered_sentences() -> list[Sample]:
    return [Sample(id=f"line-{i:02d}", source=text, references=(text,)) for i, text in enumerate(SENTENCES)]


def _photos_as_references() -> list[Sample]:
    return [dataclasses.replace(sample, references=(sample.source,)) for sample in load_photos_mini()]


TTS_ROUNDTRIP = TaskSpec(
    name="tts-roundtrip",
    source=Modality.TEXT,
    target=Modality.TEXT,
    load=lambda: tts_sentences.load((1, 2, 3, 4, 5)),
    dataset_id=tts_sentences.dataset_id((1, 2, 3, 4, 5)),
    metrics=(MetricSpec("wer", {"normalizer": "whisper-en"}), MetricSpec("cer", {"normalizer": "whisper-en"})),
    description="text->speech->text on Harvard sentences 1-5: WER/CER of the returned text vs the input",
)

OCR_ROUNDTRIP = TaskSpec(
    name="ocr-roundtrip",
    source=Modality.TEXT,
    target=Modality.TEXT,
    load=_rendered_sentences,
    dataset_id="text-of-" + rendered_dataset_id(),
    metrics=OCR_METRICS,  # the same columns as rendered-text-ocr, so the two tables compare
    description="text->image->text on the rendered-text sentences: CER/WER/BLEU of the returned text vs the input",
)

ASR_TTS_ROUNDTRIP = TaskSpec(
    name="asr-tts-roundtrip",
    source=Modality.AUDIO,
    target=Modality.AUDIO,
    load=librivox_mini.load,
    dataset_id=librivox_mini.dataset_id(),
    metrics=(
        MetricSpec("intelligibility-wer", {"judge": "whisper-base", "normalizer": "whisper-en"}),
        MetricSpec("intelligibility-cer", {"judge": "whisper-base", "normalizer": "whisper-en"}),
    ),
    description="speech->text->speech on librivox-mini: judge WER/CER of the resynthesised speech vs the transcript",
)

CAPTION_ROUNDTRIP = TaskSpec(
    name="caption-roundtrip",
    source=Modality.IMAGE,
    target=Modality.IMAGE,
    load=_photos_as_references,
    dataset_id=photos_dataset_id(),
    metrics=(MetricSpec("fid"), MetricSpec("kid", {"subset_size": 15})),
    description="image->text->image on photos-mini: FID/KID of regenerated images vs the originals",
)
