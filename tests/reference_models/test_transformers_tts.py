"""transformers_tts: tiny random-init VITS and SpeechT5 models, saved and reloaded offline.

The real loading and generation code runs end to end on the tiny models; what is
checked is the adapter's contract (rate, dtype, seeding, batch independence,
fingerprint), not speech quality.
"""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from transmodal.reference_models import transformers_tts  # noqa: E402
from transmodal.types import Audio, Sample, TransmodalError  # noqa: E402

TEXTS = ["the birch canoe slid on the smooth planks", "glue the sheet to the dark blue background"]
SAMPLES = [Sample(f"h01-0{i + 1}", text) for i, text in enumerate(TEXTS)]


@pytest.fixture(scope="module")
def vits_dir(tmp_path_factory):
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    directory = tmp_path_factory.mktemp("tiny-vits")
    symbols = ["<pad>", "<unk>", " "] + list("abcdefghijklmnopqrstuvwxyz'")
    (directory / "vocab.json").write_text(json.dumps({s: i for i, s in enumerate(symbols)}))
    VitsTokenizer(str(directory / "vocab.json"), phonemize=False, add_blank=True).save_pretrained(directory)
    config = VitsConfig(
        vocab_size=len(symbols), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, ffn_dim=32,
        flow_size=16, spectrogram_bins=17, upsample_initial_channel=16, upsample_rates=[4, 4],
        upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]],
        prior_encoder_num_flows=1, prior_encoder_num_wavenet_layers=1, posterior_encoder_num_wavenet_layers=1,
        duration_predictor_num_flows=1, duration_predictor_filter_channels=16, depth_separable_num_layers=1,
        sampling_rate=8000,
    )
    torch.manual_seed(0)
    VitsModel(config).save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def speecht5_dirs(tmp_path_factory):
    spm = pytest.importorskip("sentencepiece")
    from transformers import (SpeechT5Config, SpeechT5ForTextToSpeech, SpeechT5HifiGan, SpeechT5HifiGanConfig,
                              SpeechT5Tokenizer)

    root = tmp_path_factory.mktemp("tiny-speecht5")
    corpus = root / "corpus.txt"
    corpus.write_text("\n".join(TEXTS * 5 + ["these days a chicken leg is a rare dish"]))
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(root / "spm_char"), model_type="char",
                                   vocab_size=25, minloglevel=2, bos_id=0, pad_id=1, eos_id=2, unk_id=3)
    model_dir, vocoder_dir = root / "model", root / "vocoder"
    tokenizer = SpeechT5Tokenizer(str(root / "spm_char.model"))
    tokenizer.save_pretrained(model_dir)
    config = SpeechT5Config(
        vocab_size=len(tokenizer), hidden_size=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, num_mel_bins=8, reduction_factor=2,
        speech_decoder_prenet_units=16, speech_decoder_postnet_units=16, speech_decoder_postnet_layers=2,
        speaker_embedding_dim=8, max_text_positions=64, max_speech_positions=256,
    )
    torch.manual_seed(0)
    model = SpeechT5ForTextToSpeech(config)
    with torch.no_grad():  # at init scale (std 0.02) the pre-net dropout is lost in float32 rounding
        for layer in [*model.speecht5.decoder.prenet.layers, model.speecht5.decoder.prenet.final_layer]:
            layer.weight.normal_(0.0, 0.5)
    model.save_pretrained(model_dir)
    vocoder_config = SpeechT5HifiGanConfig(model_in_dim=8, upsample_initial_channel=16, upsample_rates=[4, 4],
                                           upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3],
                                           resblock_dilation_sizes=[[1, 3]], sampling_rate=16000)
    SpeechT5HifiGan(vocoder_config).save_pretrained(vocoder_dir)
    speaker = root / "xvector.npy"
    np.save(speaker, np.random.default_rng(0).standard_normal(8).astype(np.float32))
    return model_dir, vocoder_dir, speaker


def _same(a: list[Audio], b: list[Audio]) -> bool:
    return all(x.sample_rate == y.sample_rate and np.array_equal(x.waveform, y.waveform) for x, y in zip(a, b))


def test_vits_outputs_audio_at_config_rate(vits_dir):
    model = transformers_tts.load_vits(model=str(vits_dir))
    outputs = model.translate(SAMPLES, [1, 2])
    assert len(outputs) == 2
    for audio in outputs:
        assert isinstance(audio, Audio) and audio.sample_rate == 8000
        assert audio.waveform.dtype == np.float32 and audio.waveform.ndim == 1 and len(audio.waveform) > 0
        assert np.isfinite(audio.waveform).all()


def test_vits_seeded_deterministic_and_batch_independent(vits_dir):
    model = transformers_tts.load_vits(model=str(vits_dir))
    batch = model.translate(SAMPLES, [1, 2])
    assert _same(batch, model.translate(SAMPLES, [1, 2]))
    singles = [model.translate([s], [seed])[0] for s, seed in zip(SAMPLES, [1, 2])]
    assert _same(batch, singles)
    reversed_batch = model.translate(SAMPLES[::-1], [2, 1])[::-1]
    assert _same(batch, reversed_batch)
    # the model samples noise: another seed changes the waveform
    other = model.translate(SAMPLES[:1], [99])[0]
    assert not (len(other.waveform) == len(batch[0].waveform) and np.array_equal(other.waveform, batch[0].waveform))


def test_vits_noise_free_ignores_seed(vits_dir):
    model = transformers_tts.load_vits(model=str(vits_dir), noise_scale=0.0, noise_scale_duration=0.0)
    assert _same(model.translate(SAMPLES, [1, 2]), model.translate(SAMPLES, [7, 8]))


def test_vits_leaves_global_rng_alone(vits_dir):
    model = transformers_tts.load_vits(model=str(vits_dir))
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    model.translate(SAMPLES[:1], [5])
    assert torch.equal(torch.rand(3), expected)


def test_vits_fingerprint_tracks_params_and_weights(vits_dir, tmp_path):
    base = transformers_tts.load_vits(model=str(vits_dir))
    assert base.fingerprint() == transformers_tts.load_vits(model=str(vits_dir)).fingerprint()
    assert base.fingerprint() != transformers_tts.load_vits(model=str(vits_dir), noise_scale=0.3).fingerprint()
    assert base.fingerprint() != transformers_tts.load_vits(model=str(vits_dir), speaking_rate=1.5).fingerprint()
    # same config, other weights
    from transformers import VitsModel

    other_dir = tmp_path / "other"
    for name in ("vocab.json", "tokenizer_config.json"):
        if (vits_dir / name).exists():
            (other_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (other_dir / name).write_bytes((vits_dir / name).read_bytes())
    torch.manual_seed(1)
    VitsModel(VitsModel.from_pretrained(str(vits_dir)).config).save_pretrained(other_dir)
    assert base.fingerprint() != transformers_tts.load_vits(model=str(other_dir)).fingerprint()


def test_vits_speaking_rate_lengthens_audio(vits_dir):
    slow = transformers_tts.load_vits(model=str(vits_dir), noise_scale_duration=0.0, speaking_rate=0.5)
    fast = transformers_tts.load_vits(model=str(vits_dir), noise_scale_duration=0.0, speaking_rate=2.0)
    assert slow.translate(SAMPLES[:1], [1])[0].duration > fast.translate(SAMPLES[:1], [1])[0].duration


def test_vits_bad_inputs(vits_dir):
    model = transformers_tts.load_vits(model=str(vits_dir))
    with pytest.raises(TransmodalError, match="empty text"):
        model.translate([Sample("x", "   ")], [0])
    with pytest.raises(TransmodalError, match="not available offline.*transmodal prefetch"):
        transformers_tts.load_vits(model="no-such-org/no-such-model-xyz")


def test_speecht5_end_to_end(speecht5_dirs):
    model_dir, vocoder_dir, speaker = speecht5_dirs
    model = transformers_tts.load_speecht5(model=str(model_dir), vocoder=str(vocoder_dir),
                                           speaker_embedding=str(speaker), minlenratio=1.0, maxlenratio=2.0)
    batch = model.translate(SAMPLES, [1, 2])
    for audio in batch:
        assert isinstance(audio, Audio) and audio.sample_rate == 16000
        assert audio.waveform.dtype == np.float32 and audio.waveform.ndim == 1 and len(audio.waveform) > 0
    assert _same(batch, model.translate(SAMPLES, [1, 2]))
    assert _same(batch, [model.translate([s], [seed])[0] for s, seed in zip(SAMPLES, [1, 2])])
    # the pre-net dropout is always on: another seed changes the output
    other = model.translate(SAMPLES[:1], [77])[0]
    assert not (len(other.waveform) == len(batch[0].waveform) and np.array_equal(other.waveform, batch[0].waveform))


def test_speecht5_fingerprint_and_errors(speecht5_dirs, tmp_path):
    model_dir, vocoder_dir, speaker = speecht5_dirs
    kwargs = {"model": str(model_dir), "vocoder": str(vocoder_dir)}
    base = transformers_tts.load_speecht5(speaker_embedding=str(speaker), **kwargs)
    assert base.fingerprint() != transformers_tts.load_speecht5(
        speaker_embedding=str(speaker), threshold=0.3, **kwargs).fingerprint()
    other_speaker = tmp_path / "other.npy"
    np.save(other_speaker, np.ones(8, dtype=np.float32))
    assert base.fingerprint() != transformers_tts.load_speecht5(
        speaker_embedding=str(other_speaker), **kwargs).fingerprint()
    with pytest.raises(TransmodalError, match="speaker_embedding"):
        transformers_tts.load_speecht5(**kwargs)
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.ones(5, dtype=np.float32))
    with pytest.raises(TransmodalError, match="must have 8 values"):
        transformers_tts.load_speecht5(speaker_embedding=str(wrong), **kwargs)
