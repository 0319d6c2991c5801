"""Text-to-speech through Hugging Face transformers: VITS / MMS-TTS and SpeechT5.

Loading: ``model`` is a local directory or a hub id (``facebook/mms-tts-eng``,
``microsoft/speecht5_tts``). Hub ids resolve through
:func:`transmodal.reference_models.weights.resolve`: an offline bundle
(``--offline-bundle``, written by ``transmodal prefetch``), then the local Hugging Face
cache, then a download only when the network is allowed (``HF_HUB_OFFLINE`` unset).

Seeds. Both models sample at inference: VITS draws ``torch.randn`` noise for the
stochastic duration predictor (scaled by ``noise_scale_duration``) and the prior
latents (``noise_scale``); SpeechT5's decoder pre-net applies dropout (p=0.5) even
in eval mode, as Tacotron 2 does. Each sample is therefore generated alone, inside
``torch.random.fork_rng`` after ``torch.manual_seed(seed)``: outputs depend on
(weights, params, text, seed) only, never on batch size or order, and the
caller's global RNG state is left untouched. On CPU this is bit-reproducible; on
CUDA, VITS's prior noise is drawn on the device, so GPU audio differs from CPU
audio for the same seed.

Fingerprint: sha256 over the bytes of every file in the resolved model (and
vocoder) directory, the speaker-embedding file, the parameters and the
transformers version.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from transmodal.media import hash_file
from transmodal.reference_models.subprocess_tts import sample_text
from transmodal.types import Audio, Modality, ModelCard, ModelEntry, Sample, TransmodalError


def resolve_dir(name_or_path: str, revision: str | None = None) -> Path:
    """A local directory holding the model: a path, an offline bundle's copy, the HF cache, or the hub.

    Resolution is :func:`transmodal.reference_models.weights.resolve`, shared by every adapter.
    """
    from transmodal.reference_models import weights

    path = Path(weights.resolve(name_or_path, revision=revision))
    if not path.is_dir():
        raise TransmodalError(f"model {name_or_path!r} must be a folder saved with save_pretrained, got the file {path}")
    return path


def directory_hashes(directory: Path) -> dict[str, str]:
    """sha256 of every file under ``directory`` (weights, config, tokenizer), by relative path."""
    return {str(p.relative_to(directory)): hash_file(p) for p in sorted(directory.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def _fingerprint(kind: str, files: dict[str, Any], params: dict[str, Any]) -> str:
    import transformers

    payload = {"engine": kind, "transformers": transformers.__version__, "files": files, "params": params}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class _TorchTTS:
    """Shared per-sample loop: seed, generate one utterance, wrap as Audio."""

    source = Modality.TEXT
    target = Modality.AUDIO
    sample_rate: int

    def _generate(self, text: str):  # pragma: no cover - abstract
        raise NotImplementedError

    def synthesize(self, text: str, seed: int) -> Audio:
        import torch

        devices = [self.device] if self.device.type == "cuda" else []
        with torch.no_grad(), torch.random.fork_rng(devices=devices):
            torch.manual_seed(int(seed))
            waveform = self._generate(text)
        return Audio(waveform.detach().float().cpu().numpy().reshape(-1).astype(np.float32), self.sample_rate)

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[Audio]:
        if len(batch) != len(seeds):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        return [self.synthesize(sample_text(sample), seed) for sample, seed in zip(batch, seeds)]


class VitsTTS(_TorchTTS):
    """``transformers.VitsModel`` (MMS-TTS and other VITS checkpoints) + ``VitsTokenizer``.

    Parameters: ``noise_scale`` (prior noise, config default 0.667),
    ``noise_scale_duration`` (duration noise, default 0.8), ``speaking_rate``
    (> 1 faster, default 1.0), ``speaker_id`` (multi-speaker checkpoints only).
    Output rate: ``config.sampling_rate`` (16 kHz for MMS).
    """

    def __init__(self, directory: Path, device: str, noise_scale: float | None,
                 noise_scale_duration: float | None, speaking_rate: float | None, speaker_id: int | None) -> None:
        import torch
        from transformers import VitsModel, VitsTokenizer

        self.directory, self.device = directory, torch.device(device)
        self.tokenizer = VitsTokenizer.from_pretrained(str(directory))
        self.model = VitsModel.from_pretrained(str(directory)).to(self.device).eval()
        config = self.model.config
        self.model.noise_scale = float(config.noise_scale if noise_scale is None else noise_scale)
        self.model.noise_scale_duration = float(
            config.noise_scale_duration if noise_scale_duration is None else noise_scale_duration)
        self.speaking_rate = float(config.speaking_rate if speaking_rate is None else speaking_rate)
        if speaker_id is not None and not 0 <= int(speaker_id) < max(config.num_speakers, 1):
            raise TransmodalError(f"VITS speaker_id must be in [0, {config.num_speakers}), got {speaker_id}")
        self.speaker_id = None if speaker_id is None or config.num_speakers <= 1 else int(speaker_id)
        self.sample_rate = int(config.sampling_rate)
        self.params = {"noise_scale": self.model.noise_scale, "noise_scale_duration": self.model.noise_scale_duration,
                       "speaking_rate": self.speaking_rate, "speaker_id": self.speaker_id}

    def fingerprint(self) -> str:
        return _fingerprint("vits", directory_hashes(self.directory), self.params)

    def _generate(self, text: str):
        inputs = self.tokenizer(text, return_tensors="pt")
        if inputs["input_ids"].shape[-1] == 0:
            raise TransmodalError(f"no character of {text[:40]!r} is in the VITS vocabulary")
        inputs = {k: v.to(self.device) for k, v in inputs.items()}
        output = self.model(**inputs, speaker_id=self.speaker_id, speaking_rate=self.speaking_rate)
        return output.waveform[0, : int(output.sequence_lengths[0])]


class SpeechT5TTS(_TorchTTS):
    """``SpeechT5ForTextToSpeech`` + ``SpeechT5HifiGan`` vocoder + a speaker x-vector.

    ``speaker_embedding`` is a ``.npy`` file holding one float vector of
    ``config.speaker_embedding_dim`` (512) values, e.g. an x-vector from the
    CMU ARCTIC x-vector set (index 7306 is the usual demo voice). Generation
    parameters as in ``generate_speech``: ``threshold`` (stop probability, 0.5),
    ``minlenratio`` (0.0), ``maxlenratio`` (20.0). Output rate: the vocoder's
    ``sampling_rate`` (16 kHz).
    """

    def __init__(self, directory: Path, vocoder_directory: Path, speaker_embedding: Path, device: str,
                 threshold: float, minlenratio: float, maxlenratio: float) -> None:
        import torch
        from transformers import SpeechT5ForTextToSpeech, SpeechT5HifiGan, SpeechT5Tokenizer

        self.directory, self.vocoder_directory, self.device = directory, vocoder_directory, torch.device(device)
        self.tokenizer = SpeechT5Tokenizer.from_pretrained(str(directory))
        self.model = SpeechT5ForTextToSpeech.from_pretrained(str(directory)).to(self.device).eval()
        self.vocoder = SpeechT5HifiGan.from_pretrained(str(vocoder_directory)).to(self.device).eval()
        self.speaker_path = Path(speaker_embedding)
        if not self.speaker_path.is_file():
            raise TransmodalError(f"speaker embedding file not found: {self.speaker_path}")
        vector = np.load(self.speaker_path).astype(np.float32).reshape(-1)
        expected = self.model.config.speaker_embedding_dim
        if vector.shape[0] != expected:
            raise TransmodalError(f"speaker embedding must have {expected} values, got {vector.shape[0]}")
        self.speaker = torch.from_numpy(vector)[None].to(self.device)
        self.sample_rate = int(self.vocoder.config.sampling_rate)
        self.params = {"threshold": float(threshold), "minlenratio": float(minlenratio),
                       "maxlenratio": float(maxlenratio)}

    def fingerprint(self) -> str:
        files = {"model": directory_hashes(self.directory), "vocoder": directory_hashes(self.vocoder_directory),
                 "speaker_embedding": hash_file(self.speaker_path)}
        return _fingerprint("speecht5", files, self.params)

    def _generate(self, text: str):
        input_ids = self.tokenizer(text, return_tensors="pt")["input_ids"].to(self.device)
        speech = self.model.generate_speech(input_ids, self.speaker, vocoder=self.vocoder, **self.params)
        if speech.numel() == 0:
            raise TransmodalError(f"SpeechT5 produced no audio for {text[:40]!r}")
        return speech


def load_vits(device: str = "cpu", model: str = "facebook/mms-tts-eng", revision: str | None = None,
              noise_scale: float | None = None, noise_scale_duration: float | None = None,
              speaking_rate: float | None = None, speaker_id: int | None = None) -> VitsTTS:
    """Build a VITS translator from a directory or a cached hub id."""
    return VitsTTS(resolve_dir(model, revision), device, noise_scale, noise_scale_duration, speaking_rate, speaker_id)


def load_speecht5(device: str = "cpu", model: str = "microsoft/speecht5_tts",
                  vocoder: str = "microsoft/speecht5_hifigan", speaker_embedding: str | None = None,
                  revision: str | None = None, threshold: float = 0.5, minlenratio: float = 0.0,
                  maxlenratio: float = 20.0) -> SpeechT5TTS:
    """Build a SpeechT5 translator; ``speaker_embedding`` (a ``.npy`` x-vector path) is required."""
    if speaker_embedding is None:
        raise TransmodalError("hf-speecht5 needs speaker_embedding=PATH.npy (a 512-value x-vector)")
    return SpeechT5TTS(resolve_dir(model, revision), resolve_dir(vocoder), Path(speaker_embedding), device,
                       threshold, minlenratio, maxlenratio)


HF_VITS = ModelEntry(
    name="hf-vits",
    source=Modality.TEXT,
    target=Modality.AUDIO,
    factory=load_vits,
    card=ModelCard(
        license="MMS-TTS checkpoints: CC-BY-NC-4.0 (check the checkpoint you pass); code Apache-2.0",
        weights_source="Hugging Face hub facebook/mms-tts-eng (or model=DIR)",
        revision="main",
        size="145 MB",
        hardware="cpu or cuda",
        prefetch="hf download facebook/mms-tts-eng",
        offline=False,
        hub_id="facebook/mms-tts-eng",
    ),
    params={"model": "facebook/mms-tts-eng"},
)

HF_SPEECHT5 = ModelEntry(
    name="hf-speecht5",
    source=Modality.TEXT,
    target=Modality.AUDIO,
    factory=load_speecht5,
    card=ModelCard(
        license="MIT (microsoft/speecht5_tts, microsoft/speecht5_hifigan)",
        weights_source="Hugging Face hub microsoft/speecht5_tts + microsoft/speecht5_hifigan; "
                       "speaker x-vector from Matthijs/cmu-arctic-xvectors saved as .npy",
        revision="main",
        size="585 MB + 50 MB vocoder",
        hardware="cpu or cuda",
        prefetch="hf download microsoft/speecht5_tts microsoft/speecht5_hifigan; "
                 "save one x-vector as a .npy and pass speaker_embedding=PATH",
        offline=False,
        hub_id="microsoft/speecht5_tts",
    ),
    params={"model": "microsoft/speecht5_tts", "vocoder": "microsoft/speecht5_hifigan"},
)
