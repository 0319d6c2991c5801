"""pil_text_render: a deterministic text -> image model (Pillow + DejaVu Sans)."""

import shutil

import numpy as np
import pytest
from PIL import Image, ImageFont

from transmodal.media import content_hash
from transmodal.reference_models import pil_text_render
from transmodal.types import Modality, Sample, Translator, TransmodalError

LONG = "Every answer must be written in ink and every question must be read twice before you start."


@pytest.fixture(scope="module")
def renderer():
    return pil_text_render.make_pil_text_render()


def _ink_rows(image: Image.Image) -> np.ndarray:
    return np.flatnonzero((np.asarray(image.convert("L")) < 255).any(axis=1))


def test_outputs_rgb_images_deterministically(renderer):
    assert isinstance(renderer, Translator) and (renderer.source, renderer.target) == (Modality.TEXT, Modality.IMAGE)
    batch = [Sample("a", "Fresh bread is baked here every day."), Sample("b", LONG)]
    first = renderer.translate(batch, [1, 2])
    assert all(isinstance(im, Image.Image) and im.mode == "RGB" for im in first)
    again = renderer.translate(batch[::-1], [3, 4])[::-1]
    assert [content_hash(im) for im in first] == [content_hash(im) for im in again]
    assert [content_hash(im) for im in first] == [content_hash(renderer.translate([s], [0])[0]) for s in batch]


def test_single_line_size_follows_the_documented_formula(renderer):
    font = ImageFont.truetype(str(pil_text_render.find_font()), 28)
    ascent, descent = font.getmetrics()
    image = renderer.render("Mix blue and yellow.")
    assert image.size == (round(font.getlength("Mix blue and yellow.")) + 32, ascent + descent + 32)
    pixels = np.asarray(image)
    assert pixels.min() == 0 and (pixels[:16] == 255).all() and (pixels[:, :16] == 255).all()


def test_long_text_wraps_within_max_width():
    narrow = pil_text_render.make_pil_text_render(max_width=400)
    image = narrow.render(LONG)
    assert image.width <= 400
    lines = narrow._wrap(LONG)
    assert len(lines) >= 3 and " ".join(lines) == LONG
    font = ImageFont.truetype(str(pil_text_render.find_font()), 28)
    assert all(font.getlength(line) <= 400 - 32 for line in lines)
    # greedy: the first word of each next line would not have fitted on the previous one
    assert all(font.getlength(a + " " + b.split()[0]) > 400 - 32 for a, b in zip(lines, lines[1:]))
    assert image.height == round(1.25 * 28) * (len(lines) - 1) + sum(font.getmetrics()) + 32
    fixed = pil_text_render.make_pil_text_render(max_width=400, fixed_width=True)
    assert fixed.render("Hi.").width == 400


def test_empty_text_is_a_blank_canvas(renderer):
    image = renderer.render("")
    assert len(_ink_rows(image)) == 0 and image.height > 0


def test_fingerprint_tracks_settings(renderer):
    assert renderer.fingerprint() == pil_text_render.make_pil_text_render().fingerprint()
    assert renderer.fingerprint() != pil_text_render.make_pil_text_render(font_size=20).fingerprint()
    assert renderer.fingerprint() != pil_text_render.make_pil_text_render(max_width=512).fingerprint()


def test_bad_input_is_a_one_line_error(renderer):
    with pytest.raises(TransmodalError, match="needs text"):
        renderer.translate([Sample("x", Image.new("RGB", (4, 4)))], [0])
    with pytest.raises(TransmodalError, match="bad render settings"):
        pil_text_render.make_pil_text_render(max_width=20, padding=16)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr-eng")
def test_round_trip_render_then_ocr_gives_the_text_back():
    from transmodal.reference_models import tesseract

    renderer = pil_text_render.make_pil_text_render(max_width=500)
    ocr = tesseract.make_tesseract()
    texts = [LONG, "The price rose by 15 percent last year."]
    images = renderer.translate([Sample(str(i), t) for i, t in enumerate(texts)], [0, 0])
    assert ocr.translate([Sample(str(i), im) for i, im in enumerate(images)], [0, 0]) == texts
