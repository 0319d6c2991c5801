"""Image -> text tasks: OCR of rendered sentences and captioning of real photographs.

``rendered-text-ocr``: the 30 rendered-text sentences (DejaVu Sans 28 px, black on
white; see ``datasets/rendered_text.py``). Scored with corpus CER and WER after the
``basic`` normaliser (the normaliser is named in the metric options, so it is part
of the signature) and sacrebleu corpus BLEU against the single reference.

``photos-mini-captions``: 31 real photographs with 3-4 hand-written references each
(``datasets/photos_mini.py``). Scored with sacrebleu corpus BLEU, coco-caption
CIDEr-D (x10 scale), reference-free CLIPScore (Hessel et al., w = 2.5) and
RefCLIPScore (harmonic mean of CLIPScore and the max reference similarity).

Neither task sets generation defaults: each captioning model's own params
(``max_new_tokens``, ``num_beams``) enter its fingerprint and hence the cache key.
For COCO / Flickr30k Karpathy splits on local disk, build a task with
:func:`karpathy_captions_task`.
"""

from __future__ import annotations

from pathlib import Path

from transmodal.tasks.datasets import photos_mini, rendered_text
from transmodal.types import MetricSpec, Modality, TaskSpec

CAPTION_METRICS = (
    MetricSpec("bleu"),
    MetricSpec("cider-d"),
    MetricSpec("clip-score"),
    MetricSpec("ref-clip-score"),
)

OCR_METRICS = (
    MetricSpec("cer", {"normalizer": "basic"}),
    MetricSpec("wer", {"normalizer": "basic"}),
    MetricSpec("bleu"),
)

RENDERED_TEXT_OCR = TaskSpec(
    name="rendered-text-ocr",
    source=Modality.IMAGE,
    target=Modality.TEXT,
    load=rendered_text.load_rendered_text,
    dataset_id=rendered_text.dataset_id(),
    metrics=OCR_METRICS,
    description="OCR of 30 English sentences rendered in DejaVu Sans 28 px (CER/WER with the basic normaliser, BLEU).",
)

PHOTOS_MINI_CAPTIONS = TaskSpec(
    name="photos-mini-captions",
    source=Modality.IMAGE,
    target=Modality.TEXT,
    load=photos_mini.load_photos_mini,
    dataset_id=photos_mini.dataset_id(),
    metrics=CAPTION_METRICS,
    description="Captioning of 31 real photographs from scikit-image, matplotlib, scikit-learn and mate-backgrounds "
    "(3-4 hand-written references each).",
)


def karpathy_captions_task(annotations: str | Path, image_root: str | Path, split: str = "test", limit: int | None = None) -> TaskSpec:
    """A captioning task over a local Karpathy split file (COCO or Flickr30k layout)."""
    from functools import partial

    from transmodal.tasks.datasets import coco_karpathy

    dataset = coco_karpathy.dataset_id(annotations, split)
    return TaskSpec(
        name=f"{dataset.split('@')[0]}-captions",
        source=Modality.IMAGE,
        target=Modality.TEXT,
        load=partial(coco_karpathy.load_karpathy, annotations, image_root, split=split, limit=limit),
        dataset_id=dataset if limit is None else f"{dataset}-first{limit}",
        metrics=CAPTION_METRICS,
        description=f"Captioning on the Karpathy {split} split of {Path(annotations).name}.",
    )
