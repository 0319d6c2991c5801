"""Pillow codec translators: real, graded, deterministic degradations with honest fingerprints."""

import io

import numpy as np
import pytest
from PIL import Image

from transmodal import registry
from transmodal.reference_models.image_codecs import DownUpscale, JpegCodec
from transmodal.types import Modality, Sample, TransmodalError, Translator


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    import skimage.data

    path = tmp_path_factory.mktemp("photo") / "astronaut.png"
    Image.fromarray(skimage.data.astronaut()).save(path)
    return path


def psnr(a, b):
    mse = np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)
    return 10 * np.log10(255.0**2 / mse)


def test_registry_entries_build_translators():
    for name, family in (("jpeg-q10", "jpeg"), ("jpeg-q50", "jpeg"), ("downscale-x4", "downscale")):
        entry = registry.models.get(name)
        assert entry.source is Modality.IMAGE and entry.target is Modality.IMAGE
        model = entry.load()
        assert isinstance(model, Translator) and model.family == family


def test_jpeg_equals_a_plain_pillow_round_trip_and_grades_quality(photo):
    sample = Sample("a", photo)
    original = Image.open(photo).convert("RGB")
    buffer = io.BytesIO()
    original.save(buffer, format="JPEG", quality=10)
    expected = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    q10 = JpegCodec(10).translate([sample], [0])[0]
    assert np.array_equal(np.asarray(q10), expected)
    q50, q90 = (JpegCodec(q).translate([sample], [0])[0] for q in (50, 90))
    assert q10.size == original.size and q10.mode == "RGB"
    assert psnr(original, q10) < psnr(original, q50) < psnr(original, q90)


def test_downscale_removes_detail_and_keeps_size(photo):
    sample = Sample("a", photo)
    original = Image.open(photo).convert("RGB")
    x4 = DownUpscale(4).translate([sample], [0])[0]
    x2 = DownUpscale(2).translate([sample], [0])[0]
    assert x4.size == original.size
    assert psnr(original, x4) < psnr(original, x2)
    assert np.array_equal(np.asarray(DownUpscale(1).translate([sample], [0])[0]), np.asarray(original))
    # a 1-pixel checkerboard is above the x4 Nyquist limit: it averages to flat grey
    board = (np.indices((64, 64)).sum(0) % 2 * 255).astype(np.uint8)
    flat = np.asarray(DownUpscale(4).apply(Image.fromarray(board).convert("RGB")), np.float64)
    assert np.abs(flat[8:-8, 8:-8] - 127.5).max() < 3


def test_deterministic_seeds_ignored_and_fingerprints(photo):
    sample = Sample("a", photo)
    first = JpegCodec(10).translate([sample, sample], [0, 123])
    assert np.array_equal(np.asarray(first[0]), np.asarray(first[1]))
    assert JpegCodec(10).fingerprint() == JpegCodec(10).fingerprint()
    assert JpegCodec(10).fingerprint() != JpegCodec(11).fingerprint()
    assert JpegCodec(10).fingerprint() != DownUpscale(4).fingerprint()


def test_bad_parameters_and_inputs(tmp_path):
    with pytest.raises(TransmodalError, match="quality"):
        JpegCodec(0)
    with pytest.raises(TransmodalError, match="factor"):
        DownUpscale(0)
    with pytest.raises(TransmodalError, match="seeds"):
        JpegCodec(10).translate([Sample("a", tmp_path / "x.png")], [])
    with pytest.raises(TransmodalError, match="not found"):
        JpegCodec(10).translate([Sample("a", tmp_path / "x.png")], [0])
