"""Local corpora: datasets.save_to_disk folders, LibriSpeech and Common Voice layouts."""

from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image

from transmodal.media import load_audio
from transmodal.tasks.datasets import hf_local
from transmodal.types import Audio, Modality, TransmodalError

datasets = pytest.importorskip("datasets")


def _tone(seconds: float, rate: int, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.2 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _write(path: Path, wave: np.ndarray, rate: int, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), wave, rate, **kwargs)
    return path


@pytest.fixture
def audio_dataset(tmp_path):
    files = [_write(tmp_path / "src" / f"{i}.wav", _tone(0.1 * (i + 1), 16000, 300 + 100 * i), 16000) for i in range(3)]
    table = datasets.Dataset.from_dict(
        {
            "audio": [str(f) for f in files],
            "text": ["one", "two", "three"],
            "id": ["u1", "u2", "u3"],
            "gender": ["F", "M", "F"],
        }
    ).cast_column("audio", datasets.Audio())
    return table, files


def test_load_from_disk_embeds_audio(tmp_path, audio_dataset):
    table, files = audio_dataset
    table.save_to_disk(str(tmp_path / "saved"))
    for file in files:
        file.unlink()  # the saved copy must not need the originals
    samples = hf_local.load_hf_disk(tmp_path / "saved")
    assert [s.id for s in samples] == ["u1", "u2", "u3"]
    assert [s.references for s in samples] == [("one",), ("two",), ("three",)]
    assert [s.meta for s in samples] == [{"gender": "F"}, {"gender": "M"}, {"gender": "F"}]
    for i, sample in enumerate(samples):
        assert isinstance(sample.source, Audio) and sample.source.sample_rate == 16000
        np.testing.assert_allclose(sample.source.waveform, _tone(0.1 * (i + 1), 16000, 300 + 100 * i), atol=1 / 32768)


def test_dataset_dict_needs_a_split(tmp_path, audio_dataset):
    table, _ = audio_dataset
    datasets.DatasetDict({"test": table, "train": table}).save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(TransmodalError, match="choose split= one of test, train"):
        hf_local.load_hf_disk(tmp_path / "dd")
    assert len(hf_local.load_hf_disk(tmp_path / "dd", split="train")) == 3
    datasets.DatasetDict({"validation": table}).save_to_disk(str(tmp_path / "one"))
    assert len(hf_local.load_hf_disk(tmp_path / "one")) == 3  # a single split is picked


def test_columns_and_images(tmp_path):
    pictures = []
    for i in range(2):
        pictures.append(tmp_path / f"{i}.png")
        Image.new("RGB", (5, 4), (i * 100, 0, 0)).save(pictures[-1])
    table = datasets.Dataset.from_dict(
        {"image": [str(p) for p in pictures], "captions": [["a", "b"], ["c"]]}
    ).cast_column("image", datasets.Image())
    table.save_to_disk(str(tmp_path / "imgs"))
    samples = hf_local.load_hf_disk(
        tmp_path / "imgs", Modality.IMAGE, Modality.TEXT, source_column="image", reference_column="captions"
    )
    assert [s.id for s in samples] == ["0", "1"]
    assert samples[0].references == ("a", "b") and samples[1].references == ("c",)
    assert samples[1].source.size == (5, 4) and samples[1].source.getpixel((0, 0)) == (100, 0, 0)
    with pytest.raises(TransmodalError, match="no column 'text'; columns: image, captions"):
        hf_local.load_hf_disk(tmp_path / "imgs", Modality.IMAGE, Modality.TEXT, source_column="image")


def test_not_a_saved_dataset(tmp_path):
    with pytest.raises(TransmodalError, match="folder not found"):
        hf_local.load_hf_disk(tmp_path / "nothing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(TransmodalError):
        hf_local.load_hf_disk(tmp_path / "plain")


@pytest.fixture
def librispeech(tmp_path):
    root = tmp_path / "LibriSpeech"
    split = root / "test-clean"
    for speaker, chapter, lines in (("121", "123859", ["HELLO THERE", "GOOD DAY"]), ("1089", "134686", ["YES"])):
        folder = split / speaker / chapter
        entries = []
        for n, text in enumerate(lines):
            utt = f"{speaker}-{chapter}-{n:04d}"
            _write(folder / f"{utt}.flac", _tone(0.2, 16000, 200 + n * 50), 16000, format="FLAC")
            entries.append(f"{utt} {text}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{speaker}-{chapter}.trans.txt").write_text("\n".join(entries) + "\n")
    (root / "SPEAKERS.TXT").write_text(
        "; ID      |SEX| SUBSET           |MINUTES| NAME\n121     | F | test-clean       |  8.0 | Anne\n"
    )
    return split


def test_librispeech_layout(librispeech):
    samples = hf_local.load_librispeech(librispeech)
    assert [s.id for s in samples] == ["1089-134686-0000", "121-123859-0000", "121-123859-0001"]
    assert samples[1].references == ("HELLO THERE",)
    assert samples[1].meta == {"speaker": "121", "chapter": "123859", "gender": "F"}
    assert samples[0].meta == {"speaker": "1089", "chapter": "134686"}  # not in SPEAKERS.TXT
    assert load_audio(samples[2].source).sample_rate == 16000
    assert hf_local.detect_layout(librispeech) == "librispeech"


def test_librispeech_errors(librispeech, tmp_path):
    next(librispeech.glob("121/*/*0001.flac")).unlink()
    with pytest.raises(TransmodalError, match="121-123859-0001.flac"):
        hf_local.load_librispeech(librispeech)
    (tmp_path / "empty").mkdir()
    with pytest.raises(TransmodalError, match="no LibriSpeech transcripts"):
        hf_local.load_librispeech(tmp_path / "empty")


@pytest.fixture
def common_voice(tmp_path):
    root = tmp_path / "cv-corpus" / "en"
    clips = root / "clips"
    _write(clips / "common_voice_en_1.mp3", _tone(0.5, 48000), 48000, format="MP3")
    _write(clips / "common_voice_en_2.mp3", _tone(0.5, 48000, 300), 48000, format="MP3")
    header = "client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccents\tlocale\tsegment\n"
    (root / "test.tsv").write_text(
        header
        + "abc\tcommon_voice_en_1.mp3\tHello \"there\".\t2\t0\ttwenties\tfemale\tIndia\ten\t\n"
        + "def\tcommon_voice_en_2.mp3\tGood day.\t2\t0\t\t\t\ten\t\n"
    )
    return root


def test_common_voice_layout(common_voice):
    first, second = hf_local.load_common_voice(common_voice)
    assert first.id == "common_voice_en_1" and first.references == ('Hello "there".',)
    assert first.meta == {"speaker": "abc", "age": "twenties", "gender": "female", "accent": "India", "locale": "en"}
    assert second.meta == {"speaker": "def", "locale": "en"}
    audio = load_audio(first.source, rate=16000)  # MP3 at 48 kHz, resampled
    assert audio.sample_rate == 16000 and abs(audio.duration - 0.5) < 0.1
    assert hf_local.detect_layout(common_voice) == "common-voice"
    with pytest.raises(TransmodalError, match="no train.tsv in .* splits: test"):
        hf_local.load_common_voice(common_voice, "train")


def test_speech_corpus_dispatch(tmp_path, librispeech, common_voice, audio_dataset):
    table, _ = audio_dataset
    table.save_to_disk(str(tmp_path / "saved"))
    assert len(hf_local.load_speech_corpus(tmp_path / "saved")) == 3
    assert len(hf_local.load_speech_corpus(librispeech)) == 3
    assert len(hf_local.load_speech_corpus(common_voice, "test")) == 2
    with pytest.raises(TransmodalError, match="column options"):
        hf_local.load_speech_corpus(librispeech, reference_column="x")
    (tmp_path / "other").mkdir()
    with pytest.raises(TransmodalError, match="is not a datasets.save_to_disk folder"):
        hf_local.detect_layout(tmp_path / "other")
