"""Shared plumbing for text-to-speech engines that run as command-line tools.

espeak-ng, flite and festival's ``text2wave`` are called as subprocesses, never
linked: their licences (espeak-ng is GPL-3.0-or-later) stay out of transmodal's
process, and a missing binary is a one-line :class:`TransmodalError` that names
the Debian package to install.

Each sample is synthesised in a fresh temporary directory: the text goes into a
UTF-8 file (never onto the command line, so text that starts with ``-`` or holds
quotes cannot become an option), the engine writes a WAV file, and
:func:`transmodal.media.load_audio` decodes it to float32 mono at the engine's
native rate (no resampling here; judges resample to their own rate and say so).

These engines are deterministic: the per-sample seed is accepted and ignored,
and two runs give bit-identical audio (the tests check this). Empty or
whitespace-only text is rejected with a one-line error naming the sample.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

from transmodal.media import hash_file, load_audio
from transmodal.types import Audio, Modality, Sample, TransmodalError

TIMEOUT_S = 300


def require_binary(binary: str, apt_package: str) -> str:
    """The absolute path of ``binary``, or a one-line error with the install command."""
    path = shutil.which(binary)
    if path is None:
        raise TransmodalError(f"{binary} not found on PATH; install it with: apt-get install {apt_package}")
    return path


@functools.lru_cache(maxsize=None)
def engine_version(*argv: str) -> str:
    """The stripped output of a ``--version`` style command (stdout and stderr), memoised."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TransmodalError(f"cannot run {' '.join(argv)}: {error}") from error
    return " ".join((done.stdout + done.stderr).split())


def sample_text(sample: Sample) -> str:
    """The sample's text, or a one-line error when it is not a non-empty string."""
    text = sample.source
    if not isinstance(text, str):
        raise TransmodalError(f"sample {sample.id!r}: text-to-speech needs a str source, got {type(text).__name__}")
    if not text.strip():
        raise TransmodalError(f"sample {sample.id!r}: empty text; text-to-speech needs at least one word")
    return text


def run_to_wav(argv: Sequence[str], wav_path: Path) -> Audio:
    """Run ``argv`` (which must write ``wav_path``) and decode the WAV it wrote."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        raise TransmodalError(f"{Path(argv[0]).name} timed out after {TIMEOUT_S} s") from error
    if done.returncode != 0 or not wav_path.exists() or wav_path.stat().st_size == 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        detail = lines[-1] if lines else "no output file"
        raise TransmodalError(f"{Path(argv[0]).name} failed (exit {done.returncode}): {detail}")
    return load_audio(wav_path)


def fingerprint_of(engine: str, version: str, params: dict[str, Any], files: Iterable[Path]) -> str:
    """sha256 over engine name, version string, sorted params and the named files' hashes."""
    payload = {
        "engine": engine,
        "version": version,
        "params": params,
        "files": {str(path): hash_file(path) for path in sorted(set(files))},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class SubprocessTTS:
    """A :class:`~transmodal.types.Translator` text -> audio over one CLI call per sample.

    Subclasses set ``engine`` and implement :meth:`command` (the argv that reads the
    text file and writes the WAV), :meth:`version` and :meth:`data_files` (files whose
    bytes define the voice, hashed into the fingerprint).
    """

    source = Modality.TEXT
    target = Modality.AUDIO
    engine = "subprocess-tts"

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = dict(params)
        self._fingerprint: str | None = None

    def command(self, text_path: Path, wav_path: Path) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def version(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def data_files(self) -> list[Path]:
        return []

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint_of(self.engine, self.version(), self.params, self.data_files())
        return self._fingerprint

    def synthesize(self, text: str) -> Audio:
        """One utterance: ``text`` -> Audio at the engine's native rate."""
        with tempfile.TemporaryDirectory(prefix=f"transmodal-{self.engine}-") as tmp:
            text_path, wav_path = Path(tmp) / "input.txt", Path(tmp) / "output.wav"
            text_path.write_text(text.strip() + "\n", encoding="utf-8")
            return run_to_wav(self.command(text_path, wav_path), wav_path)

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[Audio]:
        """One Audio per sample; ``seeds`` are ignored (the engine is deterministic)."""
        if len(batch) != len(seeds):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        return [self.synthesize(sample_text(sample)) for sample in batch]
