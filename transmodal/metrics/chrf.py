"""Corpus chrF and chrF++, equal to sacrebleu's ``CHRF().corpus_score``.

Definition (Popović 2015, 2017; sacrebleu 2.x)::

    for each order k (character n-grams n = 1..char_order, then word n-grams 1..word_order):
        P_k = sum_i match_k(i) / sum_i hyp_k(i),   R_k = sum_i match_k(i) / sum_i ref_k(i)
    chrF_beta = 100 * (1 + beta^2) * P * R / (beta^2 * P + R)
    with P, R the averages of P_k, R_k over the orders where both hyp_k and ref_k are > 0

(``eps_smoothing=True`` instead averages per-order F-scores with epsilon 1e-16 for
empty orders, as chrF++.py/Moses/NLTK.) Defaults: ``char_order=6``, ``beta=2``;
``word_order=0`` is chrF, ``word_order=2`` is chrF++. Character n-grams ignore
whitespace (``whitespace=False``); word n-grams split punctuation off word edges as
sacrebleu does. The corpus value comes from *summed* statistics (sacrebleu >= 2.0),
not from averaging sentence scores.

References: ``references[i]`` lists the references of prediction ``i`` (transposed
into ``None``-padded sacrebleu streams, see :mod:`transmodal.metrics._sacrebleu`); per
sentence, sacrebleu keeps the statistics of the reference with the best sentence
chrF. Empty hypotheses contribute reference n-grams only (recall 0).

Statistics: sacrebleu's per-sentence ``[hyp_k, ref_k, match_k]`` triples for each
order, extracted by sacrebleu; :func:`chrf_from_sums` re-implements its F-score on
summed statistics vectorised over leading axes (bootstrap replicates).

Signature: sacrebleu's (``nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0``)
prefixed by ``chrf|`` or ``chrf++|`` and suffixed by ``transmodal:VERSION``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from transmodal.metrics._sacrebleu import SacrebleuSumMetric
from transmodal.types import MetricInfo, TransmodalError

CHRF_OPTIONS = ("char_order", "word_order", "beta", "lowercase", "whitespace", "eps_smoothing")
_EPS = 1e-16


def make_sacrebleu_chrf(options: dict[str, Any]) -> Any:
    """A ``sacrebleu.CHRF`` with ``options``; unknown options raise ``TransmodalError``."""
    unknown = sorted(set(options) - set(CHRF_OPTIONS))
    if unknown:
        raise TransmodalError(f"unknown chrF option(s) {', '.join(unknown)}; known: {', '.join(CHRF_OPTIONS)}")
    for key in ("char_order", "word_order", "beta"):
        value = options.get(key, 0)
        if not isinstance(value, int) or value < 0:
            raise TransmodalError(f"chrF {key} must be a non-negative integer, got {value!r}")
    from sacrebleu.metrics.chrf import CHRF as SacreCHRF

    metric = SacreCHRF(**options)
    if metric.order == 0:
        raise TransmodalError("chrF needs char_order + word_order > 0")
    return metric


def chrf_from_sums(sums: np.ndarray, beta: int = 2, eps_smoothing: bool = False) -> np.ndarray:
    """sacrebleu's ``CHRF._compute_f_score`` on summed statistics ``[..., 3K]``, vectorised."""
    s = np.asarray(sums, dtype=np.float64)
    if s.shape[-1] % 3:
        raise TransmodalError(f"chrF statistics need a multiple of 3 columns, got {s.shape[-1]}")
    order = s.shape[-1] // 3
    factor = beta**2
    shape = s.shape[:-1]
    score = np.zeros(shape)
    avg_prec, avg_rec, effective = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(order):  # left to right, as sacrebleu: bit-identical sums
            n_hyp, n_ref, n_match = s[..., 3 * k], s[..., 3 * k + 1], s[..., 3 * k + 2]
            prec = np.where(n_hyp > 0, n_match / n_hyp, _EPS)
            rec = np.where(n_ref > 0, n_match / n_ref, _EPS)
            denom = factor * prec + rec
            score = score + np.where(denom > 0, (1 + factor) * prec * rec / denom, _EPS)
            both = (n_hyp > 0) & (n_ref > 0)
            avg_prec = avg_prec + np.where(both, prec, 0.0)
            avg_rec = avg_rec + np.where(both, rec, 0.0)
            effective = effective + both
        if eps_smoothing:
            return 100 * score / order
        avg_prec = np.where(effective > 0, avg_prec / effective, 0.0)
        avg_rec = np.where(effective > 0, avg_rec / effective, 0.0)
        f = (1 + factor) * avg_prec * avg_rec / ((factor * avg_prec) + avg_rec)
        return np.where(avg_prec + avg_rec != 0, 100 * f, 0.0)


def chrf(predictions: list[str], references: list[list[str]], word_order: int = 0, **sacrebleu_options: Any) -> float:
    """sacrebleu corpus chrF (``word_order=2``: chrF++), 0-100; ``references[i]`` = refs of prediction i."""
    return ChrF(word_order=word_order, **sacrebleu_options).corpus_score(predictions, references)


class ChrF(SacrebleuSumMetric):
    """Corpus chrF (sacrebleu); options are ``sacrebleu.CHRF``'s (``word_order``, ``beta``, ...)."""

    info = MetricInfo(
        name="chrf",
        display_name="chrF",
        higher_is_better=True,
        kind="corpus",
        description="sacrebleu corpus chrF (character n-gram F-score)",
        scale="0-100",
    )
    default_word_order = 0

    def __init__(self, **sacrebleu_options: Any) -> None:
        super().__init__(**{"word_order": self.default_word_order, **sacrebleu_options})

    def make_sacrebleu(self, options: dict[str, Any]) -> Any:
        return make_sacrebleu_chrf(options)

    def from_sums(self, sums: np.ndarray) -> np.ndarray:
        return chrf_from_sums(sums, self.sacrebleu.beta, self.sacrebleu.eps_smoothing)

    def signature_name(self) -> str:
        return "chrf" + "+" * self.sacrebleu.word_order


class ChrFPlusPlus(ChrF):
    """chrF++: :class:`ChrF` with word bigrams (``word_order=2``) by default."""

    info = MetricInfo(
        name="chrf++",
        display_name="chrF++",
        higher_is_better=True,
        kind="corpus",
        description="sacrebleu corpus chrF++ (character 6-grams + word bigrams)",
        scale="0-100",
    )
    default_word_order = 2
