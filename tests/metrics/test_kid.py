"""KID: functional layer vs clean-fid's kernel_distance and a brute-force MMD; the metric object."""


import numpy as np
import pytest

from transmodal.metrics.kid import KID, kid_from_features, kid_subset_estimates
from transmodal.types import Sample, TransmodalError

cleanfid_fid = pytest.importorskip("cleanfid.fid")


def brute_force_mmd2(x, y):
    """Unbiased MMD^2 with k(a, b) = (a.b/d + 1)^3, double loops."""
    d, m = x.shape[1], x.shape[0]
    k = lambda a, b: (a @ b / d + 1) ** 3  # noqa: E731
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    return xx + yy - 2 * xy


def test_full_subset_equals_brute_force_mmd():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)) + 0.5
    # subset_size >= N: every subset is the whole set (in some order)
    assert kid_from_features(a, b, num_subsets=3, subset_size=50) == pytest.approx(brute_force_mmd2(b, a), rel=1e-12)


@pytest.mark.parametrize("n_a, n_b, subset_size", [(120, 90, 50), (40, 60, 1000), (30, 30, 30)])
def test_equals_cleanfid_kernel_distance(n_a, n_b, subset_size):
    rng = np.random.default_rng(n_a)
    a = rng.normal(size=(n_a, 16))
    b = rng.normal(size=(n_b, 16)) * 1.2 + 0.1
    for seed in (0, 7):
        np.random.seed(seed)  # clean-fid draws from numpy's global RandomState
        theirs = cleanfid_fid.kernel_distance(a, b, num_subsets=20, max_subset_size=subset_size)
        assert kid_from_features(a, b, 20, subset_size, seed=seed) == pytest.approx(theirs, rel=1e-10)


def test_seeded_and_subsets_average_to_value():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(50, 8)), rng.normal(size=(50, 8)) + 0.2
    first = kid_from_features(a, b, 10, 20, seed=1)
    assert kid_from_features(a, b, 10, 20, seed=1) == first
    assert kid_from_features(a, b, 10, 20, seed=2) != first
    estimates = kid_subset_estimates(a, b, 10, 20, seed=1)
    assert estimates.shape == (10,) and estimates.mean() == pytest.approx(first, rel=1e-14)


@pytest.mark.parametrize(
    "a, b, kwargs, match",
    [
        (np.ones((1, 3)), np.ones((4, 3)), {}, "at least 2"),
        (np.ones((4, 3)), np.ones((4, 2)), {}, "dimensions differ"),
        (np.full((4, 3), np.inf), np.ones((4, 3)), {}, "infinite"),
        (np.ones((4, 3)), np.ones((4, 3)), {"subset_size": 1}, "at least 2 images"),
        (np.ones((4, 3)), np.ones((4, 3)), {"num_subsets": 0}, "num_subsets"),
    ],
)
def test_bad_input(a, b, kwargs, match):
    with pytest.raises(TransmodalError, match=match):
        kid_from_features(a, b, **kwargs)


def test_metric_finalize_interval_from_subsets():
    rng = np.random.default_rng(5)
    refs, outs = rng.normal(size=(40, 2048)), rng.normal(size=(30, 2048)) + 0.05
    metric = KID(num_subsets=50, subset_size=10, seed=4)
    metric._reference_features = refs
    value = metric.finalize(outs)
    estimates = kid_subset_estimates(outs, refs, 50, 10, seed=4)
    assert value.value == pytest.approx(kid_from_features(outs, refs, 50, 10, seed=4), rel=1e-14)
    assert (value.ci_low, value.ci_high) == tuple(np.percentile(estimates, [2.5, 97.5]))
    assert value.ci_low < value.value < value.ci_high and value.ci_method == "kid-subsets"
    # subsets holding every image on both sides have no spread: no interval
    capped = KID(num_subsets=5, subset_size=100)
    capped._reference_features = refs[:30]
    full = capped.finalize(outs)
    assert full.ci_low is None and full.ci_method == "none" and any("capped" in n for n in full.notes)
    assert KID.info.higher_is_better is False and KID.info.kind == "distributional"
    assert "subset_size:100" in capped.signature() and "kernel:poly3" in capped.signature()


def test_metric_on_real_photos_ranks_degradations(tmp_path, monkeypatch):
    """KID (whole sets, m = N) to the originals: JPEG q10 is farther than JPEG q50."""
    from tests.metrics.judges.test_inception import photo_crops
    from transmodal.reference_models.image_codecs import JpegCodec

    monkeypatch.setenv("TRANSMODAL_CACHE", str(tmp_path))
    originals = photo_crops(tmp_path / "photos", 8)
    samples = [Sample(p.stem, p, (p,)) for p in originals]
    metric = KID(subset_size=100, num_subsets=2)
    q50 = metric.evaluate(JpegCodec(50).translate(samples, [0] * 8), samples)
    q10 = metric.evaluate(JpegCodec(10).translate(samples, [0] * 8), samples)
    assert q10.value > q50.value
    assert q10.n == 8 and q10.ci_low is None  # m = N on both sides: no subset spread
