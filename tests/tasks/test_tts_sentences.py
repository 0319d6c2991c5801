"""tts-sentences: the Harvard sentence file, its loader and the text->speech task spec."""

import re

import pytest

from transmodal import registry
from transmodal.tasks import text_to_speech
from transmodal.tasks.datasets import tts_sentences
from transmodal.types import Modality, TransmodalError

# hand-checked against the published IEEE 1969 lists (first and last sentence of lists 1-5)
KNOWN = {
    "h01-01": "The birch canoe slid on the smooth planks.",
    "h01-10": "A large size in stockings is hard to sell.",
    "h02-01": "The boy was there when the sun rose.",
    "h02-10": "The girl at the booth sold fifty bonds.",
    "h03-01": "The small pup gnawed a hole in the sock.",
    "h03-10": "Read verse out loud for pleasure.",
    "h04-01": "Hoist the load to your left shoulder.",
    "h04-10": "What joy there is in living.",
    "h05-01": "A king ruled the state in the early days.",
    "h05-10": "Mesh wire keeps chicks inside.",
}


def test_file_ships_ten_full_lists_with_known_sentences():
    samples = tts_sentences.load()
    assert len(samples) == 100
    assert tts_sentences.available_lists() == list(range(1, 11))
    by_id = {s.id: s for s in samples}
    for sample_id, text in KNOWN.items():
        assert by_id[sample_id].source == text
    for n in range(1, 11):
        ids = [s.id for s in samples if s.meta["list"] == n]
        assert ids == [f"h{n:02d}-{k:02d}" for k in range(1, 11)]


def test_samples_have_text_source_and_reference():
    for sample in tts_sentences.load([1, 2]):
        assert isinstance(sample.source, str) and sample.source.strip() == sample.source
        assert sample.references == (sample.source,)
        assert re.fullmatch(r"h0[12]-\d\d", sample.id)
        assert sample.meta["list"] == int(sample.id[1:3])
        assert sample.source[0].isupper() and sample.source[-1] in ".?!"
        assert 3 <= len(sample.source.split()) <= 12
    assert len(tts_sentences.load([3])) == 10


def test_dataset_id_pins_lists_and_content(tmp_path):
    assert tts_sentences.dataset_id([1, 2, 3, 4, 5]).startswith("harvard-sentences[1-5]@")
    assert tts_sentences.dataset_id([1, 3]).startswith("harvard-sentences[1,3]@")
    assert tts_sentences.dataset_id([1, 2]) != tts_sentences.dataset_id([1, 3])
    edited = tmp_path / "h.txt"
    edited.write_text(tts_sentences.DATA_FILE.read_text().replace("birch canoe", "birch kayak"))
    assert tts_sentences.dataset_id([1], edited) != tts_sentences.dataset_id([1])
    assert tts_sentences.dataset_id([2], edited) == tts_sentences.dataset_id([2])


def test_bad_files_and_lists_are_one_line_errors(tmp_path):
    with pytest.raises(TransmodalError, match="list\\(s\\) 11 not shipped"):
        tts_sentences.load([1, 11])
    bad = tmp_path / "bad.txt"
    bad.write_text("h01-01\tFine.\nh01-02 missing tab\n")
    with pytest.raises(TransmodalError, match="bad.txt:2: expected"):
        tts_sentences.load(path=bad)
    dup = tmp_path / "dup.txt"
    dup.write_text("h01-01\tOne.\nh01-01\tTwo.\n")
    with pytest.raises(TransmodalError, match="duplicate sentence id h01-01"):
        tts_sentences.load(path=dup)
    with pytest.raises(TransmodalError, match="not found"):
        tts_sentences.load(path=tmp_path / "none.txt")


def test_task_spec_from_registry():
    task = registry.tasks.get("tts-sentences")
    assert task is text_to_speech.TTS_SENTENCES
    assert task.source is Modality.TEXT and task.target is Modality.AUDIO and task.kind == "translation"
    samples = task.load()
    assert [s.id for s in samples[:2]] == ["h01-01", "h01-02"] and len(samples) == 50
    assert {s.meta["list"] for s in samples} == {1, 2, 3, 4, 5}
    assert task.dataset_id == tts_sentences.dataset_id([1, 2, 3, 4, 5])
    labels = [m.label() for m in task.metrics]
    assert labels == [
        "intelligibility-wer[judge=whisper-base,normalizer=whisper-en]",
        "intelligibility-cer[judge=whisper-base,normalizer=whisper-en]",
        "audio-duration",
    ]
    assert task.config()["generation"] == {}


def test_harvard_task_builder():
    task = text_to_speech.harvard_task([6, 7], judge="whisper-tiny.en")
    assert task.name == "tts-harvard-6-7" and len(task.load()) == 20
    assert task.metrics[0].options == {"judge": "whisper-tiny.en", "normalizer": "whisper-en"}
    assert len(text_to_speech.harvard_task(None).load()) == 100
