"""Retrieval metrics: Recall@K (hit rate), MRR and median rank, from one rank pass.

Definitions (``Q`` queries, ``C`` candidates, similarity ``s[q, c]``, higher = closer):

* **rank** of a query: the number of candidates ordered before its *first relevant*
  candidate when candidates are sorted by descending similarity. 0 is a perfect hit.
  A query with no relevant candidate has rank ``inf`` (a miss everywhere).
* **Recall@K** = mean over queries of ``rank < K``: the fraction of queries with at least
  one relevant candidate in their top K. This is the CLIP-paper "recall" that
  CLIP_benchmark reports (``clip_benchmark/metrics/zeroshot_retrieval.py``: per-query
  ``nb_true_positive / nb_positive > 0`` over ``torch.topk``, averaged), *not* the
  fraction of relevant items retrieved.
* **MRR** = mean of ``1 / (rank + 1)`` (0 for queries with no relevant candidate).
* **median rank** = median of ``rank + 1`` (1-based, as "MedR" in retrieval papers).

**Ties.** Candidates with equal similarity are ordered by candidate index (a stable
descending sort), so ``rank = #{c: s[q,c] > b} + #{c < r: s[q,c] == b}`` where ``b``
is the best relevant similarity and ``r`` the lowest-index relevant candidate scoring
``b``. CLIP_benchmark uses ``torch.topk``, whose choice among tied scores is
unspecified (on CPU it follows index order for long rows but not always for short
ones); both agree whenever no tie straddles the K-th place, which is the case for
float embeddings in practice. ``K`` larger than ``C`` counts every query with a
relevant candidate as a hit (``torch.topk`` would raise).

**Speed and memory.** All K's, MRR and median rank come from one pass that computes
the similarity in query blocks (``block_size`` rows at a time) and counts candidates
scoring above each query's best relevant one: no ``[Q, C]`` matrix (25k x 5k = 500 MB)
and no per-K ``topk``/one-hot pass as in CLIP_benchmark.

**Retrieval tasks.** A retrieval task's output per sample is a float32 array
``[1 + R, D]``: row 0 embeds the sample's source (e.g. an image), rows 1..R its
references (e.g. its captions). Similarity is the dot product of those rows, so the
Embedder's convention decides (L2-normalised rows give cosine, as in CLIP_benchmark).
``direction="text_to_image"`` queries every reference row against all sources (its
own source is relevant: CLIP_benchmark's "image_retrieval"); ``"image_to_text"``
queries every source against all reference rows (its own references are relevant:
"text_retrieval"). For other modality pairs the same two directions are named
``"source_to_references"`` (= ``image_to_text``) and ``"references_to_source"``
(= ``text_to_image``); the display name keeps the name the task used.

**Set-level metric, sharding.** A rank depends on the whole candidate set, so
``state`` must see the full evaluation set; its rows are per *query*:
``[rank, n_candidates, candidate_set_id]``. Concatenating rows is valid only for rows
whose ranks were each computed on a full set (e.g. replicates); ``finalize`` refuses
rows whose candidate counts differ (the symptom of sharded scoring) and notes how many
distinct candidate sets were pooled.
"""

from __future__ import annotations

import dataclasses

import hashlib
from typing import Sequence

import numpy as np

from transmodal import stats as tm_stats
from transmodal.metrics.base import Metric, check_lengths, make_signature
from transmodal.types import MetricInfo, MetricValue, Sample, TransmodalError

DIRECTIONS = ("text_to_image", "image_to_text")
# Modality-neutral names for tasks whose sources are not images (speech->text, text<->text):
# the sample's source plays the image's part, its references the captions'.
DIRECTION_ALIASES = {"source_to_references": "image_to_text", "references_to_source": "text_to_image"}
DEFAULT_BLOCK = 1024

# ---------------------------------------------------------------- rank computation


def _relevant_pairs(relevant, start: int, stop: int, n_candidates: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, candidate) index pairs of the relevant entries of queries ``start:stop``."""
    if isinstance(relevant, np.ndarray):
        rows, cols = np.nonzero(relevant[start:stop])
        return rows, cols
    sizes = [len(items) for items in relevant[start:stop]]
    rows = np.repeat(np.arange(stop - start), sizes)
    cols = np.fromiter((c for items in relevant[start:stop] for c in items), dtype=np.int64, count=sum(sizes))
    if cols.size and (cols.min() < 0 or cols.max() >= n_candidates):
        raise TransmodalError(f"relevant candidate index out of range [0, {n_candidates}) in queries {start}..{stop - 1}")
    return rows, cols


def _block_ranks(scores: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """0-based rank of the first relevant candidate per row (index order breaks ties).

    Two counting passes over the block: candidates scoring above the best relevant
    one, and those scoring at least as high; only rows where more than one candidate
    ties the best relevant score get the index-order correction.
    """
    if not np.isfinite(scores).all():
        raise TransmodalError("similarity contains NaN or infinite values")
    rows, cols = pairs
    best = np.full(scores.shape[0], -np.inf, dtype=scores.dtype)
    np.maximum.at(best, rows, scores[rows, cols])
    has = np.isfinite(best)
    column = best[:, None]
    ahead = np.count_nonzero(scores > column, axis=1).astype(np.float64)
    ties = np.count_nonzero(scores >= column, axis=1) - ahead
    tied = np.flatnonzero(has & (ties > 1))
    if tied.size:
        on_best = scores[rows, cols] == best[rows]
        first = np.full(scores.shape[0], scores.shape[1], dtype=np.int64)
        np.minimum.at(first, rows[on_best], cols[on_best])
        for row in tied:  # rare: ties are essentially absent with float embeddings
            ahead[row] += np.count_nonzero(scores[row, : first[row]] == best[row])
    ahead[~has] = np.inf
    return ahead


def _check_relevant(relevant, n_queries: int, n_candidates: int):
    if isinstance(relevant, np.ndarray):
        if relevant.dtype != bool or relevant.shape != (n_queries, n_candidates):
            raise TransmodalError(
                f"relevant must be a bool array of shape {(n_queries, n_candidates)}, got {relevant.dtype} {relevant.shape}"
            )
        return relevant
    relevant = list(relevant)
    if len(relevant) != n_queries:
        raise TransmodalError(f"relevant has {len(relevant)} entries for {n_queries} queries")
    return relevant


def first_relevant_ranks(similarity, relevant, block_size: int = DEFAULT_BLOCK) -> np.ndarray:
    """Per-query 0-based rank of the first relevant candidate (``inf`` when none).

    ``similarity`` is ``[Q, C]``; ``relevant`` a bool ``[Q, C]`` array or one set of
    candidate indices per query. Processed ``block_size`` queries at a time.
    """
    sim = np.asarray(similarity)
    if not np.issubdtype(sim.dtype, np.floating):
        sim = sim.astype(np.float64)
    if sim.ndim != 2 or 0 in sim.shape:
        raise TransmodalError(f"similarity must be a non-empty [queries, candidates] matrix, got shape {sim.shape}")
    relevant = _check_relevant(relevant, *sim.shape)
    out = np.empty(sim.shape[0], dtype=np.float64)
    for start in range(0, sim.shape[0], block_size):
        stop = min(start + block_size, sim.shape[0])
        out[start:stop] = _block_ranks(sim[start:stop], _relevant_pairs(relevant, start, stop, sim.shape[1]))
    return out


def ranks_from_embeddings(queries, candidates, relevant, block_size: int = DEFAULT_BLOCK) -> np.ndarray:
    """:func:`first_relevant_ranks` of ``queries @ candidates.T``, computed in query blocks."""
    q = np.asarray(queries, dtype=np.float32)
    c = np.asarray(candidates, dtype=np.float32)
    if q.ndim != 2 or c.ndim != 2 or q.shape[1] != c.shape[1]:
        raise TransmodalError(f"query and candidate embeddings must be [N, D] with equal D, got {q.shape} and {c.shape}")
    if 0 in q.shape or 0 in c.shape:
        raise TransmodalError("no queries or no candidates to rank")
    relevant = _check_relevant(relevant, q.shape[0], c.shape[0])
    ct = np.ascontiguousarray(c.T)
    out = np.empty(q.shape[0], dtype=np.float64)
    for start in range(0, q.shape[0], block_size):
        stop = min(start + block_size, q.shape[0])
        out[start:stop] = _block_ranks(q[start:stop] @ ct, _relevant_pairs(relevant, start, stop, c.shape[0]))
    return out


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise TransmodalError(f"k must be a positive integer, got {k!r}")
    return int(k)


def recall_at_k(similarity, relevant, k: int) -> float:
    """Fraction of queries with at least one relevant candidate among their top ``k``.

    ``similarity``: ``[Q, C]`` (higher = closer); ``relevant``: bool ``[Q, C]`` or one
    set of candidate indices per query. Equals CLIP_benchmark's
    ``(recall_at_k(scores, positive_pairs, k) > 0).float().mean()``; ties: see module doc.
    """
    k = _check_k(k)
    return float(np.mean(first_relevant_ranks(similarity, relevant) < k))


def recall_at_ks(similarity, relevant, ks: Sequence[int] = (1, 5, 10)) -> dict[int, float]:
    """Recall@k for several k from one rank pass: ``{k: recall}``."""
    ranks = first_relevant_ranks(similarity, relevant)
    return {_check_k(k): float(np.mean(ranks < k)) for k in ks}


def mean_reciprocal_rank(similarity, relevant) -> float:
    """Mean over queries of ``1 / (1 + rank of the first relevant candidate)``."""
    return float(np.mean(1.0 / (first_relevant_ranks(similarity, relevant) + 1.0)))


def median_rank(similarity, relevant) -> float:
    """Median over queries of the 1-based rank of the first relevant candidate."""
    return float(np.median(first_relevant_ranks(similarity, relevant) + 1.0))


# ---------------------------------------------------------------- metric objects


def _split_outputs(outputs: Sequence, samples: Sequence[Sample]):
    """Stack sources (row 0) and references (rows 1..R) and who owns each reference."""
    check_lengths(outputs, samples)
    arrays = []
    for sample, output in zip(samples, outputs):
        array = np.asarray(output, dtype=np.float32)
        if array.ndim != 2 or array.shape[0] < 1:
            raise TransmodalError(f"sample {sample.id}: retrieval output must be a [1 + R, D] array, got shape {array.shape}")
        arrays.append(array)
    dims = {a.shape[1] for a in arrays}
    if len(dims) != 1:
        raise TransmodalError(f"retrieval outputs have different embedding sizes: {sorted(dims)}")
    sources = np.stack([a[0] for a in arrays])
    references = np.concatenate([a[1:] for a in arrays], axis=0)
    owner = np.concatenate([np.full(a.shape[0] - 1, i, dtype=np.int64) for i, a in enumerate(arrays)])
    if references.shape[0] == 0:
        raise TransmodalError("retrieval outputs have no reference rows (rows 1..R): nothing to match")
    return sources, references, owner


def _set_id(candidates: np.ndarray) -> float:
    """A 48-bit id of the candidate set (exact in float64) to tell sets apart."""
    digest = hashlib.sha256(np.ascontiguousarray(candidates, dtype="<f4").tobytes()).digest()
    return float(int.from_bytes(digest[:6], "big"))


class _RankMetric(Metric):
    """Shared state and interval code; subclasses map ranks to per-query values."""

    name = "retrieval-rank"

    def __init__(self, direction: str = "text_to_image", block_size: int = DEFAULT_BLOCK) -> None:
        if direction not in DIRECTIONS and direction not in DIRECTION_ALIASES:
            known = ", ".join(DIRECTIONS + tuple(DIRECTION_ALIASES))
            raise TransmodalError(f"unknown retrieval direction {direction!r}; use one of {known}")
        self.direction = DIRECTION_ALIASES.get(direction, direction)
        self.block_size = int(block_size)
        # the column shows the direction as the task named it (e.g. "MRR (source to references)")
        label = f"{self._display_base()} ({direction.replace('_', ' ')})"
        self.info = dataclasses.replace(type(self).info, display_name=label)

    def _display_base(self) -> str:
        return type(self).info.display_name

    def state(self, outputs: Sequence, samples: Sequence[Sample]) -> np.ndarray:
        sources, references, owner = _split_outputs(outputs, samples)
        if self.direction == "text_to_image":
            queries, candidates = references, sources
            relevant = [{int(i)} for i in owner]
        else:
            queries, candidates = sources, references
            relevant = [set() for _ in range(len(sources))]
            for j, i in enumerate(owner):
                relevant[i].add(j)
        ranks = ranks_from_embeddings(queries, candidates, relevant, self.block_size)
        rows = np.empty((ranks.size, 3), dtype=np.float64)
        rows[:, 0] = ranks
        rows[:, 1] = candidates.shape[0]
        rows[:, 2] = _set_id(candidates)
        return rows

    def values(self, ranks: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _interval(self, values: np.ndarray, seed: int) -> tuple[float, float]:
        rows = np.stack([values, np.ones_like(values)], axis=1)
        return tm_stats.bootstrap_sums(rows, lambda s: s[..., 0] / s[..., 1], tm_stats.DEFAULT_RESAMPLES, seed)

    def finalize(self, state: np.ndarray, seed: int = 0) -> MetricValue:
        rows = np.asarray(state, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != 3 or rows.shape[0] == 0:
            raise TransmodalError(f"{self.info.name}: expected [queries, 3] rank rows, got shape {rows.shape}")
        if len(np.unique(rows[:, 1])) > 1:
            raise TransmodalError(
                f"{self.info.name}: rank rows come from candidate sets of different sizes; "
                "retrieval ranks must be computed on the full set, not merged from shards"
            )
        values = self.values(rows[:, 0])
        low, high = self._interval(values, seed)
        notes = [f"ties: candidate index order; queries: {rows.shape[0]}; candidates: {int(rows[0, 1])}"]
        sets = len(np.unique(rows[:, 2]))
        if sets > 1:
            notes.append(f"pooled ranks from {sets} candidate sets (e.g. replicates)")
        missing = int(np.isinf(rows[:, 0]).sum())
        if missing:
            notes.append(f"{missing} queries have no relevant candidate (counted as misses)")
        return MetricValue(
            self.aggregate(values), low, high, rows.shape[0], "bootstrap-percentile",
            tuple(float(v) for v in values), tuple(notes),
        )

    def aggregate(self, values: np.ndarray) -> float:
        return float(np.mean(values))

    def signature(self) -> str:
        return make_signature(self.name, **self._signature_parts(), direction=self.direction, ties="index-order",
                              similarity="dot")

    def _signature_parts(self) -> dict:
        return {}


class RecallAtK(_RankMetric):
    """Recall@K (hit rate): fraction of queries whose first relevant candidate ranks < K."""

    name = "recall@k"
    info = MetricInfo("recall@k", "R@K", True, "corpus",
                      "fraction of queries with a relevant candidate in the top K (CLIP_benchmark hit rate)")

    def __init__(self, k: int = 1, direction: str = "text_to_image", block_size: int = DEFAULT_BLOCK) -> None:
        self.k = _check_k(k)
        super().__init__(direction, block_size)

    def _display_base(self) -> str:
        return f"R@{self.k}"

    def values(self, ranks: np.ndarray) -> np.ndarray:
        return (ranks < self.k).astype(np.float64)

    def _signature_parts(self) -> dict:
        return {"k": self.k}


class MeanReciprocalRank(_RankMetric):
    """MRR: mean of ``1 / (1 + rank)`` of the first relevant candidate."""

    name = "mrr"
    info = MetricInfo("mrr", "MRR", True, "corpus", "mean reciprocal rank of the first relevant candidate")

    def values(self, ranks: np.ndarray) -> np.ndarray:
        return 1.0 / (ranks + 1.0)


class MedianRank(_RankMetric):
    """Median 1-based rank of the first relevant candidate (lower is better)."""

    name = "median-rank"
    info = MetricInfo("median-rank", "MedR", False, "corpus", "median 1-based rank of the first relevant candidate")

    def values(self, ranks: np.ndarray) -> np.ndarray:
        return ranks + 1.0

    def aggregate(self, values: np.ndarray) -> float:
        return float(np.median(values))

    def _interval(self, values: np.ndarray, seed: int) -> tuple[float, float]:
        """Percentile bootstrap of the median, resampling queries in chunks of replicates."""
        n = values.size
        if n < 2:
            return float(values[0]), float(values[0])
        rng = np.random.default_rng(seed)
        medians = []
        chunk = max(1, min(tm_stats.DEFAULT_RESAMPLES, 4_000_000 // n))
        for start in range(0, tm_stats.DEFAULT_RESAMPLES, chunk):
            size = min(chunk, tm_stats.DEFAULT_RESAMPLES - start)
            medians.append(np.median(values[rng.integers(0, n, size=(size, n))], axis=1))
        alpha = (1.0 - tm_stats.CONFIDENCE) / 2.0
        low, high = np.quantile(np.concatenate(medians), [alpha, 1.0 - alpha])
        return float(low), float(high)
