"""COCO captions and Flickr30k from Karpathy's split files (``dataset_coco.json``, ``dataset_flickr30k.json``).

Both files have the layout ``{"dataset": "coco"|"flickr30k", "images": [...]}``
where each image has ``filename``, ``imgid``, ``split`` (``train`` / ``val`` /
``test``, plus ``restval`` for COCO) and ``sentences`` (each with ``raw``). COCO
images also carry ``filepath`` (``train2014`` / ``val2014``) and ``cocoid``. One
loader serves both: the image is ``image_root / filepath / filename`` when
``filepath`` is present, else ``image_root / filename`` (Flickr30k's
``flickr30k-images/`` folder is the root).

Samples: ``id`` = ``coco-<cocoid>`` or ``flickr30k-<filename stem>``, ``source`` =
the image path (decoded later, never re-encoded), ``references`` = the ``raw``
sentences stripped of surrounding whitespace (5 per image, as coco-caption's
evaluation uses them; its PTB tokenisation belongs to the metric, not the
loader), ``meta`` = ``{"dataset", "split", "imgid", "filename"}``.

Missing image files raise one :class:`TransmodalError` giving the count and the
first few paths, never a silently shorter dataset. ``limit`` keeps the first N
images of the split in file order.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from transmodal.media import hash_file
from transmodal.types import Sample, TransmodalError

SPLITS = ("train", "val", "test", "restval")


@lru_cache(maxsize=4)
def _read(annotations: str, stamp: tuple[int, int]) -> dict:
    try:
        data = json.loads(Path(annotations).read_text(encoding="utf-8"))
    except OSError as error:
        raise TransmodalError(f"cannot read Karpathy split file {annotations}: {error}") from error
    except ValueError as error:
        raise TransmodalError(f"Karpathy split file {annotations} is not valid JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise TransmodalError(f"{annotations} is not a Karpathy split file: expected an object with an 'images' list")
    return data


def read_karpathy(annotations: str | Path) -> dict:
    """The parsed split file (memoised on path, size and mtime)."""
    path = Path(annotations)
    if not path.is_file():
        raise TransmodalError(f"Karpathy split file not found: {path}")
    info = path.stat()
    return _read(str(path.resolve()), (info.st_size, info.st_mtime_ns))


def dataset_id(annotations: str | Path, split: str = "test") -> str:
    """``<dataset>-karpathy-<split>@<12 hex of the split file's sha256>``."""
    data = read_karpathy(annotations)
    name = str(data.get("dataset") or Path(annotations).stem.replace("dataset_", ""))
    return f"{name}-karpathy-{split}@{hash_file(annotations)[:12]}"


def _sample(entry: dict, name: str, root: Path) -> tuple[Sample, Path]:
    try:
        filename = entry["filename"]
        sentences = entry["sentences"]
    except KeyError as error:
        raise TransmodalError(f"Karpathy entry imgid={entry.get('imgid')!r} lacks {error.args[0]!r}") from error
    path = root / entry["filepath"] / filename if entry.get("filepath") else root / filename
    references = tuple(s["raw"].strip() for s in sentences if s.get("raw", "").strip())
    if not references:
        raise TransmodalError(f"Karpathy entry {filename!r} has no caption ('raw') sentences")
    key = entry.get("cocoid") if name == "coco" and "cocoid" in entry else Path(filename).stem
    meta = {"dataset": name, "split": entry.get("split"), "imgid": entry.get("imgid"), "filename": filename}
    return Sample(id=f"{name}-{key}", source=path, references=references, meta=meta), path


def load_karpathy(annotations: str | Path, image_root: str | Path, split: str = "test", limit: int | None = None) -> list[Sample]:
    """Samples of one split (``train``, ``val``, ``test`` or ``restval``) in file order."""
    if split not in SPLITS:
        raise TransmodalError(f"unknown Karpathy split {split!r}; expected one of {', '.join(SPLITS)}")
    if limit is not None and limit < 1:
        raise TransmodalError(f"limit must be a positive integer, got {limit}")
    data = read_karpathy(annotations)
    name = str(data.get("dataset") or Path(annotations).stem.replace("dataset_", ""))
    root = Path(image_root)
    if not root.is_dir():
        raise TransmodalError(f"image root not found: {root}")
    entries = [entry for entry in data["images"] if entry.get("split") == split]
    if not entries:
        raise TransmodalError(f"{Path(annotations).name} has no images in split {split!r}")
    if limit is not None:
        entries = entries[:limit]
    samples, missing = [], []
    for entry in entries:
        sample, path = _sample(entry, name, root)
        if not path.is_file():
            missing.append(str(path))
        samples.append(sample)
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        raise TransmodalError(f"{len(missing)} of {len(entries)} {name} {split} images missing under {root}: {shown}")
    ids = [sample.id for sample in samples]
    if len(set(ids)) != len(ids):
        raise TransmodalError(f"{Path(annotations).name}: duplicate image ids in split {split!r}")
    return samples

