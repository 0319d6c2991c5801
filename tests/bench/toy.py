"""A tiny text->text task, model and metric for testing the runner's mechanics.

The model reverses words and counts its calls; SLOW_SECONDS lets a subprocess test
interrupt it part-way. The metric is exact match (a MeanMetric), defined here so the
runner tests do not depend on any real metric family.
"""

from __future__ import annotations

import hashlib
import os
import time

import numpy as np

from transmodal.metrics.base import MeanMetric, make_signature
from transmodal.types import MetricInfo, MetricSpec, Modality, Sample, TaskSpec

CALLS: list[int] = []  # batch sizes seen by translate, in order

SENTENCES = [f"sample {i} says hello to number {i * 7 % 11}" for i in range(20)]


def load_samples() -> list[Sample]:
    return [Sample(id=f"s{i:02d}", source=text, references=(" ".join(reversed(text.split())),)) for i, text in enumerate(SENTENCES)]


class ExactMatch(MeanMetric):
    info = MetricInfo("exact-match", "Exact match", True, "per_sample")

    def signature(self) -> str:
        return make_signature("exact-match")

    def values(self, outputs, samples):
        return np.array([float(out == s.references[0]) for out, s in zip(outputs, samples)])


TASK = TaskSpec(
    name="toy-reverse",
    source=Modality.TEXT,
    target=Modality.TEXT,
    load=load_samples,
    dataset_id="toy-reverse-v1",
    metrics=(MetricSpec("tests.bench.toy:ExactMatch"),),
)


class Reverser:
    """Reverses word order; with ``noisy`` it appends a seed-dependent token."""

    source = Modality.TEXT
    target = Modality.TEXT

    def __init__(self, noisy: bool = False, slow: float = 0.0) -> None:
        self.noisy, self.slow = noisy, slow

    def fingerprint(self) -> str:
        return hashlib.sha256(f"reverser|{self.noisy}".encode()).hexdigest()

    def translate(self, batch, seeds):
        CALLS.append(len(batch))
        if self.slow:
            time.sleep(self.slow)
        outputs = []
        for sample, seed in zip(batch, seeds):
            text = " ".join(reversed(sample.source.split()))
            if self.noisy:
                text += f" {np.random.default_rng(seed).integers(1000)}"
            outputs.append(text)
        return outputs


def reverser(device: str = "cpu", noisy: bool = False, slow: float | None = None) -> Reverser:
    return Reverser(noisy=noisy, slow=float(os.environ.get("TOY_SLOW_SECONDS", 0)) if slow is None else slow)


def image_samples_task(folder):
    """A task over image files (for bundle tests): sources are real PNG paths."""
    from pathlib import Path

    paths = sorted(Path(folder).glob("*.png"))
    return TaskSpec(
        name="toy-images", source=Modality.IMAGE, target=Modality.TEXT,
        load=lambda: [Sample(id=p.stem, source=p, references=(p.stem,)) for p in paths],
        dataset_id="toy-images", metrics=(MetricSpec("tests.bench.toy:ExactMatch"),),
    )
