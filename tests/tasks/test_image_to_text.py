"""image_to_text: the two built-in image -> text tasks and the Karpathy task builder."""

import json
import shutil
from pathlib import Path

import pytest

from transmodal import registry
from transmodal.tasks import image_to_text
from transmodal.tasks.datasets import coco_karpathy, photos_mini, rendered_text
from transmodal.types import Modality, TaskSpec


def test_rendered_text_ocr_spec():
    task = registry.tasks.get("rendered-text-ocr")
    assert task is image_to_text.RENDERED_TEXT_OCR and isinstance(task, TaskSpec)
    assert (task.source, task.target) == (Modality.IMAGE, Modality.TEXT)
    assert [m.label() for m in task.metrics] == ["cer[normalizer=basic]", "wer[normalizer=basic]", "bleu"]
    assert task.dataset_id == rendered_text.dataset_id()
    assert [s.references[0] for s in task.load()] == list(rendered_text.SENTENCES)


def test_photos_mini_captions_spec():
    task = registry.tasks.get("photos-mini-captions")
    assert (task.source, task.target) == (Modality.IMAGE, Modality.TEXT)
    assert [m.name for m in task.metrics] == ["bleu", "cider-d", "clip-score", "ref-clip-score"]
    assert task.dataset_id == photos_mini.dataset_id()
    assert len(task.load()) == len(photos_mini.manifest_entries())


def test_karpathy_task_builder(tmp_path):
    skimage = pytest.importorskip("skimage")
    root = tmp_path / "images"
    root.mkdir()
    shutil.copy(Path(skimage.__file__).parent / "data" / "coffee.png", root / "1.jpg")
    shutil.copy(Path(skimage.__file__).parent / "data" / "chelsea.png", root / "2.jpg")
    images = [{"filename": f"{i}.jpg", "imgid": i, "split": "test", "sentences": [{"raw": f"Caption {i}."}]} for i in (1, 2)]
    annotations = tmp_path / "dataset_flickr30k.json"
    annotations.write_text(json.dumps({"images": images, "dataset": "flickr30k"}))
    task = image_to_text.karpathy_captions_task(annotations, root, limit=1)
    assert task.name == "flickr30k-karpathy-test-captions"
    assert task.dataset_id == coco_karpathy.dataset_id(annotations, "test") + "-first1"
    assert [s.id for s in task.load()] == ["flickr30k-1"]
    assert task.metrics == image_to_text.CAPTION_METRICS
