"""Stage 3, score: a pure function of cached outputs and samples -> metric results.

Scoring never loads a generator model (judges such as an ASR model for
intelligibility are the metric's own business). Each metric is scored per
replicate; the headline value is computed on the pooled state rows of all
replicates (for one replicate, simply that replicate), and each replicate's value is
kept so seed spread is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from transmodal import registry
from transmodal.records import MetricResult
from transmodal.stats import stable_seed
from transmodal.types import MetricSpec, TransmodalError


@dataclass
class Scored:
    results: list[MetricResult]
    per_sample: dict[str, list[float | None]]  # metric label -> value per item (items order)
    judge_outputs: dict[str, list[str | None]]  # metric label -> judge transcript per item, where a judge ran


def build_metric(spec: MetricSpec) -> Any:
    cls = registry.metrics.get(spec.name)
    try:
        return cls(**dict(spec.options))
    except TypeError as error:
        raise TransmodalError(f"metric {spec.name!r} does not accept options {dict(spec.options)}: {error}") from error


def _finite_or_none(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def score(
    task_name: str,
    metric_specs: Sequence[MetricSpec],
    samples: Sequence,
    replicates: Sequence[int],
    outputs: Sequence,
) -> Scored:
    """Score ``outputs[i]`` (for ``samples[i]``, replicate ``replicates[i]``) with each metric."""
    if not outputs:
        raise TransmodalError("nothing to score: no outputs")
    replicate_ids = sorted(set(replicates))
    groups = {r: [i for i, rep in enumerate(replicates) if rep == r] for r in replicate_ids}
    results, per_sample, judge_outputs = [], {}, {}
    for spec in metric_specs:
        metric = build_metric(spec)
        seed = stable_seed("bootstrap", task_name, spec.label())
        states, replicate_values = [], []
        column: list[float | None] = [None] * len(outputs)
        for r in replicate_ids:
            index = groups[r]
            state = metric.state([outputs[i] for i in index], [samples[i] for i in index])
            transcripts = getattr(metric, "last_transcripts", None)
            if transcripts is not None and len(transcripts) == len(index):
                column_texts = judge_outputs.setdefault(spec.label(), [None] * len(outputs))
                for i, (_, text) in zip(index, transcripts):
                    column_texts[i] = text
            value = metric.finalize(state, seed=seed)
            states.append(state)
            replicate_values.append(value.value)
            if value.per_sample is not None and len(value.per_sample) == len(index):
                for i, sample_value in zip(index, value.per_sample):
                    column[i] = _finite_or_none(sample_value)
        headline = value if len(states) == 1 else metric.finalize(np.concatenate(states, axis=0), seed=seed)
        if not np.isfinite(headline.value):
            raise TransmodalError(f"metric {spec.label()} is undefined on these samples (value {headline.value})")
        info = metric.info
        results.append(
            MetricResult(
                name=spec.name,
                label=spec.label(),
                display_name=info.display_name,
                higher_is_better=info.higher_is_better,
                kind=info.kind,
                signature=metric.signature(),
                value=float(headline.value),
                ci_low=_finite_or_none(headline.ci_low),
                ci_high=_finite_or_none(headline.ci_high),
                ci_method=headline.ci_method,
                n=int(headline.n),
                notes=list(headline.notes),
                replicate_values=[float(v) for v in replicate_values] if len(states) > 1 else [],
            )
        )
        per_sample[spec.label()] = column
    return Scored(results, per_sample, judge_outputs)
