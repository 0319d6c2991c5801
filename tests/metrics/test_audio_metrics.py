"""transmodal/metrics/audio.py against torchmetrics' SNR / SI-SNR on random and real speech."""

from pathlib import Path

import numpy as np
import pytest

from transmodal.metrics.audio import SISNR, SNR, AudioDuration, si_snr, snr
from transmodal.types import Audio, Sample, TransmodalError

REAL_SPEECH = Path("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0930.wav")


def _peer(preds, target):
    torch = pytest.importorskip("torch")
    audio = pytest.importorskip("torchmetrics.functional.audio")
    p, t = torch.from_numpy(np.asarray(preds, dtype=np.float32)), torch.from_numpy(np.asarray(target, dtype=np.float32))
    return (float(audio.signal_noise_ratio(p, t)), float(audio.signal_noise_ratio(p, t, zero_mean=True)),
            float(audio.scale_invariant_signal_noise_ratio(p, t)))


def _check(preds, target):
    peer_snr, peer_snr_zm, peer_si = _peer(preds, target)
    # torchmetrics sums in float32; ours in float64: agree to ~1e-4 dB
    assert snr(preds, target) == pytest.approx(peer_snr, abs=2e-3)
    assert snr(preds, target, zero_mean=True) == pytest.approx(peer_snr_zm, abs=2e-3)
    assert si_snr(preds, target) == pytest.approx(peer_si, abs=2e-3)


def test_random_waveforms_match_torchmetrics():
    rng = np.random.default_rng(0)
    for n, noise in [(16000, 0.1), (999, 1.0), (4, 0.5)]:
        target = rng.normal(size=n).astype(np.float32) * 0.3 + 0.05
        preds = (0.7 * target + noise * rng.normal(size=n)).astype(np.float32)
        _check(preds, target)


def test_real_speech_matches_torchmetrics():
    from transmodal.media import load_audio

    speech = load_audio(REAL_SPEECH).waveform
    rng = np.random.default_rng(1)
    noisy = (1.3 * speech + 0.02 * rng.normal(size=speech.size)).astype(np.float32)
    _check(noisy, speech)


def test_hand_computed_values():
    t, p = np.array([1.0, -1.0, 1.0, -1.0]), np.array([1.0, -1.0, 1.0, 0.0])
    assert snr(p, t) == pytest.approx(10 * np.log10(4 / 1), abs=1e-5)  # eps is negligible here
    assert si_snr(2.0 * t, t) > 60  # scale does not matter to SI-SNR
    assert snr(2.0 * t, t) == pytest.approx(0.0, abs=1e-5)  # noise = t: same power


def test_metric_objects_resample_truncate_and_note(tmp_path):
    import soundfile

    rng = np.random.default_rng(2)
    ref = rng.normal(size=16000).astype(np.float32) * 0.1
    path = tmp_path / "ref.wav"
    soundfile.write(path, ref, 16000, subtype="FLOAT")
    out_same = Audio(ref + 0.01 * rng.normal(size=16000).astype(np.float32), 16000)
    out_long = Audio(np.concatenate([ref, np.zeros(100, np.float32)]), 16000)
    samples = [Sample("a", "text", references=(path,)), Sample("b", "text", references=(Audio(ref, 16000),))]
    value = SNR().evaluate([out_same, out_long], samples)
    expected = [snr(out_same.waveform, ref), snr(ref, ref)]
    assert value.value == pytest.approx(np.mean(expected))
    assert any("1 of 2 outputs differed in length" in note for note in value.notes)
    with pytest.raises(TransmodalError, match="reference 16000"):
        SNR(length="error").state([out_long], samples[1:])
    # an output at another rate is resampled to the reference's rate first
    from transmodal.media import resample

    at_8k = resample(Audio(ref, 16000), 8000)
    sisnr = SISNR().evaluate([at_8k], samples[1:]).value
    assert sisnr == pytest.approx(si_snr(resample(at_8k, 16000).waveform[:16000], ref), abs=1e-6)
    assert "length:truncate" in SNR().signature() and "zero_mean:False" in SNR().signature()
    with pytest.raises(TransmodalError, match="references"):
        SNR().state([out_same], [Sample("c", "text")])


def test_audio_duration_mean_seconds():
    outputs = [Audio(np.zeros(16000, np.float32), 16000), Audio(np.zeros(11025, np.float32), 22050)]
    value = AudioDuration().evaluate(outputs, [Sample("a", "x"), Sample("b", "y")])
    assert value.value == pytest.approx(0.75)
    assert value.per_sample == (1.0, 0.5)
