"""open_clip adapter on a tiny random-init architecture (no CLIP weights offline).

The real loading path runs: a JSON architecture registered through ``model_config``
and a local checkpoint file passed as ``pretrained``. open_clip itself is the peer.
"""

import json

import numpy as np
import pytest

from transmodal.types import TransmodalError

open_clip = pytest.importorskip("open_clip")
torch = pytest.importorskip("torch")

TINY_CFG = {
    "embed_dim": 16,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 32, "head_width": 16, "patch_size": 8},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}
TEXTS = ["a photo of a dog", "a red car parked on a street", "two cats", "an empty room with a chair", "x"]
LONG_TEXT = " ".join(["a very long caption about many small things"] * 20)  # ~160 tokens > 77


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(config path, checkpoint path, the peer open_clip model and transform)."""
    folder = tmp_path_factory.mktemp("tiny_clip")
    config = folder / "transmodal-tiny-clip.json"
    config.write_text(json.dumps(TINY_CFG))
    open_clip.add_model_config(config)
    torch.manual_seed(0)
    model, _, preprocess = open_clip.create_model_and_transforms("transmodal-tiny-clip", pretrained=None)
    checkpoint = folder / "tiny.pt"
    torch.save(model.state_dict(), checkpoint)
    return config, checkpoint, model.eval(), preprocess


@pytest.fixture(scope="module")
def embedder(tiny):
    from transmodal.reference_models.open_clip import OpenClipEmbedder

    config, checkpoint, _, _ = tiny
    return OpenClipEmbedder(model_config=str(config), pretrained=str(checkpoint), batch_size=4)


def _images():
    from PIL import Image

    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 256, (40 + 3 * i, 48, 3), dtype=np.uint8)) for i in range(5)]


def test_text_matches_open_clip(embedder, tiny):
    _, _, peer, _ = tiny
    tokenizer = open_clip.get_tokenizer("transmodal-tiny-clip")
    with torch.no_grad():
        expected = peer.encode_text(tokenizer(TEXTS), normalize=True).numpy()
    ours = embedder.embed_text(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == (5, 16)
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_image_matches_open_clip(embedder, tiny, tmp_path):
    _, _, peer, preprocess = tiny
    images = _images()
    with torch.no_grad():
        expected = peer.encode_image(torch.stack([preprocess(im) for im in images]), normalize=True).numpy()
    ours = embedder.embed_image(images)
    np.testing.assert_allclose(ours, expected, atol=1e-5)
    path = tmp_path / "im.png"
    images[0].save(path)
    np.testing.assert_allclose(embedder.embed_image([path])[0], ours[0], atol=1e-6)


def test_normalised_deterministic_and_batch_invariant(embedder, tiny):
    from transmodal.reference_models.open_clip import OpenClipEmbedder

    config, checkpoint, _, _ = tiny
    single = OpenClipEmbedder(model_config=str(config), pretrained=str(checkpoint), batch_size=1)
    for embed, one, items in (
        (embedder.embed_text, single.embed_text, TEXTS),
        (embedder.embed_image, single.embed_image, _images()),
    ):
        first, second = embed(items), embed(items)
        np.testing.assert_array_equal(first, second)
        np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
        np.testing.assert_allclose(first, one(items), atol=1e-5)


def test_truncation_keeps_eot_and_is_counted(embedder, tiny):
    from transmodal.reference_models.open_clip import OpenClipEmbedder

    config, checkpoint, peer, _ = tiny
    fresh = OpenClipEmbedder(model_config=str(config), pretrained=str(checkpoint))
    tokenizer = fresh.tokenizer
    pieces = tokenizer.encode(LONG_TEXT)
    assert len(pieces) + 2 > 77
    tokens = fresh.tokenize([LONG_TEXT, "short"])
    # hand-built expectation: SOT, the first 75 pieces, EOT
    expected = [tokenizer.sot_token_id] + pieces[:75] + [tokenizer.eot_token_id]
    assert tokens[0].tolist() == expected
    assert fresh.truncated_count == 1
    fresh.embed_text([LONG_TEXT, "short", LONG_TEXT])
    assert fresh.truncated_count == 3
    with torch.no_grad():
        manual = peer.encode_text(torch.tensor([expected]), normalize=True).numpy()
    np.testing.assert_allclose(fresh.embed_text([LONG_TEXT]), manual, atol=1e-5)


def test_fingerprint(embedder, tiny, tmp_path):
    from transmodal.reference_models.open_clip import OpenClipEmbedder

    config, checkpoint, _, _ = tiny
    again = OpenClipEmbedder(model_config=str(config), pretrained=str(checkpoint), batch_size=2)
    assert again.fingerprint() == embedder.fingerprint()
    gelu = OpenClipEmbedder(model_config=str(config), pretrained=str(checkpoint), quick_gelu=True)
    assert gelu.fingerprint() != embedder.fingerprint()
    torch.manual_seed(1)
    other = open_clip.create_model("transmodal-tiny-clip", pretrained=None)
    other_ckpt = tmp_path / "other.pt"
    torch.save(other.state_dict(), other_ckpt)
    different = OpenClipEmbedder(model_config=str(config), pretrained=str(other_ckpt))
    assert different.fingerprint() != embedder.fingerprint()


def test_errors_are_one_line(tiny, embedder):
    from transmodal.reference_models.open_clip import OpenClipEmbedder

    config, _, _, _ = tiny
    with pytest.raises(TransmodalError, match="no pretrained tag"):
        OpenClipEmbedder(model_config=str(config), pretrained="no-such-tag")
    with pytest.raises(TransmodalError, match="model_config not found"):
        OpenClipEmbedder(model_config="/nonexistent/cfg.json")
    with pytest.raises(TransmodalError, match="strings"):
        embedder.embed_text([3])
    assert embedder.embed_text([]).shape == (0, 16)


def test_catalog_entry_names_openai_weights():
    from transmodal.reference_models.open_clip import OPEN_CLIP_VIT_B_32

    assert OPEN_CLIP_VIT_B_32.params == {"model_name": "ViT-B-32", "pretrained": "openai"}
    assert open_clip.get_pretrained_cfg("ViT-B-32", "openai")["quick_gelu"] is True
