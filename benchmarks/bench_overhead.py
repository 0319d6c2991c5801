"""Harness overhead of the runner on the speech->text slice.

Runs ``librivox-mini`` with ``whisper-tiny.en`` into a fresh cache and splits the
wall time: model load, time inside the model's ``translate`` calls, scoring, and
the rest (planning, hashing sources, cache writes and reads, record writing) which
is the harness's own overhead. Target: overhead < 2% of model time.
Then reruns from the cache to show what a fully cached run costs.

Usage: python benchmarks/bench_overhead.py [--model whisper-tiny.en] [--task librivox-mini]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from transmodal.bench.runner import RunSpec, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="librivox-mini")
    parser.add_argument("--model", default="whisper-tiny.en")
    parser.add_argument("--batch-size", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = RunSpec(task=args.task, model=args.model, batch_size=args.batch_size, cache_dir=Path(tmp) / "cache",
                       output_dir=Path(tmp) / "runs", progress=False)
        cold = run(spec).record.timings
        warm = run(spec).record.timings
    n = cold.generated
    overhead = cold.total_s - cold.load_s - cold.model_s - cold.score_s
    print(f"task={args.task} model={args.model} samples={n}")
    print(f"model time      {cold.model_s:8.3f} s  ({cold.model_s / n * 1000:.1f} ms/sample)")
    print(f"model load      {cold.load_s:8.3f} s")
    print(f"scoring         {cold.score_s:8.3f} s")
    print(f"harness         {overhead:8.3f} s  ({overhead / n * 1000:.2f} ms/sample)")
    print(f"overhead ratio  {overhead / cold.model_s * 100:8.2f} % of model time (target < 2%)")
    print(f"cached rerun    {warm.total_s:8.3f} s total, {warm.generated} generated, load {warm.load_s:.3f} s")


if __name__ == "__main__":
    main()
