"""CLAP audio/text embedder (transformers ``ClapModel``, LAION-CLAP checkpoints).

    embed_audio: load_audio -> resample to the feature extractor's rate (48 kHz, polyphase)
                 -> ClapFeatureExtractor (log-mel, one clip at a time) -> get_audio_features -> x/||x||
    embed_text:  ClapProcessor tokenizer (RoBERTa BPE, padding, truncation) -> get_text_features -> x/||x||

Both return float32 ``[N, D]`` (D = 512 for laion/clap-htsat-*), unit L2 norm.

Determinism pitfalls of the Hugging Face feature extractor, and what we do:

* Clips longer than ``max_length_s`` (10 s) are cropped at a *random* offset
  (``rand_trunc``, unfused checkpoints) or summarised by three random crops
  (``fusion``), drawn from numpy's global RNG. We extract each clip alone under a
  fixed seed (``crop_seed``, default 0) and restore the global RNG state, so a
  clip's embedding does not depend on the run, its batch or its neighbours.
* With ``fusion`` the extractor marks one *random* short clip of a batch as
  "longer" when none is; we pass the true flag (``len(wave) > max samples``).
* Short clips are repeat-padded (``repeatpad``), the extractor's default.

Texts longer than the tokenizer's limit (``max_length``: the position-embedding
limit, 512 tokens for RoBERTa) are truncated and counted in ``truncated_count``.

Weights: ``model`` is a hub id (default ``laion/clap-htsat-unfused``) or a local folder
(``save_pretrained`` layout), found by :func:`transmodal.reference_models.weights.resolve_folder`
(offline bundle, HF cache, else a download unless offline: prefetch it) and identified
by the sha256 of its config/vocab/weight files.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Sequence

import numpy as np

from transmodal.types import ModelCard, ModelEntry, Modality, TransmodalError


class ClapEmbedder:
    """``embed_audio`` / ``embed_text`` with a transformers CLAP model."""

    def __init__(self, model: str = "laion/clap-htsat-unfused", device: str = "cpu", batch_size: int = 16,
                 revision: str | None = None, crop_seed: int = 0, max_length: int | None = None) -> None:
        import torch
        import transformers
        from transformers import ClapModel, ClapProcessor

        from transmodal.reference_models.weights import CHECKPOINT_SUFFIXES, resolve_folder

        if batch_size < 1:
            raise TransmodalError(f"batch_size must be >= 1, got {batch_size}")
        folder, self.weights_id = resolve_folder(model, "hf-clap", revision, suffixes=CHECKPOINT_SUFFIXES)
        try:
            self.processor = ClapProcessor.from_pretrained(str(folder))
            self.model = ClapModel.from_pretrained(str(folder)).to(device).eval()
        except (OSError, ValueError) as error:
            raise TransmodalError(f"cannot load CLAP from {folder}: {str(error).splitlines()[0]}") from error
        self.feature_extractor = self.processor.feature_extractor
        self.tokenizer = self.processor.tokenizer
        positions = int(self.model.config.text_config.max_position_embeddings)
        limit = positions - 2  # RoBERTa positions start after the padding index
        self.max_length = int(max_length or min(int(self.tokenizer.model_max_length or limit), limit))
        self.crop_seed = int(crop_seed)
        self.device = device
        self.batch_size = batch_size
        self.dim = int(self.model.config.projection_dim)
        self.truncated_count = 0
        self.truncation = f"truncate-{self.max_length}"
        self._torch = torch
        self._transformers_version = transformers.__version__

    def fingerprint(self) -> str:
        extractor = {k: v for k, v in self.feature_extractor.to_dict().items()
                     if not k.startswith("mel_filters") and not k.startswith("_")}
        params = {
            "family": "clap",
            "weights": self.weights_id,
            "feature_extractor": extractor,
            "max_length": self.max_length,
            "crop_seed": self.crop_seed,
            "transformers": self._transformers_version,
        }
        return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()

    def _features(self, wave: np.ndarray) -> tuple[np.ndarray, bool]:
        """One clip's input features ``[C, T, F]`` and its true is-longer flag, under a fixed RNG seed."""
        state = np.random.get_state()
        try:
            np.random.seed(self.crop_seed)
            out = self.feature_extractor(wave, sampling_rate=self.feature_extractor.sampling_rate, return_tensors="np")
        finally:
            np.random.set_state(state)
        return np.asarray(out["input_features"][0], dtype=np.float32), len(wave) > self.feature_extractor.nb_max_samples

    def _project(self, output) -> np.ndarray:
        features = output if isinstance(output, self._torch.Tensor) else output.pooler_output
        return self._torch.nn.functional.normalize(features.float(), dim=-1).cpu().numpy()

    def embed_audio(self, audios: Sequence[Any]) -> np.ndarray:
        """float32 ``[N, D]``, unit norm; items are :class:`Audio` values or audio file paths."""
        from transmodal.media import load_audio

        torch = self._torch
        rate = int(self.feature_extractor.sampling_rate)
        rows = []
        items = list(audios)
        for start in range(0, len(items), self.batch_size):
            feats, longer = zip(*(self._features(load_audio(item, rate=rate).waveform)
                                  for item in items[start : start + self.batch_size]))
            inputs = torch.from_numpy(np.stack(feats)).to(self.device)
            is_longer = torch.tensor([[flag] for flag in longer], dtype=torch.bool, device=self.device)
            with torch.inference_mode():
                rows.append(self._project(self.model.get_audio_features(input_features=inputs, is_longer=is_longer)))
        return np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def embed_text(self, texts: Sequence[str]) -> np.ndarray:
        """float32 ``[N, D]``, unit norm."""
        torch = self._torch
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TransmodalError(f"embed_text expects strings, got {type(text).__name__}")
        rows = []
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start : start + self.batch_size]
            self.truncated_count += sum(len(ids) > self.max_length for ids in self.tokenizer(chunk)["input_ids"])
            tokens = self.tokenizer(chunk, padding=True, truncation=True, max_length=self.max_length,
                                    return_tensors="pt").to(self.device)
            with torch.inference_mode():
                rows.append(self._project(self.model.get_text_features(
                    input_ids=tokens["input_ids"], attention_mask=tokens["attention_mask"])))
        return np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, self.dim), dtype=np.float32)


def load(device: str = "cpu", **params: Any) -> ClapEmbedder:
    """Factory for the registry: ``ClapEmbedder(device=..., **params)``."""
    return ClapEmbedder(device=device, **params)


HF_CLAP = ModelEntry(
    name="hf-clap",
    source=Modality.AUDIO,
    target=None,
    factory=load,
    params={"model": "laion/clap-htsat-unfused"},
    card=ModelCard(
        license="Apache-2.0",
        weights_source="hf:laion/clap-htsat-unfused (LAION-CLAP HTSAT + RoBERTa)",
        size="153M params, 615 MB",
        hardware="cpu or cuda",
        prefetch=(
            "huggingface-cli download laion/clap-htsat-unfused on a connected machine (HF cache), "
            "or save_pretrained to a folder and pass model=/path"
        ),
        offline=False,
    ),
)
