"""Offline bundles: prefetch writes data + weights + hashes; --offline-bundle reads them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from tests.bench import toy
from transmodal import registry
from transmodal.bench.bundle import bundled_samples, prefetch, use_bundle
from transmodal.bench.plan import dataset_hash, plan
from transmodal.reference_models import weights
from transmodal.types import ModelCard, ModelEntry, Modality, TransmodalError


@pytest.fixture
def clean_env(monkeypatch):
    # setenv first so teardown restores the real state after use_bundle() writes os.environ
    monkeypatch.setenv(weights.BUNDLE_ENV, "")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv(weights.BUNDLE_ENV)
    return monkeypatch


def test_task_data_round_trips_through_a_bundle(tmp_path, clean_env):
    images = tmp_path / "images"
    images.mkdir()
    for i in range(3):
        Image.fromarray(np.full((4, 4, 3), i * 40, np.uint8)).save(images / f"img{i}.png")
    task = toy.image_samples_task(images)
    clean_env.setattr(toy, "IMAGES", task, raising=False)
    log = prefetch([], ["tests.bench.toy:IMAGES"], tmp_path / "bundle")
    assert log == ["tests.bench.toy:IMAGES: 3 samples"]
    use_bundle(tmp_path / "bundle")
    samples = bundled_samples("tests.bench.toy:IMAGES")
    assert [s.id for s in samples] == ["img0", "img1", "img2"]
    original = plan(task, task.load(), 1, 0)
    restored = plan(task, samples, 1, 0)
    assert dataset_hash(original) == dataset_hash(restored)  # byte-identical files, same references


def test_model_weights_are_copied_and_resolved_from_the_bundle(tmp_path, clean_env):
    hub = tmp_path / "fake-hub-model"
    hub.mkdir()
    (hub / "config.json").write_text("{}")
    entry = ModelEntry("toy-hub", Modality.TEXT, Modality.TEXT, toy.reverser, ModelCard("MIT", "hub", hub_id=str(hub)))
    clean_env.setitem(registry.models._entries, "toy-hub", entry)
    registry.models._load_plugins()
    prefetch(["toy-hub"], [], tmp_path / "bundle")
    copied = tmp_path / "bundle" / "models" / weights.slug(str(hub))
    assert (copied / "config.json").read_text() == "{}"
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert any(path.endswith("config.json") for path in manifest["files"])


def test_damaged_bundle_is_refused(tmp_path, clean_env):
    prefetch([], ["tests.bench.toy:TASK"], tmp_path / "bundle")
    data = next((tmp_path / "bundle" / "data").rglob("samples.jsonl"))
    data.write_text(data.read_text().replace("hello", "HELLO"))
    with pytest.raises(TransmodalError, match="damaged"):
        use_bundle(tmp_path / "bundle")


def test_missing_weights_error_names_the_prefetch_step(clean_env):
    clean_env.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(TransmodalError, match="transmodal prefetch sd-x"):
        weights.resolve("nobody/not-a-real-model-xyz", "sd-x")


def test_in_memory_images_come_back_identical(tmp_path, clean_env):
    from PIL import Image

    from transmodal.types import MetricSpec, Sample, TaskSpec

    images = [Image.fromarray(np.full((3, 5), 60 * i, np.uint8), mode="L") for i in range(3)]
    task = TaskSpec("mem-images", Modality.IMAGE, Modality.TEXT, lambda: [Sample(f"m{i}", im, ("x",)) for i, im in enumerate(images)],
                    "mem", (MetricSpec("tests.bench.toy:ExactMatch"),))
    clean_env.setattr(toy, "MEM", task, raising=False)
    prefetch([], ["tests.bench.toy:MEM"], tmp_path / "bundle")
    use_bundle(tmp_path / "bundle")
    restored = bundled_samples("tests.bench.toy:MEM")
    assert dataset_hash(plan(task, restored, 1, 0)) == dataset_hash(plan(task, task.load(), 1, 0))
