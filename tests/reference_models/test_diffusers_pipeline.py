"""diffusers adapter on a tiny random-init Stable Diffusion pipeline saved to disk.

The pipeline (UNet, VAE, CLIP text encoder, a CLIP BPE tokenizer converted from
open_clip's bundled vocabulary, DDIM scheduler) is built offline, ``save_pretrained``
to a folder and loaded through the adapter's real local-path code.
"""

import gzip
import json

import numpy as np
import pytest

from transmodal.types import Sample, TransmodalError

torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")
transformers = pytest.importorskip("transformers")

PROMPTS = ["a red square", "a photo of a cat on a sofa", "blue sky over the sea"]
SEEDS = [11, 22, 33]


def _write_clip_tokenizer(folder):
    """vocab.json + merges.txt in CLIP's layout, from open_clip's bpe_simple_vocab_16e6.txt.gz."""
    import open_clip.tokenizer as oct

    merges = gzip.open(oct.default_bpe()).read().decode("utf-8").split("\n")[1 : 49152 - 256 - 2 + 1]
    byte_chars = list(oct.bytes_to_unicode().values())
    vocab = byte_chars + [c + "</w>" for c in byte_chars] + ["".join(m.split()) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    folder.mkdir(parents=True)
    (folder / "vocab.json").write_text(json.dumps({tok: i for i, tok in enumerate(vocab)}))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    return transformers.CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77)


def build_tiny_pipeline(root):
    """A random-init StableDiffusionPipeline saved under ``root / "pipe"``; returns that folder."""
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
    )
    vae = AutoencoderKL(
        block_out_channels=(32, 64), in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
    )
    text_encoder = transformers.CLIPTextModel(transformers.CLIPTextConfig(
        hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=2, vocab_size=49408,
    ))
    tokenizer = _write_clip_tokenizer(root / "tok")
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    pipe = StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(root / "pipe", safe_serialization=True)
    return root / "pipe"


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory):
    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny_sd"))


def _adapter(path, **params):
    from transmodal.reference_models.diffusers_pipeline import load

    return load(model=str(path), num_inference_steps=2, **params)


def _samples():
    return [Sample(id=str(i), source=p) for i, p in enumerate(PROMPTS)]


def _arrays(images):
    return [np.asarray(image) for image in images]


@pytest.fixture(scope="module")
def adapter(pipeline_dir):
    return _adapter(pipeline_dir, batch_size=3)


@pytest.fixture(scope="module")
def batched(adapter):
    return adapter.translate(_samples(), SEEDS)


def test_generates_native_size_rgb_images(adapter, batched):
    assert len(batched) == 3
    assert all(image.mode == "RGB" and image.size == (32, 32) for image in batched)  # 16 latent x VAE factor 2
    assert (adapter.height, adapter.width) == (32, 32)


def test_deterministic_per_seed_and_batch_size_invariant(adapter, batched, pipeline_dir):
    again = _arrays(adapter.translate(_samples(), SEEDS))
    single = _adapter(pipeline_dir, batch_size=1)
    one_by_one = _arrays(single.translate(_samples(), SEEDS))
    for a, b, c in zip(_arrays(batched), again, one_by_one):
        np.testing.assert_array_equal(a, b)
        assert np.abs(a.astype(int) - c.astype(int)).max() <= 1  # uint8 rounding of equal float outputs
    other_seed = _arrays(single.translate(_samples()[:1], [12345]))[0]
    assert np.abs(other_seed.astype(int) - again[0].astype(int)).max() > 5


def test_fingerprint_tracks_generation_params(adapter, pipeline_dir):
    base = adapter.fingerprint()
    assert _adapter(pipeline_dir, batch_size=1).fingerprint() == base  # batch size is not an output param
    from transmodal.reference_models.diffusers_pipeline import load

    assert load(model=str(pipeline_dir), num_inference_steps=3).fingerprint() != base
    assert _adapter(pipeline_dir, guidance_scale=3.0).fingerprint() != base
    assert _adapter(pipeline_dir, height=64, width=64).fingerprint() != base
    euler = _adapter(pipeline_dir, scheduler="EulerDiscreteScheduler")
    assert euler.fingerprint() != base
    assert type(euler.pipe.scheduler).__name__ == "EulerDiscreteScheduler"
    assert adapter.generation_params()["weights"].startswith("sha256:")


def test_weights_change_changes_fingerprint(adapter, pipeline_dir, tmp_path):
    import shutil

    copy = tmp_path / "pipe"
    shutil.copytree(pipeline_dir, copy)
    assert _adapter(copy).fingerprint() == adapter.fingerprint()  # content hash, not the path
    config = json.loads((copy / "scheduler" / "scheduler_config.json").read_text())
    config["beta_end"] = 0.02
    (copy / "scheduler" / "scheduler_config.json").write_text(json.dumps(config))
    assert _adapter(copy).fingerprint() != adapter.fingerprint()


def test_errors(adapter, tmp_path):
    from transmodal.reference_models.diffusers_pipeline import load

    with pytest.raises(TransmodalError, match="needs model="):
        load()
    with pytest.raises(TransmodalError, match="no model_index.json"):
        load(model=str(tmp_path))
    with pytest.raises(TransmodalError, match="not in the HF cache"):
        load(model="transmodal-test/no-such-pipeline")  # HF_HUB_OFFLINE=1 in conftest
    with pytest.raises(TransmodalError, match="unknown diffusers scheduler"):
        load(model=str(adapter.folder), scheduler="NoSuchScheduler")
    with pytest.raises(TransmodalError, match="text prompt"):
        adapter.translate([Sample(id="x", source=3)], [0])
    with pytest.raises(TransmodalError, match="seeds"):
        adapter.translate(_samples(), [1])


def test_catalog_entries():
    from transmodal.reference_models.diffusers_pipeline import DIFFUSERS, SD_15, SD_21, SDXL_BASE

    assert SD_15.params["model"] == "stable-diffusion-v1-5/stable-diffusion-v1-5"
    assert SDXL_BASE.params["model"] == "stabilityai/stable-diffusion-xl-base-1.0"
    assert SD_21.card.offline is False and "stabilityai/stable-diffusion-2-1" in SD_21.card.prefetch
    assert DIFFUSERS.params == {}
