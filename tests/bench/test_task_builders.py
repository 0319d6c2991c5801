"""Task builders from the command line: --task-param, recorded so re-scoring finds the data."""

from __future__ import annotations

import json

import pytest
from PIL import Image, ImageDraw

from transmodal.bench.cli import main
from transmodal.bench.runner import get_task
from transmodal.records import find_records, read_record
from transmodal.types import TransmodalError


def _karpathy(tmp_path):
    root = tmp_path / "images"
    (root / "val2014").mkdir(parents=True)
    texts = ["STOP SIGN", "OPEN LATE"]
    images = []
    for i, text in enumerate(texts):
        image = Image.new("RGB", (360, 90), "white")
        ImageDraw.Draw(image).text((20, 30), text, fill="black", font_size=36)
        name = f"COCO_val2014_{i:012d}.png"
        image.save(root / "val2014" / name)
        images.append({"filepath": "val2014", "filename": name, "imgid": i, "split": "test", "cocoid": i,
                       "sentences": [{"raw": text, "tokens": text.lower().split(), "sentid": i}]})
    annotations = tmp_path / "dataset_coco.json"
    annotations.write_text(json.dumps({"images": images, "dataset": "coco"}))
    return annotations, root


def test_builder_runs_with_task_params_and_rescores_from_the_record(tmp_path, capsys):
    annotations, root = _karpathy(tmp_path)
    common = ["--cache-dir", str(tmp_path / "c"), "--output", str(tmp_path / "runs")]
    code = main(["run", "karpathy-captions", "--task-param", f"annotations={annotations}", "--task-param", f"image_root={root}",
                 "--model", "tesseract-eng", "--metric", "cer:normalizer=basic", "--no-progress", *common])
    assert code == 0, capsys.readouterr().err
    record = read_record(find_records(tmp_path / "runs")[0])
    assert record.settings["task_params"] == {"annotations": str(annotations), "image_root": str(root)}
    assert record.n_samples == 2 and record.metric("cer[normalizer=basic]").value < 0.2
    assert main(["score", str(find_records(tmp_path / "runs")[0]), "--metric", "wer:normalizer=basic", "--cache-dir", str(tmp_path / "c")]) == 0
    assert "re-scored 2 samples" in capsys.readouterr().out


def test_builder_errors_are_one_line():
    with pytest.raises(TransmodalError, match="pass --task-param"):
        get_task("coco-t2i")
    with pytest.raises(TransmodalError, match="takes no --task-param"):
        get_task("librivox-mini", params={"x": 1})
