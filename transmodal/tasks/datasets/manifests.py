"""User data as samples: JSONL / CSV / TSV manifests or a plain folder, for any modality pair.

A manifest row names one sample:

``source`` (required; alias ``file_name`` as in Hugging Face audiofolder/imagefolder)
    text for a text source, else a path to the audio or image file.
``references`` (a list; in CSV a JSON list) or ``reference`` (one value); optional
    strings for a text target, else paths to audio / image files.
``id`` (optional)
    defaults to the source file's relative path, or ``row-N`` for text sources.
``meta`` (optional; a JSON object in CSV)
    merged with every other column/key, so group labels (``gender``, ``accent``) go to ``meta``.

Relative paths resolve against the manifest's folder. Media files must exist and their
headers must decode (``soundfile.info`` / ``PIL.Image.open``); samples hold ``Path`` objects
and are decoded (and resampled) by the model adapter through :mod:`transmodal.media`.

A folder without a ``manifest.jsonl|csv|tsv`` or ``metadata.jsonl|csv`` pairs files by stem:
every source file (by extension of the source modality) gets the sibling ``STEM.txt`` (text
target) or ``STEM.<ext>`` (media target) as its one reference when that file exists.

Every problem (missing file, missing column, corrupt media, empty manifest, duplicate id)
raises a one-line :class:`TransmodalError` naming the file and row.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from transmodal.media import content_hash
from transmodal.types import Modality, Sample, TransmodalError

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3", ".raw")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
FOLDER_MANIFESTS = ("manifest.jsonl", "manifest.csv", "manifest.tsv", "metadata.jsonl", "metadata.csv")
_RESERVED = ("source", "file_name", "reference", "references", "id", "meta")


def samples_digest(samples: Sequence[Sample]) -> str:
    """sha256 over ids, source content hashes and references: pins a dataset's content."""
    digest = hashlib.sha256()
    for sample in samples:
        refs = [ref if isinstance(ref, str) else content_hash(ref) for ref in sample.references]
        digest.update(json.dumps([sample.id, content_hash(sample.source), refs]).encode())
    return digest.hexdigest()


def check_media(path: Path, modality: Modality, where: str) -> Path:
    """``path`` if it exists and its header decodes as ``modality``; else a one-line error."""
    if not path.is_file():
        raise TransmodalError(f"{where}: {modality.value} file not found: {path}")
    if modality is Modality.AUDIO and path.suffix.lower() != ".raw":
        import soundfile

        try:
            soundfile.info(str(path))
        except Exception as error:  # soundfile raises several types for bad files
            raise TransmodalError(f"{where}: cannot decode audio {path}: {str(error).splitlines()[0]}") from None
    elif modality is Modality.IMAGE:
        from PIL import Image

        try:
            with Image.open(path) as handle:
                handle.size
        except Exception as error:
            raise TransmodalError(f"{where}: cannot decode image {path}: {error}") from None
    return path


def _value(raw: Any, modality: Modality, base: Path, where: str) -> Any:
    if modality is Modality.TEXT:
        if not isinstance(raw, str):
            raise TransmodalError(f"{where}: expected text, got {type(raw).__name__}")
        return raw
    if modality in (Modality.AUDIO, Modality.IMAGE):
        if not isinstance(raw, str) or not raw.strip():
            raise TransmodalError(f"{where}: expected a {modality.value} file path, got {raw!r}")
        path = Path(raw).expanduser()
        return check_media(path if path.is_absolute() else base / path, modality, where)
    raise TransmodalError(f"{where}: manifests cannot hold {modality.value} values")


def _references(row: dict, where: str) -> list:
    if "references" in row and row["references"] not in (None, ""):
        refs = row["references"]
        if isinstance(refs, str):  # CSV: a JSON list
            try:
                refs = json.loads(refs)
            except json.JSONDecodeError:
                raise TransmodalError(f"{where}: 'references' must be a JSON list, got {refs[:40]!r}") from None
        if not isinstance(refs, list):
            raise TransmodalError(f"{where}: 'references' must be a list")
        return refs
    if "reference" in row and row["reference"] not in (None, ""):
        return [row["reference"]]
    return []


def rows_to_samples(
    rows: Iterable[tuple[str, dict]], source: Modality, target: Modality, base: Path, label: str
) -> list[Sample]:
    """Samples from ``(where, row)`` pairs; see the module docstring for the keys."""
    samples: list[Sample] = []
    seen: set[str] = set()
    for index, (where, row) in enumerate(rows):
        if not isinstance(row, dict):
            raise TransmodalError(f"{where}: expected an object, got {type(row).__name__}")
        key = "source" if "source" in row else "file_name" if "file_name" in row else None
        if key is None or row[key] in (None, ""):
            raise TransmodalError(f"{where}: missing 'source' (columns/keys: {', '.join(map(str, row)) or 'none'})")
        value = _value(row[key], source, base, f"{where} source")
        refs = tuple(_value(ref, target, base, f"{where} reference") for ref in _references(row, where))
        sample_id = row.get("id")
        if sample_id in (None, ""):
            sample_id = str(row[key]) if source is not Modality.TEXT else f"row-{index}"
        sample_id = str(sample_id)
        if sample_id in seen:
            raise TransmodalError(f"{where}: duplicate id {sample_id!r} in {label}")
        seen.add(sample_id)
        meta = row.get("meta") or {}
        if isinstance(meta, str):
            try:
                meta = json.loads(meta)
            except json.JSONDecodeError:
                raise TransmodalError(f"{where}: 'meta' must be a JSON object") from None
        if not isinstance(meta, dict):
            raise TransmodalError(f"{where}: 'meta' must be an object")
        extra = {k: v for k, v in row.items() if k not in _RESERVED and k is not None}
        samples.append(Sample(id=sample_id, source=value, references=refs, meta={**extra, **meta}))
    if not samples:
        raise TransmodalError(f"{label} has no samples")
    return samples


def _jsonl_rows(path: Path) -> Iterator[tuple[str, dict]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield f"{path.name}:{number}", json.loads(line)
            except json.JSONDecodeError as error:
                raise TransmodalError(f"{path.name}:{number}: invalid JSON ({error.msg})") from None


def _csv_rows(path: Path) -> Iterator[tuple[str, dict]]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        if not reader.fieldnames:
            raise TransmodalError(f"{path} is empty (no header row)")
        for number, row in enumerate(reader, start=2):
            if None in row:
                raise TransmodalError(f"{path.name}:{number}: more fields than header columns")
            yield f"{path.name}:{number}", row


def _folder_rows(folder: Path, source: Modality, target: Modality) -> Iterator[tuple[str, dict]]:
    if source is Modality.TEXT and target is Modality.TEXT:
        raise TransmodalError(f"{folder}: a text->text folder cannot be paired by file stem; write a manifest.jsonl")
    extensions = {Modality.AUDIO: AUDIO_EXTENSIONS, Modality.IMAGE: IMAGE_EXTENSIONS, Modality.TEXT: (".txt",)}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in extensions[source]):
        relative = path.relative_to(folder).as_posix()
        row: dict[str, Any] = {"id": relative}
        row["source"] = path.read_text(encoding="utf-8").strip() if source is Modality.TEXT else relative
        for ext in extensions[target]:
            sibling = path.with_suffix(ext)
            if sibling.is_file() and sibling != path:
                ref = sibling.read_text(encoding="utf-8").strip() if target is Modality.TEXT else sibling.relative_to(folder).as_posix()
                row["reference"] = ref
                break
        yield relative, row


def load_manifest(path: str | Path, source: Modality, target: Modality) -> list[Sample]:
    """Samples from a ``.jsonl`` / ``.csv`` / ``.tsv`` manifest or a folder (module docstring)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise TransmodalError(f"manifest not found: {path}")
    if path.is_dir():
        for name in FOLDER_MANIFESTS:
            if (path / name).is_file():
                return load_manifest(path / name, source, target)
        return rows_to_samples(_folder_rows(path, source, target), source, target, path, f"folder {path}")
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = _jsonl_rows(path)
    elif suffix in (".csv", ".tsv"):
        rows = _csv_rows(path)
    else:
        raise TransmodalError(f"unknown manifest format {suffix!r} for {path}: use .jsonl, .csv, .tsv or a folder")
    return rows_to_samples(rows, source, target, path.parent, f"manifest {path}")
