"""KID: Kernel Inception Distance (Bińkowski et al. 2018), equal to clean-fid.

Definition. With the cubic polynomial kernel ``k(x, y) = (x·y / d + 1)^3`` on
``d``-dimensional features, KID is the unbiased estimate of the squared MMD between
the two feature distributions, averaged over random subsets (clean-fid's
``kernel_distance``)::

    m = min(N_a, N_b, subset_size)                  # subset size is capped by N
    for s in 1..num_subsets:
        X = rows of features_b drawn without replacement (m of them)   # drawn first
        Y = rows of features_a drawn without replacement (m of them)
        t_s = [sum_{i!=j} k(X_i,X_j) + k(Y_i,Y_j)] / (m - 1) - 2 * sum_{i,j} k(X_i,Y_j) / m
    KID = (sum_s t_s) / num_subsets / m          # each subset's estimate is t_s / m

Sampling matches clean-fid exactly: one ``numpy.random.RandomState(seed)`` stream,
``choice(N_b, m, replace=False)`` then ``choice(N_a, m, replace=False)`` per subset
(clean-fid uses the global numpy state, i.e. ``np.random.seed(seed)`` beforehand
gives identical subsets). We compute in float64; clean-fid computes in its
features' dtype (float32 from its extractor), so values agree to ~1e-6 relative.

Interval (``ci_method="kid-subsets"``): the 2.5th and 97.5th percentiles of the
per-subset estimates ``t_s / m``. That is the spread of a single size-``m`` subset
estimate (what torchmetrics reports as ``kid_std``), a conservative band for the mean.
When ``m`` equals both N's every subset holds every image, all estimates coincide,
and no interval is reported.

KID is unbiased, so unlike FID it is meaningful with few images (tens to hundreds).
Features, preprocessing modes, references and signatures as in ``fid.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from transmodal.metrics.base import make_signature
from transmodal.metrics.fid import InceptionDistributionMetric, _check_features
from transmodal.types import MetricInfo, MetricValue, TransmodalError


def kid_subset_estimates(features_a: Any, features_b: Any, num_subsets: int = 100, subset_size: int = 1000,
                         seed: int = 0) -> np.ndarray:
    """The ``num_subsets`` per-subset unbiased MMD^2 estimates ``t_s / m`` (float64)."""
    a = _check_features(features_a, "features_a")
    b = _check_features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise TransmodalError(f"feature dimensions differ: {a.shape[1]} vs {b.shape[1]}")
    if num_subsets < 1:
        raise TransmodalError(f"num_subsets must be >= 1, got {num_subsets}")
    m = min(a.shape[0], b.shape[0], int(subset_size))
    if m < 2:
        raise TransmodalError(f"KID needs subsets of at least 2 images, got subset_size={subset_size}")
    d = a.shape[1]
    rng = np.random.RandomState(seed)
    estimates = np.empty(num_subsets, dtype=np.float64)
    for s in range(num_subsets):
        x = b[rng.choice(b.shape[0], m, replace=False)]
        y = a[rng.choice(a.shape[0], m, replace=False)]
        kxx = (x @ x.T / d + 1) ** 3
        kyy = (y @ y.T / d + 1) ** 3
        kxy = (x @ y.T / d + 1) ** 3
        within = kxx + kyy
        within = within.sum() - np.trace(within)  # sum over i != j
        estimates[s] = (within / (m - 1) - kxy.sum() * 2 / m) / m
    return estimates


def kid_from_features(features_a: Any, features_b: Any, num_subsets: int = 100, subset_size: int = 1000,
                      seed: int = 0) -> float:
    """KID between ``[N, D]`` and ``[M, D]`` features (clean-fid ``kernel_distance``), seeded."""
    return float(kid_subset_estimates(features_a, features_b, num_subsets, subset_size, seed).mean())


def compute_kid(images_a, images_b, num_subsets: int = 100, subset_size: int = 1000, seed: int = 0,
                mode: str = "clean", device: str = "cpu", batch_size: int = 32) -> float:
    """KID between two image collections (paths, PIL images or uint8 arrays), clean-fid's ``compute_kid``."""
    from transmodal.metrics.judges.inception import get_judge

    judge = get_judge(mode, device, batch_size)
    return kid_from_features(judge.features(images_a), judge.features(images_b), num_subsets, subset_size, seed)


class KID(InceptionDistributionMetric):
    """KID between the outputs and the samples' reference images (lower is better)."""

    name = "kid"
    info = MetricInfo(
        name="kid",
        display_name="KID",
        higher_is_better=False,
        kind="distributional",
        description="Kernel Inception Distance (cubic kernel, subset average), clean-fid convention",
    )

    def __init__(self, num_subsets: int = 100, subset_size: int = 1000, seed: int = 0, mode: str = "clean",
                 device: str = "cpu", batch_size: int = 32) -> None:
        super().__init__(mode=mode, device=device, batch_size=batch_size)
        if num_subsets < 1 or subset_size < 2:
            raise TransmodalError(f"kid: need num_subsets >= 1 and subset_size >= 2, got {num_subsets}, {subset_size}")
        self.num_subsets = int(num_subsets)
        self.subset_size = int(subset_size)
        self.seed = int(seed)

    def signature(self) -> str:
        return make_signature("kid", **self._signature_parts(), kernel="poly3", subsets=self.num_subsets,
                              subset_size=self.subset_size, seed=self.seed)

    def finalize(self, state: np.ndarray, seed: int = 0) -> MetricValue:
        """Subsets are drawn with the metric's own ``seed`` option (not the runner's), so the value is reproducible."""
        outputs = _check_features(state, "kid: output features")
        refs = _check_features(self.reference_features(), "kid: reference features")
        estimates = kid_subset_estimates(outputs, refs, self.num_subsets, self.subset_size, self.seed)
        value = float(estimates.mean())
        m = min(outputs.shape[0], refs.shape[0], self.subset_size)
        notes = [f"subset size m={m} (requested {self.subset_size}, capped by N)"] if m < self.subset_size else []
        if m == outputs.shape[0] == refs.shape[0]:
            notes.append("every subset holds every image: no subset spread, so no interval")
            return MetricValue(value, None, None, outputs.shape[0], "none", None, tuple(notes))
        low, high = np.percentile(estimates, [2.5, 97.5])
        return MetricValue(value, float(low), float(high), outputs.shape[0], "kid-subsets", None, tuple(notes))
