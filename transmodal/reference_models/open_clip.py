"""open_clip image/text embedder (CLIP ViT-B/32 and any open_clip architecture).

Loading follows CLIP_benchmark's ``models/open_clip.py``: one call to
``open_clip.create_model_and_transforms(model_name, pretrained=...)`` gives the model
and its evaluation transform, ``open_clip.get_tokenizer(model_name)`` the tokenizer.
``pretrained`` is an open_clip tag (``"openai"``, ``"laion2b_s34b_b79k"``: fetched
through the HF hub cache, so offline it must be prefetched) or a local checkpoint
file. ``model_config`` may point at a JSON architecture file (registered with
``open_clip.add_model_config``; its file stem becomes ``model_name``).

Embeddings (both ``[N, D]`` float32, unit L2 norm, cosine = dot product):

    embed_image: load_image (PIL, RGB) -> open_clip eval transform -> encode_image -> x/||x||
    embed_text:  tokenizer(texts, context_length) -> encode_text -> x/||x||

QuickGELU: OpenAI's CLIP weights were trained with QuickGELU but open_clip's plain
``ViT-B-32`` config uses GELU; loading the ``openai`` tag into it silently degrades
scores. ``quick_gelu=None`` takes the tag's own setting (True for ``openai``); for a
local checkpoint of OpenAI weights pass ``quick_gelu=True``.

Truncation pitfall: texts longer than ``context_length`` (77) tokens must keep the
end-of-text token, because the text tower pools at the EOT position (argmax of the
token ids). open_clip's ``SimpleTokenizer`` truncates to ``context_length`` and
overwrites the last kept token with EOT; we check that on every truncated row and
count truncated texts in ``truncated_count`` so records can report it. The HF-style
tokenizers of other open_clip models are counted the same way.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from transmodal.types import ModelCard, ModelEntry, Modality, TransmodalError


class OpenClipEmbedder:
    """``embed_text`` / ``embed_image`` with an open_clip model (see module docstring)."""

    def __init__(self, model_name: str = "ViT-B-32", pretrained: str | None = "openai", device: str = "cpu",
                 batch_size: int = 64, quick_gelu: bool | None = None, precision: str = "fp32",
                 model_config: str | None = None) -> None:
        import open_clip
        import torch

        if batch_size < 1:
            raise TransmodalError(f"batch_size must be >= 1, got {batch_size}")
        if model_config:
            config_path = Path(model_config)
            if not config_path.is_file():
                raise TransmodalError(f"open_clip model_config not found: {config_path}")
            open_clip.add_model_config(config_path)
            model_name = config_path.stem
        self.model_name = model_name
        self.pretrained = pretrained
        if pretrained and Path(pretrained).expanduser().is_file():
            from transmodal.media import hash_file

            self.weights_id = "sha256:" + hash_file(Path(pretrained).expanduser())
            tag_cfg: dict = {}
        elif pretrained:
            tag_cfg = open_clip.get_pretrained_cfg(model_name, pretrained) or {}
            if not tag_cfg:
                raise TransmodalError(
                    f"open_clip has no pretrained tag {pretrained!r} for {model_name!r} and no such file; "
                    f"tags: {', '.join(open_clip.list_pretrained_tags_by_model(model_name)) or 'none'}"
                )
            self.weights_id = f"open_clip:{model_name}/{pretrained}:{tag_cfg.get('hf_hub') or tag_cfg.get('url')}"
        else:
            tag_cfg = {}
            self.weights_id = "random-init"
        self.quick_gelu = bool(tag_cfg.get("quick_gelu", False)) if quick_gelu is None else bool(quick_gelu)
        self.precision = precision
        self.device = device
        self.batch_size = batch_size
        try:
            model, _, preprocess = open_clip.create_model_and_transforms(
                model_name, pretrained=pretrained, device=device, precision=precision,
                force_quick_gelu=self.quick_gelu,
            )
        except RuntimeError as error:
            raise TransmodalError(
                f"cannot load open_clip {model_name}/{pretrained}: {str(error).splitlines()[0]} "
                "(offline: prefetch the weights into the HF cache or pass a local checkpoint file)"
            ) from error
        self.model = model.eval()
        self.preprocess = preprocess
        self.tokenizer = open_clip.get_tokenizer(model_name)
        self.context_length = int(self.tokenizer.context_length or 77)
        self.dim = int(getattr(self.model.visual, "output_dim", 0))
        self.truncation = f"truncate-{self.context_length}-keep-eot"
        self.truncated_count = 0
        self._torch = torch
        self._version = open_clip.__version__

    def fingerprint(self) -> str:
        params = {
            "family": "open_clip",
            "model_name": self.model_name,
            "weights": self.weights_id,
            "quick_gelu": self.quick_gelu,
            "precision": self.precision,
            "context_length": self.context_length,
            "preprocess": getattr(self.model.visual, "preprocess_cfg", None) or repr(self.preprocess),
            "open_clip": self._version,
        }
        return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()

    def _token_count(self, text: str) -> int:
        """Tokens the text needs including start/end tokens (before truncation)."""
        if hasattr(self.tokenizer, "encode") and hasattr(self.tokenizer, "eot_token_id"):
            return len(self.tokenizer.encode(text)) + 2
        return len(self.tokenizer.tokenizer(text)["input_ids"])  # HFTokenizer: specials included

    def tokenize(self, texts: Sequence[str]):
        """Token ids ``[N, context_length]``; truncated rows end with EOT (counted)."""
        for text in texts:
            if not isinstance(text, str):
                raise TransmodalError(f"embed_text expects strings, got {type(text).__name__}")
        tokens = self.tokenizer(list(texts), context_length=self.context_length)
        truncated = [i for i, text in enumerate(texts) if self._token_count(text) > self.context_length]
        self.truncated_count += len(truncated)
        eot = getattr(self.tokenizer, "eot_token_id", None)
        if eot is not None:
            for row in truncated:
                if int(tokens[row, -1]) != eot:
                    raise TransmodalError(f"{self.model_name} tokenizer dropped the end-of-text token on truncation")
        return tokens

    def _encode(self, batches, encode) -> np.ndarray:
        torch = self._torch
        rows = []
        with torch.inference_mode():
            for batch in batches:
                features = encode(batch.to(self.device)).float()
                rows.append(torch.nn.functional.normalize(features, dim=-1).cpu().numpy())
        return np.concatenate(rows).astype(np.float32)

    def embed_text(self, texts: Sequence[str]) -> np.ndarray:
        """float32 ``[N, D]``, unit norm."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        chunks = (self.tokenize(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size))
        return self._encode(chunks, self.model.encode_text)

    def embed_image(self, images: Sequence[Any]) -> np.ndarray:
        """float32 ``[N, D]``, unit norm; images are PIL images, paths or uint8 arrays."""
        from transmodal.media import load_image

        torch = self._torch
        images = list(images)
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        dtype = next(self.model.parameters()).dtype
        chunks = (
            torch.stack([self.preprocess(load_image(image)) for image in images[i : i + self.batch_size]]).to(dtype)
            for i in range(0, len(images), self.batch_size)
        )
        return self._encode(chunks, self.model.encode_image)


def load(device: str = "cpu", **params: Any) -> OpenClipEmbedder:
    """Factory for the registry: ``OpenClipEmbedder(device=..., **params)``."""
    return OpenClipEmbedder(device=device, **params)


OPEN_CLIP_VIT_B_32 = ModelEntry(
    name="open-clip-vit-b-32",
    source=Modality.IMAGE,
    target=None,
    factory=load,
    params={"model_name": "ViT-B-32", "pretrained": "openai"},
    card=ModelCard(
        license="MIT (OpenAI CLIP weights); open_clip code MIT",
        weights_source="open_clip ViT-B-32 'openai' (hf: timm/vit_base_patch32_clip_224.openai)",
        size="151M params, 605 MB",
        hardware="cpu or cuda",
        prefetch=(
            "python -c \"import open_clip; open_clip.create_model('ViT-B-32', pretrained='openai')\" "
            "on a connected machine (fills the HF cache), or pass pretrained=/path/to/checkpoint with quick_gelu=True"
        ),
        offline=False,
    ),
)
