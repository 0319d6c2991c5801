"""tesseract: real OCR with Debian's tesseract-ocr-eng on the rendered-text set.

CER/WER are computed with jiwer (the peer library) so this test does not depend on
our own metric code.
"""

import io
import shutil

import pytest
from PIL import Image

from transmodal.media import image_to_png_bytes
from transmodal.reference_models import tesseract
from transmodal.tasks.datasets.rendered_text import load_rendered_text, render_line
from transmodal.types import Modality, Sample, Translator, TransmodalError

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs the tesseract binary (apt-get install tesseract-ocr-eng)")


@pytest.fixture(scope="module")
def ocr():
    return tesseract.make_tesseract(workers=2)


def test_reads_the_rendered_text_set(ocr):
    jiwer = pytest.importorskip("jiwer")
    samples = load_rendered_text()
    outputs = ocr.translate(samples, [0] * len(samples))
    references = [s.references[0] for s in samples]
    assert len(outputs) == len(samples) and all(isinstance(o, str) for o in outputs)
    assert all("\n" not in o and o == o.strip() for o in outputs)
    cer = jiwer.cer(references, outputs)
    print(f"tesseract-eng on rendered-text: CER={cer:.4f} WER={jiwer.wer(references, outputs):.4f}")
    assert cer <= 0.02  # clean 28 px DejaVu Sans: a working engine reads it (almost) perfectly


def test_matches_the_command_line_directly(ocr):
    """Same bytes on stdin as a user typing `tesseract x.png stdout -l eng --psm 3 --oem 1`."""
    import subprocess

    image = render_line("Our train leaves from platform 12 at noon.").convert("RGB")
    direct = subprocess.run(["tesseract", "stdin", "stdout", "-l", "eng", "--psm", "3", "--oem", "1"],
                            input=image_to_png_bytes(image), capture_output=True, check=True).stdout.decode()
    assert ocr.translate([Sample("x", image)], [0]) == [" ".join(direct.split())]


def test_paths_arrays_and_images_are_all_accepted_and_order_is_kept(ocr, tmp_path):
    import numpy as np

    texts = ["Seven swans swim.", "Turn left here.", "Water boils at 100 degrees."]
    path = tmp_path / "line.png"
    render_line(texts[0]).save(path)
    sources = [path, np.asarray(render_line(texts[1]).convert("RGB")), render_line(texts[2])]
    batch = [Sample(str(i), s) for i, s in enumerate(sources)]
    assert ocr.translate(batch, [0, 0, 0]) == texts
    single = tesseract.make_tesseract(workers=1)
    assert single.translate(batch, [7, 8, 9]) == texts  # workers and seeds change nothing


def test_blank_image_reads_as_empty_string(ocr):
    assert ocr.translate([Sample("blank", Image.new("RGB", (200, 60), "white"))], [0]) == [""]


def test_corrupt_and_missing_images_raise_one_line_errors(ocr, tmp_path):
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"this is not an image at all")
    with pytest.raises(TransmodalError, match="cannot decode image") as error:
        ocr.translate([Sample("g", garbage)], [0])
    assert "\n" not in str(error.value)
    truncated = tmp_path / "truncated.png"
    buffer = io.BytesIO()
    render_line("The quick brown fox jumps over the lazy dog.").save(buffer, format="PNG")
    truncated.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(TransmodalError, match="cannot decode image"):
        ocr.translate([Sample("t", truncated)], [0])
    with pytest.raises(TransmodalError, match="image file not found"):
        ocr.translate([Sample("m", tmp_path / "missing.png")], [0])
    with pytest.raises(TransmodalError, match="1 samples but 2 seeds"):
        ocr.translate([Sample("m", tmp_path / "missing.png")], [0, 1])


def test_fingerprint_pins_engine_traineddata_and_params(ocr):
    import hashlib

    assert isinstance(ocr, Translator) and (ocr.source, ocr.target) == (Modality.IMAGE, Modality.TEXT)
    assert ocr.fingerprint() == tesseract.make_tesseract().fingerprint()
    assert ocr.fingerprint() != tesseract.make_tesseract(psm=7).fingerprint()
    assert "tesseract 5" in ocr.version or "tesseract 4" in ocr.version
    traineddata = tesseract.tessdata_dir() / "eng.traineddata"
    assert ocr.traineddata == {"eng": hashlib.sha256(traineddata.read_bytes()).hexdigest()}
    changed = tesseract.make_tesseract()
    changed.traineddata = {"eng": "0" * 64}
    assert changed.fingerprint() != ocr.fingerprint()


def test_missing_language_names_its_debian_package():
    with pytest.raises(TransmodalError, match="apt-get install tesseract-ocr-xyz"):
        tesseract.make_tesseract(lang="eng+xyz")
