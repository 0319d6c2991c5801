"""CIDEr-D (x10), equal to coco-caption's scorer (``pycocoevalcap.cider.Cider``), no Java.

Definition (Vedantam et al. 2015, the "-D" variant coco-caption ships under the
name ``Cider``). For caption i with references ``R_i`` and n = 1..4::

    g_n(s)   = tf-idf vector of the n-grams of s:  tf(w, s) * (log |I| - log max(1, df(w)))
    sim_n    = sum_w min(g_n(c)_w, g_n(r)_w) * g_n(r)_w / (||g_n(c)|| * ||g_n(r)||)
               * exp(-(l(c) - l(r))^2 / (2 * sigma^2))          (sigma = 6)
    CIDEr-D_i = 10 * mean_n( (1/|R_i|) * sum_{r in R_i} sim_n(c_i, r) )
    CIDEr-D   = mean_i CIDEr-D_i

``df(w)`` counts the images whose references contain n-gram w and ``|I|`` is the
number of images, both over **the whole scored corpus** (coco-caption's default;
not a fixed COCO-train document frequency). Clipping by ``min`` and the Gaussian
length penalty are what make it CIDEr-D rather than CIDEr.

Tokenisation: captions are split on whitespace (``str.split``), exactly what the
coco-caption scorer does *after* its Java PTB tokeniser (lower-casing, punctuation
removal). We do not run the PTB tokeniser (no Java); pass already tokenised,
lower-cased text, or pick ``normalizer="basic"`` (Whisper's basic normaliser:
lower-case, punctuation to spaces), recorded in the signature, which is close to
but not identical with PTB tokenisation.

Peer quirks kept on purpose so numbers match pycocoevalcap:

* the length ``l(s)`` in the penalty is the number of **bigrams** of s (coco-caption
  counts term frequencies at index ``n == 1``), i.e. words - 1 for non-empty s;
* a corpus of a single image has ``log |I| = 0``: every weight and score is 0;
* an empty caption scores 0; every caption needs at least one reference.

Kind ``per_sample``: state rows are ``[CIDEr-D_i, 1]`` (the value is their mean).
Because ``df`` depends on the whole corpus, state rows of separately scored shards
do **not** merge to the all-at-once value: score the full set in one call.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Sequence

import numpy as np

from transmodal.metrics.base import MeanMetric, check_lengths, make_signature
from transmodal.metrics.normalizers import check_reference_lists, check_texts, get_normalizer
from transmodal.types import MetricInfo, Sample

MAX_N = 4
SIGMA = 6.0

Counts = dict[tuple[str, ...], int]


def _ngram_counts(text: str, max_n: int = MAX_N) -> Counts:
    words = text.split()
    counts: defaultdict[tuple[str, ...], int] = defaultdict(int)
    for k in range(1, max_n + 1):
        for i in range(len(words) - k + 1):
            counts[tuple(words[i : i + k])] += 1
    return counts


def _vector(counts: Counts, weight: dict, default_weight: float, max_n: int):
    """tf-idf vectors per order, their norms and the (bigram) length, as coco-caption."""
    vec: list[dict] = [{} for _ in range(max_n)]
    norm = [0.0] * max_n
    length = 0
    for ngram, tf in counts.items():
        n = len(ngram) - 1
        value = float(tf) * weight.get(ngram, default_weight)
        vec[n][ngram] = value
        norm[n] += pow(value, 2)
        if n == 1:
            length += tf
    return vec, [math.sqrt(x) for x in norm], length


def cider_d_scores(
    predictions: Sequence[str], references: Sequence[Sequence[str]], sigma: float = SIGMA, max_n: int = MAX_N
) -> np.ndarray:
    """Per-caption CIDEr-D (x10) with document frequencies from these references."""
    preds = check_texts(predictions, "predictions")
    refs = check_reference_lists(references)
    check_lengths(preds, refs)
    ref_counts = [[_ngram_counts(ref, max_n) for ref in image_refs] for image_refs in refs]
    doc_freq: defaultdict[tuple[str, ...], float] = defaultdict(float)
    for image in ref_counts:
        for ngram in {ngram for counts in image for ngram in counts}:
            doc_freq[ngram] += 1
    log_images = float(np.log(float(len(ref_counts))))
    grams = list(doc_freq)
    logs = np.log(np.maximum(1.0, np.fromiter((doc_freq[g] for g in grams), np.float64, len(grams))))
    weight = dict(zip(grams, (log_images - logs).tolist()))
    penalty_scale = 2 * sigma**2
    scores = np.empty(len(preds))
    for index, (pred, image) in enumerate(zip(preds, ref_counts)):
        vec, norm, length = _vector(_ngram_counts(pred, max_n), weight, log_images, max_n)
        total = np.zeros(max_n)
        for counts in image:
            vec_ref, norm_ref, length_ref = _vector(counts, weight, log_images, max_n)
            delta = float(length - length_ref)
            val = np.zeros(max_n)
            for n in range(max_n):
                ref_n = vec_ref[n]
                for ngram, value in vec[n].items():
                    ref_value = ref_n.get(ngram, 0.0)
                    val[n] += min(value, ref_value) * ref_value
                if norm[n] != 0 and norm_ref[n] != 0:
                    val[n] /= norm[n] * norm_ref[n]
                val[n] *= np.e ** (-(delta**2) / penalty_scale)
            total += val
        scores[index] = np.mean(total) / len(image) * 10.0
    return scores


def cider_d(predictions: list[str], references: list[list[str]]) -> float:
    """coco-caption CIDEr-D (x10) of the corpus: mean of per-caption scores."""
    return float(np.mean(cider_d_scores(predictions, references)))


class CIDErD(MeanMetric):
    """CIDEr-D (x10) over the scored set; ``normalizer`` optionally pre-processes all captions."""

    info = MetricInfo(
        name="cider-d",
        display_name="CIDEr-D",
        higher_is_better=True,
        kind="per_sample",
        description="coco-caption CIDEr-D, document frequencies from the scored references",
        scale="x10",
    )

    def __init__(self, normalizer: str | None = None, sigma: float = SIGMA) -> None:
        self.normalizer = get_normalizer(normalizer)
        self.sigma = float(sigma)

    def values(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        check_lengths(outputs, samples)
        norm = self.normalizer
        preds = norm.many(check_texts(outputs, "predictions"))
        refs = [norm.many(check_texts(list(sample.references), f"sample {sample.id!r} references")) for sample in samples]
        return cider_d_scores(preds, refs, sigma=self.sigma)

    def signature(self) -> str:
        return make_signature(
            "cider-d",
            n=MAX_N,
            sigma=f"{self.sigma:g}",
            df="corpus",
            tok="whitespace",
            norm=self.normalizer.name,
            normv=self.normalizer.version,
            conv="coco-caption",
        )
