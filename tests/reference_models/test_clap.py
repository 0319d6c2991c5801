"""CLAP adapter on a tiny random-init ClapModel + ClapProcessor built offline.

The processor is the real ClapFeatureExtractor (no download) and a RobertaTokenizer
over a tiny byte-level BPE vocabulary written here; the model is saved to a folder
and loaded through the adapter's local-path code. transformers' own ClapModel calls
are the peer for the embeddings.
"""

import json

import numpy as np
import pytest

from transmodal.types import Audio, TransmodalError

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

TEXTS = ["a dog barks", "rain on a tin roof", "a car engine starts", "birds", "water"]
RATE = 48000


def _write_tokenizer(folder):
    """Byte-level BPE with all 256 byte symbols and a few merges: any text tokenizes."""
    from open_clip.tokenizer import bytes_to_unicode  # the GPT-2 byte-to-symbol table

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    merges = ["Ġ a", "Ġ d", "o g", "Ġd og", "a r", "Ġ b"]
    vocab = specials + list(bytes_to_unicode().values()) + ["".join(m.split()) for m in merges] + ["<mask>"]
    (folder / "vocab.json").write_text(json.dumps({tok: i for i, tok in enumerate(vocab)}))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    tokenizer = transformers.RobertaTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"),
                                              model_max_length=30)
    return tokenizer, len(vocab)


@pytest.fixture(scope="module")
def clap_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_clap")
    tokenizer, vocab_size = _write_tokenizer(folder)
    extractor = transformers.ClapFeatureExtractor(max_length_s=1, truncation="rand_trunc")
    config = transformers.ClapConfig(
        text_config=dict(vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=24, max_position_embeddings=34),
        audio_config=dict(spec_size=128, num_mel_bins=64, window_size=8, patch_embeds_hidden_size=8,
                          hidden_size=16, depths=[1, 1], num_attention_heads=[1, 2], num_hidden_layers=2),
        projection_dim=12,
    )
    torch.manual_seed(0)
    model = transformers.ClapModel(config).eval()
    model.save_pretrained(folder)
    transformers.ClapProcessor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def embedder(clap_dir):
    from transmodal.reference_models.clap import ClapEmbedder

    return ClapEmbedder(model=str(clap_dir), batch_size=4)


def _clips():
    rng = np.random.default_rng(0)
    lengths = [RATE // 2, RATE, RATE * 2, int(RATE * 1.5), RATE // 3]  # shorter and longer than 1 s
    return [Audio(rng.uniform(-0.5, 0.5, n).astype(np.float32), RATE) for n in lengths]


def test_text_matches_transformers(embedder, clap_dir):
    peer = transformers.ClapModel.from_pretrained(str(clap_dir)).eval()
    processor = transformers.ClapProcessor.from_pretrained(str(clap_dir))
    tokens = processor.tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = peer.get_text_features(**tokens)
    expected = out if isinstance(out, torch.Tensor) else out.pooler_output
    expected = torch.nn.functional.normalize(expected, dim=-1).numpy()
    ours = embedder.embed_text(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == (5, 12)
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_audio_short_clips_match_transformers(embedder, clap_dir):
    """Clips within max_length involve no randomness: equal to a plain batched HF call."""
    peer = transformers.ClapModel.from_pretrained(str(clap_dir)).eval()
    extractor = transformers.ClapProcessor.from_pretrained(str(clap_dir)).feature_extractor
    short = [clip for clip in _clips() if clip.duration <= 1.0]
    inputs = extractor([clip.waveform for clip in short], sampling_rate=RATE, return_tensors="pt")
    with torch.no_grad():
        out = peer.get_audio_features(**inputs)
    expected = out if isinstance(out, torch.Tensor) else out.pooler_output
    expected = torch.nn.functional.normalize(expected, dim=-1).numpy()
    np.testing.assert_allclose(embedder.embed_audio(short), expected, atol=1e-5)


def test_audio_shapes_norm_determinism_batch_invariance(embedder, clap_dir):
    from transmodal.reference_models.clap import ClapEmbedder

    clips = _clips()
    first = embedder.embed_audio(clips)
    assert first.dtype == np.float32 and first.shape == (5, 12)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.random.seed(123)  # the global RNG must neither change our crops nor be consumed by them
    before = np.random.get_state()[1].copy()
    np.testing.assert_array_equal(embedder.embed_audio(clips), first)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    single = ClapEmbedder(model=str(clap_dir), batch_size=1)
    np.testing.assert_allclose(single.embed_audio(clips), first, atol=1e-5)
    np.testing.assert_allclose(single.embed_text(TEXTS), embedder.embed_text(TEXTS), atol=1e-5)
    other_seed = ClapEmbedder(model=str(clap_dir), crop_seed=5)
    assert other_seed.fingerprint() != embedder.fingerprint()


def test_resamples_and_reads_files(embedder, tmp_path):
    import soundfile

    from transmodal.media import resample

    clip = Audio(np.sin(np.linspace(0, 800, 16000)).astype(np.float32) * 0.3, 16000)
    path = tmp_path / "clip.wav"
    soundfile.write(path, clip.waveform, 16000, subtype="FLOAT")
    from_file, from_audio = embedder.embed_audio([path, clip])
    np.testing.assert_allclose(from_file, from_audio, atol=1e-6)
    np.testing.assert_allclose(from_audio, embedder.embed_audio([resample(clip, RATE)])[0], atol=1e-6)


def test_text_truncation_counted(clap_dir):
    from transmodal.reference_models.clap import ClapEmbedder

    fresh = ClapEmbedder(model=str(clap_dir))
    assert fresh.max_length == 30
    fresh.embed_text(["dog " * 40, "a dog"])
    assert fresh.truncated_count == 1


def test_errors(embedder):
    with pytest.raises(TransmodalError, match="strings"):
        embedder.embed_text([None])
    with pytest.raises(TransmodalError, match="not found"):
        embedder.embed_audio(["/nonexistent.wav"])
    from transmodal.reference_models.clap import ClapEmbedder

    with pytest.raises(TransmodalError, match="not fetchable"):
        ClapEmbedder(model="transmodal-test/no-such-clap")
