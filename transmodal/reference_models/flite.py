"""Flite (CMU Festival-Lite): small compiled-in voices, a fast classical baseline.

Called as ``flite -voice VOICE --setf duration_stretch=S -f input.txt -o output.wav``.
Voices compiled into Debian's flite 2.2: ``kal``, ``kal16``, ``awb``, ``awb_time``,
``rms``, ``slt`` (``flite -lv``); ``slt`` (US English female, CMU ARCTIC clustergen)
is the registered one and renders at 16 kHz. ``voice`` may also be a path to a
``.flitevox`` file. Unknown names are refused (flite itself silently falls back to
its default voice). Synthesis is deterministic; the seed is ignored.

Parameters (in the fingerprint): ``voice``, ``duration_stretch`` (> 1 is slower).
Fingerprint: ``flite --version`` output, the parameters and the sha256 of the voice
library (``libflite_cmu_us_<voice>.so``) or ``.flitevox`` file and of the binary.
Flite is BSD-style licensed (CMU). Missing binary: ``apt-get install flite``.
"""

from __future__ import annotations

import glob
from pathlib import Path

from transmodal.reference_models.subprocess_tts import SubprocessTTS, engine_version, require_binary
from transmodal.types import Modality, ModelCard, ModelEntry, TransmodalError

APT_PACKAGE = "flite"
LIBRARY_GLOBS = ("/usr/lib/*/libflite_cmu_us_{voice}.so*", "/usr/lib/libflite_cmu_us_{voice}.so*",
                 "/usr/local/lib/libflite_cmu_us_{voice}.so*")


class Flite(SubprocessTTS):
    engine = "flite"

    def __init__(self, voice: str = "slt", duration_stretch: float = 1.0) -> None:
        self.binary = require_binary("flite", APT_PACKAGE)
        voice = str(voice)
        if voice.endswith(".flitevox"):
            if not Path(voice).is_file():
                raise TransmodalError(f"flite voice file not found: {voice}")
        elif voice not in self.voices():
            # flite silently falls back to its default voice for unknown names: refuse instead
            raise TransmodalError(f"flite has no voice {voice!r}; available: {', '.join(self.voices())}")
        super().__init__({"voice": voice, "duration_stretch": float(duration_stretch)})

    def voices(self) -> list[str]:
        """Voice names compiled into this flite binary (``flite -lv``)."""
        listing = engine_version(self.binary, "-lv")
        return listing.split(":", 1)[1].split() if ":" in listing else []

    def version(self) -> str:
        return engine_version(self.binary, "--version")

    def data_files(self) -> list[Path]:
        voice = self.params["voice"]
        if voice.endswith(".flitevox"):
            return [Path(voice), Path(self.binary)]
        libraries = [Path(p) for pattern in LIBRARY_GLOBS for p in glob.glob(pattern.format(voice=voice))]
        return [p for p in libraries if p.is_file() and not p.is_symlink()] + [Path(self.binary)]

    def command(self, text_path: Path, wav_path: Path) -> list[str]:
        p = self.params
        return [self.binary, "-voice", p["voice"], "--setf", f"duration_stretch={p['duration_stretch']}",
                "-f", str(text_path), "-o", str(wav_path)]


def load(device: str = "cpu", voice: str = "slt", duration_stretch: float = 1.0) -> Flite:
    """Build the flite translator (``device`` is ignored: CPU only)."""
    return Flite(voice=voice, duration_stretch=duration_stretch)


FLITE_SLT = ModelEntry(
    name="flite-slt",
    source=Modality.TEXT,
    target=Modality.AUDIO,
    factory=load,
    card=ModelCard(
        license="BSD-style (CMU Flite licence); voice built from CMU ARCTIC slt (free licence)",
        weights_source="Debian package flite (voice compiled into libflite_cmu_us_slt)",
        revision="flite 2.2 (Debian bookworm)",
        size="~4 MB voice library",
        hardware="cpu",
        prefetch="apt-get install flite",
        offline=True,
    ),
    params={"voice": "slt", "duration_stretch": 1.0},
)
