"""transformers_captioning: tiny random-init BLIP, GIT and ViT+GPT2 checkpoints, saved and reloaded offline.

Each checkpoint is written with ``save_pretrained`` (model, image processor and a
BERT word-piece tokenizer built from a vocab file) and loaded back through the
adapter's real from-local-path code. What is checked is the adapter contract:
one string per image, determinism across runs and batch sizes, the direct
transformers call giving the same text, per-sample seeding, the fingerprint.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from transmodal.reference_models import transformers_captioning as tc  # noqa: E402
from transmodal.types import Modality, Sample, Translator, TransmodalError  # noqa: E402

WORDS = "a an the cat dog man woman cup of coffee on table red blue green sitting standing with in near photo".split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]"]
VISION = dict(hidden_size=32, image_size=32, patch_size=8, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37)


def _images():
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, size=(40 + 7 * i, 48, 3), dtype=np.uint8) for i in range(3)]


SAMPLES = [Sample(f"img-{i}", image) for i, image in enumerate(_images())]


def _tokenizer(directory):
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(SPECIAL + WORDS) + "\n")
    return transformers.BertTokenizer(str(vocab), bos_token="[DEC]")


def _save(directory, model, image_processor, tokenizer):
    model.save_pretrained(directory)
    image_processor.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    size = len(SPECIAL) + len(WORDS)
    dirs = {}

    blip_dir = tmp_path_factory.mktemp("tiny-blip")
    tokenizer = _tokenizer(blip_dir)
    text = dict(vocab_size=size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
                max_position_embeddings=64, bos_token_id=tokenizer.bos_token_id, pad_token_id=tokenizer.pad_token_id,
                sep_token_id=tokenizer.sep_token_id, eos_token_id=tokenizer.sep_token_id)
    config = transformers.BlipConfig(text_config=text, vision_config=VISION, projection_dim=16)
    torch.manual_seed(0)
    dirs["blip"] = _save(blip_dir, transformers.BlipForConditionalGeneration(config),
                         transformers.BlipImageProcessor(size={"height": 32, "width": 32}), tokenizer)

    git_dir = tmp_path_factory.mktemp("tiny-git")
    tokenizer = _tokenizer(git_dir)
    config = transformers.GitConfig(vision_config=VISION, vocab_size=size, hidden_size=32, num_hidden_layers=2,
                                    num_attention_heads=2, intermediate_size=37, max_position_embeddings=64,
                                    bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
                                    pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(1)
    processor = transformers.CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    dirs["git"] = _save(git_dir, transformers.GitForCausalLM(config), processor, tokenizer)

    ved_dir = tmp_path_factory.mktemp("tiny-vit-gpt2")
    tokenizer = _tokenizer(ved_dir)
    encoder = transformers.ViTConfig(**VISION)
    decoder = transformers.GPT2Config(vocab_size=size, n_embd=32, n_layer=2, n_head=2, n_positions=64,
                                      bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id)
    config = transformers.VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder, decoder)
    config.decoder_start_token_id = tokenizer.cls_token_id
    config.pad_token_id = tokenizer.pad_token_id
    config.eos_token_id = tokenizer.sep_token_id
    torch.manual_seed(2)
    model = transformers.VisionEncoderDecoderModel(config=config)
    processor = transformers.ViTImageProcessor(size={"height": 32, "width": 32})
    dirs["vision-encoder-decoder"] = _save(ved_dir, model, processor, tokenizer)
    return dirs


FAMILIES = ["blip", "git", "vision-encoder-decoder"]


@pytest.mark.parametrize("family", FAMILIES)
def test_one_string_per_image_deterministic_across_runs_and_batch_sizes(checkpoints, family):
    model = tc.make_captioner(model=str(checkpoints[family]), family=family, max_new_tokens=8, batch_size=3)
    assert isinstance(model, Translator)
    assert (model.source, model.target) == (Modality.IMAGE, Modality.TEXT)
    first = model.translate(SAMPLES, [0, 1, 2])
    assert len(first) == 3 and all(isinstance(text, str) for text in first)
    assert any(first), "random-init models still emit some vocabulary words"
    assert model.translate(SAMPLES, [0, 1, 2]) == first
    one_by_one = tc.make_captioner(model=str(checkpoints[family]), family=family, max_new_tokens=8, batch_size=1)
    assert one_by_one.translate(SAMPLES, [5, 6, 7]) == first


@pytest.mark.parametrize("family", FAMILIES)
def test_matches_direct_transformers_generate(checkpoints, family):
    """The adapter adds nothing to generate(): same pixels, same ids, same decoding."""
    path = str(checkpoints[family])
    model = tc.make_captioner(model=path, family=family, max_new_tokens=8, num_beams=2)
    ours = model.translate(SAMPLES, [0, 0, 0])
    classes = {"blip": transformers.BlipForConditionalGeneration, "git": transformers.GitForCausalLM,
               "vision-encoder-decoder": transformers.VisionEncoderDecoderModel}
    reference = classes[family].from_pretrained(path).eval()
    processor = transformers.AutoImageProcessor.from_pretrained(path)
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    from PIL import Image

    pixels = processor(images=[Image.fromarray(s.source) for s in SAMPLES], return_tensors="pt")["pixel_values"]
    with torch.no_grad():
        ids = reference.generate(pixel_values=pixels, max_new_tokens=8, num_beams=2, do_sample=False)
    assert ours == [t.strip() for t in tokenizer.batch_decode(ids, skip_special_tokens=True)]
    for text in ours:
        assert set(text.split()) <= set(WORDS), text


def test_sampling_uses_the_per_sample_seed(checkpoints):
    path = str(checkpoints["git"])
    model = tc.make_captioner(model=path, family="git", max_new_tokens=12, do_sample=True, batch_size=3)
    seeds = [11, 12, 13]
    outputs = model.translate(SAMPLES, seeds)
    assert model.translate(SAMPLES, seeds) == outputs
    # the caption of sample 1 depends on its seed only, not on its neighbours or the batch
    assert model.translate(SAMPLES[1:2], [12]) == outputs[1:2]
    other = [model.translate([SAMPLES[0]], [seed])[0] for seed in range(100, 105)]
    assert len(set(other)) > 1, "different seeds should give different samples"
    state = torch.random.get_rng_state()
    model.translate(SAMPLES, seeds)
    assert torch.equal(state, torch.random.get_rng_state()), "global RNG must be left untouched"


def test_fingerprint_tracks_weights_and_generation_params(checkpoints, tmp_path):
    path = str(checkpoints["blip"])
    base = tc.make_captioner(model=path, family="blip")
    assert base.fingerprint() == tc.make_captioner(model=path, family="blip").fingerprint()
    assert len(base.fingerprint()) == 64
    assert base.fingerprint() != tc.make_captioner(model=path, family="blip", num_beams=3).fingerprint()
    assert base.fingerprint() != tc.make_captioner(model=path, family="blip", max_new_tokens=5).fingerprint()
    # same files under another folder name: same weights identity; one changed weight: different
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(path, copy)
    assert tc.make_captioner(model=str(copy), family="blip").fingerprint() == base.fingerprint()
    model = transformers.BlipForConditionalGeneration.from_pretrained(copy)
    with torch.no_grad():
        next(model.parameters()).add_(1.0)
    model.save_pretrained(copy)
    assert tc.make_captioner(model=str(copy), family="blip").fingerprint() != base.fingerprint()


def test_family_mismatch_and_missing_model_are_one_line_errors(checkpoints, tmp_path):
    with pytest.raises(TransmodalError, match="'git' checkpoint, expected 'blip'"):
        tc.make_captioner(model=str(checkpoints["git"]), family="blip")
    with pytest.raises(TransmodalError, match="captioning model folder not found"):
        tc.make_captioner(model=str(tmp_path / "nowhere"))
    with pytest.raises(TransmodalError, match="cannot load captioning model 'no-such-org/no-such-captioner'"):
        tc.make_captioner(model="no-such-org/no-such-captioner")  # HF_HUB_OFFLINE=1 in conftest: cache miss
    with pytest.raises(TransmodalError, match="model="):
        tc.make_captioner()


def test_registry_entries_point_at_real_hub_ids():
    entries = [tc.BLIP_CAPTION, tc.GIT_CAPTION, tc.VISION_ENCODER_DECODER_CAPTION]
    assert [e.name for e in entries] == ["hf-blip-caption", "hf-git-caption", "hf-vision-encoder-decoder"]
    for entry in entries:
        assert "/" in entry.params["model"] and entry.card.prefetch.endswith(entry.params["model"])
        assert entry.card.offline is False
        assert (entry.source, entry.target) == (Modality.IMAGE, Modality.TEXT)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("family", FAMILIES)
def test_cuda_greedy_and_sampling_are_batch_independent(checkpoints, family):
    path = str(checkpoints[family])
    batched = tc.make_captioner(device="cuda", model=path, family=family, max_new_tokens=8, batch_size=3)
    single = tc.make_captioner(device="cuda", model=path, family=family, max_new_tokens=8, batch_size=1)
    assert batched.translate(SAMPLES, [0, 0, 0]) == single.translate(SAMPLES, [0, 0, 0])
    sampler = tc.make_captioner(device="cuda", model=path, family=family, max_new_tokens=8, do_sample=True)
    outputs = sampler.translate(SAMPLES, [4, 5, 6])
    assert sampler.translate(SAMPLES[2:], [6]) == outputs[2:]
    assert sampler.translate(SAMPLES, [4, 5, 6]) == outputs
