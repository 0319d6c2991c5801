"""transmodal/metrics/intelligibility.py: a fake ASR judge for the arithmetic (checked
against jiwer), and the real Whisper judge on espeak-ng speech (slow)."""

import shutil
import subprocess

import numpy as np
import pytest

from transmodal.metrics.intelligibility import IntelligibilityCER, IntelligibilityWER
from transmodal.types import Audio, Sample, TransmodalError


class FakeASR:
    """Returns a canned transcript per audio length; records what it was given."""

    name = "fake-asr"

    def __init__(self, by_length):
        self.by_length = by_length
        self.calls = []

    def fingerprint(self):
        # a fingerprint identifies behaviour: transcripts are memoised by it
        import hashlib

        return hashlib.sha256(repr(sorted(self.by_length.items())).encode()).hexdigest()

    def translate(self, batch, seeds):
        self.calls.append((len(batch), list(seeds)))
        assert all(isinstance(sample.source, Audio) for sample in batch)
        return [self.by_length[len(sample.source.waveform)] for sample in batch]


def _audio(n):
    return Audio(np.zeros(n, dtype=np.float32), 16000)


def test_wer_and_cer_arithmetic_match_jiwer():
    jiwer = pytest.importorskip("jiwer")
    sources = ["the cat sat on the mat", "hello world", "one two three"]
    heard = {100: "the cat sat on a mat", 200: "hello world", 300: "one to three four"}
    outputs = [_audio(100), _audio(200), _audio(300)]
    samples = [Sample(str(i), text) for i, text in enumerate(sources)]
    judge = FakeASR(heard)
    metric = IntelligibilityWER(judge=judge, normalizer="none", batch_size=2)
    value = metric.evaluate(outputs, samples)
    transcripts = [heard[100], heard[200], heard[300]]
    assert value.value == pytest.approx(jiwer.wer(sources, transcripts))
    assert metric.last_transcripts == [("0", heard[100]), ("1", heard[200]), ("2", heard[300])]
    assert judge.calls == [(2, [0, 0]), (1, [0])]
    cer = IntelligibilityCER(judge=FakeASR(heard), normalizer="none").evaluate(outputs, samples)
    assert cer.value == pytest.approx(jiwer.cer(sources, transcripts))


def test_normaliser_applies_to_both_sides_and_is_in_signature():
    heard = {100: "Hello, World!"}
    metric = IntelligibilityWER(judge=FakeASR(heard))  # default normaliser: whisper-en
    assert metric.evaluate([_audio(100)], [Sample("a", "hello world")]).value == 0.0
    raw = IntelligibilityWER(judge=FakeASR(heard), normalizer="none")
    assert raw.evaluate([_audio(100)], [Sample("a", "hello world")]).value == 1.0
    sig = metric.signature()
    assert "judge:fake-asr" in sig and f"judge_fp:{FakeASR(heard).fingerprint()[:16]}" in sig and "norm:whisper-en" in sig


def test_bad_inputs():
    with pytest.raises(TransmodalError, match="input text"):
        IntelligibilityWER(judge=FakeASR({100: "x"})).state([_audio(100)], [Sample("a", _audio(5))])
    with pytest.raises(TransmodalError):
        IntelligibilityWER(judge=object())
    with pytest.raises(TransmodalError):
        IntelligibilityWER(judge=FakeASR({100: "x"}), normalizer="klingon")


def test_default_judge_is_registered():
    from transmodal import registry
    from transmodal.metrics.intelligibility import DEFAULT_JUDGE

    assert DEFAULT_JUDGE in registry.models


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs the espeak-ng binary")
def test_real_whisper_judge_on_espeak_speech(tmp_path):
    texts = ["The quick brown fox jumps over the lazy dog.", "Please call me back tomorrow morning."]
    outputs = []
    for i, text in enumerate(texts):
        path = tmp_path / f"{i}.wav"
        subprocess.run(["espeak-ng", "-w", str(path), text], check=True)
        outputs.append(path)
    metric = IntelligibilityWER()
    value = metric.evaluate(outputs, [Sample(str(i), text) for i, text in enumerate(texts)])
    assert len(metric.last_transcripts) == 2 and all(t for _, t in metric.last_transcripts)
    assert value.value < 0.3, metric.last_transcripts  # clear synthetic speech is mostly understood
    assert "judge:whisper-base" in metric.signature()


def test_transcripts_are_memoised_on_disk_across_processes(tmp_path, monkeypatch):
    from transmodal.metrics import intelligibility

    monkeypatch.setenv("TRANSMODAL_CACHE", str(tmp_path))
    judge = FakeASR({100: "hello world", 200: "good bye"})
    samples = [Sample("a", "hello world"), Sample("b", "good bye")]
    first = IntelligibilityWER(judge=judge).evaluate([_audio(100), _audio(200)], samples).value
    assert len(judge.calls) == 1 and len(list((tmp_path / "judges").rglob("*.txt"))) == 2
    monkeypatch.setattr(intelligibility, "_TRANSCRIPTS", {})  # a fresh process: only the disk memo remains
    again = IntelligibilityCER(judge=judge).evaluate([_audio(100), _audio(200)], samples).value
    assert len(judge.calls) == 1  # no second ASR pass
    assert first == 0.0 and again == 0.0
