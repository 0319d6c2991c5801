"""Resolving the CLIP judge that CLIPScore and RefCLIPScore embed with.

A judge is any registered Embedder (``transmodal.registry.models``) offering
``embed_text(list[str])`` and ``embed_image(list[image])`` that return L2-normalised
float32 ``[N, D]`` arrays. The metric option ``judge`` names it (or passes such an
object directly); ``judge_params`` (a dict, e.g. ``{"model": "/local/clip"}`` or
``{"pretrained": "/path/ckpt.pt"}``) are passed to the entry's factory.

Defaults per convention: ``"hessel"`` -> ``"open-clip-vit-b-32"`` (OpenAI ViT-B/32
through open_clip, the weights Hessel et al. used), ``"torchmetrics"`` ->
``"clip-vit-base-patch32-hf"`` (transformers ``CLIPModel``, what torchmetrics loads).

Truncation bookkeeping: embedders count texts longer than their context in a cumulative
``truncated_count`` attribute and name their policy in ``truncation`` (or expose
``context_length``); :meth:`ClipJudge.embed_text` returns how many texts of *this*
call were truncated. Loaded judges are cached per (name, params, device), so
CLIP-S and RefCLIP-S on one task load the model once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from transmodal.types import TransmodalError

DEFAULT_JUDGES = {"hessel": "open-clip-vit-b-32", "torchmetrics": "clip-vit-base-patch32-hf"}

_LOADED: dict[str, Any] = {}


@dataclass
class ClipJudge:
    """A loaded CLIP embedder with its name, fingerprint and truncation policy."""

    name: str
    embedder: Any

    def fingerprint(self) -> str:
        return str(self.embedder.fingerprint())

    @property
    def truncation(self) -> str:
        policy = getattr(self.embedder, "truncation", None)
        if policy:
            return str(policy)
        context = getattr(self.embedder, "context_length", None)
        return f"keep-eot@{context}" if context else "unknown"

    def embed_text(self, texts: Sequence[str]) -> tuple[np.ndarray, int]:
        """(embeddings ``[N, D]``, number of these texts that were truncated)."""
        before = int(getattr(self.embedder, "truncated_count", 0) or 0)
        embeddings = _checked(self.embedder.embed_text(list(texts)), len(texts), self.name)
        after = int(getattr(self.embedder, "truncated_count", 0) or 0)
        return embeddings, after - before

    def embed_image(self, images: Sequence[Any]) -> np.ndarray:
        return _checked(self.embedder.embed_image(list(images)), len(images), self.name)


def _checked(array: Any, n: int, name: str) -> np.ndarray:
    out = np.asarray(array, dtype=np.float64)
    if out.ndim != 2 or out.shape[0] != n:
        raise TransmodalError(f"CLIP judge {name} returned shape {out.shape} for {n} inputs")
    return out


def resolve_clip_judge(judge: Any = None, convention: str = "hessel", judge_params: Mapping[str, Any] | None = None,
                       device: str | None = None) -> ClipJudge:
    """The judge named by ``judge`` (default per ``convention``), loaded once and cached."""
    if judge is not None and not isinstance(judge, str):
        for method in ("embed_text", "embed_image", "fingerprint"):
            if not callable(getattr(judge, method, None)):
                raise TransmodalError(f"a CLIP judge object needs {method}(); {type(judge).__name__} has none")
        return ClipJudge(getattr(judge, "name", type(judge).__name__), judge)
    if convention not in DEFAULT_JUDGES:
        raise TransmodalError(f"unknown CLIPScore convention {convention!r}; use one of {', '.join(DEFAULT_JUDGES)}")
    name = judge or DEFAULT_JUDGES[convention]
    if device is None:
        device = _default_device()
    params = dict(judge_params or {})
    key = json.dumps([name, params, device], sort_keys=True, default=str)
    if key not in _LOADED:
        from transmodal import registry

        entry = registry.models.get(name)
        _LOADED[key] = entry.load(device=device, **params)
    embedder = _LOADED[key]
    for method in ("embed_text", "embed_image"):
        if not callable(getattr(embedder, method, None)):
            raise TransmodalError(f"model {name!r} cannot judge CLIPScore: it has no {method}()")
    return ClipJudge(name, embedder)


def _default_device() -> str:
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"
