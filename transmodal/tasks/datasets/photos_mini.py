"""photos-mini: 31 real photographs that ship inside pip and Debian packages.

No image is copied into this repository. ``data/photos_mini/captions.json`` lists,
per image, where it is installed (a Python package plus a path inside it, or an
absolute path from a Debian package), its sha256, licence and credit, an audit
group, and 3-4 hand-written COCO-style captions (one sentence each, only what is
visible; no names of people that the picture itself does not show).

Sources (see ``docs/data/photos_mini.md`` for the per-image table):

* scikit-image (``skimage/data/*``): 16 photographs (CC0 / public domain / "no known
  restrictions", three with no licence stated by scikit-image).
* matplotlib (``mpl-data/sample_data/grace_hopper.jpg``): 1 portrait.
* scikit-learn (``datasets/images/{china,flower}.jpg``): 2 photographs, CC-BY-2.0.
* Debian ``mate-backgrounds`` (``/usr/share/backgrounds/mate/nature/*.jpg``): 12, GPL-2+.

Each :class:`Sample` has ``source`` = the image ``Path`` (decoded later by
``transmodal.media.load_image``; never re-encoded), ``references`` = the captions and
``meta`` = ``{"origin", "licence", "credit", "group", "color", "sha256"}``. ``group``
(people, animal, object, text, architecture, plant, nature, texture, space, medical)
and ``color`` (rgb / grayscale) are there for bias audits.

Pitfalls handled: a missing source package raises one :class:`TransmodalError` line
naming every missing image and the ``pip``/``apt-get`` command that provides it
(nothing is skipped silently); an installed file whose bytes differ from the pinned
sha256 (a package upgrade re-encoded it) raises unless ``verify=False``, because the
dataset id below would otherwise name different pixels.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from functools import lru_cache
from pathlib import Path

from transmodal.media import hash_file
from transmodal.types import Sample, TransmodalError

MANIFEST = Path(__file__).parent / "data" / "photos_mini" / "captions.json"


@lru_cache(maxsize=1)
def _manifest() -> dict:
    try:
        return json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TransmodalError(f"photos-mini manifest unreadable: {MANIFEST}: {error}") from error


def manifest_entries() -> list[dict]:
    """The manifest rows (id, origin, module, path, install, group, licence, credit, captions, sha256)."""
    return [dict(entry) for entry in _manifest()["images"]]


def dataset_id() -> str:
    """``photos-mini@v<version>-<12 hex>``: a hash of the manifest, which pins every image's sha256.

    Captions, licences and image bytes are all covered, so equal ids mean equal data
    (the loader refuses images whose bytes differ from the pins).
    """
    digest = hashlib.sha256(MANIFEST.read_bytes()).hexdigest()[:12]
    return f"photos-mini@v{_manifest()['version']}-{digest}"


def _package_root(module: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def image_path(entry: dict) -> Path | None:
    """Where the entry's image is installed here, or None when its package is absent."""
    if entry["module"] is None:
        path = Path(entry["path"])
    else:
        root = _package_root(entry["module"])
        if root is None:
            return None
        path = root / entry["path"]
    return path if path.is_file() else None


def load_photos_mini(verify: bool = True) -> list[Sample]:
    """All photos-mini samples in manifest order.

    Raises :class:`TransmodalError` naming the missing images and their install
    commands when any source package is absent, and (with ``verify``) naming the
    images whose installed bytes differ from the pinned sha256.
    """
    entries = manifest_entries()
    missing: dict[str, list[str]] = {}
    located: list[tuple[dict, Path]] = []
    for entry in entries:
        path = image_path(entry)
        if path is None:
            missing.setdefault(entry["install"], []).append(entry["id"])
        else:
            located.append((entry, path))
    if missing:
        parts = [f"{len(ids)} image(s) need `{install}` ({', '.join(ids)})" for install, ids in missing.items()]
        raise TransmodalError(f"photos-mini: {len(entries) - len(located)} of {len(entries)} images missing: " + "; ".join(parts))
    samples = []
    changed = []
    for entry, path in located:
        digest = hash_file(path)
        if digest != entry["sha256"]:
            changed.append(f"{entry['id']} ({path})")
        meta = {key: entry[key] for key in ("origin", "licence", "credit", "group", "color")}
        meta["sha256"] = digest
        samples.append(Sample(id=entry["id"], source=path, references=tuple(entry["captions"]), meta=meta))
    if changed and verify:
        raise TransmodalError(
            f"photos-mini: {len(changed)} installed image(s) differ from the pinned sha256 (package version drift): "
            + ", ".join(changed)
            + "; pass verify=False to use them anyway (dataset_id() then no longer describes them)"
        )
    return samples
