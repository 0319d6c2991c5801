"""Bootstrap CI of corpus BLEU (1,000 resamples, 10k sentences): transmodal vs sacrebleu.

Setting: ``--n`` (10,000) synthetic sentences of 5-40 words from a 2k-word vocabulary,
hypotheses with ~30% substituted words, one reference each. sacrebleu extracts the
per-sentence statistics once (``[hyp_len, ref_len, matches x4, totals x4]``, ~seconds,
identical for both sides and not timed). Then, from those statistics:

* CI, peer: ``sacrebleu.significance._bootstrap_resample`` + ``estimate_ci``, exactly
  what ``BLEU().corpus_score(..., n_bootstrap=1000)`` and the baseline part of
  ``sacrebleu --paired-bs`` run: draw ``[B, N]`` indices, gather ``stats[idx]`` as a
  ``[B, N, 10]`` float32 array, sum, call ``compute_bleu`` B times in Python.
* CI, transmodal: ``transmodal.stats.bootstrap_sums(rows, BLEU().from_sums, 1000)``:
  resample counts ``[B, N] @ rows [N, 10]`` and one vectorised ``bleu_from_sums``.
* Paired test, peer: what ``sacrebleu --paired-bs`` runs for a baseline and one system once
  statistics exist: the baseline's ``_bootstrap_resample`` CI, then ``_paired_bs_test``.
* Paired test, transmodal: both systems' ``bootstrap_sums`` CIs and ``paired_bootstrap_delta``.

Checks: the point values agree, and on sacrebleu's own resample indices our
vectorised BLEU gives sacrebleu's replicate scores. Prints timings (best of
``--repeats``) and ratios.
Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_bleu_bootstrap.py``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

from _timing import best_time

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing


def make_corpus(n: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """References and two systems' hypotheses (~30% and ~35% substituted words)."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(2000)]
    refs = [" ".join(rng.choices(vocab, k=rng.randint(5, 40))) for _ in range(n)]

    def system(rate: float) -> list[str]:
        return [" ".join(w if rng.random() > rate else rng.choice(vocab) for w in r.split()) for r in refs]

    return refs, system(0.30), system(0.35)



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import sacrebleu
    from sacrebleu.metrics.bleu import BLEU as SacreBLEU
    from sacrebleu.significance import Result, _bootstrap_resample, _paired_bs_test, estimate_ci

    from transmodal import stats as tm_stats
    from transmodal.metrics.bleu import BLEU

    refs, base_hyps, sys_hyps = make_corpus(args.n, seed=0)
    start = time.perf_counter()
    cache: dict[int, list] = {}

    class PreExtracted(SacreBLEU):
        """sacrebleu's BLEU whose statistics extraction is served from the one-off pass."""

        def _extract_corpus_statistics(self, hypotheses, references):
            return cache[id(hypotheses)]

    peer = PreExtracted()
    for hyps in (base_hyps, sys_hyps):
        cache[id(hyps)] = SacreBLEU._extract_corpus_statistics(peer, hyps, [refs])
    print(f"{args.n:,} sentences, {args.resamples} resamples, sacrebleu {sacrebleu.__version__}; "
          f"statistics extracted once in {time.perf_counter() - start:.1f} s (not timed below)")

    ours = BLEU()
    base_rows = np.asarray(cache[id(base_hyps)], dtype=np.float64)
    sys_rows = np.asarray(cache[id(sys_hyps)], dtype=np.float64)

    # --- values agree -------------------------------------------------------------------
    peer_value = peer._aggregate_and_compute(cache[id(sys_hyps)]).score
    our_value = float(ours.from_sums(sys_rows.sum(0)))
    idxs = np.random.default_rng(12345).choice(args.n, size=(args.resamples, args.n), replace=True)
    peer_reps = np.array([peer._compute_score_from_stats(s.sum(0)).score
                          for s in np.asarray(cache[id(sys_hyps)], dtype="float32")[idxs]])
    counts = np.stack([np.bincount(row, minlength=args.n) for row in idxs]).astype(np.float64)
    our_reps = ours.from_sums(counts @ sys_rows)
    agree = abs(peer_value - our_value) < 1e-9 and np.allclose(our_reps, peer_reps, rtol=1e-6, atol=1e-9)
    print(f"BLEU: sacrebleu {peer_value:.4f}  transmodal {our_value:.4f}; same-resample replicates "
          f"max |diff| {np.max(np.abs(our_reps - peer_reps)):.2e}: {'agree' if agree else 'DIFFER'}")

    # --- one system's 95% CI ------------------------------------------------------------
    def peer_ci():
        _, scores = _bootstrap_resample(cache[id(sys_hyps)], peer, args.resamples)
        return estimate_ci(np.array([s.score for s in scores]))

    def our_ci():
        return tm_stats.bootstrap_sums(sys_rows, ours.from_sums, args.resamples, seed=0)

    peer_t, (mean, half) = best_time(peer_ci, args.repeats)
    our_t, (low, high) = best_time(our_ci, args.repeats)
    print(f"CI      : sacrebleu {peer_t:7.3f} s (mean {mean:.2f} +- {half:.2f})  transmodal {our_t:7.3f} s "
          f"([{low:.2f}, {high:.2f}])  speed-up x{peer_t / our_t:.1f}")

    # --- paired bootstrap test: baseline CI, system CI, p-value (sacrebleu --paired-bs) ------
    base_score = peer._aggregate_and_compute(cache[id(base_hyps)])

    def peer_paired():
        _, scores = _bootstrap_resample(cache[id(base_hyps)], peer, args.resamples)  # PairedTest.__init__
        mean_ci = estimate_ci(np.array([s.score for s in scores]))
        baseline_info = {"BLEU": (cache[id(base_hyps)], Result(base_score.score, None, *mean_ci))}
        return _paired_bs_test(baseline_info, "sys", sys_hyps, None, {"BLEU": peer}, args.resamples, seed=12345)

    def our_paired():
        base_ci = tm_stats.bootstrap_sums(base_rows, ours.from_sums, args.resamples, seed=0)
        sys_ci = tm_stats.bootstrap_sums(sys_rows, ours.from_sums, args.resamples, seed=0)
        delta = tm_stats.paired_bootstrap_delta(base_rows, sys_rows, ours.from_sums, args.resamples, seed=0)
        return base_ci, sys_ci, delta

    peer_t2, (_, result) = best_time(peer_paired, args.repeats)
    our_t2, (_, _, delta) = best_time(our_paired, args.repeats)
    print(f"paired  : sacrebleu {peer_t2:7.3f} s (p = {result['BLEU'].p_value:.4f})  transmodal {our_t2:7.3f} s "
          f"(delta {np.mean(delta):+.2f}, 2 CIs + paired replicates)  speed-up x{peer_t2 / our_t2:.1f}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
