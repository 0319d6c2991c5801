"""photos_mini: real photographs from installed packages, with hand-written captions."""

import json
from collections import Counter
from pathlib import Path

import pytest

from transmodal.media import hash_file, load_image
from transmodal.tasks.datasets import photos_mini
from transmodal.types import TransmodalError

DOC = Path(__file__).resolve().parents[2] / "docs" / "data" / "photos_mini.md"


@pytest.fixture(scope="module")
def samples():
    return photos_mini.load_photos_mini()


def test_at_least_thirty_photos_with_captions_and_licences(samples):
    assert len(samples) >= 30
    assert len({s.id for s in samples}) == len(samples)
    for sample in samples:
        assert isinstance(sample.source, Path) and sample.source.is_file()
        assert 3 <= len(sample.references) <= 5
        assert all(ref.endswith(".") and ref[0].isupper() and len(ref.split()) >= 4 for ref in sample.references)
        assert len(set(sample.references)) == len(sample.references)
        assert sample.meta["licence"] and sample.meta["origin"] and sample.meta["group"]
        assert sample.meta["sha256"] == hash_file(sample.source)


def test_images_decode_to_real_sized_rgb(samples):
    sizes = []
    for sample in samples:
        image = load_image(sample.source)
        assert image.mode == "RGB"
        assert min(image.size) >= 150
        sizes.append(image.size)
    assert len(set(sizes)) > 5  # a mix of sources, not one synthetic generator


def test_sources_groups_and_colours_are_varied(samples):
    origins = Counter(s.meta["origin"] for s in samples)
    assert set(origins) == {"scikit-image", "matplotlib", "scikit-learn", "mate-backgrounds"}
    groups = Counter(s.meta["group"] for s in samples)
    assert len(groups) >= 6 and groups["people"] >= 2
    assert {s.meta["color"] for s in samples} == {"rgb", "grayscale"}


def test_dataset_id_is_a_content_hash_of_the_manifest(samples, tmp_path, monkeypatch):
    first = photos_mini.dataset_id()
    assert first.startswith("photos-mini@v1-") and first == photos_mini.dataset_id()
    data = json.loads(photos_mini.MANIFEST.read_text())
    data["images"][0]["captions"][0] = "A different caption."
    changed = tmp_path / "captions.json"
    changed.write_text(json.dumps(data))
    monkeypatch.setattr(photos_mini, "MANIFEST", changed)
    photos_mini._manifest.cache_clear()
    try:
        assert photos_mini.dataset_id() != first
    finally:
        photos_mini._manifest.cache_clear()


def test_missing_package_names_the_install_command(monkeypatch):
    real = photos_mini._package_root
    monkeypatch.setattr(photos_mini, "_package_root", lambda module: None if module == "sklearn" else real(module))
    with pytest.raises(TransmodalError, match=r"2 of \d+ images missing: 2 image\(s\) need `pip install scikit-learn` \(sklearn-china, sklearn-flower\)"):
        photos_mini.load_photos_mini()


def test_missing_debian_file_is_named_not_skipped(monkeypatch):
    entries = photos_mini.manifest_entries()
    entries[-1]["path"] = "/usr/share/backgrounds/mate/nature/NoSuchPhoto.jpg"
    monkeypatch.setattr(photos_mini, "manifest_entries", lambda: entries)
    with pytest.raises(TransmodalError, match=rf"need `apt-get install mate-backgrounds` \({entries[-1]['id']}\)"):
        photos_mini.load_photos_mini()


def test_changed_image_bytes_are_refused_unless_verify_is_off(monkeypatch, samples):
    entries = photos_mini.manifest_entries()
    entries[0]["sha256"] = "0" * 64
    monkeypatch.setattr(photos_mini, "manifest_entries", lambda: entries)
    with pytest.raises(TransmodalError, match=rf"differ from the pinned sha256.*{entries[0]['id']}"):
        photos_mini.load_photos_mini()
    loose = photos_mini.load_photos_mini(verify=False)
    assert [s.id for s in loose] == [s.id for s in samples]


def test_documentation_table_lists_every_image(samples):
    text = DOC.read_text(encoding="utf-8")
    for sample in samples:
        assert f"`{sample.id}`" in text, sample.id
        assert sample.references[0] in text
