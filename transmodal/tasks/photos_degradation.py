"""photos-degradation: image -> image on photos-mini, FID and KID between two photo sets.

photos-mini is split in two halves by position: the photos at even positions are
the sources (degraded by the model), the photos at odd positions are the reference
set. The two sets never share a photo. That matters for KID: its unbiased MMD
estimator assumes the two sets are independent samples; scoring degraded copies
against their own originals puts near-identical pairs in the cross term and drives
KID below zero. With disjoint halves, ``identity-image`` gives the baseline distance
between the halves (KID ≈ 0 up to sampling noise) and degradations (``jpeg-q10``,
``jpeg-q50``, ``downscale-x4``) move the sources away from the reference set.

Sixteen sources against fifteen references is far fewer than the 2048 Inception
dimensions: FID is rank-deficient there (its record carries the warning); read KID,
whose subsets of 12 of the 15-16 images per side make its subset-spread interval.
"""

from __future__ import annotations

from transmodal.tasks.datasets import photos_mini
from transmodal.types import MetricSpec, Modality, Sample, TaskSpec


def load() -> list[Sample]:
    """Even-position photos as sources, each listing the odd-position photos as references."""
    photos = photos_mini.load_photos_mini()
    references = tuple(photo.source for photo in photos[1::2])
    return [
        Sample(id=photo.id, source=photo.source, references=references, meta=dict(photo.meta))
        for photo in photos[0::2]
    ]


PHOTOS_DEGRADATION = TaskSpec(
    name="photos-degradation",
    source=Modality.IMAGE,
    target=Modality.IMAGE,
    load=load,
    dataset_id="halves-of-" + photos_mini.dataset_id(),
    metrics=(MetricSpec("fid"), MetricSpec("kid", {"subset_size": 12})),
    description="Degrade half of the real photos (JPEG, rescaling); FID/KID to the other half (clean-fid convention).",
)
