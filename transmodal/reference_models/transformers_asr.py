"""Hugging Face transformers speech recognition: Whisper (pipeline) and wav2vec2 CTC.

``hf-whisper``: ``transformers.pipeline("automatic-speech-recognition", model=DIR)`` for any
Whisper checkpoint (``WhisperForConditionalGeneration`` + processor). Decoding uses
``generate`` with ``num_beams`` (default 1, greedy) and ``do_sample=False``: deterministic, the
seeds are unused. ``language``/``task`` are passed only when given (English-only checkpoints
reject them). Inputs longer than 30 s need ``chunk_length_s``.

``hf-wav2vec2-ctc``: ``Wav2Vec2ForCTC`` + ``AutoProcessor`` (feature extractor + CTC tokenizer);
the transcript is the greedy CTC path (argmax per frame, repeats merged, blanks dropped) as
``processor.batch_decode(ids)`` writes it: exactly the transformers ASR pipeline's CTC output
(it keeps special tokens other than the blank, so a rare ``<unk>`` counts as a wrong word) (upper-case for the usual English checkpoints: score it
with a normaliser).

``model`` is a local directory or a hub id, found through
:func:`transmodal.reference_models.weights.resolve` (an offline bundle, the Hugging Face cache,
else the real hub download when the network is allowed; offline it fails with the prefetch
command). The fingerprint hashes every file of the resolved
directory, so a changed checkpoint never hits a stale cache.

Both adapters decode one sample at a time: wav2vec2 models without attention masks change
their output when a shorter input is zero-padded in a batch, and batched float32 matmuls may
differ in the last bits; per-sample decoding makes outputs independent of batch size.
Input audio is resampled to the feature extractor's ``sampling_rate`` (16 kHz).
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

from transmodal.media import load_audio
from transmodal.types import Modality, ModelCard, ModelEntry, Sample, TransmodalError


def resolve_model(model: str | None, name: str) -> Path:
    """A local checkpoint directory for ``model`` (a path or a hub id; see ``weights.resolve``)."""
    from transmodal.reference_models import weights

    if not model:
        raise TransmodalError(f"{name} needs model=DIR (a local checkpoint) or model=ORG/NAME (a hub id)")
    path = Path(weights.resolve(model, name))
    if not (path / "config.json").is_file():
        raise TransmodalError(f"not a transformers checkpoint (no config.json): {path}")
    return path


def _fingerprint(adapter: str, model_dir: Path, params: dict, device: str) -> str:
    from transmodal.reference_models.weights import manifest

    payload = {
        "adapter": adapter,
        "files": manifest(model_dir, skip_hidden=True),
        "params": params,
        "device": device.partition(":")[0],
        "versions": {name: metadata.version(name) for name in ("transformers", "torch")},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _check(batch: Sequence[Sample], seeds: Sequence[int]) -> None:
    if len(batch) != len(seeds):
        raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")


class WhisperPipelineTranslator:
    """A transformers Whisper checkpoint behind the ASR pipeline."""

    source = Modality.AUDIO
    target = Modality.TEXT

    def __init__(self, model_dir: Path, device: str, params: dict[str, Any]) -> None:
        from transformers import pipeline

        self.model_dir, self.params, self.device = model_dir, params, device
        try:
            self.pipe = pipeline("automatic-speech-recognition", model=str(model_dir), device=device)
        except (OSError, ValueError) as error:
            raise TransmodalError(f"cannot load a Whisper pipeline from {model_dir}: {error}") from None
        self.rate = int(self.pipe.feature_extractor.sampling_rate)
        generate = {"num_beams": params["num_beams"], "do_sample": False}
        if params["max_new_tokens"]:
            generate["max_new_tokens"] = params["max_new_tokens"]
        for key in ("language", "task"):
            if params[key]:
                generate[key] = params[key]
        self.generate_kwargs = generate
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = _fingerprint("hf-whisper-pipeline", self.model_dir, self.params, self.device)
        return self._fingerprint

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[str]:
        _check(batch, seeds)
        outputs = []
        for sample in batch:
            audio = load_audio(sample.source, rate=self.rate)
            extra = {"chunk_length_s": self.params["chunk_length_s"]} if self.params["chunk_length_s"] else {}
            result = self.pipe(
                {"raw": audio.waveform, "sampling_rate": self.rate},
                generate_kwargs=dict(self.generate_kwargs),
                **extra,
            )
            outputs.append(result["text"].strip())
        return outputs


def load_hf_whisper(
    device: str = "cpu",
    *,
    model: str | None = None,
    num_beams: int = 1,
    language: str | None = None,
    task: str | None = None,
    max_new_tokens: int | None = None,
    chunk_length_s: float | None = None,
) -> WhisperPipelineTranslator:
    """Whisper through the transformers ASR pipeline; ``model`` is a directory or hub id."""
    model_dir = resolve_model(model, "hf-whisper")
    params = {
        "num_beams": int(num_beams),
        "language": language,
        "task": task,
        "max_new_tokens": int(max_new_tokens) if max_new_tokens else None,
        "chunk_length_s": float(chunk_length_s) if chunk_length_s else None,
    }
    return WhisperPipelineTranslator(model_dir, device, params)


class Wav2Vec2CTCTranslator:
    """``Wav2Vec2ForCTC`` with greedy CTC decoding."""

    source = Modality.AUDIO
    target = Modality.TEXT

    def __init__(self, model_dir: Path, device: str) -> None:
        import torch
        from transformers import AutoProcessor, Wav2Vec2ForCTC

        self.model_dir, self.device = model_dir, torch.device(device)
        try:
            self.processor = AutoProcessor.from_pretrained(str(model_dir))
            self.model = Wav2Vec2ForCTC.from_pretrained(str(model_dir)).to(self.device).eval()
        except (OSError, ValueError) as error:
            raise TransmodalError(f"cannot load a wav2vec2 CTC model from {model_dir}: {error}") from None
        self.rate = int(self.processor.feature_extractor.sampling_rate)
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = _fingerprint("hf-wav2vec2-ctc", self.model_dir, {"decoding": "greedy-ctc"}, str(self.device))
        return self._fingerprint

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[str]:
        import torch

        _check(batch, seeds)
        outputs = []
        for sample in batch:
            audio = load_audio(sample.source, rate=self.rate)
            inputs = self.processor(audio.waveform, sampling_rate=self.rate, return_tensors="pt")
            with torch.inference_mode():
                logits = self.model(inputs.input_values.to(self.device)).logits
            ids = logits.argmax(dim=-1).cpu()
            outputs.append(self.processor.batch_decode(ids)[0].strip())
        return outputs


def load_wav2vec2_ctc(device: str = "cpu", *, model: str | None = None) -> Wav2Vec2CTCTranslator:
    """wav2vec2 CTC; ``model`` is a directory or hub id (e.g. ``facebook/wav2vec2-base-960h``)."""
    return Wav2Vec2CTCTranslator(resolve_model(model, "hf-wav2vec2-ctc"), device)


HF_WHISPER = ModelEntry(
    name="hf-whisper",
    source=Modality.AUDIO,
    target=Modality.TEXT,
    factory=load_hf_whisper,
    card=ModelCard(
        license="that of the checkpoint (OpenAI Whisper: MIT)",
        weights_source="param model=DIR or a hub id such as openai/whisper-tiny.en",
        hardware="cpu or cuda",
        prefetch="huggingface-cli download openai/whisper-tiny.en; then --model-param model=openai/whisper-tiny.en",
        offline=False,
    ),
)

HF_WAV2VEC2_CTC = ModelEntry(
    name="hf-wav2vec2-ctc",
    source=Modality.AUDIO,
    target=Modality.TEXT,
    factory=load_wav2vec2_ctc,
    card=ModelCard(
        license="that of the checkpoint (facebook/wav2vec2-base-960h: Apache-2.0)",
        weights_source="param model=DIR or a hub id such as facebook/wav2vec2-base-960h",
        hardware="cpu or cuda",
        prefetch="huggingface-cli download facebook/wav2vec2-base-960h; then --model-param model=facebook/wav2vec2-base-960h",
        offline=False,
    ),
)
