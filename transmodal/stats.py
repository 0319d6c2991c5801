"""Statistics the harness trusts: seeds, bootstrap intervals, paired tests, Holm.

Pure numpy. Decomposable metrics are functions of *summed* per-sample sufficient
statistics (BLEU's n-gram matches, WER's edits and reference words, a mean's value
and count). A bootstrap replicate is then one row of a multinomial count matrix
times the statistics matrix, so B resamples cost one ``[B, N] @ [N, S]`` product
instead of B re-scorings (what sacrebleu's paired bootstrap does).
"""

from __future__ import annotations

import hashlib
from typing import Callable

import numpy as np

DEFAULT_RESAMPLES = 1000
CONFIDENCE = 0.95


def stable_seed(*parts: object) -> int:
    """A 63-bit seed from the parts' text: the same on every machine and run."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


_CHUNK_ELEMENTS = 1 << 17  # resample-count cells per chunk: stays in cache, bounds memory


def _count_chunks(n: int, resamples: int, seed: int):
    """Yield ``(start, counts[m, n])`` float64 chunks of multinomial resample counts.

    Each replicate draws ``n`` indices uniformly with replacement (``Generator.integers``,
    exact) and counts them with one ``bincount`` per chunk. The draws depend only on
    ``(n, resamples, seed)``, never on how the caller consumes the chunks.
    """
    rng = np.random.default_rng(seed)
    rows = max(1, _CHUNK_ELEMENTS // max(n, 1))
    dtype = np.uint32 if rows * n < 2**32 else np.uint64
    for start in range(0, resamples, rows):
        m = min(rows, resamples - start)
        index = rng.integers(0, n, size=(m, n), dtype=dtype)
        if m > 1:
            index += (np.arange(m, dtype=dtype) * dtype(n))[:, None]
        yield start, np.bincount(index.ravel(), minlength=m * n).reshape(m, n).astype(np.float64)


def resample_counts(n: int, resamples: int, seed: int) -> np.ndarray:
    """``[resamples, n]`` counts: how often each sample is drawn in each replicate."""
    counts = np.empty((resamples, n))
    for start, chunk in _count_chunks(n, resamples, seed):
        counts[start : start + len(chunk)] = chunk
    return counts


def resampled_sums(stats: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """``resample_counts(N, resamples, seed) @ stats`` ``[resamples, S]``, chunked (no ``[B, N]`` matrix)."""
    stats = np.asarray(stats, dtype=np.float64)
    sums = np.empty((resamples, stats.shape[1]))
    for start, chunk in _count_chunks(stats.shape[0], resamples, seed):
        np.dot(chunk, stats, out=sums[start : start + len(chunk)])
    return sums


def bootstrap_sums(
    stats: np.ndarray,
    from_sums: Callable[[np.ndarray], np.ndarray],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``from_sums(stats.sum(0))``.

    ``stats`` is ``[N, S]``; ``from_sums`` maps ``[..., S]`` sums to ``[...]`` values.
    Replicates whose value is NaN (e.g. zero reference words) are dropped.
    """
    stats = np.asarray(stats, dtype=np.float64)
    if stats.ndim == 1:
        stats = stats[:, None]
    n = stats.shape[0]
    if n < 2:
        value = float(from_sums(stats.sum(0)))
        return value, value
    values = np.asarray(from_sums(resampled_sums(stats, resamples, seed)), dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [alpha, 1.0 - alpha])
    return float(low), float(high)


def paired_bootstrap_delta(
    stats_base: np.ndarray,
    stats_candidate: np.ndarray,
    from_sums: Callable[[np.ndarray], np.ndarray],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> np.ndarray:
    """Replicates of ``metric(candidate) - metric(base)`` resampling the same items.

    Both inputs are ``[N, S]`` over the same samples in the same order.
    """
    base = np.asarray(stats_base, dtype=np.float64)
    cand = np.asarray(stats_candidate, dtype=np.float64)
    if base.shape != cand.shape:
        raise ValueError(f"paired statistics differ in shape: {base.shape} vs {cand.shape}")
    sums = resampled_sums(np.concatenate([base, cand], axis=1), resamples, seed)  # same replicates for both
    width = base.shape[1]
    return np.asarray(from_sums(sums[:, width:])) - np.asarray(from_sums(sums[:, :width]))


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (monotone, capped at 1), input order kept."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    order = np.argsort(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted.tolist()
