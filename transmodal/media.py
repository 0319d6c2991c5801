"""Reading, writing and hashing modality values (text, images, audio).

One place decides how bytes become values, so every loader, adapter and cache
agrees. Images are never re-encoded silently: a path is decoded once with PIL and
converted to RGB; the cache stores generated images losslessly (PNG). Audio is
float32 mono; other rates are resampled with polyphase filtering
(``scipy.signal.resample_poly``) and the resampling is recorded by the caller.
"""

from __future__ import annotations

import hashlib
import io
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from transmodal.types import Audio, TransmodalError


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def hash_file(path: str | Path) -> str:
    """sha256 of a file's bytes, memoised on (path, size, mtime)."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError as error:
        raise TransmodalError(f"file not found: {path}") from error
    key = (str(path.resolve()), info.st_size, info.st_mtime_ns)
    if key not in _FILE_HASHES:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _FILE_HASHES[key] = digest.hexdigest()
    return _FILE_HASHES[key]


def content_hash(value: Any) -> str:
    """A stable sha256 of a modality value: text, file path, image or audio."""
    if isinstance(value, str):
        return sha256_bytes(b"text\0" + value.encode("utf-8"))
    if isinstance(value, Path):
        return hash_file(value)
    if isinstance(value, Audio):
        header = f"audio\0{value.sample_rate}\0".encode()
        return sha256_bytes(header + np.ascontiguousarray(value.waveform, dtype="<f4").tobytes())
    if _is_pil_image(value):
        header = f"image\0{value.mode}\0{value.size}\0".encode()
        return sha256_bytes(header + value.tobytes())
    if isinstance(value, np.ndarray):
        header = f"array\0{value.dtype.str}\0{value.shape}\0".encode()
        return sha256_bytes(header + np.ascontiguousarray(value).tobytes())
    raise TransmodalError(f"cannot hash a value of type {type(value).__name__}")


def _is_pil_image(value: Any) -> bool:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a core dependency
        return False
    return isinstance(value, Image.Image)


# ---------------------------------------------------------------- audio


def resample(audio: Audio, rate: int) -> Audio:
    """``audio`` at ``rate`` Hz (polyphase resampling; unchanged when equal)."""
    if audio.sample_rate == rate:
        return audio
    from scipy.signal import resample_poly

    ratio = Fraction(rate, audio.sample_rate).limit_denominator(1000)
    wave = resample_poly(audio.waveform, ratio.numerator, ratio.denominator).astype(np.float32)
    return Audio(wave, rate)


def load_audio(source: Any, rate: int | None = None) -> Audio:
    """Decode a path (WAV/FLAC/OGG, or headerless 16 kHz 16-bit ``.raw``) or pass an Audio through.

    Multi-channel audio is averaged to mono. With ``rate`` the result is resampled.
    Corrupt or unreadable files raise a one-line :class:`TransmodalError`.
    """
    if isinstance(source, Audio):
        audio = source
    else:
        path = Path(source)
        if not path.exists():
            raise TransmodalError(f"audio file not found: {path}")
        if path.suffix.lower() == ".raw":
            data = np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0
            audio = Audio(data, 16000)
        else:
            import soundfile

            try:
                data, file_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
            except Exception as error:  # soundfile raises several types for bad files
                raise TransmodalError(f"cannot decode audio {path}: {error}") from error
            if data.shape[0] == 0:
                raise TransmodalError(f"audio file is empty: {path}")
            audio = Audio(data.mean(axis=1), int(file_rate))
    return resample(audio, rate) if rate else audio


def audio_to_wav_bytes(audio: Audio) -> bytes:
    """Lossless float32 WAV bytes."""
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, audio.waveform, audio.sample_rate, format="WAV", subtype="FLOAT")
    return buffer.getvalue()


def audio_from_wav_bytes(data: bytes) -> Audio:
    import soundfile

    wave, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    return Audio(wave.mean(axis=1), int(rate))


# ---------------------------------------------------------------- images


def load_image(source: Any):
    """A PIL RGB image from a path, a PIL image or a uint8 ``[H, W, 3]`` array.

    Raises a one-line :class:`TransmodalError` for missing or corrupt files.
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(source, Image.Image):
        image = source
    elif isinstance(source, np.ndarray):
        if source.dtype != np.uint8 or source.ndim != 3 or source.shape[2] not in (3, 4):
            raise TransmodalError(f"image arrays must be uint8 [H, W, 3|4], got {source.dtype} {source.shape}")
        image = Image.fromarray(source)
    else:
        path = Path(source)
        if not path.exists():
            raise TransmodalError(f"image file not found: {path}")
        try:
            with Image.open(path) as handle:
                handle.load()
                image = handle.copy()
        except (UnidentifiedImageError, OSError) as error:
            raise TransmodalError(f"cannot decode image {path}: {error}") from error
    return image if image.mode == "RGB" else image.convert("RGB")


def image_to_png_bytes(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_from_png_bytes(data: bytes):
    from PIL import Image

    with Image.open(io.BytesIO(data)) as handle:
        handle.load()
        return handle.copy()


DEJAVU_SANS = "DejaVuSans.ttf"
"""The one font transmodal draws text with (rendered-text dataset, pil-text-render model)."""


def dejavu_sans_candidates() -> Iterator[Path]:
    """Candidate ``DejaVuSans.ttf`` files, lazily: Debian ``fonts-dejavu-core``, ``fc-match``, matplotlib's copy.

    ``fc-match`` only runs when Debian's file was not taken; its answer counts only when
    it is really ``DejaVuSans.ttf`` (fontconfig substitutes another font when it has none).
    """
    import importlib.util
    import shutil
    import subprocess

    yield Path("/usr/share/fonts/truetype/dejavu") / DEJAVU_SANS
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", "DejaVu Sans:style=Book"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if Path(found).name == DEJAVU_SANS:
            yield Path(found)
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        yield Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf" / DEJAVU_SANS


def find_dejavu_sans(candidates: Iterable[Path] | None = None) -> Path:
    """The first existing file of ``candidates`` (default :func:`dejavu_sans_candidates`), else a one-line error."""
    for candidate in dejavu_sans_candidates() if candidates is None else candidates:
        if candidate.is_file():
            return candidate
    raise TransmodalError(f"font {DEJAVU_SANS} not found: apt-get install fonts-dejavu-core (or pip install matplotlib)")
