"""The output cache: round trips per modality, atomicity, distinct keys."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest
from PIL import Image

from transmodal.bench.cache import OutputCache, cache_key
from transmodal.types import Audio, TransmodalError

BASE = dict(model_fingerprint="m" * 64, task_config_hash="t" * 64, source_hash="s" * 64, seed=1, replicate=0, generation={"steps": 2})


@pytest.mark.parametrize("field,value", [
    ("model_fingerprint", "n" * 64), ("task_config_hash", "u" * 64), ("source_hash", "x" * 64),
    ("seed", 2), ("replicate", 1), ("generation", {"steps": 3}),
])
def test_every_input_of_the_key_changes_it(field, value):
    assert cache_key(**{**BASE, field: value}) != cache_key(**BASE)


def test_roundtrip_text_image_audio_array(tmp_path):
    cache = OutputCache(tmp_path)
    image = Image.fromarray(np.arange(48, dtype=np.uint8).reshape(4, 4, 3))
    audio = Audio(np.linspace(-0.5, 0.5, 800, dtype=np.float32), 16000)
    array = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    for key, value in [("a" * 64, "héllo wörld"), ("b" * 64, image), ("c" * 64, audio), ("d" * 64, array)]:
        cache.put(key, value)
    assert cache.get("a" * 64)[0] == "héllo wörld"
    assert np.array_equal(np.asarray(cache.get("b" * 64)[0]), np.asarray(image))
    restored = cache.get("c" * 64)[0]
    assert restored.sample_rate == 16000 and np.array_equal(restored.waveform, audio.waveform)
    assert np.array_equal(cache.get("d" * 64)[0], array)


def test_missing_and_damaged_entries_are_clear_errors(tmp_path):
    cache = OutputCache(tmp_path)
    with pytest.raises(TransmodalError, match="not in the cache"):
        cache.get("e" * 64)
    cache.put("f" * 64, "ok")
    (tmp_path / "outputs" / "ff" / ("f" * 64 + ".json")).write_text("{broken")
    with pytest.raises(TransmodalError, match="damaged"):
        cache.get("f" * 64)


def _writer(root, worker):
    cache = OutputCache(root)
    for i in range(200):
        cache.put(f"{i:064d}", f"value {i}")


def test_concurrent_writers_never_leave_partial_entries(tmp_path):
    processes = [multiprocessing.Process(target=_writer, args=(tmp_path, w)) for w in range(3)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    cache = OutputCache(tmp_path)
    assert all(cache.get(f"{i:064d}")[0] == f"value {i}" for i in range(200))
    assert not list((tmp_path / "outputs").rglob("*.tmp"))
