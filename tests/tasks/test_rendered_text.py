"""rendered_text: deterministic PIL renderings of fixed sentences for OCR."""

import numpy as np
import pytest
from PIL import Image, ImageFont

from transmodal.media import content_hash
from transmodal.tasks.datasets import rendered_text
from transmodal.types import TransmodalError


def _ink_box(image: Image.Image):
    """(left, top, right, bottom) of all non-white (inked, incl. antialiased) pixels."""
    dark = np.argwhere(np.asarray(image) < 255)
    (top, left), (bottom, right) = dark.min(axis=0), dark.max(axis=0)
    return left, top, right + 1, bottom + 1


def test_one_sample_per_sentence_with_its_text_as_reference():
    samples = rendered_text.load_rendered_text()
    assert len(samples) == len(rendered_text.SENTENCES) == 30
    assert [s.references for s in samples] == [(text,) for text in rendered_text.SENTENCES]
    assert len({s.id for s in samples}) == 30
    for sample in samples:
        assert isinstance(sample.source, Image.Image) and sample.source.mode == "L"
        assert sample.meta["words"] == len(sample.references[0].split())


def test_rendering_is_deterministic():
    first = [content_hash(s.source) for s in rendered_text.load_rendered_text()]
    second = [content_hash(s.source) for s in rendered_text.load_rendered_text()]
    assert first == second
    assert len(set(first)) == 30


def test_black_ink_on_white_with_the_documented_padding():
    for text in ("The bridge was built in 1889.", "Seven swans swim slowly across the lake."):
        image = rendered_text.render_line(text)
        pixels = np.asarray(image)
        assert pixels.min() == 0 and pixels.max() == 255
        assert np.mean(pixels == 255) > 0.6  # mostly background
        left, top, right, bottom = _ink_box(image)
        pad = rendered_text.PADDING
        # no ink inside the padding frame; side bearings leave at most a few px more
        margins = (left, top, image.width - right, image.height - bottom)
        assert all(pad <= margin <= pad + 4 for margin in margins), margins
        assert top == pad  # the box FreeType reports starts at the tallest glyph's top
        # size = the text box FreeType reports (font.getbbox) + 2 * padding, computed here from the font
        font = ImageFont.truetype(str(rendered_text.font_path()), rendered_text.FONT_SIZE)
        box = font.getbbox(text)
        assert image.size == (box[2] - box[0] + 2 * pad, box[3] - box[1] + 2 * pad)


def test_longer_sentences_give_wider_images():
    short, long = rendered_text.render_line("Mix blue."), rendered_text.render_line("Mix blue and yellow to make green.")
    assert long.width > 2 * short.width - 2 * rendered_text.PADDING
    assert abs(long.height - short.height) <= 12


def test_dataset_id_covers_sentences_and_font(monkeypatch):
    first = rendered_text.dataset_id()
    assert first.startswith("rendered-text@v1-") and first == rendered_text.dataset_id()
    monkeypatch.setattr(rendered_text, "SENTENCES", rendered_text.SENTENCES[:-1] + ("Something else.",))
    assert rendered_text.dataset_id() != first
    monkeypatch.undo()
    monkeypatch.setattr(rendered_text, "_font_sha256", lambda: "f" * 64)
    assert rendered_text.dataset_id() != first


def test_missing_font_names_the_debian_package(monkeypatch):
    monkeypatch.setattr(rendered_text, "_font_candidates", lambda: iter([]))
    rendered_text.font_path.cache_clear()
    try:
        with pytest.raises(TransmodalError, match="apt-get install fonts-dejavu-core"):
            rendered_text.load_rendered_text()
    finally:
        rendered_text.font_path.cache_clear()
