"""Text->image tasks: prompts-mini-t2i and the COCO caption-file builder (and its loader)."""

import json

import pytest

from transmodal.types import Modality, TransmodalError


def test_prompts_mini_pairs_first_caption_with_its_photo():
    from transmodal.tasks.datasets.photos_mini import load_photos_mini
    from transmodal.tasks.text_to_image import PROMPTS_MINI_T2I

    photos = load_photos_mini()
    samples = PROMPTS_MINI_T2I.load()
    assert (PROMPTS_MINI_T2I.source, PROMPTS_MINI_T2I.target) == (Modality.TEXT, Modality.IMAGE)
    assert PROMPTS_MINI_T2I.kind == "translation"
    assert len(samples) == len(photos) == 31
    for sample, photo in zip(samples, photos):
        assert sample.id == photo.id
        assert sample.source == photo.references[0] and isinstance(sample.source, str)
        assert sample.references == (photo.source,) and sample.references[0].is_file()
        assert sample.meta["captions"] == photo.references
    assert PROMPTS_MINI_T2I.dataset_id.startswith("photos-mini@")


def test_metrics_are_registered_and_buildable():
    from transmodal import registry
    from transmodal.tasks.text_to_image import PROMPTS_MINI_T2I

    names = [spec.name for spec in PROMPTS_MINI_T2I.metrics]
    assert names == ["fid", "kid", "clip-score"]
    for spec in PROMPTS_MINI_T2I.metrics:
        assert spec.name in registry.metrics, f"metric {spec.name} not registered"


def test_task_is_in_the_catalog():
    from transmodal import registry
    from transmodal.tasks.text_to_image import PROMPTS_MINI_T2I

    assert registry.tasks.get("prompts-mini-t2i") is PROMPTS_MINI_T2I


# ---------------------------------------------------------------- COCO caption files


def _coco(tmp_path, with_images=True):
    from PIL import Image

    data = {
        "images": [
            {"id": 30, "file_name": "000000000030.jpg"},
            {"id": 7, "file_name": "000000000007.jpg"},
            {"id": 12, "file_name": "000000000012.jpg"},
            {"id": 99, "file_name": "000000000099.jpg"},  # no captions: dropped
        ],
        "annotations": [
            {"id": 5, "image_id": 30, "caption": "A zebra in tall grass. "},
            {"id": 2, "image_id": 30, "caption": "  Zebra grazing.\n"},
            {"id": 9, "image_id": 7, "caption": "A bowl of soup."},
            {"id": 1, "image_id": 12, "caption": "Two kites over a beach."},
            {"id": 3, "image_id": 12, "caption": "   "},
        ],
    }
    path = tmp_path / "captions_val2017.json"
    path.write_text(json.dumps(data))
    root = tmp_path / "val2017"
    root.mkdir()
    if with_images:
        for image in data["images"][:3]:
            Image.new("RGB", (8, 8), (image["id"], 0, 0)).save(root / image["file_name"])
    return path, root


def test_coco_reader_orders_strips_and_limits(tmp_path):
    from transmodal.tasks.datasets.coco_annotations import load_coco_captions, read_coco_captions

    path, root = _coco(tmp_path)
    images = read_coco_captions(path)
    assert [im.image_id for im in images] == [7, 12, 30]
    assert images[2].captions == ("Zebra grazing.", "A zebra in tall grass.")  # annotation-id order, stripped
    assert images[1].captions == ("Two kites over a beach.",)  # blank caption dropped
    assert [im.image_id for im in read_coco_captions(path, limit=2)] == [7, 12]
    samples = load_coco_captions(path, root)
    assert samples[0].id == "coco-7" and samples[0].source == root / "000000000007.jpg"
    assert samples[2].references == images[2].captions


def test_coco_t2i_task_with_and_without_images(tmp_path):
    from transmodal.tasks.text_to_image import coco_t2i_task

    path, root = _coco(tmp_path)
    task = coco_t2i_task(path, root)
    samples = task.load()
    assert [s.source for s in samples] == ["A bowl of soup.", "Two kites over a beach.", "Zebra grazing."]
    assert samples[2].references == (root / "000000000030.jpg",)
    assert [m.name for m in task.metrics] == ["fid", "kid", "clip-score"]
    prompts_only = coco_t2i_task(path, limit=2)
    assert [m.name for m in prompts_only.metrics] == ["clip-score"]
    assert all(s.references == () for s in prompts_only.load()) and len(prompts_only.load()) == 2
    assert prompts_only.dataset_id != task.dataset_id
    assert prompts_only.dataset_id.startswith("captions_val2017@") and "-first2" in prompts_only.dataset_id


def test_coco_dataset_id_follows_content(tmp_path):
    from transmodal.tasks.datasets.coco_annotations import dataset_id

    path, _ = _coco(tmp_path)
    before = dataset_id(path)
    path.write_text(path.read_text().replace("soup", "stew"))
    assert dataset_id(path) != before


def test_coco_errors(tmp_path):
    from transmodal.tasks.datasets.coco_annotations import read_coco_captions
    from transmodal.tasks.text_to_image import coco_t2i_task

    path, root = _coco(tmp_path, with_images=False)
    with pytest.raises(TransmodalError, match="3 of 3 COCO images missing"):
        coco_t2i_task(path, root)
    with pytest.raises(TransmodalError, match="not found"):
        read_coco_captions(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"images": []}))
    with pytest.raises(TransmodalError, match="not a COCO caption file"):
        read_coco_captions(bad)
    bad.write_text("{")
    with pytest.raises(TransmodalError, match="not valid JSON"):
        read_coco_captions(bad)
