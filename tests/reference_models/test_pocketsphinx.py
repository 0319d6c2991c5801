"""pocketsphinx-en-us: real decoding of librivox-mini recordings, determinism, fingerprint, bad input."""

from pathlib import Path

import jiwer
import numpy as np
import pytest

pytest.importorskip("pocketsphinx")

from transmodal import registry
from transmodal.media import load_audio, resample
from transmodal.reference_models.pocketsphinx import load_pocketsphinx
from transmodal.tasks.datasets import librivox_mini
from transmodal.types import Audio, Modality, Sample, TransmodalError, Translator

needs_testdata = pytest.mark.skipif(
    not (librivox_mini.DEFAULT_ROOT / "cards").is_dir(), reason="needs Debian pocketsphinx-testdata"
)


@pytest.fixture(scope="module")
def model():
    return registry.models.get("pocketsphinx-en-us").load()


@pytest.fixture(scope="module")
def samples():
    if not (librivox_mini.DEFAULT_ROOT / "cards").is_dir():
        pytest.skip("needs Debian pocketsphinx-testdata")
    return {s.id: s for s in librivox_mini.load()}


def test_entry_and_protocol(model):
    entry = registry.models.get("pocketsphinx-en-us")
    assert (entry.source, entry.target) == (Modality.AUDIO, Modality.TEXT)
    assert isinstance(model, Translator)
    assert (model.source, model.target) == (Modality.AUDIO, Modality.TEXT)


def test_short_card_utterance_is_recognised(model, samples):
    sample = samples["cards/001"]
    assert sample.references == ("ten of clubs",)
    assert model.translate([sample], [0]) == ["ten of clubs"]


def test_deterministic_and_independent_of_batch(model, samples):
    batch = [samples["cards/005"], samples["librivox/sense_and_sensibility_01_austen_64kb-0930"], samples["cards/003"]]
    together = model.translate(batch, [1, 2, 3])
    # a second run, one sample at a time, in reverse order, other seeds (decoding is deterministic)
    alone = [model.translate([s], [0])[0] for s in reversed(batch)][::-1]
    assert together == alone
    assert all(isinstance(text, str) and text for text in together)
    references = [s.references[0] for s in batch]
    assert jiwer.wer(references, together) < 0.5


@needs_testdata
def test_other_sample_rates_are_resampled(model, samples):
    sample = samples["cards/001"]
    audio = load_audio(sample.source)
    at_44k = resample(audio, 44100)
    assert at_44k.sample_rate == 44100
    assert model.translate([Sample("x", at_44k)], [0]) == ["ten of clubs"]


def test_fingerprint_is_stable_and_tracks_options(model):
    first = model.fingerprint()
    assert first == load_pocketsphinx().fingerprint()
    assert len(first) == 64
    assert load_pocketsphinx(beam=1e-40).fingerprint() != first


def test_bad_input_gives_one_line_errors(model, tmp_path):
    with pytest.raises(TransmodalError, match="not found"):
        model.translate([Sample("gone", tmp_path / "missing.wav")], [0])
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(TransmodalError, match="cannot decode") as error:
        model.translate([Sample("bad", corrupt)], [0])
    assert "\n" not in str(error.value)
    with pytest.raises(TransmodalError, match="seeds"):
        model.translate([Sample("x", Audio(np.zeros(1600, np.float32), 16000))], [])


def test_silence_gives_a_string(model):
    out = model.translate([Sample("quiet", Audio(np.zeros(16000, np.float32), 16000))], [0])
    assert len(out) == 1 and isinstance(out[0], str)


@pytest.mark.slow
def test_all_of_librivox_mini(model, samples):
    ordered = list(samples.values())
    hyps = model.translate(ordered, list(range(len(ordered))))
    refs = [s.references[0] for s in ordered]
    # a 2015-era HMM/n-gram recogniser: the cards are near perfect, the Austen sentences are not
    assert jiwer.wer(refs[5:], hyps[5:]) < 0.1
    assert jiwer.wer(refs, hyps) < 0.4
    assert Path(ordered[0].source).suffix == ".wav"
