"""Image -> image "translators" built from Pillow codecs: real degradations, no weights.

They make FID/KID demonstrable offline on real photographs: the output is the
source photo after a known, graded degradation, so the metrics must rank them
(heavier degradation -> larger distance to the originals).

* ``jpeg``: re-encode with Pillow's JPEG encoder at ``quality`` (1-95; default
  4:2:0 chroma subsampling, no ``optimize``), decode back to RGB.
* ``identity``: the decoded source itself (RGB), the no-degradation baseline.
* ``downscale``: bicubic (``Image.BICUBIC``, antialiased) downscale by ``factor``
  to ``(max(1, W // factor), max(1, H // factor))`` then bicubic upscale back to
  ``(W, H)``.

Both are deterministic: seeds are accepted and ignored. Sources are decoded with
``transmodal.media.load_image`` (RGB). Fingerprint: sha256 of the family, the
parameters, the Pillow version and the libjpeg version (the encoder's output
bytes depend on it).
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any, Sequence

from transmodal.media import load_image
from transmodal.types import Modality, ModelCard, ModelEntry, Sample, TransmodalError


class PillowImageCodec:
    """Base: ``translate`` applies :meth:`apply` to each sample's source image."""

    source = Modality.IMAGE
    target = Modality.IMAGE
    family = ""

    def __init__(self, **params: Any) -> None:
        self.params = params

    def fingerprint(self) -> str:
        import PIL
        from PIL import features

        payload = {
            "family": self.family,
            "params": self.params,
            "pillow": PIL.__version__,
            "libjpeg": features.version("jpg"),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def apply(self, image):  # pragma: no cover - abstract
        raise NotImplementedError

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list:
        if len(batch) != len(seeds):
            raise TransmodalError(f"{self.family}: got {len(batch)} samples but {len(seeds)} seeds")
        return [self.apply(load_image(sample.source)) for sample in batch]


class Identity(PillowImageCodec):
    """Returns the decoded source unchanged: the baseline row of a degradation table."""

    family = "identity"

    def apply(self, image):
        return image


class JpegCodec(PillowImageCodec):
    family = "jpeg"

    def __init__(self, quality: int = 50) -> None:
        if not 1 <= int(quality) <= 95:
            raise TransmodalError(f"jpeg quality must be in 1..95, got {quality}")
        super().__init__(quality=int(quality))

    def apply(self, image):
        from PIL import Image

        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=self.params["quality"])
        buffer.seek(0)
        with Image.open(buffer) as decoded:
            return decoded.convert("RGB")


class DownUpscale(PillowImageCodec):
    family = "downscale"

    def __init__(self, factor: int = 4) -> None:
        if int(factor) < 1:
            raise TransmodalError(f"downscale factor must be >= 1, got {factor}")
        super().__init__(factor=int(factor))

    def apply(self, image):
        from PIL import Image

        factor = self.params["factor"]
        width, height = image.size
        small = image.resize((max(1, width // factor), max(1, height // factor)), resample=Image.BICUBIC)
        return small.resize((width, height), resample=Image.BICUBIC)


def _identity(device: str = "cpu") -> Identity:
    return Identity()


def _jpeg(device: str = "cpu", quality: int = 50) -> JpegCodec:
    return JpegCodec(quality=quality)


def _downscale(device: str = "cpu", factor: int = 4) -> DownUpscale:
    return DownUpscale(factor=factor)


_CARD = ModelCard(license="HPND (Pillow) / IJG (libjpeg)", weights_source="none: Pillow codec", size="0 parameters")

IDENTITY = ModelEntry("identity-image", Modality.IMAGE, Modality.IMAGE, _identity, _CARD)
JPEG_Q10 = ModelEntry("jpeg-q10", Modality.IMAGE, Modality.IMAGE, _jpeg, _CARD, {"quality": 10})
JPEG_Q50 = ModelEntry("jpeg-q50", Modality.IMAGE, Modality.IMAGE, _jpeg, _CARD, {"quality": 50})
DOWNSCALE_X4 = ModelEntry("downscale-x4", Modality.IMAGE, Modality.IMAGE, _downscale, _CARD, {"factor": 4})
