"""CLIPScore and RefCLIPScore: image-text agreement judged by a CLIP model.

Conventions (option ``convention``; the signature records which):

* ``"hessel"`` (default; Hessel et al. 2021, EMNLP, reference code ``jmhessel/clipscore``):
  per pair ``CLIP-S = w * max(cos(E_image, E_text), 0)`` with ``w = 2.5``; the score is
  the mean over pairs. Judge: OpenAI ViT-B/32 (``open-clip-vit-b-32``). Captions
  (model outputs in the image->text direction, and references) get the reference
  code's prompt prefix ``"A photo depicts "``; text->image prompts are scored as given.
* ``"torchmetrics"`` (``torchmetrics.multimodal.CLIPScore``): per pair ``100 * cos``;
  the score is ``max(mean(100 * cos), 0)``: torchmetrics clamps the *mean* (its docstring
  says per pair, its ``compute`` does not), so rows are unclamped and only the total
  is clamped; a sample's own value is ``max(100 * cos, 0)``. Judge: transformers
  ``CLIPModel``/``CLIPProcessor`` (``clip-vit-base-patch32-hf``; torchmetrics' default
  is ViT-L/14: pass ``judge_params={"model": "openai/clip-vit-large-patch14"}``). No prefix.

RefCLIPScore (``"hessel"`` only) adds reference captions: per sample
``RefCLIP-S = HM(CLIP-S, max(max_r cos(E_candidate, E_r), 0))``, the harmonic mean
``2ab / (a + b)`` (0 when both are 0). ``w`` scales the image side only, as in the
paper (Eq. 2) and ``clipscore.py`` (``get_refonlyclipscore`` returns raw cosines); the
reference code omits the ``max(., 0)`` on the text side, which matters only when every
reference has negative cosine with the candidate.

Directions: when a sample's output is a ``str`` it is a caption of ``sample.source``
(image->text); otherwise the output is an image (PIL, path or uint8 array) generated
from the text ``sample.source`` (text->image). RefCLIP-S needs captions as outputs and
``sample.references`` as reference captions.

Text longer than the judge's context (77 tokens) is truncated *keeping* the
end-of-text token (a peer dropped it and halved scores); truncated texts are counted
(third state column, summed over shards) and reported in ``MetricValue.notes``; the policy is in
the signature together with the judge name and fingerprint, ``w`` and the prefix.
Embeddings are re-normalised here, so cosines do not depend on the judge's scaling.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from transmodal.metrics.base import SumMetric, check_lengths, make_signature
from transmodal.types import MetricInfo, MetricValue, Sample, TransmodalError

HESSEL_W = 2.5
HESSEL_PREFIX = "A photo depicts "
CONVENTIONS = ("hessel", "torchmetrics")


def _unit_rows(array: Any, what: str) -> np.ndarray:
    rows = np.asarray(array, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[0] == 0:
        raise TransmodalError(f"{what} must be a non-empty [N, D] array, got shape {rows.shape}")
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    if np.any(norms == 0) or not np.all(np.isfinite(rows)):
        raise TransmodalError(f"{what} has zero or non-finite rows; cannot take cosines")
    return rows / norms


def pair_cosines(image_embeddings, text_embeddings) -> np.ndarray:
    """Cosine of row i of ``image_embeddings`` with row i of ``text_embeddings``."""
    images = _unit_rows(image_embeddings, "image_embeddings")
    texts = _unit_rows(text_embeddings, "text_embeddings")
    if images.shape != texts.shape:
        raise TransmodalError(f"image and text embeddings must pair up, got {images.shape} and {texts.shape}")
    return np.einsum("nd,nd->n", images, texts)


def clip_score(image_embeddings, text_embeddings, w: float = HESSEL_W) -> float:
    """Hessel et al. CLIPScore: mean over pairs (row i with row i) of ``w * max(cos, 0)``."""
    return float(np.mean(w * np.clip(pair_cosines(image_embeddings, text_embeddings), 0.0, None)))


def ref_clip_score(image_embeddings, candidate_embeddings, reference_embeddings: Sequence, w: float = HESSEL_W) -> float:
    """Mean RefCLIPScore; ``reference_embeddings[i]`` is ``[R_i, D]`` for candidate i."""
    return float(np.mean(ref_clip_scores(image_embeddings, candidate_embeddings, reference_embeddings, w)))


def ref_clip_scores(image_embeddings, candidate_embeddings, reference_embeddings: Sequence,
                    w: float = HESSEL_W) -> np.ndarray:
    """Per-sample RefCLIPScore: harmonic mean of ``w * max(cos(i, c), 0)`` and ``max(max_r cos(c, r), 0)``."""
    candidates = _unit_rows(candidate_embeddings, "candidate_embeddings")
    image_side = w * np.clip(pair_cosines(image_embeddings, candidates), 0.0, None)
    if len(reference_embeddings) != candidates.shape[0]:
        raise TransmodalError(f"got references for {len(reference_embeddings)} of {candidates.shape[0]} candidates")
    text_side = np.array([
        max(float(np.max(_unit_rows(refs, f"references of candidate {i}") @ candidates[i])), 0.0)
        for i, refs in enumerate(reference_embeddings)
    ])
    total = image_side + text_side
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * image_side * text_side / np.where(total > 0, total, 1.0), 0.0)


# ---------------------------------------------------------------- metric objects


def _pairs(outputs: Sequence, samples: Sequence[Sample]) -> tuple[list, list[str], list[bool]]:
    """(images, texts, is_caption) per sample, in either direction."""
    check_lengths(outputs, samples)
    images, texts, captions = [], [], []
    for output, sample in zip(outputs, samples):
        if isinstance(output, str):
            images.append(sample.source)
            texts.append(output)
            captions.append(True)
        else:
            if not isinstance(sample.source, str):
                raise TransmodalError(f"sample {sample.id}: CLIPScore needs a text source for an image output")
            images.append(output)
            texts.append(sample.source)
            captions.append(False)
    return images, texts, captions


class CLIPScore(SumMetric):
    """CLIPScore in the ``hessel`` or ``torchmetrics`` convention (see module docstring)."""

    info = MetricInfo("clip-score", "CLIPScore", True, "per_sample",
                      "image-text agreement: mean w*max(cos,0) (Hessel) or max(mean 100*cos,0) (torchmetrics)")
    name = "clip-score"

    def __init__(self, convention: str = "hessel", judge: Any = None, judge_params: Mapping[str, Any] | None = None,
                 w: float | None = None, prefix: str | None = None, device: str | None = None,
                 batch_size: int = 64) -> None:
        if convention not in CONVENTIONS:
            raise TransmodalError(f"unknown CLIPScore convention {convention!r}; use one of {', '.join(CONVENTIONS)}")
        self.convention = convention
        self.judge_name = judge
        self.judge_params = dict(judge_params or {})
        self.device = device
        self.w = float(w if w is not None else (HESSEL_W if convention == "hessel" else 100.0))
        self.prefix = prefix
        self.batch_size = int(batch_size)
        self._judge = None

    # -- judge and text preparation

    @property
    def judge(self):
        if self._judge is None:
            from transmodal.metrics.judges.clip import resolve_clip_judge

            self._judge = resolve_clip_judge(self.judge_name, self.convention, self.judge_params, self.device)
        return self._judge

    def _prepare(self, text: str, is_caption: bool) -> str:
        if self.prefix is not None:
            return self.prefix + text
        return HESSEL_PREFIX + text if (self.convention == "hessel" and is_caption) else text

    def _prefix_label(self) -> str:
        if self.prefix is not None:
            return repr(self.prefix)
        return f"captions:{HESSEL_PREFIX!r}" if self.convention == "hessel" else "none"

    def _embed(self, images: list, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(image embeddings, text embeddings, truncated-text counts per row).

        Texts go to the judge in batches of ``batch_size``; a batch's truncation count
        is booked on its first row (only the total is reported).
        """
        image_emb = self.judge.embed_image(images)
        parts, truncated = [], np.zeros(len(texts))
        for start in range(0, len(texts), self.batch_size):
            emb, truncated[start] = self.judge.embed_text(texts[start : start + self.batch_size])
            parts.append(emb)
        return image_emb, np.concatenate(parts), truncated

    # -- metric contract

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        images, texts, captions = _pairs(outputs, samples)
        from transmodal.media import load_image

        image_emb, text_emb, truncated = self._embed(
            [load_image(image) for image in images], [self._prepare(t, c) for t, c in zip(texts, captions)]
        )
        cos = pair_cosines(image_emb, text_emb)
        values = self.w * (np.clip(cos, 0.0, None) if self.convention == "hessel" else cos)
        return np.stack([values, np.ones_like(values), truncated], axis=1)

    def from_sums(self, sums: np.ndarray) -> np.ndarray:
        mean = sums[..., 0] / sums[..., 1]
        return np.maximum(mean, 0.0) if self.convention == "torchmetrics" else mean

    def finalize(self, state: np.ndarray, seed: int = 0) -> MetricValue:
        rows = np.asarray(state, dtype=np.float64)
        value = super().finalize(rows, seed)
        count = int(rows[:, 2].sum()) if rows.ndim == 2 and rows.shape[1] > 2 else 0
        note = f"{count} texts in {rows.shape[0]} samples were truncated to the judge's context (end-of-text kept)"
        return MetricValue(value.value, value.ci_low, value.ci_high, value.n, value.ci_method, value.per_sample,
                           value.notes + (note,))

    def signature(self) -> str:
        judge = self.judge
        return make_signature(self.name, convention=self.convention, judge=judge.name,
                              judge_fp=judge.fingerprint()[:16], w=self.w, prefix=self._prefix_label(),
                              truncate=judge.truncation)


class RefCLIPScore(CLIPScore):
    """RefCLIPScore (Hessel et al.): harmonic mean of CLIP-S and the best reference cosine."""

    info = MetricInfo("ref-clip-score", "RefCLIPScore", True, "per_sample",
                      "harmonic mean of CLIP-S and max(max_ref cos(candidate, ref), 0)")
    name = "ref-clip-score"

    def __init__(self, judge: Any = None, judge_params: Mapping[str, Any] | None = None, w: float | None = None,
                 prefix: str | None = None, device: str | None = None, convention: str = "hessel",
                 batch_size: int = 64) -> None:
        if convention != "hessel":
            raise TransmodalError("RefCLIPScore exists only in the 'hessel' convention (torchmetrics has none)")
        super().__init__("hessel", judge, judge_params, w, prefix, device, batch_size)

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        images, texts, captions = _pairs(outputs, samples)
        from transmodal.media import load_image

        references = []
        for sample, is_caption in zip(samples, captions):
            refs = [r for r in sample.references if isinstance(r, str)]
            if not is_caption or not refs:
                raise TransmodalError(f"sample {sample.id}: RefCLIPScore needs a caption output and reference captions")
            references.append([self._prepare(r, True) for r in refs])
        image_emb, cand_emb, truncated = self._embed([load_image(i) for i in images],
                                                     [self._prepare(t, True) for t in texts])
        ref_emb = []
        for i, refs in enumerate(references):
            emb, count = self.judge.embed_text(refs)
            ref_emb.append(emb)
            truncated[i] += count
        values = ref_clip_scores(image_emb, cand_emb, ref_emb, self.w)
        return np.stack([values, np.ones_like(values), truncated], axis=1)
