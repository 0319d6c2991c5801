"""Hugging Face ``transformers`` CLIP embedder (``CLIPModel`` + ``CLIPProcessor``).

This is the model torchmetrics' ``CLIPScore`` loads (``CLIPModel.from_pretrained`` and
``CLIPProcessor.from_pretrained`` on a hub id such as ``openai/clip-vit-base-patch32``),
so CLIPScore's ``convention="torchmetrics"`` judges with it. ``model`` is a hub id or a
local folder written by ``save_pretrained``; hub ids resolve offline through
:func:`transmodal.reference_models.weights.resolve` (local path, offline bundle, HF cache).

Embeddings (both ``[N, D]`` float32, unit L2 norm, cosine = dot product):

    embed_image: load_image (PIL RGB) -> CLIPProcessor(images=...) -> get_image_features -> x/||x||
    embed_text:  CLIPProcessor.tokenizer(padding, truncation at context) -> get_text_features -> x/||x||

``get_*_features`` return a tensor in transformers 4 and a ``BaseModelOutputWithPooling``
whose ``pooler_output`` is the projected embedding in transformers 5; both are handled
(torchmetrics 1.9.0 crashes on the latter: Lightning-AI/torchmetrics#3407).

Truncation pitfall: the text tower pools at the end-of-text (EOT) token, so a caption
longer than ``context_length`` (77) must keep EOT when cut. The tokenizer's own
truncation keeps its special tokens (we check every truncated row ends with EOT);
truncated texts are counted in ``truncated_count`` (cumulative), and the policy is
``truncation`` for signatures. torchmetrics instead slices ``input_ids[..., :77]``,
which drops EOT on long captions; below 77 tokens both agree exactly.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Sequence

import numpy as np

from transmodal.types import ModelCard, ModelEntry, Modality, TransmodalError

DEFAULT_MODEL = "openai/clip-vit-base-patch32"


def _features(output: Any):
    """The projected embedding tensor from ``get_*_features`` (transformers 4 or 5)."""
    return output if hasattr(output, "norm") else output.pooler_output


class TransformersClipEmbedder:
    """``embed_text`` / ``embed_image`` with a transformers ``CLIPModel`` (see module docstring)."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 32) -> None:
        import torch
        from transformers import CLIPModel, CLIPProcessor

        from transmodal.reference_models.weights import resolve_folder

        if batch_size < 1:
            raise TransmodalError(f"batch_size must be >= 1, got {batch_size}")
        folder, self.weights_id = resolve_folder(str(model), "clip-vit-base-patch32-hf")
        try:
            self.model = CLIPModel.from_pretrained(str(folder)).to(device).eval()
            self.processor = CLIPProcessor.from_pretrained(str(folder))
        except (OSError, ValueError) as error:
            raise TransmodalError(f"cannot load a CLIP model from {folder}: {str(error).splitlines()[0]}") from error
        self.model_name = str(model)
        self.device = device
        self.batch_size = batch_size
        self.tokenizer = self.processor.tokenizer
        self.context_length = int(self.model.config.text_config.max_position_embeddings)
        self.truncation = f"keep-eot@{self.context_length}"
        self.dim = int(self.model.config.projection_dim)
        self.truncated_count = 0
        self._torch = torch

    def fingerprint(self) -> str:
        params = {
            "family": "transformers-clip",
            "weights": self.weights_id,
            "context_length": self.context_length,
            "image_processor": self.processor.image_processor.to_dict(),
        }
        return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()

    def tokenize(self, texts: Sequence[str]):
        """``input_ids`` and ``attention_mask``; truncated rows keep EOT (counted)."""
        for text in texts:
            if not isinstance(text, str):
                raise TransmodalError(f"embed_text expects strings, got {type(text).__name__}")
        lengths = [len(ids) for ids in self.tokenizer(list(texts))["input_ids"]]
        batch = self.tokenizer(list(texts), padding=True, truncation=True, max_length=self.context_length,
                               return_tensors="pt")
        eos = self.tokenizer.eos_token_id
        for row, length in enumerate(lengths):
            if length > self.context_length:
                self.truncated_count += 1
                if int(batch["input_ids"][row, self.context_length - 1]) != eos:
                    raise TransmodalError(f"{self.model_name} tokenizer dropped the end-of-text token on truncation")
        return batch

    def _normalised(self, features) -> np.ndarray:
        features = _features(features).float()
        return self._torch.nn.functional.normalize(features, dim=-1).cpu().numpy().astype(np.float32)

    def embed_text(self, texts: Sequence[str]) -> np.ndarray:
        """float32 ``[N, D]``, unit norm."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = []
        with self._torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = self.tokenize(texts[start : start + self.batch_size])
                out = self.model.get_text_features(input_ids=batch["input_ids"].to(self.device),
                                                   attention_mask=batch["attention_mask"].to(self.device))
                rows.append(self._normalised(out))
        return np.concatenate(rows)

    def embed_image(self, images: Sequence[Any]) -> np.ndarray:
        """float32 ``[N, D]``, unit norm; images are PIL images, paths or uint8 arrays."""
        from transmodal.media import load_image

        images = list(images)
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = []
        with self._torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                chunk = [load_image(image) for image in images[start : start + self.batch_size]]
                pixels = self.processor(images=chunk, return_tensors="pt")["pixel_values"].to(self.device)
                rows.append(self._normalised(self.model.get_image_features(pixel_values=pixels)))
        return np.concatenate(rows)


def load(device: str = "cpu", **params: Any) -> TransformersClipEmbedder:
    """Factory for the registry: ``TransformersClipEmbedder(device=..., **params)``."""
    return TransformersClipEmbedder(device=device, **params)


CLIP_VIT_BASE_PATCH32_HF = ModelEntry(
    name="clip-vit-base-patch32-hf",
    source=Modality.IMAGE,
    target=None,
    factory=load,
    params={"model": DEFAULT_MODEL},
    card=ModelCard(
        license="MIT (OpenAI CLIP weights)",
        weights_source="hf: openai/clip-vit-base-patch32 (CLIPModel + CLIPProcessor)",
        size="151M params, 605 MB",
        hardware="cpu or cuda",
        prefetch=(
            "transmodal prefetch clip-vit-base-patch32-hf, or on a connected machine "
            "huggingface-cli download openai/clip-vit-base-patch32 (fills the HF cache); "
            "or pass --model-param model=/local/folder saved with save_pretrained"
        ),
        offline=False,
        hub_id=DEFAULT_MODEL,
    ),
)
