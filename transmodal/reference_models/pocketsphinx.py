"""CMU PocketSphinx 5 (HMM + n-gram LM) speech recognition: audio -> text.

Weights: the US-English acoustic model, the ``en-us.lm.bin`` trigram LM and the CMU
pronouncing dictionary that ship inside the PyPI wheel ``pocketsphinx==5.1.1``
(``pocketsphinx.get_model_path()``), i.e. ``pocketsphinx.Decoder()`` with its default
config. Any Decoder option may be passed as a param (``hmm=DIR``, ``lm=FILE``, ``dict=FILE``,
``beam=1e-60``...); the files the final config points at are hashed into the fingerprint.

Input: the waveform is resampled to the decoder's ``samprate`` (16 kHz by default) and
converted to 16-bit PCM (``round(x * 32768)`` clipped), which is lossless for 16-bit WAVs.

Decoding is deterministic (Viterbi beam search; ``dither`` is off by default), so the
seeds are unused. Each utterance is decoded in full-utterance mode with batch cepstral mean
normalisation (``cmn=batch``, the 5.x default; 5.x also deprecates ``start_stream`` as
unnecessary), so a sample's transcript does not depend on which samples were decoded before
it (batch size, order, shard); the tests check this.
Output is the decoder's lower-case word string without fillers; no hypothesis gives ``""``.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from transmodal.media import hash_file, load_audio
from transmodal.types import Modality, ModelCard, ModelEntry, Sample, TransmodalError

_FILE_OPTIONS = ("hmm", "lm", "dict", "fdict", "jsgf", "fsg", "kws", "mllr", "allphone")


def _config_files(config: Any) -> dict[str, str]:
    """sha256 of every model file the decoder config names (directories file by file)."""
    hashes: dict[str, str] = {}
    for option in _FILE_OPTIONS:
        try:
            value = config[option]
        except (KeyError, RuntimeError):
            continue
        if not value:
            continue
        path = Path(value)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            key = f"{option}/{file.relative_to(path)}" if path.is_dir() else option
            hashes[key] = hash_file(file)
    return hashes


class PocketSphinxTranslator:
    """A ``pocketsphinx.Decoder`` decoding one utterance per sample."""

    source = Modality.AUDIO
    target = Modality.TEXT

    def __init__(self, options: dict[str, Any]) -> None:
        try:
            from pocketsphinx import Decoder
        except ImportError:
            raise TransmodalError("pocketsphinx is not installed: pip install pocketsphinx==5.1.1") from None
        self.options = options
        try:
            self.decoder = Decoder(**options)
        except (RuntimeError, ValueError, KeyError) as error:
            raise TransmodalError(f"cannot build a pocketsphinx decoder with {options}: {error}") from None
        self.rate = int(self.decoder.config["samprate"])
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        """sha256 over the model files' hashes, the options and the pocketsphinx version."""
        if self._fingerprint is None:
            payload = {
                "adapter": "pocketsphinx",
                "files": _config_files(self.decoder.config),
                "options": self.options,
                "version": metadata.version("pocketsphinx"),
            }
            self._fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
        return self._fingerprint

    def _decode(self, sample: Sample) -> str:
        audio = load_audio(sample.source, rate=self.rate)
        pcm = np.clip(np.round(audio.waveform * 32768.0), -32768, 32767).astype("<i2")
        self.decoder.start_utt()
        self.decoder.process_raw(pcm.tobytes(), no_search=False, full_utt=True)
        self.decoder.end_utt()
        hypothesis = self.decoder.hyp()
        return hypothesis.hypstr.strip() if hypothesis is not None else ""

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[str]:
        if len(batch) != len(seeds):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        return [self._decode(sample) for sample in batch]


def load_pocketsphinx(device: str = "cpu", **options: Any) -> PocketSphinxTranslator:
    """Build the decoder; ``options`` are pocketsphinx config keys.

    PocketSphinx has no GPU code: it runs on the CPU whatever ``device`` says, so it can
    sit in a chain whose other models run on CUDA.
    """
    return PocketSphinxTranslator(dict(options))


POCKETSPHINX_EN_US = ModelEntry(
    name="pocketsphinx-en-us",
    source=Modality.AUDIO,
    target=Modality.TEXT,
    factory=load_pocketsphinx,
    card=ModelCard(
        license="BSD-2-Clause (CMU Sphinx)",
        weights_source="PyPI pocketsphinx==5.1.1 (bundled en-us acoustic model, en-us.lm.bin, cmudict-en-us.dict)",
        revision="pocketsphinx 5.1.1",
        size="~40 MB",
        hardware="cpu",
        prefetch="pip install pocketsphinx==5.1.1",
        pip_packages=("pocketsphinx==5.1.1",),
    ),
)
