"""Where model weights come from, offline first.

``resolve(ref)`` turns a hub id or a path into a local folder, trying in order:
1. ``ref`` itself when it is an existing local path;
2. an offline bundle written by ``transmodal prefetch`` (``--offline-bundle DIR`` or
   ``$TRANSMODAL_BUNDLE``): ``DIR/models/<slug(ref)>``, checked against the bundle's
   recorded sha256 hashes;
3. the Hugging Face cache (``snapshot_download(..., local_files_only=True)``);
4. otherwise a download from the hub when the network is allowed (``HF_HUB_OFFLINE``
   unset): the real loading code path, unchanged.
When nothing works the error says exactly what to prefetch.

``folder_digest(folder)`` is the one content identity of a weights folder used by
every adapter's fingerprint: sha256 over ``relative/path\0file-sha256\0`` of its
files in sorted order, hidden files and folders (``.cache``, ``.git``, ...) left out.
``resolve_folder`` combines the two: (local folder, ``"sha256:" + folder_digest``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from transmodal.types import TransmodalError

BUNDLE_ENV = "TRANSMODAL_BUNDLE"

CHECKPOINT_SUFFIXES = (".json", ".txt", ".safetensors", ".bin", ".model")
"""Config, vocab and weight files: what ``from_pretrained`` reads, so what identifies a checkpoint folder."""


def slug(ref: str) -> str:
    return ref.replace("/", "--").replace(":", "_")


def bundle_root() -> Path | None:
    value = os.environ.get(BUNDLE_ENV)
    return Path(value) if value else None


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or os.environ.get("TRANSFORMERS_OFFLINE", "") not in ("", "0")


def resolve(ref: str, model_name: str = "", revision: str | None = None) -> str:
    """A local folder (or file) holding the weights named by ``ref`` (``revision``: a hub branch/tag/commit)."""
    if Path(ref).expanduser().exists():
        return str(Path(ref).expanduser())
    root = bundle_root()
    if root is not None:
        candidate = root / "models" / slug(ref)
        if candidate.exists():
            return str(candidate)
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(ref, revision=revision, local_files_only=True)
    except Exception:  # not in the local cache (several exception types across versions)
        pass
    if not _offline():
        try:
            from huggingface_hub import snapshot_download

            return snapshot_download(ref, revision=revision)
        except Exception as error:
            raise TransmodalError(f"cannot download {ref!r}: {error}") from error
    name = model_name or ref
    raise TransmodalError(
        f"weights {ref!r} are not available offline (not a local path and not fetchable from the hub): pass --model-param model=/local/path, or run "
        f"`transmodal prefetch {name} --out BUNDLE` on a connected machine and use --offline-bundle BUNDLE"
    )


def manifest(folder: Path, suffixes: Iterable[str] | None = None, skip_hidden: bool = False) -> dict[str, str]:
    """sha256 of every file under ``folder`` (relative POSIX path -> hash), in sorted path order.

    ``suffixes`` keeps only files with those extensions; ``skip_hidden`` drops files whose
    relative path has a part starting with ``.`` (hub download metadata, VCS folders).
    """
    from transmodal.media import hash_file

    folder = Path(folder)
    keep = set(suffixes) if suffixes is not None else None
    listing = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder)
        if skip_hidden and any(part.startswith(".") for part in relative.parts):
            continue
        if keep is not None and path.suffix not in keep:
            continue
        listing[relative.as_posix()] = hash_file(path)
    return listing


def folder_digest(folder: Path, suffixes: Iterable[str] | None = None) -> str:
    """sha256 over ``relative/path\0file-sha256\0`` of the non-hidden files (optionally only ``suffixes``)."""
    digest = hashlib.sha256()
    for relative, file_hash in manifest(folder, suffixes, skip_hidden=True).items():
        digest.update(f"{relative}\0{file_hash}\0".encode())
    return digest.hexdigest()


def resolve_folder(ref: str, model_name: str = "", revision: str | None = None,
                   suffixes: Iterable[str] | None = None) -> tuple[Path, str]:
    """(local weights folder, weights id ``"sha256:" + folder_digest``) for a path or hub id (see :func:`resolve`)."""
    folder = Path(resolve(ref, model_name, revision))
    return folder, "sha256:" + folder_digest(folder, suffixes)


def verify_bundle(root: Path) -> None:
    """Raise unless every file listed in ``root/manifest.json`` has its recorded hash."""
    listing = root / "manifest.json"
    if not listing.exists():
        raise TransmodalError(f"{root} is not a transmodal bundle (no manifest.json)")
    expected = json.loads(listing.read_text())["files"]
    actual = manifest(root)
    bad = [path for path, digest in expected.items() if actual.get(path) != digest]
    if bad:
        raise TransmodalError(f"bundle {root} is damaged: {len(bad)} files differ from the manifest (e.g. {bad[0]})")
