"""coco_karpathy: one loader for COCO and Flickr30k Karpathy split files.

The split files are tiny synthetic ones written here in the real layouts, pointing
at real images (scikit-image's bundled photographs copied under a temp root).
"""

import json
import shutil
from pathlib import Path

import pytest

from transmodal.media import hash_file, load_image
from transmodal.tasks.datasets import coco_karpathy
from transmodal.types import TransmodalError

skimage = pytest.importorskip("skimage")
DATA = Path(skimage.__file__).parent / "data"


def _sentences(*texts):
    return [{"raw": text, "tokens": text.lower().strip(" .").split(), "sentid": i} for i, text in enumerate(texts)]


@pytest.fixture
def coco(tmp_path):
    root = tmp_path / "coco"
    (root / "val2014").mkdir(parents=True)
    (root / "train2014").mkdir()
    shutil.copy(DATA / "chelsea.png", root / "val2014" / "COCO_val2014_000000000042.jpg")
    shutil.copy(DATA / "coffee.png", root / "val2014" / "COCO_val2014_000000000073.jpg")
    shutil.copy(DATA / "rocket.jpg", root / "train2014" / "COCO_train2014_000000000009.jpg")
    images = [
        {"filepath": "val2014", "filename": "COCO_val2014_000000000042.jpg", "imgid": 0, "split": "test", "cocoid": 42,
         "sentences": _sentences("A cat looks to the side. ", "A close up of a tabby cat.")},
        {"filepath": "train2014", "filename": "COCO_train2014_000000000009.jpg", "imgid": 1, "split": "train", "cocoid": 9,
         "sentences": _sentences("A rocket on a launch pad.")},
        {"filepath": "val2014", "filename": "COCO_val2014_000000000073.jpg", "imgid": 2, "split": "test", "cocoid": 73,
         "sentences": _sentences("A cup of coffee on a saucer.", "  ", "An espresso on a table.")},
    ]
    annotations = tmp_path / "dataset_coco.json"
    annotations.write_text(json.dumps({"images": images, "dataset": "coco"}))
    return annotations, root


@pytest.fixture
def flickr(tmp_path):
    root = tmp_path / "flickr30k-images"
    root.mkdir()
    shutil.copy(DATA / "astronaut.png", root / "1000092795.jpg")
    shutil.copy(DATA / "motorcycle_left.png", root / "10002456.jpg")
    images = [
        {"filename": "1000092795.jpg", "imgid": 0, "split": "test", "sentids": [0, 1],
         "sentences": _sentences("A woman in an orange suit smiles.", "An astronaut poses for a portrait.")},
        {"filename": "10002456.jpg", "imgid": 1, "split": "val", "sentids": [2],
         "sentences": _sentences("A red motorcycle in a garage.")},
    ]
    annotations = tmp_path / "dataset_flickr30k.json"
    annotations.write_text(json.dumps({"images": images, "dataset": "flickr30k"}))
    return annotations, root


def test_coco_layout_uses_filepath_cocoid_and_split(coco):
    annotations, root = coco
    samples = coco_karpathy.load_karpathy(annotations, root, split="test")
    assert [s.id for s in samples] == ["coco-42", "coco-73"]
    assert samples[0].source == root / "val2014" / "COCO_val2014_000000000042.jpg"
    assert samples[0].references == ("A cat looks to the side.", "A close up of a tabby cat.")
    assert samples[1].references == ("A cup of coffee on a saucer.", "An espresso on a table.")  # blank dropped
    assert samples[1].meta == {"dataset": "coco", "split": "test", "imgid": 2, "filename": "COCO_val2014_000000000073.jpg"}
    # the loader hands over the file itself: pixels decode to the original, bytes untouched
    assert hash_file(samples[0].source) == hash_file(DATA / "chelsea.png")
    assert load_image(samples[0].source).size == (451, 300)
    train = coco_karpathy.load_karpathy(annotations, root, split="train")
    assert [s.id for s in train] == ["coco-9"] and train[0].source.parent.name == "train2014"
    assert [s.id for s in coco_karpathy.load_karpathy(annotations, root, split="test", limit=1)] == ["coco-42"]


def test_flickr_layout_has_no_filepath(flickr):
    annotations, root = flickr
    samples = coco_karpathy.load_karpathy(annotations, root, split="test")
    assert [s.id for s in samples] == ["flickr30k-1000092795"]
    assert samples[0].source == root / "1000092795.jpg"
    assert len(samples[0].references) == 2
    assert [s.id for s in coco_karpathy.load_karpathy(annotations, root, split="val")] == ["flickr30k-10002456"]


def test_dataset_id_names_dataset_split_and_file_hash(coco, flickr):
    coco_id = coco_karpathy.dataset_id(coco[0], "test")
    assert coco_id == f"coco-karpathy-test@{hash_file(coco[0])[:12]}"
    assert coco_karpathy.dataset_id(flickr[0], "val").startswith("flickr30k-karpathy-val@")
    data = json.loads(coco[0].read_text())
    data["images"][0]["sentences"][0]["raw"] = "A changed caption."
    coco[0].write_text(json.dumps(data))
    assert coco_karpathy.dataset_id(coco[0], "test") != coco_id
    assert coco_karpathy.load_karpathy(*coco)[0].references[0] == "A changed caption."  # no stale memo


def test_missing_images_are_reported_not_skipped(coco):
    annotations, root = coco
    (root / "val2014" / "COCO_val2014_000000000073.jpg").unlink()
    with pytest.raises(TransmodalError, match=r"1 of 2 coco test images missing.*COCO_val2014_000000000073"):
        coco_karpathy.load_karpathy(annotations, root)


def test_bad_inputs_are_one_line_errors(coco, tmp_path):
    annotations, root = coco
    with pytest.raises(TransmodalError, match="unknown Karpathy split 'dev'"):
        coco_karpathy.load_karpathy(annotations, root, split="dev")
    with pytest.raises(TransmodalError, match="no images in split 'restval'"):
        coco_karpathy.load_karpathy(annotations, root, split="restval")
    with pytest.raises(TransmodalError, match="not found"):
        coco_karpathy.load_karpathy(tmp_path / "nope.json", root)
    with pytest.raises(TransmodalError, match="image root not found"):
        coco_karpathy.load_karpathy(annotations, tmp_path / "nothing")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(TransmodalError, match="not valid JSON"):
        coco_karpathy.load_karpathy(broken, root)
    broken.write_text(json.dumps([1, 2]))
    with pytest.raises(TransmodalError, match="not a Karpathy split file"):
        coco_karpathy.load_karpathy(broken, root)
