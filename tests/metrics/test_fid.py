"""FID: functional layer vs hand-computed cases and clean-fid; the metric object end to end."""

import warnings

import numpy as np
import pytest
from scipy import linalg

from transmodal.metrics.fid import FID, compute_fid, fid_from_features, frechet_distance
from transmodal.types import Sample, TransmodalError

cleanfid_fid = pytest.importorskip("cleanfid.fid")


def random_psd(rng, dim, rank=None):
    factor = rng.normal(size=(dim, rank or dim))
    return factor @ factor.T / dim


def test_one_dimensional_closed_form():
    # N(1, 4) vs N(3, 9): (1-3)^2 + 4 + 9 - 2*sqrt(36) = 5
    assert frechet_distance([1.0], [[4.0]], [3.0], [[9.0]]) == pytest.approx(5.0, abs=1e-12)


def test_commuting_covariances_closed_form():
    v1, v2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.0])
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(v1) - np.sqrt(v2)) ** 2)
    assert frechet_distance(mu1, np.diag(v1), mu2, np.diag(v2)) == pytest.approx(expected, abs=1e-12)


def test_frechet_equals_sqrtm_peer_on_full_rank():
    rng = np.random.default_rng(0)
    for dim in (2, 16, 128):
        mu1, mu2 = rng.normal(size=dim), rng.normal(size=dim)
        s1, s2 = random_psd(rng, dim), random_psd(rng, dim)
        ours = frechet_distance(mu1, s1, mu2, s2)
        assert ours == pytest.approx(float(cleanfid_fid.frechet_distance(mu1, s1, mu2, s2)), rel=1e-9)
        tr = np.trace(linalg.sqrtm(s1 @ s2)).real
        assert ours == pytest.approx(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr, rel=1e-9)


def test_fid_from_features_equals_cleanfid():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(400, 32))
    b = rng.normal(size=(250, 32)) @ random_psd(rng, 32) + 0.3
    assert fid_from_features(a, b) == pytest.approx(float(cleanfid_fid.fid_from_feats(a, b)), rel=1e-9)
    # the covariance is the unbiased one (ddof=1)
    ref = frechet_distance(a.mean(0), np.cov(a, rowvar=False, ddof=1), b.mean(0), np.cov(b, rowvar=False, ddof=1))
    assert fid_from_features(a, b) == ref
    assert fid_from_features(a, a) == pytest.approx(0.0, abs=1e-9)


def test_rank_deficient_covariances_match_sqrtm():
    # N < D: singular covariances; eigh needs no eps ridge
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(20, 64)), rng.normal(size=(30, 64)) * 1.5
    expected = float(cleanfid_fid.fid_from_feats(a, b))
    assert fid_from_features(a, b) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    "a, b, match",
    [
        (np.full((4, 3), np.nan), np.ones((4, 3)), "NaN"),
        (np.ones((4, 3)), np.array([[1.0, np.inf, 0], [0, 0, 0]]), "NaN or infinite"),
        (np.ones((1, 3)), np.ones((4, 3)), "at least 2"),
        (np.ones((4, 3)), np.ones((4, 5)), "dimensions differ"),
        (np.ones(4), np.ones(4), "2-d"),
    ],
)
def test_bad_features(a, b, match):
    with pytest.raises(TransmodalError, match=match):
        fid_from_features(a, b)


def test_bad_gaussians():
    with pytest.raises(TransmodalError, match="covariances"):
        frechet_distance(np.zeros(3), np.eye(2), np.zeros(3), np.eye(3))


# ---------------------------------------------------------------- images, end to end


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """8 PNG crops of real photos and their JPEG-q10 versions (our codec), each in a folder."""
    from PIL import Image

    from tests.metrics.judges.test_inception import photo_crops
    from transmodal.reference_models.image_codecs import JpegCodec

    originals = photo_crops(tmp_path_factory.mktemp("originals"), 8)
    degraded_dir = tmp_path_factory.mktemp("jpeg10")
    codec = JpegCodec(quality=10)
    samples = [Sample(id=p.stem, source=p, references=(p,)) for p in originals]
    outputs = codec.translate(samples, [0] * len(samples))
    for sample, image in zip(samples, outputs):
        image.save(degraded_dir / f"{sample.id}.png")  # lossless: the files hold the outputs' pixels
    assert all(isinstance(image, Image.Image) for image in outputs)
    return originals, degraded_dir, samples, outputs


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def ours_fid(folders):
    originals, degraded_dir, _, _ = folders
    return compute_fid(originals, sorted(degraded_dir.glob("*.png")))


def test_fid_equals_cleanfid_compute_fid(folders, ours_fid, tmp_path):
    import torch

    from tests.metrics.judges.test_inception import cleanfid_model

    originals, degraded_dir, _, _ = folders
    theirs = cleanfid_fid.compute_fid(
        str(originals[0].parent), str(degraded_dir), mode="clean", device=torch.device("cpu"),
        num_workers=0, custom_feat_extractor=cleanfid_model(tmp_path), verbose=False,
    )
    assert ours_fid == pytest.approx(float(theirs), rel=1e-4)
    assert ours_fid > 1.0


def test_metric_object_batch_size_independent_and_warns(folders, ours_fid, cache, monkeypatch):
    monkeypatch.setenv("TRANSMODAL_CACHE", str(cache))
    _, _, samples, outputs = folders
    values = []
    for batch_size in (1, 16):
        metric = FID(batch_size=batch_size)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = metric.evaluate(outputs, samples)
        assert any("rank-deficient" in str(w.message) for w in caught)
        values.append(value)
    assert values[0].value == values[1].value
    value = values[0]
    # outputs vs references here; references vs outputs in compute_fid: FID is symmetric
    assert value.value == pytest.approx(ours_fid, rel=1e-9)
    assert (value.ci_low, value.ci_high, value.ci_method, value.n) == (None, None, "none", 8)
    assert any("prefer KID" in note for note in value.notes)
    assert FID.info.kind == "distributional" and FID.info.higher_is_better is False
    signature = metric.signature()
    assert "mode:clean" in signature and "weights:" in signature and "refs:" in signature


def test_metric_identity_is_zero_and_references_deduplicate(folders, cache, monkeypatch):
    monkeypatch.setenv("TRANSMODAL_CACHE", str(cache))
    originals, _, samples, _ = folders
    metric = FID()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        identity = metric.evaluate(list(originals), samples)
        assert abs(identity.value) < 1e-6
        # every sample names the same two references (one twice): the union has 2 images
        doubled = [Sample(s.id, s.source, (originals[0], originals[1], originals[0])) for s in samples[:2]]
        other = FID()
        other.state(list(originals[:2]), doubled)
        assert len(other.references.hashes) == 2
        assert other.references.images == [originals[0], originals[1]]


def test_metric_bad_inputs():
    metric = FID()
    with pytest.raises(TransmodalError, match="pair up"):
        metric.state([], [Sample("a", "x", ("y",))])
    with pytest.raises(TransmodalError, match="not an image file"):
        metric.state(["x"], [Sample("a", "x", ("a caption, not a path",))])
    with pytest.raises(TransmodalError, match="no reference images"):
        metric.finalize(np.zeros((3, 2048)))
    metric._reference_features = np.ones((3, 2048))
    with pytest.raises(TransmodalError, match="at least 2"):
        metric.finalize(np.zeros((1, 2048)))
    with pytest.raises(TransmodalError, match="dimensions differ"):
        metric.finalize(np.zeros((3, 64)))
    with pytest.raises(TransmodalError, match="mode"):
        FID(mode="tf")
