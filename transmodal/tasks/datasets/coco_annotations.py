"""COCO captions from an official annotation file (``captions_val2017.json``, ``captions_train2017.json``).

Layout (COCO 2014/2017 caption files): ``{"images": [{"id", "file_name", ...}],
"annotations": [{"id", "image_id", "caption"}]}``, usually 5 captions per image
(a few images have 6-7). The loader reads the file once (memoised on path, size and
mtime) and groups captions by image:

* images in ascending ``image_id`` order (a stable order independent of file layout);
* each image's captions in ascending annotation ``id`` order, whitespace-stripped
  (COCO captions carry stray trailing spaces and newlines); empty captions dropped;
* ``limit`` keeps the first N images of that order.

:func:`read_coco_captions` returns plain :class:`CocoImage` rows for builders that
need them (text-to-image prompts); :func:`load_coco_captions` returns image->caption
samples (``source`` = ``image_root / file_name``, ``references`` = captions), which
needs the images. Missing image files raise one :class:`TransmodalError` giving the
count and the first paths, never a silently shorter dataset. Images are not decoded
or re-encoded here.

:func:`dataset_id` is ``<file stem>@<12 hex of the file's sha256>`` (``-firstN`` with
a limit), e.g. ``captions_val2017@5c6b3c1e1b26-first1000``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transmodal.media import hash_file
from transmodal.types import Sample, TransmodalError


@dataclass(frozen=True)
class CocoImage:
    """One image of a caption file: its id, file name and captions (annotation-id order)."""

    image_id: int
    file_name: str
    captions: tuple[str, ...]


@lru_cache(maxsize=4)
def _parse(path: str, stamp: tuple[int, int]) -> tuple[CocoImage, ...]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise TransmodalError(f"cannot read COCO caption file {path}: {error}") from error
    except ValueError as error:
        raise TransmodalError(f"COCO caption file {path} is not valid JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("images"), list) or not isinstance(data.get("annotations"), list):
        raise TransmodalError(f"{path} is not a COCO caption file: expected 'images' and 'annotations' lists")
    captions: dict[int, list[tuple[int, str]]] = {}
    for number, ann in enumerate(data["annotations"]):
        try:
            captions.setdefault(int(ann["image_id"]), []).append((int(ann["id"]), str(ann["caption"]).strip()))
        except (KeyError, TypeError, ValueError) as error:
            raise TransmodalError(f"{path}: annotation #{number} lacks a valid image_id/id/caption ({error})") from error
    images = []
    for number, image in enumerate(data["images"]):
        try:
            image_id, file_name = int(image["id"]), str(image["file_name"])
        except (KeyError, TypeError, ValueError) as error:
            raise TransmodalError(f"{path}: image #{number} lacks a valid id/file_name ({error})") from error
        texts = tuple(text for _, text in sorted(captions.get(image_id, [])) if text)
        if texts:
            images.append(CocoImage(image_id, file_name, texts))
    if not images:
        raise TransmodalError(f"{path} has no captioned images")
    return tuple(sorted(images, key=lambda item: item.image_id))


def read_coco_captions(annotations: str | Path, limit: int | None = None) -> list[CocoImage]:
    """Captioned images of ``annotations`` in image-id order (first ``limit`` of them)."""
    path = Path(annotations).expanduser()
    if not path.is_file():
        raise TransmodalError(f"COCO caption file not found: {path}")
    if limit is not None and limit < 1:
        raise TransmodalError(f"limit must be >= 1, got {limit}")
    info = path.stat()
    images = list(_parse(str(path.resolve()), (info.st_size, info.st_mtime_ns)))
    return images[:limit] if limit else images


def image_paths(images: list[CocoImage], image_root: str | Path) -> list[Path]:
    """``image_root / file_name`` for each image; one error listing missing files."""
    root = Path(image_root).expanduser()
    paths = [root / image.file_name for image in images]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise TransmodalError(
            f"{len(missing)} of {len(paths)} COCO images missing under {root} (e.g. {', '.join(missing[:3])})"
        )
    return paths


def load_coco_captions(annotations: str | Path, image_root: str | Path, limit: int | None = None) -> list[Sample]:
    """Image -> captions samples: ``id`` = ``coco-<image_id>``, ``source`` = the image path."""
    images = read_coco_captions(annotations, limit)
    return [
        Sample(id=f"coco-{image.image_id}", source=path, references=image.captions,
               meta={"image_id": image.image_id, "file_name": image.file_name})
        for image, path in zip(images, image_paths(images, image_root))
    ]


def dataset_id(annotations: str | Path, limit: int | None = None) -> str:
    """``<file stem>@<12 hex of the file's sha256>`` plus ``-first<limit>``."""
    path = Path(annotations).expanduser()
    base = f"{path.stem}@{hash_file(path)[:12]}"
    return base if limit is None else f"{base}-first{limit}"
