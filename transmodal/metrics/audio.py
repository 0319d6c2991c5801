"""Waveform metrics: SNR, SI-SNR (against a reference waveform) and audio duration.

For a prediction ``p`` (the model's output :class:`~transmodal.types.Audio`) and its
reference ``t`` (``sample.references[0]``: an ``Audio`` or an audio file path), both
mono float32, in decibels, with ``eps = float32 machine epsilon`` as torchmetrics uses
for float32 input (sums are taken in float64):

* **SNR** (``torchmetrics.audio.SignalNoiseRatio``, ``zero_mean=False`` by default)::

      SNR = 10 log10( (sum t^2 + eps) / (sum (t - p)^2 + eps) )

* **SI-SNR** (``torchmetrics.audio.ScaleInvariantSignalNoiseRatio``: SI-SDR with zero
  mean): subtract each signal's mean, then ``alpha = (<p, t> + eps) / (<t, t> + eps)``,
  ``s = alpha t`` and ``SI-SNR = 10 log10( (sum s^2 + eps) / (sum (s - p)^2 + eps) )``.

Both are per-sample values averaged over samples (torchmetrics' ``compute`` is the mean
of per-utterance values), with a bootstrap interval over samples.

Alignment: the prediction is resampled to the reference's rate (polyphase,
``transmodal.media.resample``). Lengths that still differ are cut to the shorter one
(``length="truncate"``, the default; the number of cut samples is reported in
``MetricValue.notes``) or refused (``length="error"``). These metrics only make sense
when output and reference are time-aligned (codecs, enhancement, vocoder
resynthesis), not for free-running TTS against a recording.

**Audio duration** is the mean output length in seconds: informational (a TTS model that
returns silence or runs on is visible here), no reference needed.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from transmodal.metrics.base import MeanMetric, check_lengths, make_signature
from transmodal.types import Audio, MetricInfo, MetricValue, Sample, TransmodalError

EPS = float(np.finfo(np.float32).eps)
LENGTH_POLICIES = ("truncate", "error")


def _as_1d(x: Any, what: str) -> np.ndarray:
    array = np.asarray(x.waveform if isinstance(x, Audio) else x, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise TransmodalError(f"{what} must be a non-empty 1-d waveform, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise TransmodalError(f"{what} contains NaN or infinite samples")
    return array


def _paired(preds, target) -> tuple[np.ndarray, np.ndarray]:
    p, t = _as_1d(preds, "preds"), _as_1d(target, "target")
    if p.shape != t.shape:
        raise TransmodalError(f"preds and target differ in length: {p.size} vs {t.size} samples")
    return p, t


def snr(preds, target, zero_mean: bool = False) -> float:
    """Signal-to-noise ratio in dB of ``preds`` against ``target`` (torchmetrics convention)."""
    p, t = _paired(preds, target)
    if zero_mean:
        p, t = p - p.mean(), t - t.mean()
    return float(10.0 * np.log10((np.sum(t**2) + EPS) / (np.sum((t - p) ** 2) + EPS)))


def si_snr(preds, target) -> float:
    """Scale-invariant SNR in dB (zero-mean SI-SDR, torchmetrics convention)."""
    p, t = _paired(preds, target)
    p, t = p - p.mean(), t - t.mean()
    alpha = (np.dot(p, t) + EPS) / (np.dot(t, t) + EPS)
    s = alpha * t
    return float(10.0 * np.log10((np.sum(s**2) + EPS) / (np.sum((s - p) ** 2) + EPS)))


class _ReferenceAudioMetric(MeanMetric):
    """Shared loading/alignment; rows are ``[value, 1, samples_cut]``."""

    name = "audio"

    def __init__(self, length: str = "truncate") -> None:
        if length not in LENGTH_POLICIES:
            raise TransmodalError(f"unknown length policy {length!r}; use one of {', '.join(LENGTH_POLICIES)}")
        self.length = length

    def _value(self, p: np.ndarray, t: np.ndarray) -> float:
        raise NotImplementedError

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        from transmodal.media import load_audio, resample

        check_lengths(outputs, samples)
        rows = np.empty((len(outputs), 3), dtype=np.float64)
        for i, (output, sample) in enumerate(zip(outputs, samples)):
            if not sample.references:
                raise TransmodalError(f"sample {sample.id}: {self.info.name} needs a reference waveform in references[0]")
            reference = load_audio(sample.references[0])
            pred = resample(load_audio(output), reference.sample_rate)
            p, t = pred.waveform, reference.waveform
            if p.size != t.size:
                if self.length == "error":
                    raise TransmodalError(
                        f"sample {sample.id}: output has {p.size} samples, reference {t.size} (at {reference.sample_rate} Hz)"
                    )
                n = min(p.size, t.size)
                rows[i, 2] = max(p.size, t.size) - n
                p, t = p[:n], t[:n]
            else:
                rows[i, 2] = 0
            rows[i, 0] = self._value(p, t)
            rows[i, 1] = 1.0
        return rows

    def values(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        return self.state(outputs, samples)[:, 0]

    def finalize(self, state: np.ndarray, seed: int = 0) -> MetricValue:
        rows = np.asarray(state, dtype=np.float64)
        value = super().finalize(rows, seed)
        if rows.ndim == 2 and rows.shape[1] > 2 and rows[:, 2].any():
            cut = int((rows[:, 2] > 0).sum())
            note = f"{cut} of {rows.shape[0]} outputs differed in length from their reference and were cut to the shorter"
            return MetricValue(value.value, value.ci_low, value.ci_high, value.n, value.ci_method, value.per_sample,
                               value.notes + (note,))
        return value

    def signature(self) -> str:
        return make_signature(self.info.name, **self._parts(), eps="float32", resample="poly->ref", length=self.length)

    def _parts(self) -> dict:
        return {}


class SNR(_ReferenceAudioMetric):
    """Mean per-utterance SNR (dB) against ``references[0]``."""

    info = MetricInfo("snr", "SNR (dB)", True, "per_sample", "signal-to-noise ratio against the reference waveform", "dB")

    def __init__(self, zero_mean: bool = False, length: str = "truncate") -> None:
        super().__init__(length)
        self.zero_mean = bool(zero_mean)

    def _value(self, p: np.ndarray, t: np.ndarray) -> float:
        return snr(p, t, self.zero_mean)

    def _parts(self) -> dict:
        return {"zero_mean": self.zero_mean}


class SISNR(_ReferenceAudioMetric):
    """Mean per-utterance scale-invariant SNR (dB) against ``references[0]``."""

    info = MetricInfo("si-snr", "SI-SNR (dB)", True, "per_sample",
                      "scale-invariant SNR (zero-mean SI-SDR) against the reference waveform", "dB")

    def _value(self, p: np.ndarray, t: np.ndarray) -> float:
        return si_snr(p, t)


class AudioDuration(MeanMetric):
    """Mean duration in seconds of the output audio (informational)."""

    info = MetricInfo("audio-duration", "Duration (s)", None, "per_sample",
                      "mean output length in seconds; informational, not a quality score", "s")

    def values(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        from transmodal.media import load_audio

        check_lengths(outputs, samples)
        return np.array([load_audio(output).duration for output in outputs], dtype=np.float64)

    def signature(self) -> str:
        return make_signature(self.info.name, unit="s")
