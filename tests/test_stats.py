"""Bootstrap and multiple-comparison helpers against direct computation."""

from __future__ import annotations

import numpy as np

from transmodal import stats


def test_vectorised_bootstrap_equals_explicit_resampling():
    rng = np.random.default_rng(3)
    rows = np.stack([rng.integers(0, 5, 50), rng.integers(5, 10, 50)], axis=1).astype(float)
    ratio = lambda sums: sums[..., 0] / sums[..., 1]
    low, high = stats.bootstrap_sums(rows, ratio, resamples=300, seed=7)
    counts = stats.resample_counts(50, 300, 7)
    explicit = []
    for row_counts in counts:
        index = np.repeat(np.arange(50), row_counts.astype(int))
        explicit.append(rows[index, 0].sum() / rows[index, 1].sum())
    assert np.isclose(low, np.quantile(explicit, 0.025)) and np.isclose(high, np.quantile(explicit, 0.975))
    assert low < ratio(rows.sum(0)) < high


def test_interval_narrows_with_more_samples():
    rng = np.random.default_rng(0)
    mean = lambda sums: sums[..., 0] / sums[..., 1]
    width = []
    for n in (50, 5000):
        rows = np.stack([rng.normal(size=n), np.ones(n)], axis=1)
        low, high = stats.bootstrap_sums(rows, mean, seed=1)
        width.append(high - low)
    assert width[1] < width[0] / 5


def test_stable_seed_is_deterministic_and_distinct():
    assert stats.stable_seed("task", "s1", 0, 0) == stats.stable_seed("task", "s1", 0, 0)
    assert stats.stable_seed("task", "s1", 0, 0) != stats.stable_seed("task", "s1", 1, 0)
    assert 0 <= stats.stable_seed("x") < 2**63


def test_holm_matches_hand_computation():
    # p = [0.01, 0.04, 0.03]: sorted 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> max-accumulated 0.06
    assert np.allclose(stats.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])


def test_paired_bootstrap_delta_is_zero_for_identical_systems():
    rows = np.random.default_rng(1).random((30, 2))
    delta = stats.paired_bootstrap_delta(rows, rows, lambda s: s[..., 0] / s[..., 1], resamples=100)
    assert np.allclose(delta, 0)
