"""eSpeak NG: formant synthesis, the classic rule-based baseline voice.

Called as ``espeak-ng -v VOICE -s RATE -p PITCH -f input.txt -w output.wav``
(a subprocess: espeak-ng is GPL-3.0-or-later and is never linked). Output is
22,050 Hz mono. Synthesis is deterministic; the seed is ignored.

Parameters (all enter the fingerprint): ``voice`` (espeak-ng voice name, e.g.
``en-us``; ``espeak-ng --voices`` lists them), ``rate`` (words per minute,
espeak-ng's default 175), ``pitch`` (0-99, default 50).

Fingerprint: the ``espeak-ng --version`` line (version and data directory), the
parameters and the sha256 of the data files that define the voice (``phontab``,
``phonindex``, ``phondata``, ``intonations`` and the language's ``*_dict``).
Missing binary: ``apt-get install espeak-ng``.
"""

from __future__ import annotations

import re
from pathlib import Path

from transmodal.reference_models.subprocess_tts import SubprocessTTS, engine_version, require_binary
from transmodal.types import Modality, ModelCard, ModelEntry

APT_PACKAGE = "espeak-ng"


class EspeakNG(SubprocessTTS):
    engine = "espeak-ng"

    def __init__(self, voice: str = "en-us", rate: int = 175, pitch: int = 50) -> None:
        self.binary = require_binary("espeak-ng", APT_PACKAGE)
        super().__init__({"voice": voice, "rate": int(rate), "pitch": int(pitch)})

    def version(self) -> str:
        return engine_version(self.binary, "--version")

    def data_files(self) -> list[Path]:
        match = re.search(r"Data at:\s*(\S+)", self.version())
        if not match:
            return []
        data = Path(match.group(1))
        language = str(self.params["voice"]).split("-")[0].split("+")[0]
        names = ["phontab", "phonindex", "phondata", "intonations", f"{language}_dict"]
        return [data / name for name in names if (data / name).is_file()]

    def command(self, text_path: Path, wav_path: Path) -> list[str]:
        p = self.params
        return [self.binary, "-v", p["voice"], "-s", str(p["rate"]), "-p", str(p["pitch"]),
                "-f", str(text_path), "-w", str(wav_path)]


def load(device: str = "cpu", voice: str = "en-us", rate: int = 175, pitch: int = 50) -> EspeakNG:
    """Build the espeak-ng translator (``device`` is ignored: CPU only)."""
    return EspeakNG(voice=voice, rate=rate, pitch=pitch)


ESPEAK_NG = ModelEntry(
    name="espeak-ng",
    source=Modality.TEXT,
    target=Modality.AUDIO,
    factory=load,
    card=ModelCard(
        license="GPL-3.0-or-later (engine, run as a subprocess)",
        weights_source="Debian package espeak-ng (rule-based; no weights)",
        revision="espeak-ng 1.51 (Debian bookworm)",
        size="~10 MB data",
        hardware="cpu",
        prefetch="apt-get install espeak-ng",
        offline=True,
    ),
    params={"voice": "en-us", "rate": 175, "pitch": 50},
)
