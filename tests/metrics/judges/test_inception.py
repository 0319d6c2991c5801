"""TF-Inception judge: clean-fid's preprocessing and features, batch-size independence, cache."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from transmodal.metrics.judges import inception
from transmodal.types import TransmodalError

torch = pytest.importorskip("torch")
cleanfid_fid = pytest.importorskip("cleanfid.fid")
from cleanfid.inception_torchscript import InceptionV3W  # noqa: E402
from cleanfid.resize import make_resizer  # noqa: E402

SOURCES = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry")


def photo_crops(folder: Path, count: int) -> list[Path]:
    """``count`` PNG crops (mixed sizes) of scikit-image's bundled photos."""
    import skimage.data

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        photo = getattr(skimage.data, SOURCES[index % len(SOURCES)])()
        offset = 40 * (index // len(SOURCES))
        crop = photo[offset : offset + 200 + 7 * index, offset : offset + 260 - 5 * index]
        path = folder / f"img{index:02d}.png"
        Image.fromarray(crop).save(path)
        paths.append(path)
    return paths


def cleanfid_model(folder: Path):
    """clean-fid's own wrapper (InceptionV3W) around a file exposing default_1.pt's layers as ``.layers``."""

    class Layers(torch.nn.Module):
        def __init__(self, layers):
            super().__init__()
            self.layers = layers

        def forward(self, x):
            return self.layers(x)

    torch.jit.script(Layers(inception._load_layers("cpu"))).save(str(folder / "inception-2015-12-05.pt"))
    return InceptionV3W(str(folder), download=False, resize_inside=False).eval()


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    return photo_crops(tmp_path_factory.mktemp("photos"), 8)


def test_clean_preprocessing_equals_cleanfid(photos):
    resize = make_resizer("PIL", False, "bicubic", (299, 299))
    for path in photos[:3]:
        rgb = np.array(Image.open(path).convert("RGB"))
        expected = (resize(rgb).transpose(2, 0, 1) - 128) / 128
        assert np.array_equal(inception.preprocess(path, "clean"), expected.astype(np.float32))


def test_legacy_pytorch_resize_equals_cleanfid(photos):
    resize = make_resizer("PyTorch", False, "bilinear", (299, 299))
    rgb = np.array(Image.open(photos[0]).convert("RGB"))
    expected = 2 * (torch.from_numpy(resize(rgb).transpose(2, 0, 1).copy()) / 255) - 1
    assert np.array_equal(inception.preprocess(photos[0], "legacy_pytorch"), expected.numpy())


def test_legacy_tensorflow_resize_is_tf1_bilinear():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    # TF1 resize_bilinear, align_corners=False, no half-pixel centres: src = i * in / out, clamped
    def axis(n_in):
        src = np.arange(299) * n_in / 299
        low = np.floor(src).astype(int)
        return low, np.minimum(low + 1, n_in - 1), src - low

    y0, y1, fy = axis(37)
    x0, x1, fx = axis(53)
    img = rgb.astype(np.float64)
    top = img[y0][:, x0] * (1 - fx)[None, :, None] + img[y0][:, x1] * fx[None, :, None]
    bottom = img[y1][:, x0] * (1 - fx)[None, :, None] + img[y1][:, x1] * fx[None, :, None]
    expected = (top * (1 - fy)[:, None, None] + bottom * fy[:, None, None]).transpose(2, 0, 1)
    got = inception.preprocess(rgb, "legacy_tensorflow") * 128 + 128
    np.testing.assert_allclose(got, expected, atol=2e-3)


def test_features_equal_cleanfid_and_do_not_depend_on_batch_size(photos, tmp_path):
    model = cleanfid_model(tmp_path)
    theirs = cleanfid_fid.get_files_features(
        [str(p) for p in photos], model=model, num_workers=0, batch_size=4,
        device=torch.device("cpu"), mode="clean", verbose=False,
    )
    ours_16 = inception.InceptionJudge(batch_size=16).features(photos)
    ours_1 = inception.InceptionJudge(batch_size=1).features(photos)
    assert ours_16.shape == (len(photos), 2048)
    np.testing.assert_allclose(ours_16, theirs, rtol=1e-5, atol=1e-6)
    assert np.array_equal(ours_1, ours_16)


def test_modes_convert_to_rgb(photos):
    rgb = Image.open(photos[0]).convert("RGB")
    gray = rgb.convert("L")
    judge = inception.InceptionJudge()
    feats = judge.features([gray, gray.convert("RGB"), rgb.convert("RGBA")])
    assert np.array_equal(feats[0], feats[1])
    np.testing.assert_array_equal(feats[2], judge.features([rgb])[0])


def test_reference_features_are_cached_on_disk(photos, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSMODAL_CACHE", str(tmp_path))
    first = inception.InceptionJudge().features_by_hash(photos[:3])
    assert len(list((tmp_path / "inception").glob("*.npy"))) == 1
    fresh = inception.InceptionJudge()
    monkeypatch.setattr(fresh, "features", lambda images: pytest.fail("cached set was re-embedded"))
    assert np.array_equal(fresh.features_by_hash(photos[:3]), first)
    # another mode is another key
    assert inception.set_key(["x"], "clean") != inception.set_key(["x"], "legacy_pytorch")


def test_bad_inputs(tmp_path):
    with pytest.raises(TransmodalError, match="mode"):
        inception.InceptionJudge(mode="tensorflow")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    with pytest.raises(TransmodalError, match="cannot decode"):
        inception.InceptionJudge().features([broken])
    assert len(inception.weights_sha256()) == 64


def test_legacy_modes_are_close_to_clean_but_not_equal(photos):
    """Same network, other resizers: features nearly parallel (a wrong input scaling drops cosine to ~0.5)."""
    feats = {mode: inception.InceptionJudge(mode=mode).features(photos[:2]) for mode in inception.MODES}

    def cosine(a, b):
        return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)

    for mode in ("legacy_tensorflow", "legacy_pytorch"):
        assert not np.array_equal(feats[mode], feats["clean"])
        assert cosine(feats[mode], feats["clean"]).min() > 0.97
    assert cosine(feats["clean"], feats["clean"][::-1]).max() < 0.9  # different photos are far apart
