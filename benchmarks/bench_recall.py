"""Recall@1/5/10 on a 25k x 5k retrieval set: transmodal vs CLIP_benchmark, one run.

Setting (COCO-5k test size): 5,000 "images" and 25,000 "captions" (5 per image), random
L2-normalised 512-d embeddings with each caption near its image. Both sides report
text->image Recall@{1,5,10}:

* peer: CLIP_benchmark's own ``recall_at_k`` + ``batchify`` (``pip install clip_benchmark``;
  when it is missing, a faithful re-implementation of those two functions below), called
  once per K exactly as ``zeroshot_retrieval.evaluate`` does: full ``texts @ images.T``
  score matrix, a boolean positive-pair matrix, then per K a ``torch.topk`` + one-hot pass in
  batches of ``--peer-batch`` queries (the CLI's default batch size is 64).
* transmodal: one blocked rank pass giving every query's first-relevant rank, then
  ``mean(rank < K)`` for each K.

Two timings, same data, same process: (a) from a given 25k x 5k similarity matrix
(:func:`first_relevant_ranks`; the metric's own work) and (b) end to end from the embeddings
(:func:`ranks_from_embeddings`; both sides also pay for the 25k x 5k matmul).
Prints the timings, the speed-up ratios, and checks that the recalls agree.
Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_recall.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing


def peer_functions():
    """CLIP_benchmark's recall_at_k and batchify; re-implemented only if the package is absent."""
    try:
        from clip_benchmark.metrics.zeroshot_retrieval import batchify, recall_at_k

        return recall_at_k, batchify, "clip_benchmark (installed)"
    except ImportError:
        import torch

        def recall_at_k(scores, positive_pairs, k):
            nb_texts, nb_images = scores.shape
            topk_indices = torch.topk(scores, k, dim=1)[1]
            nb_positive = positive_pairs.sum(dim=1)
            onehot = torch.nn.functional.one_hot(topk_indices, num_classes=nb_images)
            nb_true_positive = (onehot * positive_pairs.view(nb_texts, 1, nb_images)).sum(dim=(1, 2))
            return nb_true_positive / nb_positive

        def batchify(func, X, Y, batch_size, device, *args, **kwargs):
            results = []
            for start in range(0, len(X), batch_size):
                x, y = X[start : start + batch_size].to(device), Y[start : start + batch_size].to(device)
                results.append(func(x, y, *args, **kwargs).cpu())
            return torch.cat(results)

        return recall_at_k, batchify, "re-implementation of clip_benchmark 1.6.2"


def make_data(n_images: int, per_image: int, dim: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    images = rng.normal(size=(n_images, dim)).astype(np.float32)
    images /= np.linalg.norm(images, axis=1, keepdims=True)
    owner = np.repeat(np.arange(n_images), per_image)
    texts = images[owner] + 5.0 * rng.normal(size=(owner.size, dim)).astype(np.float32) / np.sqrt(dim)
    texts /= np.linalg.norm(texts, axis=1, keepdims=True)
    return images, texts.astype(np.float32), owner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--per-image", type=int, default=5)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--peer-batch", type=int, default=64)
    args = parser.parse_args()

    import torch

    from transmodal.metrics.retrieval import first_relevant_ranks, ranks_from_embeddings

    ks = (1, 5, 10)
    images, texts, owner = make_data(args.images, args.per_image, args.dim)
    recall_at_k, batchify, peer_name = peer_functions()
    print(f"{texts.shape[0]} text queries x {images.shape[0]} images, dim {args.dim}, torch threads {torch.get_num_threads()}")

    relevant_of = lambda: [{int(i)} for i in owner]  # noqa: E731 - part of our timed work
    texts_t, images_t = torch.from_numpy(texts), torch.from_numpy(images)

    def peer_run(scores):
        positive_pairs = torch.zeros_like(scores, dtype=bool)
        positive_pairs[torch.arange(len(scores)), torch.from_numpy(owner)] = True
        return {
            k: (batchify(recall_at_k, scores, positive_pairs, args.peer_batch, "cpu", k=k) > 0).float().mean().item()
            for k in ks
        }

    # (a) from a given 25k x 5k similarity matrix (the metric's own work only)
    scores = texts_t @ images_t.t()
    start = time.perf_counter()
    peer = peer_run(scores)
    peer_sim_s = time.perf_counter() - start
    start = time.perf_counter()
    ranks = first_relevant_ranks(scores.numpy(), relevant_of())
    ours = {k: float(np.mean(ranks < k)) for k in ks}
    ours_sim_s = time.perf_counter() - start
    del scores
    for k in ks:
        print(f"R@{k:<2}  peer {peer[k]:.6f}  transmodal {ours[k]:.6f}")
        assert abs(peer[k] - ours[k]) < 1e-6, f"recall@{k} differs"

    # (b) end to end from embeddings (both sides also pay for the 25k x 5k matmul)
    start = time.perf_counter()
    peer_e2e = peer_run(texts_t @ images_t.t())
    peer_e2e_s = time.perf_counter() - start
    start = time.perf_counter()
    ranks = ranks_from_embeddings(texts, images, relevant_of())
    ours_e2e = {k: float(np.mean(ranks < k)) for k in ks}
    ours_e2e_s = time.perf_counter() - start
    assert all(abs(peer_e2e[k] - ours_e2e[k]) < 1e-6 for k in ks)

    print(f"peer: {peer_name}, batch {args.peer_batch}, one topk/one-hot pass per K")
    print(f"(a) from the similarity matrix:  peer {peer_sim_s:6.2f} s  transmodal {ours_sim_s:6.2f} s  "
          f"speed-up {peer_sim_s / ours_sim_s:.1f}x")
    print(f"(b) from embeddings (+ matmul):  peer {peer_e2e_s:6.2f} s  transmodal {ours_e2e_s:6.2f} s  "
          f"speed-up {peer_e2e_s / ours_e2e_s:.1f}x")


if __name__ == "__main__":
    main()
