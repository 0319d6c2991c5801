"""Text -> image tasks: the built-in ``prompts-mini-t2i`` and COCO-captions prompts.

A sample's ``source`` is the prompt, its ``references`` the real image(s) it
describes (paths), used as the reference distribution for FID/KID:

* ``fid``: Fréchet Inception Distance, clean-fid convention (``metrics/fid.py``);
  generated images vs the union of the samples' reference images.
* ``kid``: Kernel Inception Distance, clean-fid convention (``metrics/kid.py``);
  unbiased, so it is the number to trust on small sets (FID with N < 2048 is biased
  upwards — read FID on prompts-mini only as a relative signal).
* ``clip-score``: CLIPScore (Hessel et al. 2021), ``mean(w * max(cos(image, prompt), 0))``
  with the CLIP judge and scale of ``metrics/clip_score.py``; needs no references.

``prompts-mini-t2i``: the 31 photos of photos-mini (``datasets/photos_mini.py``); the
prompt is each photo's *first* hand-written caption, the reference image the photo
itself, ``meta["captions"]`` keeps all captions. Tiny (31 images): for smoke tests
and regression gates, not for absolute FID.

:func:`coco_t2i_task` builds prompts from a local COCO caption file
(``captions_val2017.json``; ``datasets/coco_annotations.py``): one prompt per image,
the image's first caption in annotation-id order, images in id order, ``limit`` the
first N (COCO-30k style evaluations use 30k train2014 prompts; val2017 has 5,000
images). With ``image_root`` (e.g. ``val2017/``) the images are FID/KID references;
without it the task scores ``clip-score`` only.

Image size, steps, guidance and scheduler are model parameters (they enter the model
fingerprint, see ``reference_models/diffusers_pipeline.py``), so ``generation`` is empty.
"""

from __future__ import annotations

from pathlib import Path

from transmodal.tasks.datasets import coco_annotations, photos_mini
from transmodal.types import MetricSpec, Modality, Sample, TaskSpec


def t2i_metrics(with_references: bool = True) -> tuple[MetricSpec, ...]:
    """FID, KID and CLIPScore; CLIPScore alone when there are no reference images."""
    if not with_references:
        return (MetricSpec("clip-score"),)
    return (MetricSpec("fid"), MetricSpec("kid"), MetricSpec("clip-score"))


def load_prompts_mini() -> list[Sample]:
    """photos-mini as prompts: first caption -> the photo (see module docstring)."""
    return [
        Sample(id=photo.id, source=photo.references[0], references=(photo.source,),
               meta={**photo.meta, "captions": photo.references})
        for photo in photos_mini.load_photos_mini()
    ]


PROMPTS_MINI_T2I = TaskSpec(
    name="prompts-mini-t2i",
    source=Modality.TEXT,
    target=Modality.IMAGE,
    load=load_prompts_mini,
    dataset_id=f"{photos_mini.dataset_id()}:first-caption",
    metrics=t2i_metrics(),
    description=(
        "31 prompts (first caption of each photos-mini photo) -> images; FID/KID against the 31 photos, "
        "CLIPScore against the prompt. Tiny: a smoke/regression set, FID is biased at this N (read KID)"
    ),
)


def coco_t2i_task(annotations: str | Path, image_root: str | Path | None = None, limit: int | None = None,
                  name: str | None = None) -> TaskSpec:
    """Text -> image over a COCO caption file; ``image_root`` adds FID/KID references."""
    images = coco_annotations.read_coco_captions(annotations, limit)
    paths = coco_annotations.image_paths(images, image_root) if image_root is not None else None
    samples = tuple(
        Sample(id=f"coco-{image.image_id}", source=image.captions[0],
               references=(paths[i],) if paths else (),
               meta={"image_id": image.image_id, "file_name": image.file_name, "captions": image.captions})
        for i, image in enumerate(images)
    )
    label = name or f"coco-t2i-{Path(annotations).stem}"
    return TaskSpec(
        name=label,
        source=Modality.TEXT,
        target=Modality.IMAGE,
        load=lambda: list(samples),
        dataset_id=f"{coco_annotations.dataset_id(annotations, limit)}:first-caption" + (":images" if paths else ""),
        metrics=t2i_metrics(with_references=paths is not None),
        description=f"COCO prompts (first caption per image) from {annotations}"
        + (f", references under {image_root}" if paths else ", no reference images: CLIPScore only"),
    )
