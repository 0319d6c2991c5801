"""transmodal/metrics/retrieval.py against CLIP_benchmark's recall_at_k and hand cases."""

import numpy as np
import pytest

from transmodal.metrics import retrieval
from transmodal.metrics.retrieval import (
    MeanReciprocalRank,
    MedianRank,
    RecallAtK,
    first_relevant_ranks,
    mean_reciprocal_rank,
    median_rank,
    recall_at_k,
    recall_at_ks,
)
from transmodal.types import Sample, TransmodalError


def _peer_recall(scores: np.ndarray, positives: np.ndarray, k: int, batch_size: int = 7) -> float:
    """CLIP_benchmark's own recall_at_k + batchify, as its evaluate() calls them."""
    torch = pytest.importorskip("torch")
    zr = pytest.importorskip("clip_benchmark.metrics.zeroshot_retrieval")
    hits = zr.batchify(zr.recall_at_k, torch.from_numpy(scores), torch.from_numpy(positives), batch_size, "cpu", k=k) > 0
    return hits.float().mean().item()


def _dataset(n_images=13, captions_per_image=(1, 2, 3), dim=8, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.normal(size=(n_images, dim)).astype(np.float32)
    images /= np.linalg.norm(images, axis=1, keepdims=True)
    counts = [captions_per_image[i % len(captions_per_image)] for i in range(n_images)]
    captions = [images[i] + 0.9 * rng.normal(size=(c, dim)).astype(np.float32) for i, c in enumerate(counts)]
    captions = [c / np.linalg.norm(c, axis=1, keepdims=True) for c in captions]
    outputs = [np.concatenate([images[i : i + 1], captions[i]]).astype(np.float32) for i in range(n_images)]
    samples = [Sample(id=str(i), source=f"img{i}.png", references=tuple(f"c{j}" for j in range(counts[i]))) for i in range(n_images)]
    return outputs, samples, images, np.concatenate(captions), np.repeat(np.arange(n_images), counts)


def test_recall_matches_clip_benchmark_on_random_scores():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(40, 23)).astype(np.float32)
    positives = rng.random((40, 23)) < 0.1
    positives[0] = False  # a query without positives is a miss in both
    for k in (1, 2, 5, 10, 23):
        assert recall_at_k(scores, positives, k) == pytest.approx(_peer_recall(scores, positives, k), abs=1e-7)


def test_metric_objects_match_clip_benchmark_both_directions():
    outputs, samples, images, captions, owner = _dataset()
    scores = captions @ images.T  # texts x images, as CLIP_benchmark builds it
    positives = np.zeros_like(scores, dtype=bool)
    positives[np.arange(len(owner)), owner] = True
    for k in (1, 3, 5):
        t2i = RecallAtK(k=k, direction="text_to_image").evaluate(outputs, samples)
        i2t = RecallAtK(k=k, direction="image_to_text").evaluate(outputs, samples)
        assert t2i.value == pytest.approx(_peer_recall(scores, positives, k), abs=1e-6)
        assert i2t.value == pytest.approx(_peer_recall(scores.T.copy(), positives.T.copy(), k), abs=1e-6)
        assert t2i.n == len(captions) and i2t.n == len(images)
        assert t2i.ci_low <= t2i.value <= t2i.ci_high


def test_hand_computed_ranks_mrr_and_median():
    sim = np.array(
        [
            [0.9, 0.1, 0.5, 0.3],  # relevant {2}: one candidate ahead -> rank 1
            [0.2, 0.8, 0.1, 0.7],  # relevant {1, 3}: best relevant is first -> rank 0
            [0.1, 0.2, 0.3, 0.4],  # relevant {0}: three ahead -> rank 3
        ]
    )
    relevant = [{2}, {1, 3}, {0}]
    np.testing.assert_array_equal(first_relevant_ranks(sim, relevant), [1, 0, 3])
    assert recall_at_k(sim, relevant, 1) == pytest.approx(1 / 3)
    assert recall_at_k(sim, relevant, 2) == pytest.approx(2 / 3)
    assert recall_at_ks(sim, relevant, (1, 4)) == {1: pytest.approx(1 / 3), 4: 1.0}
    assert mean_reciprocal_rank(sim, relevant) == pytest.approx((1 / 2 + 1 + 1 / 4) / 3)
    assert median_rank(sim, relevant) == 2.0
    mask = np.zeros((3, 4), dtype=bool)
    mask[0, 2] = mask[1, 1] = mask[1, 3] = mask[2, 0] = True
    np.testing.assert_array_equal(first_relevant_ranks(sim, mask), [1, 0, 3])


def test_ties_follow_candidate_index_order():
    sim = np.array([[0.5, 0.5, 0.5, 0.1], [0.5, 0.5, 0.5, 0.1], [0.5, 0.5, 0.5, 0.9]])
    relevant = [{2}, {0, 2}, {1}]
    # query 0: candidates 0 and 1 tie with it and come first -> rank 2
    # query 1: relevant candidate 0 is first among the tie -> rank 0
    # query 2: candidate 3 scores higher, candidate 0 ties before it -> rank 2
    np.testing.assert_array_equal(first_relevant_ranks(sim, relevant), [2, 0, 2])


def test_no_relevant_is_a_miss_and_blocks_do_not_change_ranks():
    rng = np.random.default_rng(3)
    q, c = rng.normal(size=(50, 6)).astype(np.float32), rng.normal(size=(17, 6)).astype(np.float32)
    relevant = [set(rng.choice(17, size=rng.integers(0, 3), replace=False).tolist()) for _ in range(50)]
    whole = retrieval.ranks_from_embeddings(q, c, relevant, block_size=1000)
    blocked = retrieval.ranks_from_embeddings(q, c, relevant, block_size=7)
    np.testing.assert_array_equal(whole, blocked)
    np.testing.assert_array_equal(whole, first_relevant_ranks(q @ c.T, relevant))
    assert np.isinf(whole[[i for i, r in enumerate(relevant) if not r]]).all()


def test_mrr_and_median_rank_objects_agree_with_functions():
    outputs, samples, images, captions, owner = _dataset(n_images=9, seed=4)
    relevant = [{int(i)} for i in owner]
    sim = captions @ images.T
    mrr = MeanReciprocalRank().evaluate(outputs, samples)
    med = MedianRank().evaluate(outputs, samples)
    assert mrr.value == pytest.approx(mean_reciprocal_rank(sim, relevant), abs=1e-9)
    assert med.value == pytest.approx(median_rank(sim, relevant))
    assert med.ci_low <= med.value <= med.ci_high
    assert not MedianRank().info.higher_is_better and mrr.n == len(captions)


def test_sharded_rows_are_refused_and_signature_pins_options():
    outputs, samples, *_ = _dataset(n_images=10)
    metric = RecallAtK(k=5, direction="image_to_text")
    shard_a = metric.state(outputs[:4], samples[:4])
    shard_b = metric.state(outputs[4:], samples[4:])
    with pytest.raises(TransmodalError, match="full set"):
        metric.finalize(np.concatenate([shard_a, shard_b]))
    full = metric.state(outputs, samples)
    pooled = metric.finalize(np.concatenate([full, full]))  # e.g. two identical replicates
    assert pooled.value == pytest.approx(metric.finalize(full).value)
    sig = metric.signature()
    assert "k:5" in sig and "direction:image_to_text" in sig and "ties:index-order" in sig
    assert RecallAtK(k=1).signature() != sig


def test_bad_input_is_one_line_error():
    with pytest.raises(TransmodalError):
        recall_at_k(np.zeros((2, 3)), [{0}], 1)
    with pytest.raises(TransmodalError):
        recall_at_k(np.zeros((2, 3)), [{0}, {1}], 0)
    with pytest.raises(TransmodalError):
        recall_at_k(np.array([[np.nan, 0.0]]), [{0}], 1)
    with pytest.raises(TransmodalError):
        RecallAtK(direction="sideways")
    with pytest.raises(TransmodalError):
        RecallAtK().state([np.zeros((2, 3)), np.zeros((2, 4))], [Sample("a", "x"), Sample("b", "y")])
