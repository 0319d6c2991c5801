"""The metric object contract shared by every metric family.

A metric turns a task's outputs into per-sample **state rows** (``[N, ...]`` float64),
and finalises rows into a :class:`MetricValue` with a 95% interval. Rows from
shards merge by concatenation (like torchmetrics states), so scoring in pieces and
scoring at once give the same number.

* :class:`SumMetric` covers decomposable metrics: the value is a function of the
  *sum* of the rows (corpus BLEU, corpus WER, a mean). Its interval is a
  vectorised percentile bootstrap over samples (``transmodal.stats``).
* Distributional metrics (FID, KID) subclass :class:`Metric` and define their own
  ``finalize`` and interval (seed replicates, KID subset spread).

Every metric carries :class:`MetricInfo` (display name, direction, kind) and a
``signature()`` string pinning everything that changes its number.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from importlib import metadata
from typing import Any, ClassVar, Sequence

import numpy as np

from transmodal import stats as tm_stats
from transmodal.types import MetricInfo, MetricValue, Sample, TransmodalError


def package_version(name: str) -> str:
    """Installed version of a distribution, or ``"none"``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def make_signature(name: str, **parts: Any) -> str:
    """``name|key:value|...|transmodal:VERSION`` in sacrebleu's style, keys in given order."""
    from transmodal import __version__

    fields = [name] + [f"{key}:{value}" for key, value in parts.items()]
    fields.append(f"transmodal:{__version__}")
    return "|".join(fields)


def check_lengths(predictions: Sequence, references: Sequence) -> None:
    """Raise a one-line error unless both are non-empty and equally long."""
    if len(predictions) != len(references):
        raise TransmodalError(
            f"got {len(predictions)} predictions but {len(references)} references; they must pair up"
        )
    if len(predictions) == 0:
        raise TransmodalError("no predictions to score: the dataset or selection is empty")


class Metric(ABC):
    """Base class: ``state`` per sample, ``finalize`` rows into a value with a CI."""

    info: ClassVar[MetricInfo]

    @abstractmethod
    def signature(self) -> str:
        """Everything that changes the number: library versions, options, judge hashes."""

    @abstractmethod
    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        """Per-sample rows ``[N, ...]`` (float64); concatenation merges shards."""

    @abstractmethod
    def finalize(self, state: np.ndarray, seed: int = 0) -> MetricValue:
        """The metric's value and 95% interval from (merged) state rows."""

    def evaluate(self, outputs: Sequence, samples: Sequence[Sample], seed: int = 0) -> MetricValue:
        """``finalize(state(outputs, samples))``."""
        return self.finalize(self.state(outputs, samples), seed=seed)


class SumMetric(Metric):
    """A metric whose value is ``from_sums(rows.sum(0))``; bootstrap CI over samples."""

    resamples: int = tm_stats.DEFAULT_RESAMPLES

    @abstractmethod
    def from_sums(self, sums: np.ndarray) -> np.ndarray:
        """Map summed statistics ``[..., S]`` to values ``[...]`` (vectorised)."""

    def per_sample(self, state: np.ndarray) -> np.ndarray:
        """Each sample's own value (the metric on that sample alone)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.from_sums(np.asarray(state, dtype=np.float64)), dtype=np.float64)

    def finalize(self, state: np.ndarray, seed: int = 0) -> MetricValue:
        rows = np.asarray(state, dtype=np.float64)
        if rows.ndim == 1:
            rows = rows[:, None]
        if rows.shape[0] == 0:
            raise TransmodalError(f"{self.info.name}: no samples to score")
        with np.errstate(divide="ignore", invalid="ignore"):
            value = float(self.from_sums(rows.sum(0)))
            low, high = tm_stats.bootstrap_sums(rows, self.from_sums, self.resamples, seed)
        per_sample = tuple(float(v) for v in self.per_sample(rows))
        return MetricValue(value, low, high, rows.shape[0], "bootstrap-percentile", per_sample)


class MeanMetric(SumMetric):
    """Mean of a per-sample value: rows are ``[value, 1]``."""

    @abstractmethod
    def values(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        """One float per sample."""

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        check_lengths(outputs, samples)
        values = np.asarray(self.values(outputs, samples), dtype=np.float64)
        return np.stack([values, np.ones_like(values)], axis=1)

    def from_sums(self, sums: np.ndarray) -> np.ndarray:
        return sums[..., 0] / sums[..., 1]
