"""Tesseract OCR (Debian ``tesseract-ocr`` + ``tesseract-ocr-eng``) as an image -> text Translator.

Each image is decoded with ``transmodal.media.load_image`` (RGB), sent losslessly
as PNG on stdin to ``tesseract stdin stdout -l LANG --psm PSM --oem OEM`` and the
output is whitespace-normalised: every run of whitespace (newlines, the trailing
form feed) becomes one space, ends stripped. Tesseract's LSTM engine is
deterministic, so seeds are ignored; ``OMP_THREAD_LIMIT=1`` keeps each process on
one core and ``workers`` processes run side by side (output order is the batch
order; results do not depend on ``workers`` or batch size).

Fingerprint = sha256 over ``tesseract --version`` (engine + leptonica + image
libraries), the sha256 of ``<tessdata>/<lang>.traineddata`` for every language in
``lang``, and the params (lang, psm, oem). Pitfalls: ``--psm`` changes layout
analysis (3 = automatic page segmentation, 7 = one text line) and thus the
output; a missing binary or language pack raises one line naming the apt package.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from transmodal.types import Modality, ModelCard, ModelEntry, Sample, TransmodalError

_TESSDATA_LINE = re.compile(r'"([^"]+)"')


def _run(args: list[str], data: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        return subprocess.run(args, input=data, capture_output=True, timeout=timeout, env=env, check=False)
    except FileNotFoundError as error:
        raise TransmodalError("tesseract not found: apt-get install tesseract-ocr tesseract-ocr-eng") from error
    except subprocess.TimeoutExpired as error:
        raise TransmodalError(f"tesseract timed out after {timeout:.0f} s") from error


def tessdata_dir(binary: str = "tesseract") -> Path:
    """The tessdata folder the binary reads (from ``tesseract --list-langs``)."""
    listing = _run([binary, "--list-langs"])
    text = (listing.stdout + listing.stderr).decode("utf-8", "replace")
    match = _TESSDATA_LINE.search(text)
    if not match:
        raise TransmodalError(f"cannot find tesseract's tessdata folder in: {text.strip()[:200]}")
    return Path(match.group(1))


class TesseractOCR:
    """Image -> text with the tesseract command-line program."""

    source = Modality.IMAGE
    target = Modality.TEXT

    def __init__(self, lang: str = "eng", psm: int = 3, oem: int = 1, workers: int = 2, binary: str = "tesseract") -> None:
        if shutil.which(binary) is None:
            raise TransmodalError("tesseract not found: apt-get install tesseract-ocr tesseract-ocr-eng")
        self.binary, self.lang, self.psm, self.oem = binary, lang, int(psm), int(oem)
        self.workers = max(1, int(workers))
        version = _run([binary, "--version"])
        self.version = (version.stdout + version.stderr).decode("utf-8", "replace").strip()
        tessdata = tessdata_dir(binary)
        self.traineddata: dict[str, str] = {}
        for language in lang.split("+"):
            path = tessdata / f"{language}.traineddata"
            if not path.is_file():
                raise TransmodalError(f"tesseract language {language!r} missing in {tessdata}: apt-get install tesseract-ocr-{language}")
            self.traineddata[language] = hashlib.sha256(path.read_bytes()).hexdigest()

    def fingerprint(self) -> str:
        parts = ["tesseract", self.version, f"lang={self.lang}", f"psm={self.psm}", f"oem={self.oem}"]
        parts += [f"{lang}:{digest}" for lang, digest in sorted(self.traineddata.items())]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def _ocr_one(self, source) -> str:
        from transmodal.media import image_to_png_bytes, load_image

        png = image_to_png_bytes(load_image(source))
        args = [self.binary, "stdin", "stdout", "-l", self.lang, "--psm", str(self.psm), "--oem", str(self.oem)]
        result = _run(args, png)
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise TransmodalError(f"tesseract failed (exit {result.returncode}): {message[-1] if message else 'no message'}")
        return " ".join(result.stdout.decode("utf-8", "replace").split())

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[str]:
        if len(seeds) != len(batch):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        sources = [sample.source for sample in batch]
        if self.workers == 1 or len(sources) == 1:
            return [self._ocr_one(source) for source in sources]
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(self._ocr_one, sources))


def make_tesseract(device: str = "cpu", **params) -> TesseractOCR:
    """Factory: tesseract runs on CPU whatever ``device`` says."""
    return TesseractOCR(**params)


TESSERACT_ENG = ModelEntry(
    name="tesseract-eng",
    source=Modality.IMAGE,
    target=Modality.TEXT,
    factory=make_tesseract,
    card=ModelCard(
        license="Apache-2.0 (engine and eng.traineddata)",
        weights_source="Debian packages tesseract-ocr, tesseract-ocr-eng (tessdata_fast LSTM model)",
        revision="the installed Debian package versions (fingerprint hashes the binary's --version and eng.traineddata)",
        size="~4 MB traineddata",
        hardware="cpu",
        prefetch="apt-get install tesseract-ocr tesseract-ocr-eng",
        offline=True,
    ),
    params={"lang": "eng", "psm": 3, "oem": 1},
)
