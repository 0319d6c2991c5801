"""Manifests (JSONL / CSV / TSV / folder) for any pair of modalities, and their errors."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image

from transmodal.tasks.datasets.manifests import load_manifest, samples_digest
from transmodal.types import Modality, TransmodalError

A, T, I = Modality.AUDIO, Modality.TEXT, Modality.IMAGE


def _wav(path: Path, seconds: float = 0.2, rate: int = 16000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tone = 0.1 * np.sin(np.arange(int(seconds * rate)) / 7.0)
    soundfile.write(str(path), tone.astype(np.float32), rate)
    return path


def _png(path: Path, value: int = 90) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 3), (value, 0, 0)).save(path)
    return path


def _jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_jsonl_audio_to_text_resolves_relative_paths(tmp_path):
    _wav(tmp_path / "clips" / "a.wav")
    absolute = _wav(tmp_path / "elsewhere" / "b.flac", rate=22050)
    manifest = _jsonl(
        tmp_path / "m.jsonl",
        [
            {"source": "clips/a.wav", "reference": "hello world", "speaker": "s1"},
            {"id": "second", "source": str(absolute), "references": ["one", "two"], "meta": {"gender": "F"}},
        ],
    )
    first, second = load_manifest(manifest, A, T)
    assert first.id == "clips/a.wav" and first.source == tmp_path / "clips" / "a.wav"
    assert first.references == ("hello world",) and first.meta == {"speaker": "s1"}
    assert second.id == "second" and second.source == absolute
    assert second.references == ("one", "two") and second.meta == {"gender": "F"}


def test_csv_and_tsv(tmp_path):
    _wav(tmp_path / "a.wav")
    _wav(tmp_path / "b.wav")
    for name, delimiter in (("m.csv", ","), ("m.tsv", "\t")):
        with (tmp_path / name).open("w", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(["id", "source", "references", "accent", "meta"])
            writer.writerow(["x", "a.wav", json.dumps(["a, b", "c"]), "scottish", json.dumps({"age": 30})])
            writer.writerow(["y", "b.wav", "", "", ""])
        x, y = load_manifest(tmp_path / name, A, T)
        assert x.references == ("a, b", "c") and x.meta == {"accent": "scottish", "age": 30}
        assert y.references == () and y.source == tmp_path / "b.wav"


def test_text_to_image_and_image_to_text(tmp_path):
    _png(tmp_path / "img" / "cat.png")
    manifest = _jsonl(tmp_path / "t2i.jsonl", [{"source": "a red square", "reference": "img/cat.png"}])
    (sample,) = load_manifest(manifest, T, I)
    assert sample.id == "row-0" and sample.source == "a red square"
    assert sample.references == (tmp_path / "img" / "cat.png",)
    manifest = _jsonl(tmp_path / "i2t.jsonl", [{"file_name": "img/cat.png", "references": ["a cat", "red"]}])
    (sample,) = load_manifest(manifest, I, T)
    assert sample.source == tmp_path / "img" / "cat.png" and sample.references == ("a cat", "red")


def test_text_to_speech_references_are_audio_paths(tmp_path):
    _wav(tmp_path / "ref.wav")
    (sample,) = load_manifest(_jsonl(tmp_path / "m.jsonl", [{"source": "hi", "reference": "ref.wav"}]), T, A)
    assert sample.references == (tmp_path / "ref.wav",)


def test_folder_pairs_files_by_stem(tmp_path):
    _wav(tmp_path / "a.wav")
    (tmp_path / "a.txt").write_text("first one\n")
    _wav(tmp_path / "sub" / "b.flac")
    (tmp_path / "sub" / "b.txt").write_text("second")
    _wav(tmp_path / "c.wav")  # no transcript
    samples = load_manifest(tmp_path, A, T)
    assert [s.id for s in samples] == ["a.wav", "c.wav", "sub/b.flac"]
    assert [s.references for s in samples] == [("first one",), (), ("second",)]
    _png(tmp_path / "pics" / "p.png")
    (tmp_path / "pics" / "p.txt").write_text("a caption")
    (pic,) = load_manifest(tmp_path / "pics", I, T)
    assert pic.references == ("a caption",)


def test_folder_with_metadata_file(tmp_path):
    _wav(tmp_path / "x.wav")
    _jsonl(tmp_path / "metadata.jsonl", [{"file_name": "x.wav", "text": "ignored column", "reference": "hi"}])
    (sample,) = load_manifest(tmp_path, A, T)
    assert sample.references == ("hi",) and sample.meta == {"text": "ignored column"}


def test_digest_tracks_content(tmp_path):
    _wav(tmp_path / "a.wav")
    manifest = _jsonl(tmp_path / "m.jsonl", [{"source": "a.wav", "reference": "x"}])
    first = samples_digest(load_manifest(manifest, A, T))
    assert first == samples_digest(load_manifest(manifest, A, T))
    _jsonl(manifest, [{"source": "a.wav", "reference": "y"}])
    second = samples_digest(load_manifest(manifest, A, T))
    assert second != first
    _wav(tmp_path / "a.wav", seconds=0.3)  # other audio bytes, same manifest
    assert samples_digest(load_manifest(manifest, A, T)) not in (first, second)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([{"reference": "x"}], "missing 'source'"),
        ([{"source": "nope.wav", "reference": "x"}], "audio file not found"),
        ([{"source": "bad.wav", "reference": "x"}], "cannot decode audio"),
        ([{"source": "ok.wav", "id": "1"}, {"source": "ok.wav", "id": "1"}], "duplicate id '1'"),
        ([{"source": "ok.wav", "references": "not a list"}], "JSON list"),
        ([{"source": "ok.wav", "meta": [1]}], "'meta' must be"),
        ([], "has no samples"),
    ],
)
def test_bad_jsonl_manifests(tmp_path, rows, message):
    _wav(tmp_path / "ok.wav")
    (tmp_path / "bad.wav").write_bytes(b"RIFF....WAVEfmt garbage")
    with pytest.raises(TransmodalError, match=message) as error:
        load_manifest(_jsonl(tmp_path / "m.jsonl", rows), A, T)
    assert "\n" not in str(error.value)


def test_other_bad_inputs(tmp_path):
    with pytest.raises(TransmodalError, match="manifest not found"):
        load_manifest(tmp_path / "missing.jsonl", A, T)
    (tmp_path / "m.jsonl").write_text('{"source": "a.wav"\n')
    with pytest.raises(TransmodalError, match=r"m.jsonl:1: invalid JSON"):
        load_manifest(tmp_path / "m.jsonl", A, T)
    (tmp_path / "m.csv").write_text("")
    with pytest.raises(TransmodalError, match="no header"):
        load_manifest(tmp_path / "m.csv", A, T)
    (tmp_path / "h.csv").write_text("id,reference\n1,hello\n")
    with pytest.raises(TransmodalError, match=r"h.csv:2: missing 'source'"):
        load_manifest(tmp_path / "h.csv", A, T)
    (tmp_path / "m.xml").write_text("<x/>")
    with pytest.raises(TransmodalError, match="unknown manifest format"):
        load_manifest(tmp_path / "m.xml", A, T)
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG broken")
    _jsonl(tmp_path / "i.jsonl", [{"source": "corrupt.png", "reference": "x"}])
    with pytest.raises(TransmodalError, match="cannot decode image"):
        load_manifest(tmp_path / "i.jsonl", I, T)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TransmodalError, match="has no samples"):
        load_manifest(empty, A, T)
    with pytest.raises(TransmodalError, match="text->text"):
        load_manifest(empty, T, T)
