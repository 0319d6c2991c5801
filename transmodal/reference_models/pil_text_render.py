"""A deterministic text -> image "model": Pillow draws the text on a white canvas.

It exists so that text -> image -> text round trips (render, then OCR with
``tesseract-eng``) run on real code offline, and as a floor for text-to-image
metrics (it draws words, not scenes).

Rendering, exactly: font DejaVu Sans (the same ``DejaVuSans.ttf`` lookup as the
rendered-text dataset, :func:`transmodal.media.find_dejavu_sans`: Debian ``fonts-dejavu-core``, then ``fc-match``, then
matplotlib's copy) at ``font_size`` px; words are greedily wrapped so that no line's
ink is wider than ``max_width - 2 * padding`` px (a single over-long word gets its
own line); lines are ``round(1.25 * font_size)`` px apart; black ink on a white
RGB canvas of width ``max(line widths) + 2 * padding`` (or exactly ``max_width``
with ``fixed_width=True``). Seeds are ignored: output is a pure function of the
text, the font file and the FreeType build.

Fingerprint = sha256 over the font file's sha256, Pillow's and FreeType's versions
and every parameter.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from transmodal.media import DEJAVU_SANS, find_dejavu_sans
from transmodal.types import Modality, ModelCard, ModelEntry, Sample, TransmodalError

FONT_NAME = DEJAVU_SANS


@lru_cache(maxsize=1)
def find_font() -> Path:
    """DejaVu Sans: Debian's file, else ``fc-match``'s answer, else matplotlib's copy."""
    return find_dejavu_sans()


class PILTextRender:
    """Text -> image by drawing the text with Pillow."""

    source = Modality.TEXT
    target = Modality.IMAGE

    def __init__(self, font_size: int = 28, padding: int = 16, max_width: int = 1024, fixed_width: bool = False) -> None:
        from PIL import ImageFont

        if font_size <= 0 or padding < 0 or max_width <= 2 * padding:
            raise TransmodalError(f"bad render settings: font_size={font_size}, padding={padding}, max_width={max_width}")
        self.font_size, self.padding, self.max_width, self.fixed_width = int(font_size), int(padding), int(max_width), bool(fixed_width)
        self.font_file = find_font()
        self.font = ImageFont.truetype(str(self.font_file), self.font_size)

    def fingerprint(self) -> str:
        import PIL
        from PIL import features

        parts = [
            "pil-text-render",
            hashlib.sha256(self.font_file.read_bytes()).hexdigest(),
            f"pillow={PIL.__version__}",
            f"freetype={features.version('freetype2')}",
            f"font_size={self.font_size}",
            f"padding={self.padding}",
            f"max_width={self.max_width}",
            f"fixed_width={self.fixed_width}",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def _wrap(self, text: str) -> list[str]:
        limit = self.max_width - 2 * self.padding
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            current = ""
            for word in paragraph.split():
                trial = f"{current} {word}" if current else word
                if current and self.font.getlength(trial) > limit:
                    lines.append(current)
                    current = word
                else:
                    current = trial
            lines.append(current)
        return lines

    def render(self, text: str):
        """The PIL RGB image of ``text``."""
        from PIL import Image, ImageDraw

        if not isinstance(text, str):
            raise TransmodalError(f"pil-text-render needs text, got {type(text).__name__}")
        lines = self._wrap(text)
        ascent, descent = self.font.getmetrics()
        step = round(1.25 * self.font_size)
        widths = [round(self.font.getlength(line)) for line in lines]
        width = self.max_width if self.fixed_width else max(widths, default=0) + 2 * self.padding
        height = step * (len(lines) - 1) + ascent + descent + 2 * self.padding
        image = Image.new("RGB", (max(width, 1), height), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines):
            draw.text((self.padding, self.padding + row * step), line, font=self.font, fill=(0, 0, 0))
        return image

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list:
        if len(seeds) != len(batch):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        return [self.render(sample.source) for sample in batch]


def make_pil_text_render(device: str = "cpu", **params) -> PILTextRender:
    """Factory: Pillow renders on CPU whatever ``device`` says."""
    return PILTextRender(**params)


PIL_TEXT_RENDER = ModelEntry(
    name="pil-text-render",
    source=Modality.TEXT,
    target=Modality.IMAGE,
    factory=make_pil_text_render,
    card=ModelCard(
        license="Pillow: MIT-CMU (HPND); DejaVu fonts: Bitstream Vera / public-domain changes",
        weights_source="no weights: Pillow + DejaVuSans.ttf (Debian fonts-dejavu-core)",
        revision="font sha256 + Pillow/FreeType versions (in the fingerprint)",
        size="0",
        hardware="cpu",
        prefetch="apt-get install fonts-dejavu-core",
        offline=True,
    ),
    params={"font_size": 28, "padding": 16, "max_width": 1024},
)
