"""Fréchet distance at 2048-d: transmodal (Cholesky/eigh + eigvalsh) vs clean-fid (scipy.linalg.sqrtm), one run.

Setting: two feature sets of ``--n`` rows x 2048 dims (Inception pool3 size) drawn from
different correlated Gaussians (a random low-rank factor plus noise, non-negative like
post-ReLU features), so both covariances are full rank and do not commute. Both sides
get the same ``(mu, sigma)`` pairs; only the Fréchet step is timed:

* peer: ``cleanfid.fid.frechet_distance`` (``scipy.linalg.sqrtm(sigma1 @ sigma2)``, Schur method);
* transmodal: ``transmodal.metrics.fid.frechet_distance`` (a factor ``sigma1 = F F^T``:
  Cholesky when positive definite, else from ``eigh``; then ``eigvalsh(F^T sigma2 F)``).

Two cases: N = ``--n`` rows (> 2048: full-rank covariances, the Cholesky path) and
N = ``--n-small`` rows (< 2048: singular covariances, the eigh path). Prints the
timings (peer once, ours best of ``--repeats``), the speed-up and the relative
difference of the values (the target: >= 5x faster, equal to 1e-6 relative).
Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_frechet.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from _timing import best_time

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing


def gaussian_features(rng, n, dim, rank, shift):
    factor = rng.normal(size=(dim, rank)) / np.sqrt(rank)
    z = rng.normal(size=(n, rank)) @ factor.T + 0.3 * rng.normal(size=(n, dim)) + shift
    return np.maximum(z, 0.0)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--n-small", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import warnings

    from cleanfid.fid import frechet_distance as peer_frechet

    from transmodal.metrics.fid import frechet_distance

    for n in (args.n, args.n_small):
        rng = np.random.default_rng(0)
        a = gaussian_features(rng, n, args.dim, 256, 0.5)
        b = gaussian_features(rng, n, args.dim, 256, 0.6)
        mu1, s1 = a.mean(0), np.cov(a, rowvar=False)
        mu2, s2 = b.mean(0), np.cov(b, rowvar=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sqrtm's "singular matrix" notices
            t_peer, v_peer = best_time(lambda: float(peer_frechet(mu1, s1, mu2, s2)), 1)
        t_ours, v_ours = best_time(lambda: frechet_distance(mu1, s1, mu2, s2), args.repeats)
        rel = abs(v_ours - v_peer) / abs(v_peer)
        print(f"Frechet distance, {args.dim}-d covariances from N={n} rows per set")
        print(f"  clean-fid (scipy.linalg.sqrtm): {t_peer:8.3f} s   value {v_peer:.10f}")
        print(f"  transmodal (factor + eigvalsh): {t_ours:8.3f} s   value {v_ours:.10f}")
        print(f"  speed-up {t_peer / t_ours:.1f}x   relative difference {rel:.2e}")


if __name__ == "__main__":
    main()
