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
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from transmodal.types import TransmodalError

BUNDLE_ENV = "TRANSMODAL_BUNDLE"


def slug(ref: str) -> str:
    return ref.replace("/", "--").replace(":", "_")


def bundle_root() -> Path | None:
    value = os.environ.get(BUNDLE_ENV)
    return Path(value) if value else None


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or os.environ.get("TRANSFORMERS_OFFLINE", "") not in ("", "0")


def resolve(ref: str, model_name: str = "") -> str:
    """A local folder (or file) holding the weights named by ``ref``."""
    if Path(ref).expanduser().exists():
        return str(Path(ref).expanduser())
    root = bundle_root()
    if root is not None:
        candidate = root / "models" / slug(ref)
        if candidate.exists():
            return str(candidate)
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(ref, local_files_only=True)
    except Exception:  # not in the local cache (several exception types across versions)
        pass
    if not _offline():
        try:
            from huggingface_hub import snapshot_download

            return snapshot_download(ref)
        except Exception as error:
            raise TransmodalError(f"cannot download {ref!r}: {error}") from error
    name = model_name or ref
    raise TransmodalError(
        f"weights {ref!r} are not available offline: pass --model-param model=/local/path, or run "
        f"`transmodal prefetch {name} --out BUNDLE` on a connected machine and use --offline-bundle BUNDLE"
    )


def manifest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (relative path -> hash)."""
    from transmodal.media import hash_file

    return {str(p.relative_to(folder)): hash_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


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
