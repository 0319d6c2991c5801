"""transmodal/reference_models/transformers_clip.py on a tiny random-init CLIPModel.

No CLIP weights exist offline, so the model is random-init (tiny text/vision towers)
and saved with ``save_pretrained``; the tokenizer is OpenAI's real CLIP BPE, converted
from the copy open_clip ships (``bpe_simple_vocab_16e6.txt.gz``) into vocab.json/merges.txt.
"""

import json
from pathlib import Path

import numpy as np
import pytest


def build_tiny_clip(folder: Path) -> Path:
    """Write a tiny CLIPModel + CLIPProcessor (real CLIP BPE vocabulary) into ``folder``."""
    if (folder / "config.json").exists():
        return folder
    import torch
    from open_clip.tokenizer import SimpleTokenizer
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    bpe = SimpleTokenizer()
    specials = {"<start_of_text>": "<|startoftext|>", "<end_of_text>": "<|endoftext|>"}  # HF's spelling
    (folder / "vocab.json").write_text(json.dumps({specials.get(k, k): v for k, v in bpe.encoder.items()}))
    merges = sorted(bpe.bpe_ranks.items(), key=lambda item: item[1])
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(pair) for pair, _ in merges) + "\n")
    tokenizer = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    images = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    CLIPProcessor(image_processor=images, tokenizer=tokenizer).save_pretrained(folder)
    torch.manual_seed(5)  # a seed whose image-text cosines on the test data have both signs
    config = CLIPConfig(
        text_config=dict(vocab_size=len(bpe.encoder), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=77, bos_token_id=49406,
                         eos_token_id=49407, pad_token_id=49407),
        vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                           image_size=32, patch_size=8),
        projection_dim=16,
    )
    CLIPModel(config).eval().save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory):
    # "openai" in the name: torchmetrics only loads paths that contain it
    return build_tiny_clip(tmp_path_factory.getbasetemp() / "openai-tiny-clip")


@pytest.fixture(scope="session")
def embedder(tiny_clip_dir):
    from transmodal.reference_models.transformers_clip import TransformersClipEmbedder

    return TransformersClipEmbedder(str(tiny_clip_dir), device="cpu", batch_size=3)


def test_tokenizer_matches_open_clip(embedder):
    open_clip = pytest.importorskip("open_clip")
    texts = ["a photo of a cat", "Hello, world! It's 2021.", "naïve café"]
    ids = embedder.tokenize(texts)["input_ids"].numpy()
    theirs = open_clip.get_tokenizer("ViT-B-32")(texts).numpy()
    for row, mine in zip(theirs, embedder.tokenizer(texts)["input_ids"]):
        assert list(row[: len(mine)]) == mine
    assert ids.shape[0] == 3


def test_embeddings_match_hand_run_model_and_do_not_depend_on_batch(embedder, tiny_clip_dir):
    import torch
    from transformers import CLIPModel, CLIPProcessor

    texts = ["a cat", "a much longer caption about two dogs", "x", "red", "blue sky"]
    rng = np.random.default_rng(1)
    images = [rng.integers(0, 256, (30 + 7 * i, 40, 3), dtype=np.uint8) for i in range(4)]
    text_emb, image_emb = embedder.embed_text(texts), embedder.embed_image(images)
    assert text_emb.dtype == np.float32 and text_emb.shape == (5, 16) and image_emb.shape == (4, 16)
    np.testing.assert_allclose(np.linalg.norm(text_emb, axis=1), 1.0, atol=1e-6)

    model, processor = CLIPModel.from_pretrained(str(tiny_clip_dir)).eval(), CLIPProcessor.from_pretrained(str(tiny_clip_dir))
    with torch.no_grad():
        for i, text in enumerate(texts):  # one at a time: no padding at all
            out = model.get_text_features(**processor.tokenizer([text], return_tensors="pt"))
            vec = (out if isinstance(out, torch.Tensor) else out.pooler_output)[0].numpy()
            np.testing.assert_allclose(text_emb[i], vec / np.linalg.norm(vec), atol=1e-5)
    from transmodal.reference_models.transformers_clip import TransformersClipEmbedder

    one_by_one = TransformersClipEmbedder(str(tiny_clip_dir), batch_size=1)
    np.testing.assert_allclose(one_by_one.embed_image(images), image_emb, atol=1e-5)


def test_long_text_keeps_end_of_text_and_is_counted(embedder):
    import torch

    long_text = " ".join(["word"] * 120)
    before = embedder.truncated_count
    ids = embedder.tokenize([long_text, "short"])["input_ids"]
    assert embedder.truncated_count == before + 1
    assert ids.shape[1] == 77 and int(ids[0, -1]) == embedder.tokenizer.eos_token_id
    # by hand: BOS + the first 75 word tokens + EOT, run through the model unpadded
    full = embedder.tokenizer([long_text])["input_ids"][0]
    manual = torch.tensor([full[:76] + [embedder.tokenizer.eos_token_id]])
    with torch.no_grad():
        out = embedder.model.get_text_features(input_ids=manual)
        vec = (out if isinstance(out, torch.Tensor) else out.pooler_output)[0].numpy()
    np.testing.assert_allclose(embedder.embed_text([long_text])[0], vec / np.linalg.norm(vec), atol=1e-5)
    assert embedder.truncated_count == before + 2


def test_fingerprint_and_registry_entry(embedder, tiny_clip_dir):
    from transmodal import registry
    from transmodal.reference_models.transformers_clip import CLIP_VIT_BASE_PATCH32_HF

    assert len(embedder.fingerprint()) == 64
    entry = registry.models.get("clip-vit-base-patch32-hf")
    assert entry is CLIP_VIT_BASE_PATCH32_HF and entry.params["model"] == "openai/clip-vit-base-patch32"
    loaded = entry.load(device="cpu", model=str(tiny_clip_dir))
    assert loaded.fingerprint() == embedder.fingerprint()


def test_missing_weights_are_a_one_line_error(tmp_path, monkeypatch):
    from transmodal.reference_models.transformers_clip import TransformersClipEmbedder
    from transmodal.types import TransmodalError

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(TransmodalError, match="prefetch"):
        TransformersClipEmbedder("openai/clip-vit-base-patch32")
