"""FID: Fréchet Inception Distance (Heusel et al. 2017), equal to clean-fid.

Definition. Fit a Gaussian to each feature set (mean ``mu``, unbiased covariance
``Sigma = X_c^T X_c / (N - 1)``, numpy's ``np.cov`` default, as clean-fid) and take
the squared Fréchet (2-Wasserstein) distance between them::

    FID = ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr( (S1 S2)^(1/2) )

The trace term without ``scipy.linalg.sqrtm``. ``S1 S2`` is not symmetric, but it is
similar to a symmetric PSD matrix: with ``A = S1^(1/2)``, ``S1 S2 = A (A S2 A) A^-1``,
so ``tr (S1 S2)^(1/2) = tr (A S2 A)^(1/2) = sum_i sqrt(lambda_i(A S2 A))``. Any factor
``F`` with ``S1 = F F^T`` has the same non-zero spectrum in ``F^T S2 F`` (``F = A Q``
with ``Q`` orthogonal, or its thin ``[D, rank]`` version). We take ``F`` from LAPACK's
rank-revealing pivoted Cholesky (``dpstrf``; ``D^3/3`` flops; thin ``[D, N-1]`` when
N <= D) and sum the square roots of the symmetric eigenvalues ``eigvalsh(F^T S2 F)``,
all in float64. Eigenvalues below ``D * eps * max`` are rounding noise (e.g. the null
space of a covariance from N < D images) and are set to 0 before the square root, so
``sqrt(1e-15)``-sized noise summed over ~2000 null directions does not leak into the
trace (``sqrtm`` leaks it: FID of a set against itself is ~1e-4 there, ~1e-13 here).
Exact in exact arithmetic, no ``eps`` ridge, no imaginary parts to discard, and at
2048-d much faster than the Schur method of ``sqrtm`` that clean-fid uses
(``benchmarks/bench_frechet.py``). (A full ``eigh`` of a singular 2048x2048 covariance
is 10-30x slower than of a full-rank one, which is why the factor is a Cholesky.)

Features: 2048-d TF-Inception pool3 with clean-fid's ``clean`` preprocessing by
default (``mode`` picks ``legacy_tensorflow`` / ``legacy_pytorch``), see
``transmodal.metrics.judges.inception``. The signature pins the weights' sha256, the
mode and the reference set.

The metric object. ``state(outputs, samples)`` returns the outputs' features
``[N, 2048]``; the reference features are those of the images named by the
samples' ``references`` (paths; union over all samples seen, deduplicated by content
hash, first-seen order), embedded once and cached on disk. ``finalize`` computes
FID between the two sets.

Confidence interval: none (``ci_method="none"``). FID is a biased, non-decomposable
statistic: resampling images with replacement duplicates rows, which shrinks the
covariance rank and biases FID, so we never bootstrap features. Its run-to-run spread
comes from seed replicates (the runner reports each replicate's value).

Pitfalls:
* Numbers that move with batch size: a peer's FID changed with its update batch
  size. Ours cannot: the network always runs fixed chunks (see the judge), and
  ``tests/metrics/test_fid.py`` checks batch 1 against batch 16.
* Small N: with N < 2048 images the covariance is rank-deficient and FID is strongly
  biased upwards and noisy; ``finalize`` warns and recommends KID (unbiased).
* Mixed sizes/modes are fine: every image is converted to RGB and resized on its own.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from transmodal.metrics.base import Metric, check_lengths, make_signature, package_version
from transmodal.types import MetricInfo, MetricValue, Sample, TransmodalError


def _check_features(features: Any, name: str, min_rows: int = 2) -> np.ndarray:
    array = np.asarray(features, dtype=np.float64)
    if array.ndim != 2:
        raise TransmodalError(f"{name} must be a 2-d array [N, D], got shape {array.shape}")
    if array.shape[0] < min_rows:
        raise TransmodalError(f"{name} needs at least {min_rows} rows (images), got {array.shape[0]}")
    if not np.isfinite(array).all():
        raise TransmodalError(f"{name} contains NaN or infinite values")
    return array


def _drop_noise(eigenvalues: np.ndarray) -> np.ndarray:
    """Eigenvalues below ``D * eps * max`` (numerically zero, e.g. the null space when N < D) set to 0."""
    tol = eigenvalues.size * np.finfo(np.float64).eps * max(float(np.abs(eigenvalues).max(initial=0.0)), 0.0)
    return np.where(eigenvalues > tol, eigenvalues, 0.0)


def psd_factor(sigma: np.ndarray) -> np.ndarray:
    """``F`` ``[D, r]`` with ``sigma = F F^T``: LAPACK pivoted Cholesky (``dpstrf``), rank-revealing.

    ``dpstrf`` stops at rank ``r`` when the largest remaining pivot falls below
    ``D * eps * max(diag)``; covariances from N <= D images have rank N - 1 and give a
    thin factor. Falls back to ``eigh`` (``F = V diag(sqrt w)``) if LAPACK reports an error.
    """
    from scipy.linalg import lapack

    upper, pivots, rank, info = lapack.dpstrf(sigma, lower=0)
    if info < 0:
        w, v = np.linalg.eigh(sigma)
        return v * np.sqrt(_drop_noise(w))
    factor = np.zeros((sigma.shape[0], rank))
    factor[pivots - 1] = np.triu(upper)[:rank].T  # P^T sigma P = U^T U  =>  F = P U^T
    return factor


def frechet_distance(mu1: Any, sigma1: Any, mu2: Any, sigma2: Any) -> float:
    """Squared Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2) (float64, eigh-based)."""
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    dim = mu1.shape[0]
    if mu1.ndim != 1 or mu1.shape != mu2.shape:
        raise TransmodalError(f"means must be 1-d and equally long, got {mu1.shape} and {mu2.shape}")
    if sigma1.shape != (dim, dim) or sigma2.shape != (dim, dim):
        raise TransmodalError(f"covariances must be {dim}x{dim}, got {sigma1.shape} and {sigma2.shape}")
    for name, value in (("mu1", mu1), ("sigma1", sigma1), ("mu2", mu2), ("sigma2", sigma2)):
        if not np.isfinite(value).all():
            raise TransmodalError(f"{name} contains NaN or infinite values")
    sigma1 = (sigma1 + sigma1.T) / 2  # symmetrise rounding noise; eigh reads one triangle
    sigma2 = (sigma2 + sigma2.T) / 2
    factor = psd_factor(sigma1)  # sigma1 = factor @ factor.T, [D, rank]
    inner = factor.T @ sigma2 @ factor
    eigenvalues = np.linalg.eigvalsh((inner + inner.T) / 2)
    trace_sqrt = float(np.sqrt(_drop_noise(eigenvalues)).sum())
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)


def gaussian_stats(features: Any, name: str = "features") -> tuple[np.ndarray, np.ndarray]:
    """Mean and unbiased covariance (``np.cov``, ddof=1) of ``[N, D]`` features, float64."""
    array = _check_features(features, name)
    return array.mean(axis=0), np.cov(array, rowvar=False)


def fid_from_features(features_a: Any, features_b: Any) -> float:
    """FID between two feature sets ``[N, D]`` and ``[M, D]`` (clean-fid's ``fid_from_feats``)."""
    a = _check_features(features_a, "features_a")
    b = _check_features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise TransmodalError(f"feature dimensions differ: {a.shape[1]} vs {b.shape[1]}")
    mu1, sigma1 = gaussian_stats(a, "features_a")
    mu2, sigma2 = gaussian_stats(b, "features_b")
    return frechet_distance(mu1, sigma1, mu2, sigma2)


def small_n_note(n_a: int, n_b: int, dim: int) -> str | None:
    """The warning text when either set has fewer images than feature dimensions."""
    if min(n_a, n_b) >= dim:
        return None
    return (
        f"FID on N={n_a} vs {n_b} images with {dim}-d features: covariance is rank-deficient "
        f"(N < {dim}), so FID is biased upwards and unstable; compare only at equal N, prefer KID"
    )


def compute_fid(images_a: Sequence, images_b: Sequence, mode: str = "clean", device: str = "cpu",
                batch_size: int = 32) -> float:
    """FID between two image collections (paths, PIL images or uint8 arrays), as clean-fid's ``compute_fid``."""
    from transmodal.metrics.judges.inception import get_judge

    judge = get_judge(mode, device, batch_size)
    return fid_from_features(judge.features(images_a), judge.features(images_b))


class ReferenceSet:
    """Union of the image references named by samples, deduplicated by content hash."""

    def __init__(self) -> None:
        self.hashes: list[str] = []
        self.images: list[Any] = []

    def add(self, samples: Sequence[Sample], metric: str) -> None:
        from pathlib import Path

        from transmodal.media import content_hash

        seen = set(self.hashes)
        for sample in samples:
            if not sample.references:
                raise TransmodalError(f"{metric}: sample {sample.id!r} has no reference image")
            for ref in sample.references:
                if isinstance(ref, str):
                    if not Path(ref).is_file():
                        raise TransmodalError(f"{metric}: sample {sample.id!r} reference is not an image file: {ref[:60]!r}")
                    ref = Path(ref)
                digest = content_hash(ref)
                if digest not in seen:
                    seen.add(digest)
                    self.hashes.append(digest)
                    self.images.append(ref)

    def key(self) -> str:
        import hashlib

        return hashlib.sha256("\n".join(self.hashes).encode()).hexdigest()[:12] if self.hashes else "none"


class InceptionDistributionMetric(Metric):
    """Shared plumbing of FID and KID: output features as state, memoised reference features."""

    name = ""

    def __init__(self, mode: str = "clean", device: str = "cpu", batch_size: int = 32) -> None:
        from transmodal.metrics.judges.inception import check_mode

        self.mode = check_mode(mode)
        self.device = device
        self.batch_size = int(batch_size)
        self.references = ReferenceSet()
        self._reference_features: np.ndarray | None = None

    def judge(self):
        from transmodal.metrics.judges.inception import get_judge

        return get_judge(self.mode, self.device, self.batch_size)

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        check_lengths(outputs, samples)
        before = len(self.references.hashes)
        self.references.add(samples, self.name)
        if self._reference_features is None or len(self.references.hashes) != before:
            self._reference_features = self.judge().features_by_hash(self.references.images).astype(np.float64)
        return self.judge().features(outputs).astype(np.float64)

    def reference_features(self) -> np.ndarray:
        if self._reference_features is None:
            raise TransmodalError(f"{self.name}: no reference images yet; call state(outputs, samples) first")
        return self._reference_features

    def set_reference_images(self, images: Sequence) -> None:
        """Use ``images`` (paths / PIL / arrays) as the reference set instead of samples' references."""
        from transmodal.media import content_hash

        self.references = ReferenceSet()
        for image in images:
            digest = content_hash(image)
            if digest not in self.references.hashes:
                self.references.hashes.append(digest)
                self.references.images.append(image)
        self._reference_features = self.judge().features_by_hash(self.references.images).astype(np.float64)

    def _signature_parts(self) -> dict:
        from transmodal.metrics.judges.inception import weights_sha256

        return {
            "judge": "tf-inception-2015-12-05-pool3",
            "weights": weights_sha256()[:16],
            "mode": self.mode,
            "refs": self.references.key(),
            "nrefs": len(self.references.hashes),
            "pillow": package_version("pillow"),
            "torch": package_version("torch"),
        }


class FID(InceptionDistributionMetric):
    """FID between the outputs and the samples' reference images (lower is better)."""

    name = "fid"
    info = MetricInfo(
        name="fid",
        display_name="FID",
        higher_is_better=False,
        kind="distributional",
        description="Fréchet Inception Distance, TF-Inception pool3, clean-fid preprocessing",
    )

    def signature(self) -> str:
        return make_signature("fid", **self._signature_parts(), cov="unbiased", sqrt="pstrf-eigvalsh")

    def finalize(self, state: np.ndarray, seed: int = 0) -> MetricValue:
        outputs = _check_features(state, "fid: output features")
        refs = _check_features(self.reference_features(), "fid: reference features")
        if outputs.shape[1] != refs.shape[1]:
            raise TransmodalError(f"fid: feature dimensions differ: {outputs.shape[1]} vs {refs.shape[1]}")
        value = fid_from_features(outputs, refs)
        notes = []
        note = small_n_note(outputs.shape[0], refs.shape[0], outputs.shape[1])
        if note:
            warnings.warn(note, stacklevel=2)
            notes.append(note)
        notes.append("no CI for a single run (features are never resampled); seed replicates give the spread")
        return MetricValue(value, None, None, outputs.shape[0], "none", None, tuple(notes))
