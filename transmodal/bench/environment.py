"""What a record pins about the machine: versions, git commit, hardware, determinism."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PINNED_PACKAGES = (
    "transmodal", "numpy", "scipy", "pillow", "torch", "torchvision", "torchmetrics", "transformers",
    "diffusers", "open_clip_torch", "sacrebleu", "jiwer", "clean-fid", "pycocoevalcap", "faster-whisper",
    "ctranslate2", "pocketsphinx", "piper-tts", "whisper-normalizer", "sentence-transformers", "soundfile",
)


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PINNED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def git_commit() -> str | None:
    """HEAD of the transmodal checkout (with ``+dirty`` when modified), or None."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=5
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.TimeoutExpired):
        return None


def hardware(device: str) -> dict:
    info = {"machine": platform.machine(), "processor": platform.processor(), "cpu_count": os.cpu_count(), "device": device}
    torch = sys.modules.get("torch")
    if torch is not None and device.startswith("cuda") and torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def determinism() -> dict:
    flags = {"per_sample_cpu_seeds": True, "batch_size_invariant_seeds": True}
    torch = sys.modules.get("torch")
    if torch is not None:
        flags["torch_deterministic_algorithms"] = bool(torch.are_deterministic_algorithms_enabled())
        flags["cudnn_benchmark"] = bool(torch.backends.cudnn.benchmark)
    return flags
