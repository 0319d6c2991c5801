"""Festival with the CMU ARCTIC slt HTS voice: statistical parametric (HMM) synthesis.

Called as ``text2wave input.txt -o output.wav -eval "(voice_VOICE)"``; the
registered voice ``cmu_us_slt_arctic_hts`` comes from Debian ``festvox-us-slt-hts``
and renders at the voice's native rate (32 kHz for this voice; no ``-F``
resampling). Synthesis is deterministic; the seed is ignored. Festival reads its
input as 8-bit text: non-ASCII characters are read byte-wise, so feed it English
ASCII text.

Parameters (in the fingerprint): ``voice`` (a Festival voice name; its directory is
found under ``/usr/share/festival/voices/*/``).
Fingerprint: ``festival --version`` output, the parameters and the sha256 of every
file of the voice directory (the ``.htsvoice`` model and its Scheme front end).
Festival and the slt HTS voice are BSD/X11-style licensed. Missing binary:
``apt-get install festival festvox-us-slt-hts``.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

from transmodal.reference_models.subprocess_tts import SubprocessTTS, engine_version, require_binary
from transmodal.types import Modality, ModelCard, ModelEntry, TransmodalError

APT_PACKAGES = "festival festvox-us-slt-hts"
VOICE_DIRS = ("/usr/share/festival/voices/*/{voice}", "/usr/local/share/festival/voices/*/{voice}")


class Festival(SubprocessTTS):
    engine = "festival"

    def __init__(self, voice: str = "cmu_us_slt_arctic_hts") -> None:
        if not re.fullmatch(r"[A-Za-z0-9_]+", voice):
            raise TransmodalError(f"festival voice names are letters, digits and '_', got {voice!r}")
        self.binary = require_binary("text2wave", APT_PACKAGES)
        self.festival = require_binary("festival", APT_PACKAGES)
        super().__init__({"voice": voice})

    def version(self) -> str:
        return engine_version(self.festival, "--version")

    def data_files(self) -> list[Path]:
        voice = self.params["voice"]
        roots = [Path(p) for pattern in VOICE_DIRS for p in glob.glob(pattern.format(voice=voice))]
        if not roots:
            raise TransmodalError(
                f"festival voice {voice!r} not found under /usr/share/festival/voices; "
                f"install it with: apt-get install {APT_PACKAGES}"
            )
        return [p for root in roots for p in root.rglob("*") if p.is_file()]

    def command(self, text_path: Path, wav_path: Path) -> list[str]:
        return [self.binary, str(text_path), "-o", str(wav_path), "-eval", f"(voice_{self.params['voice']})"]


def load(device: str = "cpu", voice: str = "cmu_us_slt_arctic_hts") -> Festival:
    """Build the festival translator (``device`` is ignored: CPU only)."""
    return Festival(voice=voice)


FESTIVAL_SLT_HTS = ModelEntry(
    name="festival-slt-hts",
    source=Modality.TEXT,
    target=Modality.AUDIO,
    factory=load,
    card=ModelCard(
        license="Festival: X11-style; festvox-us-slt-hts voice: BSD-3-Clause",
        weights_source="Debian packages festival + festvox-us-slt-hts (HTS voice file)",
        revision="festival 2.5.0, festvox-us-slt-hts 0.2010.10.25",
        size="~2 MB voice",
        hardware="cpu",
        prefetch="apt-get install festival festvox-us-slt-hts",
        offline=True,
    ),
    params={"voice": "cmu_us_slt_arctic_hts"},
)
