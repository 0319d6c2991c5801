"""photos-degradation: half of photos-mini degraded, scored by FID and KID against the other half."""

import warnings

import pytest

from transmodal import registry
from transmodal.types import Modality


def test_task_spec_and_samples():
    task = registry.tasks.get("photos-degradation")
    assert task.source is Modality.IMAGE and task.target is Modality.IMAGE
    assert [m.name for m in task.metrics] == ["fid", "kid"]
    assert task.dataset_id.startswith("halves-of-photos-mini@")
    samples = task.load()
    assert len(samples) >= 15
    references = samples[0].references
    assert len(references) >= 15 and all(s.references == references for s in samples)
    assert not {s.source for s in samples} & set(references)  # disjoint sets: KID's estimator needs independence
    assert all(s.source.is_file() for s in samples) and all(r.is_file() for r in references)
    assert len({s.id for s in samples}) == len(samples)


@pytest.mark.slow
def test_kid_ranks_jpeg_qualities_on_photos_mini(tmp_path, monkeypatch):
    from transmodal.bench.scoring import build_metric

    monkeypatch.setenv("TRANSMODAL_CACHE", str(tmp_path))
    task = registry.tasks.get("photos-degradation")
    samples = task.load()
    seeds = [0] * len(samples)
    kid_spec = task.metrics[1]
    values = {}
    for name in ("identity-image", "jpeg-q50", "jpeg-q10"):
        outputs = registry.models.get(name).load().translate(samples, seeds)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values[name] = build_metric(kid_spec).evaluate(outputs, samples)
    assert values["jpeg-q10"].value > values["jpeg-q50"].value > values["identity-image"].value
    assert values["jpeg-q10"].ci_method == "kid-subsets"
