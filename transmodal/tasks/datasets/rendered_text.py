"""rendered-text: fixed English sentences rendered as images, for OCR (image -> text).

Each sentence is drawn once, deterministically, with Pillow's FreeType renderer:
font DejaVu Sans (``DejaVuSans.ttf``) at 28 px, black (0) on a white (255) 8-bit
grayscale canvas, 16 px padding around the text box FreeType reports
(``font.getbbox``; side bearings can leave the ink a few px further in), one line,
Pillow's default antialiasing, no noise. ``source`` is the PIL image (the runner hashes its
pixels); ``references`` is ``(sentence,)``.

Font lookup (shared with ``pil-text-render``, in :mod:`transmodal.media`): Debian ``fonts-dejavu-core``
(``/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf``), then ``fc-match``, then the
copy matplotlib ships (``matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf``). The font
file's sha256 enters :func:`dataset_id`; the pixels themselves also depend on the
FreeType version, which per-sample source hashes catch in cache keys.

The sentences mix capitals, digits and punctuation and run 3-12 words, so CER and
WER both move when an OCR engine confuses similar glyphs (``l``/``1``, ``O``/``0``).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from transmodal.media import DEJAVU_SANS, dejavu_sans_candidates, find_dejavu_sans
from transmodal.types import Sample, TransmodalError

FONT_NAME = DEJAVU_SANS
FONT_SIZE = 28
PADDING = 16
VERSION = 1

SENTENCES: tuple[str, ...] = (
    "The quick brown fox jumps over the lazy dog.",
    "A cup of coffee costs 3 dollars and 50 cents.",
    "Please close the window before you leave.",
    "The meeting starts at 9:30 on Monday morning.",
    "Seven swans swim slowly across the lake.",
    "Our train leaves from platform 12 at noon.",
    "She planted 24 tulips along the garden path.",
    "Turn left at the second traffic light.",
    "The museum is open from April to October.",
    "Water boils at 100 degrees Celsius.",
    "He wrote a long letter to his grandmother.",
    "Keep the receipt in case you need a refund.",
    "The library has more than 8000 books.",
    "Bright stars filled the clear night sky.",
    "Add two eggs, flour and a pinch of salt.",
    "The bridge was built in 1889.",
    "Quiet streets, empty shops, closed doors.",
    "Can you hear the birds singing outside?",
    "Jack packed his bag for the long journey.",
    "The price rose by 15 percent last year.",
    "Wind turbines spin on the distant hills.",
    "My phone number ends in 4721.",
    "Fresh bread is baked here every day.",
    "The children built a sandcastle on the beach.",
    "Exit the building by the nearest stairs.",
    "Zebras and giraffes live on the open plains.",
    "The report is due on Friday, June 6.",
    "Mix blue and yellow to make green.",
    "A small boat drifted toward the harbor.",
    "Every answer must be written in ink.",
)


def _font_candidates():
    """Candidate font files, lazily (see :func:`transmodal.media.dejavu_sans_candidates`)."""
    return dejavu_sans_candidates()


@lru_cache(maxsize=1)
def font_path() -> Path:
    """The DejaVu Sans file used for rendering (see the module docstring for the order)."""
    return find_dejavu_sans(_font_candidates())


def _font_sha256() -> str:
    try:
        return hashlib.sha256(font_path().read_bytes()).hexdigest()
    except TransmodalError:
        return "font-missing"


def dataset_id() -> str:
    """``rendered-text@v<version>-<12 hex>`` over the sentences, render settings and font bytes."""
    payload = "\x1f".join([*SENTENCES, FONT_NAME, str(FONT_SIZE), str(PADDING), _font_sha256()])
    return f"rendered-text@v{VERSION}-{hashlib.sha256(payload.encode()).hexdigest()[:12]}"


def render_line(text: str):
    """``text`` as one line: a grayscale PIL image, black ink on white, 16 px padding."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(font_path()), FONT_SIZE)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 2 * PADDING, bottom - top + 2 * PADDING), 255)
    ImageDraw.Draw(image).text((PADDING - left, PADDING - top), text, font=font, fill=0)
    return image


def load_rendered_text() -> list[Sample]:
    """One sample per sentence: id ``line-NN``, source the rendered image, references ``(sentence,)``."""
    return [
        Sample(
            id=f"line-{index:02d}",
            source=render_line(sentence),
            references=(sentence,),
            meta={"font": FONT_NAME, "font_size": FONT_SIZE, "words": len(sentence.split())},
        )
        for index, sentence in enumerate(SENTENCES)
    ]
