"""Corpus WER and CER on 100k transcript pairs: transmodal vs jiwer, one run.

Setting: ``--n`` (100,000) synthetic reference/hypothesis pairs, 3-30 words from a
20k-word vocabulary, with substitutions, deletions and insertions (about 20% WER), a
few empty hypotheses and some doubled spaces. Both sides start from the raw strings
(no normaliser) and return the corpus value:

* peer: ``jiwer.wer(references, hypotheses)`` / ``jiwer.cer(...)`` (jiwer computes full
  rapidfuzz alignments and builds per-chunk objects);
* transmodal: :func:`transmodal.metrics.error_rate.wer` / ``cer`` (words mapped to ints,
  ``rapidfuzz.distance.Levenshtein.distance`` per pair, no alignment objects).

Prints both timings (best of ``--repeats``), the ratio, and checks the values agree.
Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_wer.py``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from _timing import best_time

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing


def make_pairs(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """References and hypotheses with ~20% word errors."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(20_000)]
    refs, hyps = [], []
    for _ in range(n):
        words = rng.choices(vocab, k=rng.randint(3, 30))
        out = []
        for word in words:
            r = rng.random()
            if r < 0.08:
                out.append(rng.choice(vocab))  # substitution
            elif r < 0.14:
                continue  # deletion
            else:
                out.append(word)
            if rng.random() < 0.05:
                out.append(rng.choice(vocab))  # insertion
        refs.append(" ".join(words))
        hyp = "" if rng.random() < 0.01 else ("  " if rng.random() < 0.1 else " ").join(out)
        hyps.append(hyp)
    return refs, hyps



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--no-cer", action="store_true", help="skip the CER comparison")
    args = parser.parse_args()

    import jiwer

    from transmodal.metrics.base import package_version
    from transmodal.metrics.error_rate import cer, wer

    refs, hyps = make_pairs(args.n)
    print(f"{args.n:,} pairs, jiwer {package_version('jiwer')}, rapidfuzz {package_version('rapidfuzz')}")
    ok = True
    checks = [("WER", jiwer.wer, wer)] + ([] if args.no_cer else [("CER", jiwer.cer, cer)])
    for name, peer_fn, our_fn in checks:
        peer_t, peer_v = best_time(lambda: peer_fn(refs, hyps), args.repeats)
        ours_t, ours_v = best_time(lambda: our_fn(hyps, refs), args.repeats)
        agree = abs(peer_v - ours_v) <= 1e-12 * max(1.0, abs(peer_v))
        ok &= agree
        print(
            f"{name}: jiwer {peer_t:7.3f} s ({peer_v:.6f})  transmodal {ours_t:7.3f} s ({ours_v:.6f})  "
            f"speed-up x{peer_t / ours_t:.1f}  values {'agree' if agree else 'DIFFER'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
