"""Plumbing shared by the sacrebleu-backed corpus metrics (BLEU, chrF, chrF++).

Each metric wraps one configured sacrebleu metric object and uses only its
statistics extraction and signature; the score of summed statistics is the
subclass's own vectorised ``from_sums``.

* :func:`reference_streams`: per-prediction reference lists -> sacrebleu's reference
  streams (``streams[j][i]`` = j-th reference of segment i), ``None``-padded where a
  segment has fewer references (sacrebleu's variable-references form, ``nrefs:var``).
* :func:`sacrebleu_stats`: sacrebleu's per-sentence sufficient statistics ``[N, S]``
  via ``_extract_corpus_statistics`` (the private method its significance tests use).
* :func:`merge_nrefs` / :func:`sacrebleu_signature_parts`: sacrebleu's ``num_refs``
  across scored parts and its signature string, split into ordered parts.
* :class:`SacrebleuSumMetric`: the :class:`SumMetric` glue (options -> sacrebleu
  object, ``state``, ``signature``, one-call corpus score).
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Sequence

import numpy as np

from transmodal.metrics.base import SumMetric, check_lengths, make_signature
from transmodal.metrics.normalizers import check_reference_lists, check_texts
from transmodal.types import Sample


def reference_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Per-prediction reference lists -> sacrebleu reference streams, ``None``-padded."""
    width = max(len(refs) for refs in references)
    return [[refs[j] if j < len(refs) else None for refs in references] for j in range(width)]


def sacrebleu_signature_parts(metric: Any, nrefs: int | None) -> dict[str, str]:
    """sacrebleu's signature of ``metric`` for ``nrefs`` references (-1: variable) as ordered parts."""
    saved = metric.__dict__.get("num_refs")
    metric.num_refs = nrefs if nrefs is not None else "unknown"
    try:
        text = metric.get_signature().format()
    finally:
        if saved is None:
            metric.__dict__.pop("num_refs", None)
        else:
            metric.num_refs = saved
    return dict(part.split(":", 1) for part in text.split("|"))


def merge_nrefs(seen: int | None, new: int) -> int:
    """sacrebleu's ``num_refs`` after scoring two parts: equal counts stay, else -1 (``var``)."""
    return new if seen is None or seen == new else -1


def sacrebleu_stats(metric: Any, predictions: Sequence, references: Sequence) -> tuple[np.ndarray, int]:
    """sacrebleu's per-sentence statistics ``[N, S]`` and its ``num_refs`` for this data."""
    preds = check_texts(predictions, "predictions")
    refs = check_reference_lists(references)
    check_lengths(preds, refs)
    stats = metric._extract_corpus_statistics(preds, reference_streams(refs))
    return np.asarray(stats, dtype=np.float64).reshape(len(preds), -1), int(metric.num_refs)


class SacrebleuSumMetric(SumMetric):
    """A :class:`SumMetric` whose rows are a sacrebleu metric's per-sentence statistics.

    Subclasses set :meth:`make_sacrebleu` (validated options -> sacrebleu object),
    :meth:`signature_name` and ``from_sums``. ``nrefs`` follows sacrebleu's
    ``num_refs`` over every ``state`` call (``-1`` once counts differ).
    """

    def __init__(self, **sacrebleu_options: Any) -> None:
        self.options = dict(sacrebleu_options)
        self.sacrebleu = self.make_sacrebleu(self.options)
        self.nrefs: int | None = None

    @abstractmethod
    def make_sacrebleu(self, options: dict[str, Any]) -> Any:
        """The configured sacrebleu metric object; invalid ``options`` raise ``TransmodalError``."""

    def signature_name(self) -> str:
        return self.info.name

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        check_lengths(outputs, samples)
        rows, nrefs = sacrebleu_stats(self.sacrebleu, outputs, [list(sample.references) for sample in samples])
        self.nrefs = merge_nrefs(self.nrefs, nrefs)
        return rows

    def corpus_score(self, predictions: Sequence, references: Sequence) -> float:
        """The corpus value of ``predictions`` against ``references[i]`` (the references of prediction i)."""
        rows, _ = sacrebleu_stats(self.sacrebleu, predictions, references)
        return float(self.from_sums(rows.sum(0)))

    def signature(self) -> str:
        return make_signature(self.signature_name(), **sacrebleu_signature_parts(self.sacrebleu, self.nrefs))
