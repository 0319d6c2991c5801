"""transformers ASR adapters on tiny random-init checkpoints built offline in the test.

The checkpoints are random, so the transcripts are noise; the tests check the real loading
and decoding code path end to end, against transformers' own ``generate`` / ASR pipeline.
"""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from transmodal import registry
from transmodal.reference_models import transformers_asr as hf
from transmodal.types import Audio, Modality, Sample, TransmodalError, Translator


def _byte_level_alphabet() -> list[str]:
    """GPT-2's byte -> printable-character table (Whisper's BPE alphabet)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = printable[:], 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return [chr(c) for c in chars]


@pytest.fixture(scope="module")
def whisper_dir(tmp_path_factory):
    """A 2-layer, 16-wide Whisper with a byte-level tokenizer (no merges)."""
    from transformers import (
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )

    root = tmp_path_factory.mktemp("tiny-whisper")
    (root / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(_byte_level_alphabet())}))
    (root / "merges.txt").write_text("#version: 0.2\n")
    special = "<|endoftext|>"
    tokenizer = WhisperTokenizer(
        str(root / "vocab.json"), str(root / "merges.txt"),
        unk_token=special, bos_token=special, eos_token=special, pad_token=special,
    )
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|startoftranscript|>", "<|notimestamps|>"]})
    eot, sot, no_ts = tokenizer.convert_tokens_to_ids([special, "<|startoftranscript|>", "<|notimestamps|>"])
    torch.manual_seed(0)
    config = WhisperConfig(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        num_mel_bins=80, max_target_positions=32,
        pad_token_id=eot, bos_token_id=eot, eos_token_id=eot, decoder_start_token_id=sot,
    )
    model = WhisperForConditionalGeneration(config)
    model.generation_config.no_timestamps_token_id = no_ts
    out = root / "model"
    model.save_pretrained(out)
    WhisperProcessor(WhisperFeatureExtractor(feature_size=80), tokenizer).save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def wav2vec2_dir(tmp_path_factory):
    """A 1-layer, 16-wide wav2vec2 CTC model with a letter vocabulary."""
    from transformers import (
        Wav2Vec2Config,
        Wav2Vec2CTCTokenizer,
        Wav2Vec2FeatureExtractor,
        Wav2Vec2ForCTC,
        Wav2Vec2Processor,
    )

    root = tmp_path_factory.mktemp("tiny-wav2vec2")
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4}
    vocab.update({c: i + 5 for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ'")})
    (root / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = Wav2Vec2CTCTokenizer(str(root / "vocab.json"), unk_token="<unk>", pad_token="<pad>", word_delimiter_token="|")
    extractor = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True)
    torch.manual_seed(0)
    config = Wav2Vec2Config(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        conv_dim=(16, 16), conv_stride=(5, 4), conv_kernel=(10, 4),
        num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2, pad_token_id=0,
    )
    out = root / "model"
    Wav2Vec2ForCTC(config).save_pretrained(out)
    Wav2Vec2Processor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(out)
    return out


def _batch() -> list[Sample]:
    rng = np.random.default_rng(0)
    return [
        Sample("a", Audio(rng.standard_normal(16000).astype(np.float32) * 0.1, 16000)),
        Sample("b", Audio(rng.standard_normal(12000).astype(np.float32) * 0.1, 8000)),  # resampled to 16 kHz
        Sample("c", Audio(rng.standard_normal(4000).astype(np.float32) * 0.1, 16000)),
    ]


def test_entries():
    for name in ("hf-whisper", "hf-wav2vec2-ctc"):
        entry = registry.models.get(name)
        assert (entry.source, entry.target) == (Modality.AUDIO, Modality.TEXT)
        assert not entry.card.offline and entry.card.prefetch


def test_whisper_pipeline_end_to_end(whisper_dir):
    model = registry.models.get("hf-whisper").load(model=str(whisper_dir), max_new_tokens=6)
    assert isinstance(model, Translator)
    batch = _batch()
    together = model.translate(batch, [1, 2, 3])
    assert len(together) == 3 and all(isinstance(text, str) for text in together)
    assert model.translate(batch, [9, 9, 9]) == together
    assert [model.translate([s], [0])[0] for s in batch] == together


def test_whisper_matches_generate(whisper_dir):
    """Our output equals WhisperForConditionalGeneration.generate + batch_decode."""
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    processor = WhisperProcessor.from_pretrained(whisper_dir)
    reference_model = WhisperForConditionalGeneration.from_pretrained(whisper_dir).eval()
    sample = _batch()[0]
    features = processor(sample.source.waveform, sampling_rate=16000, return_tensors="pt").input_features
    with torch.inference_mode():
        ids = reference_model.generate(features, max_new_tokens=6, num_beams=1, do_sample=False)
    expected = processor.batch_decode(ids, skip_special_tokens=True)[0].strip()
    ours = hf.load_hf_whisper(model=str(whisper_dir), max_new_tokens=6).translate([sample], [0])
    assert ours == [expected]


def test_whisper_fingerprint(whisper_dir, tmp_path):
    base = hf.load_hf_whisper(model=str(whisper_dir), max_new_tokens=6)
    assert base.fingerprint() == hf.load_hf_whisper(model=str(whisper_dir), max_new_tokens=6).fingerprint()
    assert hf.load_hf_whisper(model=str(whisper_dir), max_new_tokens=6, num_beams=2).fingerprint() != base.fingerprint()
    # other weights in an otherwise identical folder: another fingerprint
    import shutil

    from transformers import WhisperForConditionalGeneration

    copy = tmp_path / "copy"
    shutil.copytree(whisper_dir, copy)
    torch.manual_seed(1)
    WhisperForConditionalGeneration(WhisperForConditionalGeneration.from_pretrained(whisper_dir).config).save_pretrained(copy)
    assert hf.load_hf_whisper(model=str(copy), max_new_tokens=6).fingerprint() != base.fingerprint()


def test_wav2vec2_ctc_end_to_end(wav2vec2_dir):
    model = registry.models.get("hf-wav2vec2-ctc").load(model=str(wav2vec2_dir))
    batch = _batch()
    together = model.translate(batch, [1, 2, 3])
    assert len(together) == 3 and all(isinstance(text, str) and text for text in together)
    assert model.translate(batch, [4, 5, 6]) == together
    assert [model.translate([s], [0])[0] for s in batch] == together


def test_wav2vec2_matches_transformers_pipeline(wav2vec2_dir):
    pipe = transformers.pipeline("automatic-speech-recognition", model=str(wav2vec2_dir), device="cpu")
    model = hf.load_wav2vec2_ctc(model=str(wav2vec2_dir))
    for sample in _batch()[::2]:  # the 16 kHz ones
        expected = pipe({"raw": sample.source.waveform, "sampling_rate": 16000})["text"].strip()
        assert model.translate([sample], [0]) == [expected]


def test_wav2vec2_fingerprint(wav2vec2_dir, whisper_dir):
    first = hf.load_wav2vec2_ctc(model=str(wav2vec2_dir)).fingerprint()
    assert first == hf.load_wav2vec2_ctc(model=str(wav2vec2_dir)).fingerprint()
    assert first != hf.load_hf_whisper(model=str(whisper_dir)).fingerprint()


def test_loading_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(TransmodalError, match="needs model="):
        hf.load_hf_whisper()
    with pytest.raises(TransmodalError, match="prefetch"):
        hf.load_hf_whisper(model="openai/whisper-no-such-model")
    with pytest.raises(TransmodalError, match="prefetch"):
        hf.load_wav2vec2_ctc(model="facebook/wav2vec2-no-such-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TransmodalError, match="no config.json"):
        hf.load_wav2vec2_ctc(model=str(tmp_path / "empty"))


def test_bad_audio(wav2vec2_dir, tmp_path):
    model = hf.load_wav2vec2_ctc(model=str(wav2vec2_dir))
    with pytest.raises(TransmodalError, match="not found"):
        model.translate([Sample("x", tmp_path / "missing.wav")], [0])
    with pytest.raises(TransmodalError, match="seeds"):
        model.translate(_batch(), [0])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_is_deterministic_and_batch_independent(whisper_dir, wav2vec2_dir):
    for model in (
        hf.load_hf_whisper("cuda", model=str(whisper_dir), max_new_tokens=6),
        hf.load_wav2vec2_ctc("cuda", model=str(wav2vec2_dir)),
    ):
        batch = _batch()
        together = model.translate(batch, [1, 2, 3])
        assert len(together) == 3 and all(isinstance(text, str) for text in together)
        assert [model.translate([s], [0])[0] for s in reversed(batch)][::-1] == together
    cpu, gpu = hf.load_wav2vec2_ctc(model=str(wav2vec2_dir)), hf.load_wav2vec2_ctc("cuda", model=str(wav2vec2_dir))
    assert cpu.fingerprint() != gpu.fingerprint()  # kernels differ: CPU and GPU outputs are cached apart
