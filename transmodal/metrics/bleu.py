"""Corpus BLEU, equal to sacrebleu's ``BLEU().corpus_score``, with fast bootstrap CIs.

Definition (Papineni et al. 2002, sacrebleu 2.x conventions)::

    BLEU = BP * exp( (1/N) * sum_{n=1..N} log p_n ) * 100
    p_n  = sum_i matches_n(i) / sum_i total_n(i)        (clipped n-gram precision)
    BP   = 1 if c >= r else exp(1 - r/c)                (0 when c == 0)

``c`` is the total hypothesis length and ``r`` the sum over sentences of the
reference length closest to the hypothesis length (ties: the shorter one).
Matches are clipped by the maximum count of the n-gram over a sentence's
references. Smoothing (Chen & Cherry 2014, sacrebleu names): ``exp`` (default,
mteval-v13a: the k-th zero-match order gets ``1 / (2^k * total_n)``), ``floor``
(zero matches get ``smooth_value / total_n``, default 0.1), ``add-k`` (add
``smooth_value``, default 1, to matches and totals of orders n >= 2), ``none``.
With ``effective_order=True`` only orders with at least one hypothesis n-gram
enter the mean. A corpus with no matching unigram scores 0.

Preprocessing is sacrebleu's: optional lower-casing, ``rstrip`` and the chosen
tokenizer (``tokenize="13a"`` default, ``"intl"``, ``"zh"``, ``"char"``, ``"none"``,
``"ja-mecab"``/``"ko-mecab"``/``"spm"`` need their extra packages).

References: ``references[i]`` is the list of references of prediction ``i``. sacrebleu
takes reference *streams* instead (``streams[j][i]`` = j-th reference of segment i);
we transpose, padding segments that have fewer references with ``None``, which is
how sacrebleu represents a variable number of references (its signature then reads
``nrefs:var``). Every prediction needs at least one reference.

Empty hypotheses contribute length 0 and no n-grams (the corpus BP drops); an
all-empty corpus scores 0. Non-``str`` / non-UTF-8 input raises ``TransmodalError``.

Statistics: per sentence, sacrebleu's own sufficient statistics
``[hyp_len, ref_len, matches_1..N, totals_1..N]`` (extracted by sacrebleu's
``_extract_corpus_statistics``, the same private method its significance tests use,
so tokenisation and clipping are its, bit for bit; the sacrebleu version is in the
signature and the tests compare against its public ``corpus_score``). The score of *summed* statistics
is re-implemented vectorised in numpy (:func:`bleu_from_sums`), so a 1,000-resample
bootstrap is one matrix product plus one array expression instead of 1,000 calls
of sacrebleu's ``compute_bleu`` on 1,000 gathered copies of the statistics.

Signature: sacrebleu's own (``nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0``)
prefixed by ``bleu|`` and suffixed by ``transmodal:VERSION``. ``nrefs`` is known only
once data were scored (as in sacrebleu): call ``signature()`` after ``state()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from transmodal.metrics._sacrebleu import (  # noqa: F401  (re-exported: the stream helpers' old home)
    SacrebleuSumMetric,
    merge_nrefs,
    reference_streams,
    sacrebleu_signature_parts,
    sacrebleu_stats,
)
from transmodal.types import MetricInfo, TransmodalError

SMOOTH_DEFAULTS: dict[str, float | None] = {"none": None, "floor": 0.1, "add-k": 1.0, "exp": None}
BLEU_OPTIONS = (
    "lowercase", "force", "tokenize", "smooth_method", "smooth_value", "max_ngram_order", "effective_order", "trg_lang",
)
_LOG_ZERO = -9999999999.0  # sacrebleu.utils.my_log(0)


def make_sacrebleu_bleu(options: dict[str, Any]) -> Any:
    """A ``sacrebleu.BLEU`` with ``options``; bad options raise ``TransmodalError``."""
    unknown = sorted(set(options) - set(BLEU_OPTIONS))
    if unknown:
        raise TransmodalError(f"unknown BLEU option(s) {', '.join(unknown)}; known: {', '.join(BLEU_OPTIONS)}")
    smooth = options.get("smooth_method", "exp")
    if smooth not in SMOOTH_DEFAULTS:
        raise TransmodalError(f"unknown BLEU smooth_method {smooth!r}; known: {', '.join(SMOOTH_DEFAULTS)}")
    from sacrebleu.metrics.bleu import BLEU as SacreBLEU

    tokenize = options.get("tokenize")
    if tokenize is not None and tokenize not in SacreBLEU.TOKENIZERS:
        raise TransmodalError(f"unknown BLEU tokenizer {tokenize!r}; known: {', '.join(SacreBLEU.TOKENIZERS)}")
    try:
        return SacreBLEU(**options)
    except (ImportError, RuntimeError, OSError) as error:
        raise TransmodalError(f"BLEU tokenizer {tokenize!r} is unavailable: {error}") from None


def bleu_from_sums(
    sums: np.ndarray,
    smooth_method: str = "exp",
    smooth_value: float | None = None,
    effective_order: bool = False,
    max_ngram_order: int = 4,
) -> np.ndarray:
    """sacrebleu's ``BLEU.compute_bleu`` on summed statistics ``[..., 2 + 2N]``, vectorised."""
    s = np.asarray(sums, dtype=np.float64)
    order = max_ngram_order
    if s.shape[-1] != 2 + 2 * order:
        raise TransmodalError(f"BLEU statistics need {2 + 2 * order} columns, got {s.shape[-1]}")
    if smooth_value is None:
        smooth_value = SMOOTH_DEFAULTS[smooth_method]
    sys_len, ref_len = s[..., 0], s[..., 1]
    correct, total = s[..., 2 : 2 + order].copy(), s[..., 2 + order :].copy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        bp = np.where(sys_len < ref_len, np.where(sys_len > 0, np.exp(1 - ref_len / sys_len), 0.0), 1.0)
        any_match = (correct != 0).any(axis=-1)  # sacrebleu stops early before smoothing
        if smooth_method == "add-k":
            correct[..., 1:] += smooth_value
            total[..., 1:] += smooth_value
        active = np.cumprod(total != 0, axis=-1).astype(bool)  # orders before the first empty one
        zero = (correct == 0) & active
        precision = 100.0 * correct / total
        if smooth_method == "exp":
            mteval = np.cumsum(zero, axis=-1).astype(np.float64)
            precision = np.where(zero, 100.0 / (2.0**mteval * total), precision)
        elif smooth_method == "floor":
            precision = np.where(zero, 100.0 * smooth_value / total, precision)
        else:
            precision = np.where(zero, 0.0, precision)
        precision = np.where(active, precision, 0.0)
        logs = np.where(precision == 0.0, _LOG_ZERO, np.log(np.where(precision > 0, precision, 1.0)))
        eff = active.sum(axis=-1) if effective_order else np.full(sys_len.shape, order)
        eff = np.where(eff == 0, order, eff)
        log_sum = np.zeros(sys_len.shape)
        for n in range(order):  # left to right, as sacrebleu's sum(): bit-identical
            log_sum = log_sum + np.where(n < eff, logs[..., n], 0.0)
        mean_log = log_sum / eff
        score = bp * np.exp(mean_log)
    return np.where(any_match, score, 0.0)


def bleu(predictions: list[str], references: list[list[str]], **sacrebleu_options: Any) -> float:
    """sacrebleu corpus BLEU (0-100); ``references[i]`` = the references of prediction i."""
    return BLEU(**sacrebleu_options).corpus_score(predictions, references)


class BLEU(SacrebleuSumMetric):
    """Corpus BLEU (sacrebleu); options are ``sacrebleu.BLEU``'s (``tokenize``, ``smooth_method``, ...)."""

    info = MetricInfo(
        name="bleu",
        display_name="BLEU",
        higher_is_better=True,
        kind="corpus",
        description="sacrebleu corpus BLEU",
        scale="0-100",
    )

    def make_sacrebleu(self, options: dict[str, Any]) -> Any:
        return make_sacrebleu_bleu(options)

    def from_sums(self, sums: np.ndarray) -> np.ndarray:
        m = self.sacrebleu
        return bleu_from_sums(sums, m.smooth_method, m.smooth_value, m.effective_order, m.max_ngram_order)
