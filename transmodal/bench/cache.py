"""Content-addressed, crash-safe cache of model outputs.

Key = sha256 over (model fingerprint, task config hash, source content hash, seed,
replicate, generation parameters): change any of them and the entry misses (a peer
keyed on the prompt alone and silently served stale outputs).

Layout: ``ROOT/outputs/ab/<key>.json`` (the entry: type, metadata, inline text) and,
for media, ``ROOT/outputs/ab/<key>.png|.wav|.npy`` (the payload). The payload is
written first and the entry last, each to a temp file renamed into place, so an
entry that exists is complete; a crash or Ctrl-C mid-write leaves at most a stray
temp file. Two runs writing the same key write identical bytes; the last rename wins.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from transmodal import media
from transmodal.types import Audio, TransmodalError

CACHE_FORMAT = 1


def cache_key(
    model_fingerprint: str,
    task_config_hash: str,
    source_hash: str,
    seed: int,
    replicate: int,
    generation: dict,
) -> str:
    """The content address of one generation."""
    payload = json.dumps(
        {
            "format": CACHE_FORMAT,
            "model": model_fingerprint,
            "task": task_config_hash,
            "source": source_hash,
            "seed": seed,
            "replicate": replicate,
            "generation": generation,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _encode(value: Any) -> tuple[str, str, bytes | None, Any]:
    """(type, payload suffix, payload bytes, inline value) for a model output."""
    if isinstance(value, str):
        return "text", "", None, value
    if isinstance(value, Audio):
        return "audio", ".wav", media.audio_to_wav_bytes(value), None
    if isinstance(value, np.ndarray):
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(value), allow_pickle=False)
        return "array", ".npy", buffer.getvalue(), None
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        Image = None
    if Image is not None and isinstance(value, Image.Image):
        return "image", ".png", media.image_to_png_bytes(value), None
    raise TransmodalError(f"model returned an unsupported output type: {type(value).__name__}")


def _decode(kind: str, payload: bytes | None, inline: Any) -> Any:
    if kind == "text":
        return inline
    if kind == "audio":
        return media.audio_from_wav_bytes(payload)
    if kind == "array":
        return np.load(io.BytesIO(payload), allow_pickle=False)
    if kind == "image":
        return media.image_from_png_bytes(payload)
    raise TransmodalError(f"cache entry has unknown type {kind!r}")


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class OutputCache:
    """Outputs by key under ``root``; safe to share between concurrent runs."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()
        self.outputs = self.root / "outputs"

    def check_writable(self) -> None:
        """Raise a one-line error unless the cache folder can be created and written."""
        try:
            self.outputs.mkdir(parents=True, exist_ok=True)
            probe = tempfile.NamedTemporaryFile(dir=self.outputs, prefix=".probe", delete=True)
            probe.close()
        except OSError as error:
            raise TransmodalError(f"cache directory {self.root} is not writable: {error.strerror or error}") from error

    def _entry(self, key: str) -> Path:
        return self.outputs / key[:2] / f"{key}.json"

    def contains(self, key: str) -> bool:
        return self._entry(key).exists()

    def put(self, key: str, value: Any, meta: dict | None = None) -> str:
        """Store ``value``; returns the sha256 of its canonical bytes."""
        kind, suffix, payload, inline = _encode(value)
        entry = self._entry(key)
        entry.parent.mkdir(parents=True, exist_ok=True)
        if payload is not None:
            _atomic_write_bytes(entry.with_suffix(suffix), payload)
            digest = hashlib.sha256(payload).hexdigest()
        else:
            digest = hashlib.sha256(inline.encode("utf-8")).hexdigest()
        record = {"type": kind, "suffix": suffix, "value": inline, "sha256": digest, "meta": meta or {}}
        _atomic_write_bytes(entry, json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return digest

    def get(self, key: str) -> tuple[Any, str]:
        """``(value, sha256)`` for a stored key; a damaged entry raises a one-line error."""
        entry = self._entry(key)
        try:
            record = json.loads(entry.read_text(encoding="utf-8"))
            payload = entry.with_suffix(record["suffix"]).read_bytes() if record["suffix"] else None
        except FileNotFoundError as error:
            raise TransmodalError(f"output {key[:12]} is not in the cache at {self.root}") from error
        except (json.JSONDecodeError, KeyError) as error:
            raise TransmodalError(f"cache entry {entry} is damaged; delete it and rerun") from error
        return _decode(record["type"], payload, record.get("value")), record["sha256"]

    def payload_path(self, key: str) -> Path | None:
        """Where a media output's bytes live (None for text)."""
        entry = self._entry(key)
        record = json.loads(entry.read_text(encoding="utf-8"))
        return entry.with_suffix(record["suffix"]) if record["suffix"] else None
