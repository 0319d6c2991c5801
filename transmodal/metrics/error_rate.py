"""Word and character error rate (WER, CER), jiwer-compatible corpus values.

Definition (jiwer 3/4 ``wer``/``cer`` on lists of sentences)::

    WER = sum_i edits_i / sum_i ref_words_i

where ``edits_i`` is the word-level Levenshtein distance (substitutions + deletions
+ insertions, unit costs) between reference i and prediction i. This is the
*corpus* WER (total edits over total reference words), not the mean of per-sentence
WERs. CER is the same on characters.

Preprocessing, in this order:

1. The named normaliser (``transmodal.metrics.normalizers``: ``"none"``, ``"basic"``,
   ``"whisper-en"``) is applied to predictions and references alike.
2. jiwer's default transforms. WER: runs of two or more whitespace characters
   become one space, the text is stripped, then split on single spaces (so, as in
   jiwer, a lone tab between two words does *not* separate them). CER: the text is
   stripped; every remaining character, spaces included, is a token.

Conventions (jiwer's, kept on purpose so numbers match):

* Empty prediction: every reference token is a deletion (WER 1 for that sentence).
* Empty reference: its prediction's tokens count as insertions in the numerator and
  nothing in the denominator. If the whole corpus has no reference tokens, the
  value is the number of inserted tokens (jiwer returns the insertion count, not
  a ratio), and 0 when predictions are empty too. WER can exceed 1.
* Non-``str`` input (``bytes``, ``None``) or text that is not valid UTF-8 raises a
  one-line ``TransmodalError``; lengths must match (``check_lengths``).

Speed: words are mapped to integers once per corpus and the distances come from
``rapidfuzz.distance.Levenshtein.distance`` on the integer sequences; jiwer computes
full alignments (opcodes and Python objects per chunk) for the same number.

State rows are ``[edits, ref_tokens]`` per sample; shards merge by concatenation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

import numpy as np

from transmodal.metrics.base import SumMetric, check_lengths, make_signature, package_version
from transmodal.metrics.normalizers import check_texts, get_normalizer
from transmodal.types import MetricInfo, Sample, TransmodalError

_WHITESPACE_RUN = re.compile(r"\s\s+")
_NON_SPACE_WHITESPACE = re.compile(r"[^\S ]")


def _words(texts: list[str]) -> list[list[str]]:
    """jiwer's ``wer_default`` tokenisation of each text."""
    if not _NON_SPACE_WHITESPACE.search("".join(texts)):
        # only ' ' separates words: collapse + strip + split(' ') == str.split()
        return [text.split() for text in texts]
    out = []
    for text in texts:
        text = _WHITESPACE_RUN.sub(" ", text).strip()
        out.append(text.split(" ") if text else [])
    return out


def _prepare(predictions: Sequence, references: Sequence, normalizer: str | None) -> tuple[list[str], list[str]]:
    preds = check_texts(predictions, "predictions")
    refs = check_texts(references, "references")
    check_lengths(preds, refs)
    norm = get_normalizer(normalizer)
    return norm.many(preds), norm.many(refs)


def word_edit_stats(predictions: Sequence[str], references: Sequence[str], normalizer: str | None = None) -> np.ndarray:
    """``[N, 2]`` rows ``[word edits, reference words]`` (jiwer tokenisation)."""
    from rapidfuzz.distance import Levenshtein

    preds, refs = _prepare(predictions, references, normalizer)
    ref_words, pred_words = _words(refs), _words(preds)
    vocab: defaultdict[str, int] = defaultdict()
    vocab.default_factory = vocab.__len__  # type: ignore[assignment]
    lookup = vocab.__getitem__
    distance = Levenshtein.distance
    rows = np.empty((len(refs), 2), dtype=np.float64)
    for index, (ref, pred) in enumerate(zip(ref_words, pred_words)):
        ref_ids = list(map(lookup, ref))
        rows[index, 0] = distance(ref_ids, list(map(lookup, pred)))
        rows[index, 1] = len(ref_ids)
    return rows


def char_edit_stats(predictions: Sequence[str], references: Sequence[str], normalizer: str | None = None) -> np.ndarray:
    """``[N, 2]`` rows ``[character edits, reference characters]`` (after strip)."""
    from rapidfuzz.distance import Levenshtein

    preds, refs = _prepare(predictions, references, normalizer)
    distance = Levenshtein.distance
    rows = np.empty((len(refs), 2), dtype=np.float64)
    for index, (ref, pred) in enumerate(zip(refs, preds)):
        ref = ref.strip()
        rows[index, 0] = distance(ref, pred.strip())
        rows[index, 1] = len(ref)
    return rows


def error_rate_from_sums(sums: np.ndarray) -> np.ndarray:
    """``edits / ref_tokens``; jiwer's convention ``edits`` where there are no reference tokens."""
    sums = np.asarray(sums, dtype=np.float64)
    edits, ref_len = sums[..., 0], sums[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ref_len > 0, edits / np.where(ref_len > 0, ref_len, 1.0), edits)


def wer(predictions: list[str], references: list[str], normalizer: str | None = None) -> float:
    """Corpus word error rate (total word edits / total reference words), as jiwer."""
    return float(error_rate_from_sums(word_edit_stats(predictions, references, normalizer).sum(0)))


def cer(predictions: list[str], references: list[str], normalizer: str | None = None) -> float:
    """Corpus character error rate (total char edits / total reference chars), as jiwer."""
    return float(error_rate_from_sums(char_edit_stats(predictions, references, normalizer).sum(0)))


def _first_references(samples: Sequence[Sample], name: str) -> list[str]:
    refs = []
    for sample in samples:
        if not sample.references:
            raise TransmodalError(f"{name}: sample {sample.id!r} has no reference transcript")
        refs.append(sample.references[0])
    return refs


class _ErrorRate(SumMetric):
    """Shared body of WER and CER: rows ``[edits, ref_tokens]``."""

    unit = ""

    def __init__(self, normalizer: str | None = None) -> None:
        self.normalizer = get_normalizer(normalizer)

    def _stats(self, predictions: Sequence[str], references: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        check_lengths(outputs, samples)
        return self._stats(outputs, _first_references(samples, self.info.name))

    def from_sums(self, sums: np.ndarray) -> np.ndarray:
        return error_rate_from_sums(sums)

    def signature(self) -> str:
        return make_signature(
            self.info.name,
            norm=self.normalizer.name,
            normv=self.normalizer.version,
            unit=self.unit,
            conv="jiwer-compatible",
            rapidfuzz=package_version("rapidfuzz"),
        )


class WordErrorRate(_ErrorRate):
    """Corpus WER, jiwer-compatible; ``normalizer`` names a registered normaliser."""

    info = MetricInfo(
        name="wer",
        display_name="WER",
        higher_is_better=False,
        kind="corpus",
        description="corpus word error rate: total word edits / total reference words (jiwer)",
        scale="fraction",
    )
    unit = "word"

    def _stats(self, predictions: Sequence[str], references: Sequence[str]) -> np.ndarray:
        return word_edit_stats(predictions, references, self.normalizer.name)


class CharErrorRate(_ErrorRate):
    """Corpus CER, jiwer-compatible; ``normalizer`` names a registered normaliser."""

    info = MetricInfo(
        name="cer",
        display_name="CER",
        higher_is_better=False,
        kind="corpus",
        description="corpus character error rate: total char edits / total reference chars (jiwer)",
        scale="fraction",
    )
    unit = "char"

    def _stats(self, predictions: Sequence[str], references: Sequence[str]) -> np.ndarray:
        return char_edit_stats(predictions, references, self.normalizer.name)
